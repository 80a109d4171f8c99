import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CdkApp } from './cdk-app';
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
   * A `GitHubActionsRole` must trust what the job presents, and no other job
   * of the workflow, which is checked at synth:
   * `GitHubSubject.environment(environment)` (by default `train`), or, with
   * `defaultEnvironments: false` and no `environment`,
   * `GitHubSubject.branch(branch)` (or a branch pattern that matches it).
   * Other roles are not checked.
   */
  readonly role: iam.IRole;

  /**
   * The GitHub environment the job runs in. Its OIDC subject is then
   * `repo:<owner>/<repo>:environment:<name>`, which no other job presents, so
   * `role` trusts this job alone. Create the environment in the repository
   * (Settings, Environments) and limit its deployment branches to `branch`.
   *
   * @default 'train' (with `defaultEnvironments: false`: no environment, and the subject names the branch)
   */
  readonly environment?: string;

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
 * The deployment job of a `GitHubWorkflow`: install the CDK app and run
 * `cdk deploy` from the repository.
 */
export interface WorkflowDeployOptions {
  /**
   * The CDK app the job deploys: its language, package manager and directory
   * (`CdkApp.typescript()`, `.python()`, `.java()`, `.golang()`, `.custom()`).
   *
   * @default - the app that synthesizes the workflow (`CdkApp.fromEnvironment()`): a Python, Java or Go app when a jsii host runs it, else a TypeScript app with the package manager of its lock file
   */
  readonly app?: CdkApp;

  /**
   * The role the job assumes through GitHub OIDC to run `cdk deploy`
   * (typically one allowed to assume the CDK bootstrap roles).
   *
   * A `GitHubActionsRole` must trust what the job presents, and no other job
   * of the workflow, which is checked at synth:
   * `GitHubSubject.environment(environment)` (by default `production`), or,
   * with `defaultEnvironments: false` and no `environment`,
   * `GitHubSubject.branch(branch)` (or a matching branch pattern). Other roles
   * are not checked.
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
   * The GitHub environment the job runs in (for protection rules and
   * required reviewers). The OIDC subject is then
   * `repo:<owner>/<repo>:environment:<name>`, so the role must trust that
   * subject. Create the environment in the repository (Settings,
   * Environments) and limit its deployment branches to `branch`.
   *
   * @default 'production' (with `defaultEnvironments: false`: no environment, and the subject names the branch)
   */
  readonly environment?: string;

  /**
   * Deploy the newest approved version of this model package group: before
   * `cdk deploy`, the job looks up the newest version whose approval status is
   * `Approved` (`aws sagemaker list-model-packages`) and passes its ARN to
   * `modelPackageParameter`. When the group has no approved version yet, the
   * job fails and says how to approve one. The workflow grants `role`
   * reading the group and its versions (`modelPackageGroup.grantRead`), and
   * describing the stack of `modelPackageParameter`.
   *
   * With a group, the workflow also runs on a `repository_dispatch` event of
   * type `sagemaker-model-approved` (`GitHubWorkflow.MODEL_APPROVED_EVENT_TYPE`)
   * whose `client_payload.model_package_arn` names a version of the group: the
   * deploy job (after the build job, which reuses the image of the commit;
   * training is skipped) checks through its role that the version is still
   * `Approved` and in this group, and deploys exactly that version; when the
   * stack already runs it, the job deploys nothing. Runs for the same version
   * queue one after the other. GitHub starts `repository_dispatch` runs on the
   * default branch only, so `branch` should be the default branch.
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
