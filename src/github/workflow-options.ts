import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ISageMakerPipeline } from '../pipeline/pipeline';
import { IModelPackageGroup } from '../training/model-package-group';

/**
 * The training job of a `GitHubWorkflow`: start the pipeline with the image
 * just pushed and wait for the execution to end.
 */
export interface WorkflowTrainOptions {
  /**
   * The pipeline to start. It must take the image URI as a parameter
   * (`imageUriParameterName`): the job passes `<repository>@<digest>` of the
   * image it has just pushed.
   */
  readonly pipeline: ISageMakerPipeline;

  /**
   * The role the job assumes through GitHub OIDC. The workflow grants it
   * `pipeline.grantManageExecutions()` (start, describe, list the steps of and stop executions).
   *
   * The job runs on pushes to `branch`: a `GitHubActionsRole` must trust
   * `GitHubSubject.branch(branch)` (or a branch pattern that matches it), which
   * is checked at synth. Other roles are not checked.
   */
  readonly role: iam.IRole;

  /**
   * How often the job asks SageMaker for the execution's status: 10 seconds to 10 minutes.
   *
   * @default Duration.seconds(30)
   */
  readonly pollInterval?: Duration;

  /**
   * How long the job may run (its `timeout-minutes`): whole minutes, 15 minutes
   * to 6 hours, the most a job on a GitHub-hosted runner may run.
   *
   * The job waits until 5 minutes before this and then stops the execution and
   * fails; cancelling the run stops it too. The job's AWS session lasts this
   * long (`role-duration-seconds`), so the role's `maxSessionDuration` must be
   * at least this; it is checked when the role is created in this app.
   *
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
}

/**
 * The deployment job of a `GitHubWorkflow`: `npx cdk deploy` from the repository.
 */
export interface WorkflowDeployOptions {
  /**
   * The role the job assumes through GitHub OIDC to run `cdk deploy`
   * (typically one allowed to assume the CDK bootstrap roles).
   *
   * A `GitHubActionsRole` must trust what the job presents, which is checked
   * at synth: `GitHubSubject.environment(environment)` when the job names an
   * environment, else `GitHubSubject.branch(branch)` (or a matching branch
   * pattern). Other roles are not checked.
   */
  readonly role: iam.IRole;

  /**
   * The stacks to deploy, as `cdk deploy` takes them (construct paths such as
   * `Prod/Training`, wildcards allowed).
   *
   * @default - every stack of the app (`--all`)
   */
  readonly stacks?: string[];

  /**
   * A GitHub environment for the job (for protection rules and required
   * reviewers). With an environment, the OIDC subject is
   * `repo:<owner>/<repo>:environment:<name>`, so the role must trust that subject.
   *
   * @default - no environment: the subject names the branch
   */
  readonly environment?: string;

  /**
   * Deploy the newest approved version of this model package group: before
   * `cdk deploy`, the job looks up the newest version whose approval status is
   * `Approved` (`aws sagemaker list-model-packages`) and passes its ARN to
   * `modelPackageParameter`. When the group has no approved version yet, the
   * job fails and says how to approve one. The workflow grants `role`
   * reading the group and its versions (`modelPackageGroup.grantRead`).
   *
   * Give it together with `modelPackageParameter`.
   *
   * @default - no model version is looked up
   */
  readonly modelPackageGroup?: IModelPackageGroup;

  /**
   * The stack parameter that takes the ARN of the model version to deploy
   * (e.g. the one whose value goes to `ModelSource.fromModelPackage`),
   * set with `cdk deploy --parameters <stack name>:<logical id>=<ARN>`. It must
   * be a `String` parameter of one of the deployed stacks: a stack that
   * `stacks` selects (or, without `stacks`, a stack outside any `Stage`, as
   * `cdk deploy --all` deploys), or a stack one of those depends on; checked at synth.
   *
   * Give it together with `modelPackageGroup`.
   *
   * @default - no model version is passed; required with `modelPackageGroup`, and then a
   * `String` parameter of one of the stacks the job deploys
   */
  readonly modelPackageParameter?: CfnParameter;
}
