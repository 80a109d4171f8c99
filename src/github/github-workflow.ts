import * as fs from 'fs';
import * as path from 'path';
import { Annotations, attachCustomSynthesis, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { buildJob, grantBuild } from './private/build-job';
import { deployJob } from './private/deploy-job';
import { checkPropsObject, checkRequired, checkType } from './private/props';
import { trainJob } from './private/train-job';
import { checkBranch, checkLine, checkOutputPath, checkPinnedActions, checkVariablePrefix, jobEnvironment } from './private/workflow-checks';
import { JobContext } from './private/workflow-context';
import { Workflow, WorkflowJob } from './private/workflow-model';
import { renderWorkflow, WORKFLOW_ACTIONS } from './private/workflow-render';
import { JobPresents, JobTrust, sharedTrust, untrustedJob } from './private/workflow-trust';
import { WorkflowValues } from './private/workflow-values';
import { WorkflowDeployOptions, WorkflowTrainOptions } from './workflow-options';
import { IBuildableImage } from '../image/buildable-image';

/**
 * Properties of a `GitHubWorkflow`.
 */
export interface GitHubWorkflowProps {
  /**
   * The image the workflow builds and pushes (tagged with the git SHA), e.g.
   * a `CustomTrainingImage`. The workflow grants `buildRole` what the build
   * needs: `image.grantPullPush()`, `ecr:DescribeImages` on its repository,
   * and pulling its base image.
   */
  readonly image: IBuildableImage;

  /**
   * The role the build job assumes through GitHub OIDC.
   *
   * A `GitHubActionsRole` must trust what the job presents, and no other job
   * of the workflow, which is checked at synth:
   * `GitHubSubject.environment(buildEnvironment)` (by default `build`), or,
   * with `defaultEnvironments: false` and no `buildEnvironment`,
   * `GitHubSubject.branch(branch)` (or a branch pattern that matches it).
   * Other roles (e.g. an imported one) are not checked.
   */
  readonly buildRole: iam.IRole;

  /**
   * The GitHub environment the build job runs in. Its OIDC subject is then
   * `repo:<owner>/<repo>:environment:<name>`, which no other job presents, so
   * `buildRole` trusts this job alone. Create the environment in the
   * repository (Settings, Environments) and limit its deployment branches to
   * `branch`.
   *
   * @default 'build' (with `defaultEnvironments: false`: no environment, and the subject names the branch)
   */
  readonly buildEnvironment?: string;

  /**
   * Give each job that names no environment of its own a GitHub environment
   * (`build`, `train`, `production`), so that each job presents its own OIDC
   * subject and each role can trust one job only.
   *
   * AWS IAM conditions a GitHub token only on its `aud` and `sub` claims (not
   * on `job_workflow_ref` or `job`), and jobs without an environment on one
   * branch all present `repo:<owner>/<repo>:ref:refs/heads/<branch>`: with
   * `false`, the roles of such jobs cannot tell them apart.
   *
   * @default true
   */
  readonly defaultEnvironments?: boolean;

  /**
   * Start a SageMaker pipeline with the new image and wait for it.
   *
   * @default - no training job
   */
  readonly train?: WorkflowTrainOptions;

  /**
   * Run `cdk deploy` after the build (and the training, if any), setting the
   * image's tag parameter to the git SHA (and, with `deploy.modelPackageGroup`,
   * the model package parameter to the newest approved version).
   *
   * @default - no deployment job
   */
  readonly deploy?: WorkflowDeployOptions;

  /**
   * The branch whose pushes run the workflow (it can also be run by hand).
   *
   * @default 'main'
   */
  readonly branch?: string;

  /**
   * The workflow's name, shown in the Actions tab.
   *
   * @default 'SageMaker'
   */
  readonly workflowName?: string;

  /**
   * The Docker build context, relative to the repository root.
   *
   * `npx cdk-sagemaker-github init-container` writes the starter container
   * (Dockerfile, `train`, `serve`, `evaluate`) into `container/`, this default;
   * give `'.'` for a Dockerfile at the repository root.
   *
   * @default 'container'
   */
  readonly dockerContext?: string;

  /**
   * The Dockerfile, relative to the repository root.
   *
   * @default - `Dockerfile` in `dockerContext`
   */
  readonly dockerfile?: string;

  /**
   * Free disk space on the runner before building (`jlumbroso/free-disk-space`):
   * CUDA and PyTorch images of 15–25 GB do not fit on a hosted runner otherwise.
   *
   * @default true
   */
  readonly freeDiskSpace?: boolean;

  /**
   * Where the workflow file is written at synthesis: a `.yml` or `.yaml`
   * file, relative to the current directory unless absolute.
   *
   * @default '.github/workflows/sagemaker.yml'
   */
  readonly outputPath?: string;

  /**
   * Other commits for the actions, by `owner/repo`, e.g.
   * `{ 'actions/checkout': '<40 hex digits>' }`. Every action is written
   * `owner/repo@<sha> # <version>`, the form that Dependabot and Renovate
   * update; an action given here gets the major version the workflow is
   * written for as its comment (e.g. `# v7`), so give a commit of that major version. The actions
   * and their default commits: `jlumbroso/free-disk-space` v1.3.1,
   * `actions/checkout` v7.0.1, `aws-actions/configure-aws-credentials`
   * v6.2.3, `aws-actions/amazon-ecr-login` v2.1.7,
   * `docker/setup-buildx-action` v4.3.0, `docker/build-push-action` v7.3.0,
   * `actions/setup-node` v7.0.0, and for the deploy job of a Python, Java or Go
   * app `actions/setup-python` v7.0.0, `actions/setup-java` v5.7.0 or
   * `actions/setup-go` v7.0.0 (see `GitHubWorkflow.pinnedActionVersions`).
   *
   * @default - every action is pinned to the commit of the release the library carries
   */
  readonly pinnedActions?: { [action: string]: string };

  /**
   * The prefix of the repository variables that hold values only known after
   * deployment (`<prefix>_BUILD_ROLE_ARN`, ...). Give each workflow of a
   * repository its own prefix.
   *
   * @default 'SAGEMAKER'
   */
  readonly variablePrefix?: string;
}

/**
 * A GitHub Actions workflow generated from the constructs it deploys with:
 * build and push the image, start the training pipeline with it and wait,
 * then `cdk deploy` with the new image tag.
 *
 * The file is written during synthesis (`cdk synth` writes it to
 * `outputPath`); commit it. Jobs get AWS credentials through GitHub OIDC
 * (no stored keys): the workflow's token may only read the contents, and
 * only the jobs that assume a role get `id-token: write`. Each job runs in a
 * GitHub environment of its own (`build`, `train`, `production`; create them
 * in the repository and limit their deployment branches), so that each role
 * trusts exactly one job. Actions are pinned to full commit SHAs.
 *
 * Values known at synth time (an imported role's ARN, a stack's concrete
 * region) are written into the file. Values only known after deployment (the
 * ARN of a role created by the stack, the repository URI, the region of an
 * environment-agnostic stack) are read from GitHub repository variables
 * `<prefix>_<NAME>`:
 *
 * | variable | value |
 * |---|---|
 * | `<prefix>_AWS_REGION` | the stack's region |
 * | `<prefix>_BUILD_ROLE_ARN` | `buildRole.roleArn` |
 * | `<prefix>_IMAGE_REPOSITORY_URI` | `image.repository.repositoryUri` |
 * | `<prefix>_ECR_REGISTRIES` | the account IDs of the repository and the Deep Learning Container registry |
 * | `<prefix>_BASE_IMAGE_URI` | the Deep Learning Container the Dockerfile builds `FROM` |
 * | `<prefix>_TRAIN_ROLE_ARN` | `train.role.roleArn` |
 * | `<prefix>_PIPELINE_NAME` | `train.pipeline.pipelineName` |
 * | `<prefix>_PIPELINE_IMAGE_PARAMETER` | `train.pipeline.imageUriParameterName` |
 * | `<prefix>_DEPLOY_ROLE_ARN` | `deploy.role.roleArn` |
 * | `<prefix>_MODEL_PACKAGE_GROUP` | `deploy.modelPackageGroup.modelPackageGroupName` |
 *
 * For each such variable the construct adds a stack output holding the
 * `gh variable set <NAME> --body "<value>"` command: deploy the stack once,
 * run the commands, and the workflow runs from then on.
 *
 * @example
 * declare const image: CustomTrainingImage;
 * declare const buildRole: iam.IRole;
 *
 * new GitHubWorkflow(this, 'Workflow', {
 *   image,
 *   buildRole,
 *   outputPath: '.github/workflows/sagemaker.yml',
 * });
 */
export class GitHubWorkflow extends Construct {
  /**
   * The `event_type` of the `repository_dispatch` event on which the deploy
   * job deploys an approved model version (`client_payload.model_package_arn`).
   */
  public static readonly MODEL_APPROVED_EVENT_TYPE = 'sagemaker-model-approved';

  /**
   * The release tag of each action's default commit, by `owner/repo`, e.g.
   * `{ 'actions/checkout': 'v7.0.1', ... }`.
   */
  public static pinnedActionVersions(): { [action: string]: string } {
    return Object.fromEntries(Object.values(WORKFLOW_ACTIONS).map((a) => [a.name, a.version]));
  }

  /**
   * The default commit of each action, by `owner/repo`: the commit of the
   * release tag in `pinnedActionVersions()`.
   */
  public static pinnedActionCommits(): { [action: string]: string } {
    return Object.fromEntries(Object.values(WORKFLOW_ACTIONS).map((a) => [a.name, a.sha]));
  }

  /** The absolute path of the workflow file written at synthesis. */
  public readonly outputPath: string;

  /** The workflow's name. */
  public readonly workflowName: string;

  /** The names of the repository variables the workflow reads, in order of use. */
  public readonly repositoryVariables: string[];

  private readonly workflow: Workflow;
  private readonly pinned: Record<string, string>;

  constructor(scope: Construct, id: string, props: GitHubWorkflowProps) {
    super(scope, id);
    checkWorkflowProps(props);

    const branch = props.branch ?? 'main';
    checkBranch(branch);
    const outputPath = props.outputPath ?? '.github/workflows/sagemaker.yml';
    checkOutputPath(outputPath);
    this.outputPath = path.resolve(outputPath);
    // GitHub runs only the workflow files directly in .github/workflows of the repository
    // ("Workflow syntax for GitHub Actions": workflow files live in the .github/workflows directory).
    if (path.basename(path.dirname(path.dirname(this.outputPath))) !== '.github' || path.basename(path.dirname(this.outputPath)) !== 'workflows') {
      Annotations.of(this).addWarningV2('cdk-sagemaker-github:workflowOutsideGitHubWorkflows',
        `gitHubWorkflow outputPath ${outputPath} is not in a .github/workflows directory, and GitHub runs only the workflow `
        + 'files there: copy the file to .github/workflows/ of the repository, or write it there with outputPath');
    }
    const clash = this.node.root.node.findAll()
      .find((c): c is GitHubWorkflow => c instanceof GitHubWorkflow && c !== this && c.outputPath === this.outputPath);
    if (clash) {
      throw new Error(`gitHubWorkflow outputPath '${outputPath}' is also the file of ${clash.node.path}: `
        + 'each workflow needs a file of its own, e.g. \'.github/workflows/<name>.yml\'');
    }
    this.workflowName = props.workflowName ?? 'SageMaker';
    checkLine('workflowName', this.workflowName, 'give a short single-line name such as \'SageMaker\'');
    const prefix = props.variablePrefix ?? 'SAGEMAKER';
    checkVariablePrefix(prefix);
    this.pinned = checkPinnedActions(props.pinnedActions ?? {});

    const values = new WorkflowValues(this, prefix);
    const region = values.use('AWS_REGION', 'the AWS region', Stack.of(this).region);
    const context = new JobContext(this, values, region, this.pinned);

    const environments = props.defaultEnvironments ?? true;
    const buildEnvironment = jobEnvironment('buildEnvironment', props.buildEnvironment, environments ? 'build' : undefined);
    const trainEnvironment = props.train
      ? jobEnvironment('train.environment', props.train.environment, environments ? 'train' : undefined) : undefined;
    const deployEnvironment = props.deploy
      ? jobEnvironment('deploy.environment', props.deploy.environment, environments ? 'production' : undefined) : undefined;

    // With a model package group, an approval event deploys the approved version.
    const onApproval = props.deploy?.modelPackageGroup !== undefined;

    grantBuild(props.image, props.buildRole);
    const jobs: Record<string, WorkflowJob> = {
      build: buildJob(context, {
        image: props.image,
        role: props.buildRole,
        environment: buildEnvironment,
        dockerContext: props.dockerContext,
        dockerfile: props.dockerfile,
        freeDiskSpace: props.freeDiskSpace,
      }),
    };
    const needs = ['build'];
    if (props.train) {
      jobs.train = trainJob(context, props.train, trainEnvironment, onApproval);
      needs.push('train');
    }
    if (props.deploy) {
      jobs.deploy = deployJob(context, props.deploy, props.image, needs, deployEnvironment, onApproval);
    }
    this.repositoryVariables = values.variables.map((v) => v.name);

    const presents = (environment: string | undefined): JobPresents => environment !== undefined
      ? { kind: 'environment', name: environment } : { kind: 'branch', name: branch };
    const trusts: JobTrust[] = [
      { property: 'buildRole', job: 'build', role: props.buildRole, presents: presents(buildEnvironment) },
    ];
    if (props.train) {
      trusts.push({ property: 'train.role', job: 'train', role: props.train.role, presents: presents(trainEnvironment) });
    }
    if (props.deploy) {
      trusts.push({ property: 'deploy.role', job: 'deploy', role: props.deploy.role, presents: presents(deployEnvironment) });
    }
    this.node.addValidation({ validate: () => [...trusts.flatMap(untrustedJob), ...sharedTrust(trusts)] });

    this.workflow = {
      name: this.workflowName,
      on: {
        push: { branches: [branch] },
        workflow_dispatch: {},
        ...(onApproval ? { repository_dispatch: { types: [GitHubWorkflow.MODEL_APPROVED_EVENT_TYPE] } } : {}),
      },
      // Nothing beyond reading the contents for the workflow; the jobs that
      // assume a role add `id-token: write` for themselves.
      permissions: { contents: 'read' },
      concurrency: {
        // One run at a time per branch, and per model version for approval
        // events (so that duplicate events queue and the second finds the
        // version deployed); a newer push waits instead of cancelling a training run.
        'group': onApproval
          ? '${{ github.workflow }}-${{ github.event.client_payload.model_package_arn || github.ref }}'
          : '${{ github.workflow }}-${{ github.ref }}',
        'cancel-in-progress': false,
      },
      jobs,
    };

    const file = this.outputPath;
    const render = () => this.renderYaml();
    attachCustomSynthesis(this, {
      onSynthesize() {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, render());
      },
    });
  }

  /**
   * The workflow file's content, as written at synthesis.
   */
  public renderYaml(): string {
    const header = [
      ` Generated by cdk-sagemaker-github (GitHubWorkflow ${this.node.path}): do not edit.`,
      ' Change the CDK app and run `cdk synth` to update it.',
      ...(this.repositoryVariables.length > 0
        ? [` Repository variables: ${this.repositoryVariables.join(', ')} (see the stack outputs).`]
        : []),
    ].join('\n');
    return renderWorkflow(this.workflow, header, this.pinned);
  }
}

/** The props, before anything is built: what a plain JavaScript caller could get wrong. */
function checkWorkflowProps(props: GitHubWorkflowProps): void {
  checkPropsObject('gitHubWorkflow', props, '{ image, buildRole }');
  checkRequired('gitHubWorkflow', 'image', props.image, ['repository', 'cacheTag'],
    'give an IBuildableImage, e.g. a CustomTrainingImage');
  checkRequired('gitHubWorkflow', 'buildRole', props.buildRole, ['roleArn', 'grantPrincipal'],
    'give an iam.IRole, e.g. a GitHubActionsRole');
  if (props.train !== undefined) {
    checkPropsObject('gitHubWorkflow train', props.train, '{ pipeline, role }');
    checkRequired('gitHubWorkflow', 'train.pipeline', props.train.pipeline, ['pipelineName', 'grantManageExecutions'],
      'give an ISageMakerPipeline, e.g. the TrainingPipeline');
    checkRequired('gitHubWorkflow', 'train.role', props.train.role, ['roleArn', 'grantPrincipal'],
      'give an iam.IRole, e.g. a GitHubActionsRole');
  }
  if (props.deploy !== undefined) {
    checkPropsObject('gitHubWorkflow deploy', props.deploy, '{ role }');
    checkRequired('gitHubWorkflow', 'deploy.role', props.deploy.role, ['roleArn', 'grantPrincipal'],
      'give an iam.IRole, e.g. a GitHubActionsRole with grantCdkDeploy()');
    if (props.deploy.stacks !== undefined && (!Array.isArray(props.deploy.stacks) || props.deploy.stacks.some((s) => typeof s !== 'string'))) {
      throw new Error(`gitHubWorkflow deploy.stacks must be a list of stack patterns, got ${JSON.stringify(props.deploy.stacks)}: `
        + "give e.g. ['Prod/Training'], or leave it out for every stack");
    }
  }
  for (const [property, value] of Object.entries({
    branch: props.branch,
    workflowName: props.workflowName,
    dockerContext: props.dockerContext,
    dockerfile: props.dockerfile,
    outputPath: props.outputPath,
    variablePrefix: props.variablePrefix,
    buildEnvironment: props.buildEnvironment,
  })) {
    checkType('gitHubWorkflow', property, value, 'string', 'give a string, or leave it out for the default');
  }
  checkType('gitHubWorkflow', 'freeDiskSpace', props.freeDiskSpace, 'boolean', 'give true or false');
  checkType('gitHubWorkflow', 'defaultEnvironments', props.defaultEnvironments, 'boolean', 'give true or false');
  if (props.pinnedActions !== undefined && (props.pinnedActions === null || typeof props.pinnedActions !== 'object')) {
    throw new Error(`gitHubWorkflow pinnedActions must be a map of owner/repo to commit SHA, got ${JSON.stringify(props.pinnedActions)}: `
      + "give e.g. { 'actions/checkout': '<40 hex digits>' }");
  }
}
