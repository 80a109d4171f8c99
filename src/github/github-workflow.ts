import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GitHubActionsRole } from './github-actions-role';
import { environmentNameProblem, refNameProblem } from './private/names';
import { matchesLike } from './private/wildcard';
import { renderWorkflow, usesReference, WORKFLOW_ACTIONS, WorkflowAction } from './private/workflow-render';
import {
  approvedModelScript, checkVariablesScript, DeployParameter, deployScript, existingImageScript, imageUriScript,
  startPipelineScript, stopPipelineScript, waitForPipelineScript,
} from './private/workflow-scripts';
import { deployedStacks } from './private/workflow-stacks';
import { WorkflowValues } from './private/workflow-values';
import { CustomTrainingImage } from '../image/custom-training-image';
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
   * `pipeline.grantStartExecution()` (start, describe and stop executions).
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

/**
 * Properties of a `GitHubWorkflow`.
 */
export interface GitHubWorkflowProps {
  /**
   * The image the workflow builds and pushes (tagged with the git SHA).
   * The workflow grants `buildRole` what pushing it needs (`image.grantPush()`).
   */
  readonly image: CustomTrainingImage;

  /**
   * The role the build job assumes through GitHub OIDC.
   *
   * The job runs on pushes to `branch`: a `GitHubActionsRole` must trust
   * `GitHubSubject.branch(branch)` (or a branch pattern that matches it), which
   * is checked at synth. Other roles (e.g. an imported one) are not checked.
   */
  readonly buildRole: iam.IRole;

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
   * @default '.'
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
   * Actions pinned to a full commit SHA, by `owner/repo`, e.g.
   * `{ 'actions/checkout': '<40 hex digits>' }`. A pinned action is written
   * `owner/repo@<sha> # <version>`, the form that Dependabot and Renovate
   * update. The actions are `jlumbroso/free-disk-space`, `actions/checkout`,
   * `aws-actions/configure-aws-credentials`, `aws-actions/amazon-ecr-login`,
   * `docker/setup-buildx-action`, `docker/build-push-action` and `actions/setup-node`.
   *
   * @default - every action is referenced by its version tag
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

/** A GitHub-hosted job may run at most 6 hours (GitHub Actions usage limits, "Job execution time"). */
const MAX_JOB_MINUTES = 360;
/** The wait step gives up this long before the job's timeout, so that it can stop the execution and report. */
const WAIT_MARGIN_MINUTES = 5;
/** The build steps run only when no image of the commit exists yet. */
const EXISTING_IMAGE_MISSING = "steps.existing.outputs.digest == ''";
/** AssumeRoleWithWebIdentity takes 900 to 43,200 seconds (`role-duration-seconds`). */
const MIN_SESSION_MINUTES = 15;

/**
 * A GitHub Actions workflow generated from the constructs it deploys with:
 * build and push the image, start the training pipeline with it and wait,
 * then `cdk deploy` with the new image tag.
 *
 * The file is written during synthesis (`cdk synth` writes it to
 * `outputPath`); commit it. Jobs get AWS credentials through GitHub OIDC
 * (no stored keys); the workflow asks for `id-token: write` and
 * `contents: read` and nothing else.
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
  /** The absolute path of the workflow file written at synthesis. */
  public readonly outputPath: string;

  /** The workflow's name. */
  public readonly workflowName: string;

  /** The names of the repository variables the workflow reads, in order of use. */
  public readonly repositoryVariables: string[];

  private readonly workflow: object;
  private readonly pinned: Record<string, string>;

  constructor(scope: Construct, id: string, props: GitHubWorkflowProps) {
    super(scope, id);

    const branch = props.branch ?? 'main';
    checkBranch(branch);
    const outputPath = props.outputPath ?? '.github/workflows/sagemaker.yml';
    if (!/\.ya?ml$/.test(outputPath)) {
      throw new Error(`gitHubWorkflow outputPath '${outputPath}' is not a .yml or .yaml file: `
        + 'GitHub only runs workflow files with those extensions, e.g. \'.github/workflows/sagemaker.yml\'');
    }
    this.outputPath = path.resolve(outputPath);
    const clash = this.node.root.node.findAll()
      .find((c): c is GitHubWorkflow => c instanceof GitHubWorkflow && c !== this && c.outputPath === this.outputPath);
    if (clash) {
      throw new Error(`gitHubWorkflow outputPath '${outputPath}' is also the file of ${clash.node.path}: `
        + 'each workflow needs a file of its own, e.g. \'.github/workflows/<name>.yml\'');
    }
    this.workflowName = props.workflowName ?? 'SageMaker';
    checkLine('workflowName', this.workflowName, 'give a short single-line name such as \'SageMaker\'');
    const prefix = props.variablePrefix ?? 'SAGEMAKER';
    if (!/^[A-Z][A-Z0-9_]*$/.test(prefix) || prefix.startsWith('GITHUB_')) {
      throw new Error(`gitHubWorkflow variablePrefix '${prefix}' is not valid: GitHub variable names are `
        + 'letters, digits and _, and may not start with a digit or GITHUB_; use upper case such as \'SAGEMAKER\'');
    }
    this.pinned = checkPinnedActions(props.pinnedActions ?? {});

    const values = new WorkflowValues(this, prefix);
    const stack = Stack.of(this);
    const region = values.use('AWS_REGION', 'the AWS region', stack.region);

    props.image.grantPush(props.buildRole);
    const jobs: Record<string, object> = {
      build: this.buildJob(props, values, region),
    };
    const needs = ['build'];
    if (props.train) {
      jobs.train = this.trainJob(props.train, values, region);
      needs.push('train');
    }
    if (props.deploy) {
      jobs.deploy = this.deployJob(props.deploy, props.image, values, region, needs);
    }
    this.repositoryVariables = values.variables.map((v) => v.name);

    const trusts: JobTrust[] = [
      { property: 'buildRole', job: 'build', role: props.buildRole, presents: { kind: 'branch', name: branch } },
    ];
    if (props.train) {
      trusts.push({ property: 'train.role', job: 'train', role: props.train.role, presents: { kind: 'branch', name: branch } });
    }
    if (props.deploy) {
      const environment = props.deploy.environment;
      trusts.push({
        property: 'deploy.role',
        job: 'deploy',
        role: props.deploy.role,
        presents: environment !== undefined ? { kind: 'environment', name: environment } : { kind: 'branch', name: branch },
      });
    }
    this.node.addValidation({ validate: () => trusts.flatMap(untrustedJob) });

    this.workflow = {
      name: this.workflowName,
      on: {
        push: { branches: [branch] },
        workflow_dispatch: {},
      },
      permissions: {
        'id-token': 'write',
        'contents': 'read',
      },
      concurrency: {
        // One run at a time per branch; a newer push waits instead of cancelling a training run.
        'group': '${{ github.workflow }}-${{ github.ref }}',
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

  private uses(action: WorkflowAction): string {
    return usesReference(action, this.pinned);
  }

  private credentialsStep(role: string, region: string, session: string, durationSeconds?: number): object {
    return {
      name: 'Configure AWS credentials',
      uses: this.uses(WORKFLOW_ACTIONS.configureAwsCredentials),
      with: {
        'role-to-assume': role,
        'aws-region': region,
        'role-session-name': `${session}-\${{ github.run_id }}`,
        ...(durationSeconds !== undefined ? { 'role-duration-seconds': durationSeconds } : {}),
      },
    };
  }

  private checkVariablesStep(values: WorkflowValues, texts: string[]): object[] {
    const names = values.variables.map((v) => v.name).filter((name) => texts.some((t) => t.includes(`vars.${name} `)));
    if (names.length === 0) {
      return [];
    }
    return [{
      name: 'Check repository variables',
      env: Object.fromEntries(names.map((name) => [name, `\${{ vars.${name} }}`])),
      run: checkVariablesScript(names, Stack.of(this).stackName),
    }];
  }

  private buildJob(props: GitHubWorkflowProps, values: WorkflowValues, region: string): object {
    const image = props.image;
    const role = values.use('BUILD_ROLE_ARN', 'the role of the build job', props.buildRole.roleArn);
    const repository = values.use('IMAGE_REPOSITORY_URI', 'the URI of the image repository', image.repository.repositoryUri);
    const context = props.dockerContext ?? '.';
    checkLine('dockerContext', context, 'give a directory relative to the repository root, e.g. \'.\'');
    const dockerfile = props.dockerfile ?? path.posix.join(context, 'Dockerfile');
    checkLine('dockerfile', dockerfile, 'give a path relative to the repository root, e.g. \'Dockerfile\'');

    let registries: string | undefined;
    let baseImage: string | undefined;
    if (image.baseImage) {
      // Logging in to registries other than the account's own replaces the default, so list both.
      registries = values.use('ECR_REGISTRIES', 'the account IDs of the image repository and the base image registry',
        `${image.repository.env.account},${image.baseImage.registryAccountFor(this)}`);
      baseImage = values.use('BASE_IMAGE_URI', 'the Deep Learning Container the Dockerfile builds from',
        image.baseImage.imageUriFor(this));
    }

    const cache = `${repository}:${image.cacheTag}`;
    const build = {
      'context': context,
      'file': dockerfile,
      'push': true,
      // SageMaker rejects OCI image manifests ("Unsupported manifest media type
      // application/vnd.oci.image.manifest.v1+json"). Attestations force an OCI
      // image index, so provenance and SBOM are off, and the image exporter
      // writes Docker media types (oci-mediatypes=false; `push: true` sets
      // push=true on this image output): docs.docker.com/build/exporters/image-registry/
      'provenance': false,
      'sbom': false,
      'outputs': 'type=image,oci-mediatypes=false',
      'tags': `${repository}:\${{ github.sha }}`,
      // ECR stores a registry cache only as an OCI image manifest
      // (image-manifest=true,oci-mediatypes=true): docs.docker.com/build/cache/backends/registry/
      // and the ECR BuildKit remote cache announcement. The cache tag is the
      // repository's one mutable tag.
      'cache-from': `type=registry,ref=${cache}`,
      'cache-to': `type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true`,
      ...(baseImage ? { 'build-args': `BASE_IMAGE=${baseImage}` } : {}),
    };

    const steps: object[] = this.checkVariablesStep(values, [role, region, repository, registries ?? '', baseImage ?? '']);
    if (props.freeDiskSpace ?? true) {
      steps.push({ name: 'Free disk space', uses: this.uses(WORKFLOW_ACTIONS.freeDiskSpace) });
    }
    steps.push(
      { name: 'Check out', uses: this.uses(WORKFLOW_ACTIONS.checkout), with: { 'persist-credentials': false } },
      this.credentialsStep(role, region, 'sagemaker-build'),
      {
        name: 'Log in to Amazon ECR',
        uses: this.uses(WORKFLOW_ACTIONS.amazonEcrLogin),
        ...(registries ? { with: { registries } } : {}),
      },
      // Release tags are immutable: a re-run (or a run by hand) of a commit
      // that is already built reuses its image instead of failing to push.
      {
        name: 'Look for an image of this commit',
        id: 'existing',
        env: { REPOSITORY_URI: repository },
        run: existingImageScript(),
      },
      {
        name: 'Set up Docker Buildx',
        if: EXISTING_IMAGE_MISSING,
        uses: this.uses(WORKFLOW_ACTIONS.setupBuildx),
      },
      {
        name: 'Build and push the image',
        id: 'build',
        if: EXISTING_IMAGE_MISSING,
        uses: this.uses(WORKFLOW_ACTIONS.buildPush),
        with: build,
      },
      {
        name: 'Image URI',
        id: 'image',
        env: {
          REPOSITORY_URI: repository,
          DIGEST: '${{ steps.existing.outputs.digest || steps.build.outputs.digest }}',
        },
        run: imageUriScript(),
      },
    );
    return {
      'name': 'Build and push the image',
      'runs-on': 'ubuntu-latest',
      'outputs': {
        'image-uri': '${{ steps.image.outputs.uri }}',
        'digest': '${{ steps.image.outputs.digest }}',
      },
      steps,
    };
  }

  private trainJob(train: WorkflowTrainOptions, values: WorkflowValues, region: string): object {
    const pollSeconds = checkDuration('train.pollInterval', train.pollInterval ?? Duration.seconds(30), 10, 600, 'seconds');
    const timeoutSeconds = checkDuration('train.timeout', train.timeout ?? Duration.hours(1),
      MIN_SESSION_MINUTES * 60, MAX_JOB_MINUTES * 60, 'minutes');
    const parameterName = train.pipeline.imageUriParameterName;
    if (parameterName === undefined) {
      const pipelineName = Token.isUnresolved(train.pipeline.pipelineName) ? '(a token)' : `'${train.pipeline.pipelineName}'`;
      throw new Error(`gitHubWorkflow train.pipeline ${pipelineName} has no imageUriParameterName: the workflow passes `
        + 'the image it pushed to the pipeline through that parameter, so give the pipeline an image URI parameter '
        + '(TrainingPipeline has one when its image is a CustomTrainingImage) or leave out `train`');
    }
    train.pipeline.grantStartExecution(train.role);
    this.checkSessionDuration(train.role, timeoutSeconds);

    const role = values.use('TRAIN_ROLE_ARN', 'the role of the training job', train.role.roleArn);
    const pipeline = values.use('PIPELINE_NAME', 'the name of the SageMaker pipeline', train.pipeline.pipelineName);
    const parameter = values.use('PIPELINE_IMAGE_PARAMETER', 'the pipeline parameter that takes the image URI', parameterName);
    const run = '${{ github.run_id }}-${{ github.run_attempt }}';
    // ClientRequestToken must be 32 to 128 characters (SageMaker API reference, StartPipelineExecution).
    const stopToken = `github-actions-${run}-stop-pipeline`;
    const execution = '${{ steps.start.outputs.arn }}';
    return {
      'name': 'Train',
      'needs': 'build',
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': timeoutSeconds / 60,
      'env': {
        AWS_RETRY_MODE: 'standard',
        AWS_MAX_ATTEMPTS: 10,
      },
      'steps': [
        ...this.checkVariablesStep(values, [role, region, pipeline, parameter]),
        this.credentialsStep(role, region, 'sagemaker-train', timeoutSeconds),
        {
          name: 'Start the SageMaker pipeline',
          id: 'start',
          env: {
            PIPELINE_NAME: pipeline,
            IMAGE_PARAMETER: parameter,
            IMAGE_URI: '${{ needs.build.outputs.image-uri }}',
            CLIENT_REQUEST_TOKEN: `github-actions-${run}-start-pipeline`,
          },
          run: startPipelineScript(),
        },
        {
          name: 'Wait for the pipeline execution',
          env: {
            EXECUTION_ARN: execution,
            POLL_SECONDS: pollSeconds,
            WAIT_SECONDS: timeoutSeconds - WAIT_MARGIN_MINUTES * 60,
            STOP_REQUEST_TOKEN: stopToken,
          },
          run: waitForPipelineScript(),
        },
        {
          name: 'Stop the pipeline execution',
          // Also when the wait step fails (a CLI or network error, a runner
          // problem), so that a failed job never leaves the pipeline running.
          if: '(failure() || cancelled()) && steps.start.outputs.arn != \'\'',
          env: { EXECUTION_ARN: execution, STOP_REQUEST_TOKEN: stopToken },
          run: stopPipelineScript(),
        },
      ],
    };
  }

  private deployJob(deploy: WorkflowDeployOptions, image: CustomTrainingImage, values: WorkflowValues,
    region: string, needs: string[]): object {
    const stacks = deploy.stacks ?? [];
    for (const stack of stacks) {
      if (!/^[A-Za-z0-9*][A-Za-z0-9/*_.-]*$/.test(stack)) {
        throw new Error(`gitHubWorkflow deploy.stacks entry '${stack}' is not a stack pattern cdk deploy takes: `
          + 'give construct paths such as \'Prod/Training\' (letters, digits, /, -, _, . and * only)');
      }
    }
    if (deploy.environment !== undefined) {
      checkEnvironment(deploy.environment);
    }
    const role = values.use('DEPLOY_ROLE_ARN', 'the role of the deployment job', deploy.role.roleArn);
    const parameters: DeployParameter[] = [];
    const env: Record<string, string> = {};
    if (image.imageTagParameter) {
      parameters.push({ key: parameterKey(image.imageTagParameter), variable: 'IMAGE_TAG' });
      env.IMAGE_TAG = '${{ github.sha }}';
    }
    const model = this.modelVersion(deploy, values);
    if (model) {
      parameters.push({ key: model.key, variable: 'MODEL_PACKAGE_ARN' });
      env.MODEL_PACKAGE_ARN = '${{ steps.model.outputs.arn }}';
    }
    return {
      'name': 'Deploy',
      'needs': needs,
      'runs-on': 'ubuntu-latest',
      ...(deploy.environment !== undefined ? { environment: deploy.environment } : {}),
      'steps': [
        ...this.checkVariablesStep(values, [role, region, model?.group ?? '']),
        { name: 'Check out', uses: this.uses(WORKFLOW_ACTIONS.checkout), with: { 'persist-credentials': false } },
        {
          name: 'Set up Node.js',
          uses: this.uses(WORKFLOW_ACTIONS.setupNode),
          with: { 'node-version': 'lts/*', 'cache': 'npm' },
        },
        { name: 'Install dependencies', run: 'npm ci\n' },
        this.credentialsStep(role, region, 'sagemaker-deploy'),
        ...(model ? [{
          name: 'Find the newest approved model version',
          id: 'model',
          env: { MODEL_PACKAGE_GROUP: model.group },
          run: approvedModelScript(),
        }] : []),
        {
          name: 'Deploy',
          ...(Object.keys(env).length > 0 ? { env } : {}),
          run: deployScript(stacks, parameters),
        },
      ],
    };
  }

  /**
   * Checks `deploy.modelPackageGroup` and `deploy.modelPackageParameter`,
   * grants the deploy role the lookup, and returns the group's YAML value
   * and the `--parameters` key; `undefined` without a group.
   */
  private modelVersion(deploy: WorkflowDeployOptions, values: WorkflowValues): { group: string; key: string } | undefined {
    const group = deploy.modelPackageGroup;
    const parameter = deploy.modelPackageParameter;
    if (!group && !parameter) {
      return undefined;
    }
    if (!parameter) {
      throw new Error('gitHubWorkflow deploy.modelPackageGroup is given without deploy.modelPackageParameter: the job passes '
        + 'the ARN of the newest approved version to the deployed stacks through that parameter, so give the CfnParameter '
        + 'that takes the model package ARN (a String parameter of a deployed stack), or leave out modelPackageGroup');
    }
    const stack = Stack.of(parameter);
    const key = parameterKey(parameter);
    if (!group) {
      throw new Error(`gitHubWorkflow deploy.modelPackageParameter '${key}' is given without deploy.modelPackageGroup: `
        + 'the job sets that parameter to the newest approved version of a model package group, so give the group '
        + '(e.g. the modelPackageGroup of a TrainingPipeline), or leave out modelPackageParameter');
    }
    if (stack.nestedStackParent) {
      throw new Error(`gitHubWorkflow deploy.modelPackageParameter '${parameter.node.path}' belongs to the nested stack `
        + `${stack.node.path}, whose parameters cdk deploy cannot set: use a parameter of the top stack `
        + `${stack.nestedStackParent.node.path} and pass it on to the nested stack`);
    }
    if (parameter.type !== 'String') {
      throw new Error(`gitHubWorkflow deploy.modelPackageParameter '${key}' is of type '${parameter.type}': the job `
        + "passes a model package ARN, so give a parameter of type 'String'");
    }
    const stacks = deploy.stacks ?? [];
    const root = this.node.root;
    this.node.addValidation({
      validate: () => {
        if (stack.node.root !== root) {
          return [`gitHubWorkflow deploy.modelPackageParameter '${key}' belongs to stack ${stack.node.path} of another `
            + 'CDK app, which this workflow\'s cdk deploy never deploys: give a parameter of a stack in this app'];
        }
        if (deployedStacks(root, stacks).has(stack)) {
          return [];
        }
        const deployed = stacks.length > 0
          ? `deploy.stacks (${stacks.map((p) => `'${p}'`).join(', ')}) does not select it or a stack that depends on it`
          : 'it is inside a Stage, and cdk deploy --all only deploys the stacks outside any Stage';
        return [`gitHubWorkflow deploy.modelPackageParameter '${key}' belongs to stack ${stack.node.path}, which the deploy job `
          + `does not deploy: ${deployed}; add '${stack.node.path}' to deploy.stacks, or give a parameter of a deployed stack`];
      },
    });

    const name = group.modelPackageGroupName;
    group.grantRead(deploy.role);
    return {
      group: values.use('MODEL_PACKAGE_GROUP', 'the name of the model package group whose newest approved version is deployed', name),
      key,
    };
  }

  /** The job's session lasts `seconds`; a role created in this app must allow that. */
  private checkSessionDuration(role: iam.IRole, seconds: number): void {
    const cfnRole = role.node.defaultChild;
    if (!(cfnRole instanceof iam.CfnRole)) {
      return;
    }
    this.node.addValidation({
      validate: () => {
        const allowed = cfnRole.maxSessionDuration ?? 3600;
        if (Token.isUnresolved(allowed) || allowed >= seconds) {
          return [];
        }
        return [`gitHubWorkflow train.timeout of ${seconds / 60} minutes needs AWS sessions of ${seconds} seconds, but `
          + `role ${role.node.path} allows ${allowed} (maxSessionDuration): set maxSessionDuration: `
          + `Duration.seconds(${seconds}) or more on the role, or shorten train.timeout`];
      },
    });
  }
}

/** The `--parameters` key of a stack parameter: `<physical stack name>:<logical id>`. */
function parameterKey(parameter: CfnParameter): string {
  const stack = Stack.of(parameter);
  return `${stack.stackName}:${stack.resolve(parameter.logicalId)}`;
}

/** A job of the workflow, the role it assumes and what its OIDC token's `sub` names after the repository. */
interface JobTrust {
  readonly property: string;
  readonly job: string;
  readonly role: iam.IRole;
  readonly presents: { readonly kind: 'branch' | 'environment'; readonly name: string };
}

/**
 * An error when the job's role is a `GitHubActionsRole` none of whose
 * subjects admits the job's `sub` claim (GitHub's default subject template).
 * A raw subject that extends the claim with `:` (a customized template)
 * counts as admitting it; a subject only known at deploy time skips the check.
 * Other roles are not checked.
 */
function untrustedJob(trust: JobTrust): string[] {
  const role = trust.role;
  if (!(role instanceof GitHubActionsRole)) {
    return [];
  }
  const { kind, name } = trust.presents;
  const claim = kind === 'environment' ? `environment:${name}` : `ref:refs/heads/${name}`;
  const admits = role.subjects.some((subject) => Token.isUnresolved(subject.suffix)
    || matchesLike(subject.suffix, claim)
    || subject.suffix.startsWith(`${claim}:`));
  if (admits) {
    return [];
  }
  const factory = kind === 'environment' ? 'environment' : 'branch';
  return [`gitHubWorkflow ${trust.property} trusts no subject that the ${trust.job} job presents ('${claim}'): `
    + `add GitHubSubject.${factory}('${name}') to the role's subjects`];
}

/** The git ref rules for one branch (no pattern: the roles trust one branch). */
function checkBranch(branch: string): void {
  if (Token.isUnresolved(branch)) {
    throw new Error('gitHubWorkflow branch is a token: the workflow file is written at synth time, so give the branch name itself');
  }
  const reason = refNameProblem(branch, 'refs/heads/', false);
  if (reason) {
    throw new Error(`gitHubWorkflow branch '${branch}' is not a valid branch name: ${reason}; give one branch such as 'main'`);
  }
}

/** The rules for a GitHub environment name, as the deploy job's `sub` claim carries it. */
function checkEnvironment(environment: string): void {
  if (Token.isUnresolved(environment)) {
    throw new Error('gitHubWorkflow deploy.environment is a token: the workflow file is written at synth time, so give the environment name itself');
  }
  const reason = environmentNameProblem(environment, "give the name of one GitHub environment, e.g. 'production'");
  if (reason) {
    throw new Error(`gitHubWorkflow deploy.environment '${environment}' ${reason}`);
  }
}

function checkLine(property: string, value: string, fix: string, max = 1024): void {
  if (Token.isUnresolved(value) || value.length === 0 || value.length > max || /[\r\n]/.test(value)) {
    throw new Error(`gitHubWorkflow ${property} '${value}' is not valid: it must be a single line of 1 to ${max} `
      + `characters known at synth time; ${fix}`);
  }
}

/** The duration in whole `unit`s, checked against [min, max] seconds; returns seconds. */
function checkDuration(property: string, duration: Duration, min: number, max: number, unit: 'seconds' | 'minutes'): number {
  const seconds = duration.toSeconds({ integral: false });
  const step = unit === 'minutes' ? 60 : 1;
  if (Token.isUnresolved(seconds)) {
    throw new Error(`gitHubWorkflow ${property} is a token: the workflow file is written at synth time, so give a fixed duration`);
  }
  if (seconds < min || seconds > max || seconds % step !== 0) {
    const range = unit === 'minutes' ? `${min / 60} minutes to ${max / 3600} hours` : `${min} seconds to ${max / 60} minutes`;
    const why = property === 'train.timeout' ? ' (a job on a GitHub-hosted runner may run at most 6 hours)' : '';
    throw new Error(`gitHubWorkflow ${property} must be whole ${unit} from ${range}${why}, got ${duration.toHumanString()}: `
      + `give e.g. ${unit === 'minutes' ? 'Duration.hours(2)' : 'Duration.seconds(30)'}`);
  }
  return seconds;
}

function checkPinnedActions(pinned: { [action: string]: string }): Record<string, string> {
  const known = Object.values(WORKFLOW_ACTIONS).map((a) => a.name);
  for (const [action, sha] of Object.entries(pinned)) {
    if (!known.includes(action)) {
      throw new Error(`gitHubWorkflow pinnedActions key '${action}' is not an action this workflow uses: `
        + `pin one of ${known.join(', ')}`);
    }
    if (!/^[0-9a-f]{40}$/.test(sha)) {
      throw new Error(`gitHubWorkflow pinnedActions['${action}'] '${sha}' is not a full commit SHA: `
        + 'give the 40 lower-case hex digits of the commit the version tag points to');
    }
  }
  return { ...pinned };
}
