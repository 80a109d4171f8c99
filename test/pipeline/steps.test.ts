import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { pipelineDefinition, stepNamed } from './definition-helper';
import {
  ConditionStep, CreateModelStep, FailStep, PipelineCondition, PipelineParameter, PipelineStep, PipelineValue, ProcessingInstanceType,
  ProcessingStep, RegisterModelStep, SageMakerPipeline, TrainingInstanceType, TrainingStep, TransformStep,
} from '../../src/pipeline';
import { expectError } from '../errors';

const ACCOUNT_JOBS = (resource: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:111122223333:${resource}/*`]],
});
const image = PipelineValue.fromString('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1');
const fail = () => new FailStep({ name: 'Stop', errorMessage: PipelineValue.fromString('stop') });

/** The statements of the pipeline role's policy in a bare pipeline holding `steps`. */
function roleStatements(steps: (stack: Stack, role: iam.IRole) => PipelineStep[], parameters: PipelineParameter[] = []): any[] {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
  const jobRole = iam.Role.fromRoleName(stack, 'Existing', 'pipeline-role-placeholder');
  const pipeline = new SageMakerPipeline(stack, 'Pipeline', { parameters });
  steps(stack, jobRole).forEach((s) => pipeline.addStep(s));
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^PipelineRole') }] } });
  return Object.values<any>(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** The statements a pipeline of `steps` has beyond those of a pipeline with only a Fail step. */
function stepStatements(steps: (stack: Stack, role: iam.IRole) => PipelineStep[], parameters: PipelineParameter[] = []): any[] {
  const base = roleStatements(() => [fail()]).map((s) => JSON.stringify(s));
  return roleStatements(steps, parameters).filter((s) => !base.includes(JSON.stringify(s)));
}

const trainingJob = (role: iam.IRole) => ({
  image, role, channels: [{ channelName: 'train', s3Uri: PipelineValue.fromString('s3://bucket/train/') }], outputS3Uri: 's3://bucket/models',
});
const processingJob = (role: iam.IRole) => ({ image, role });
const transformJob = () => ({
  modelName: PipelineValue.fromString('m'), inputS3Uri: PipelineValue.fromString('s3://b/in'), outputS3Uri: PipelineValue.fromString('s3://b/out'),
});

describe('each step type grants its own permissions to a bare pipeline', () => {
  test('a training step: create, describe, stop and tag training jobs of the account and region, and pass its job role', () => {
    expect(stepStatements((_, role) => [new TrainingStep({ name: 'Train', job: trainingJob(role) })])).toEqual([
      {
        Action: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
        Effect: 'Allow',
        Resource: ACCOUNT_JOBS('training-job'),
      },
      { Action: 'iam:PassRole', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/pipeline-role-placeholder']] } },
    ]);
  });

  test('a processing step: processing jobs', () => {
    expect(stepStatements((_, role) => [new ProcessingStep({ name: 'Process', job: processingJob(role) })]).map((s) => [s.Action, s.Resource])).toEqual([
      [['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags'], ACCOUNT_JOBS('processing-job')],
      ['iam:PassRole', expect.anything()],
    ]);
  });

  test('a transform step: transform jobs', () => {
    expect(stepStatements(() => [new TransformStep({ name: 'Score', job: transformJob() })])).toEqual([{
      Action: ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob', 'sagemaker:AddTags'],
      Effect: 'Allow',
      Resource: ACCOUNT_JOBS('transform-job'),
    }]);
  });

  test('a create-model step: models', () => {
    expect(stepStatements(() => [new CreateModelStep({ name: 'Model', arguments: { PrimaryContainer: { Image: image } } })])).toEqual([{
      Action: ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'], Effect: 'Allow', Resource: ACCOUNT_JOBS('model'),
    }]);
  });

  const GROUP_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:model-package-group/churn']] };
  const VERSIONS_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:model-package/churn/*']] };
  const registerStatements = (args: any, parameters: PipelineParameter[] = []) =>
    stepStatements(() => [new RegisterModelStep({ name: 'Register', arguments: { ModelPackageGroupName: 'churn', ...args } })], parameters);

  test('a register step: versions of the group it names, with the literal approval status only', () => {
    expect(registerStatements({ ModelApprovalStatus: 'PendingManualApproval' })).toEqual([
      {
        Action: 'sagemaker:CreateModelPackage',
        Condition: { StringEquals: { 'sagemaker:ModelApprovalStatus': ['PendingManualApproval'] } },
        Effect: 'Allow',
        Resource: [GROUP_ARN, VERSIONS_ARN],
      },
      { Action: 'sagemaker:DescribeModelPackageGroup', Effect: 'Allow', Resource: GROUP_ARN },
      { Action: ['sagemaker:DescribeModelPackage', 'sagemaker:AddTags'], Effect: 'Allow', Resource: VERSIONS_ARN },
    ]);
  });

  test('a register step with the literal Approved may register Approved versions', () => {
    expect(registerStatements({ ModelApprovalStatus: 'Approved' })[0].Condition)
      .toEqual({ StringEquals: { 'sagemaker:ModelApprovalStatus': ['Approved'] } });
  });

  test('a register step without a status may register what SageMaker defaults to (PendingManualApproval)', () => {
    expect(registerStatements({})[0].Condition).toEqual({ StringEqualsIfExists: { 'sagemaker:ModelApprovalStatus': ['PendingManualApproval'] } });
  });

  test('a status set by a pipeline parameter may never be Approved', () => {
    const status = PipelineParameter.stringParameter('Status', 'PendingManualApproval');
    expect(registerStatements({ ModelApprovalStatus: status.value }, [status])[0].Condition)
      .toEqual({ StringEquals: { 'sagemaker:ModelApprovalStatus': ['PendingManualApproval', 'Rejected'] } });
  });

  test('a status that is no approval status', () => {
    expectError(() => registerStatements({ ModelApprovalStatus: 'Aproved' }), { construct: 'RegisterModelStep', property: 'arguments.ModelApprovalStatus', value: "'Aproved'" },
      "registerModelStep 'Register' arguments.ModelApprovalStatus 'Aproved' is not an approval status: give one of PendingManualApproval, Approved, Rejected");
  });

  test('a register step whose group is a pipeline value grants nothing (the caller grants the group)', () => {
    const group = PipelineParameter.stringParameter('Group', 'churn');
    expect(stepStatements(() => [new RegisterModelStep({ name: 'Register', arguments: { ModelPackageGroupName: group.value } })], [group])).toEqual([]);
  });

  test('fail and condition steps grant nothing themselves; the steps of a branch grant theirs', () => {
    const branch = () => [new ConditionStep({
      name: 'Gate',
      conditions: [PipelineCondition.equalTo(PipelineValue.fromNumber(1), PipelineValue.fromNumber(1))],
      ifSteps: [new TransformStep({ name: 'Score', job: transformJob() })],
      elseSteps: [fail()],
    })];
    expect(stepStatements(branch).map((s) => s.Resource)).toEqual([ACCOUNT_JOBS('transform-job')]);
  });
});

describe('typed jobs', () => {
  const render = (step: PipelineStep) => {
    const stack = new Stack(new App(), 'Stack');
    new SageMakerPipeline(stack, 'Pipeline', { steps: [step] });
    return stepNamed(pipelineDefinition(stack), step.name).Arguments;
  };
  const role = () => iam.Role.fromRoleArn(new Stack(), 'R', 'arn:aws:iam::111122223333:role/jobs');

  test('a training job renders the CreateTrainingJob request with its defaults', () => {
    expect(render(new TrainingStep({ name: 'Train', job: trainingJob(role()) }))).toEqual({
      AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1', TrainingInputMode: 'File' },
      RoleArn: 'arn:aws:iam::111122223333:role/jobs',
      InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/train/', S3DataDistributionType: 'FullyReplicated' } } }],
      OutputDataConfig: { S3OutputPath: 's3://bucket/models' },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    });
  });

  test('a processing job renders the CreateProcessingJob request with its defaults', () => {
    const args = render(new ProcessingStep({
      name: 'Process',
      job: {
        ...processingJob(role()),
        entrypoint: ['evaluate'],
        instanceType: ProcessingInstanceType.ML_M5_XLARGE,
        volumeSize: Size.gibibytes(50),
        maxRuntime: Duration.hours(2),
        environment: { B: '2', A: '1' },
        inputs: [{ inputName: 'in', s3Uri: PipelineValue.fromString('s3://b/in'), localPath: '/opt/ml/processing/in' }],
        outputs: [{ outputName: 'out', s3Uri: PipelineValue.fromString('s3://b/out'), localPath: '/opt/ml/processing/out' }],
      },
    }));
    expect(args).toEqual({
      AppSpecification: { ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1', ContainerEntrypoint: ['evaluate'] },
      Environment: { A: '1', B: '2' },
      ProcessingInputs: [{ InputName: 'in', S3Input: { S3Uri: 's3://b/in', LocalPath: '/opt/ml/processing/in', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' } }],
      ProcessingOutputConfig: { Outputs: [{ OutputName: 'out', S3Output: { S3Uri: 's3://b/out', LocalPath: '/opt/ml/processing/out', S3UploadMode: 'EndOfJob' } }] },
      ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 50 } },
      StoppingCondition: { MaxRuntimeInSeconds: 7200 },
      RoleArn: 'arn:aws:iam::111122223333:role/jobs',
    });
  });

  test('a transform job renders the CreateTransformJob request with its defaults', () => {
    expect(render(new TransformStep({ name: 'Score', job: { ...transformJob(), contentType: 'text/csv' } }))).toEqual({
      ModelName: 'm',
      TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/in' } }, ContentType: 'text/csv' },
      TransformOutput: { S3OutputPath: 's3://b/out' },
      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
    });
  });

  test('raw arguments stay an escape hatch and render as given', () => {
    expect(render(new TransformStep({ name: 'Score', arguments: { ModelName: 'm', BatchStrategy: 'MultiRecord' } })))
      .toEqual({ ModelName: 'm', BatchStrategy: 'MultiRecord' });
  });

  test('a job in a VPC renders its security groups and subnets', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const step = new ProcessingStep({ name: 'P', job: { ...processingJob(role()), network: { securityGroups: [sg], subnets: vpc.privateSubnets, networkIsolation: true } } });
    expect(stack.resolve(step.arguments.NetworkConfig)).toEqual({
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/^Sg/), 'GroupId'] }], Subnets: [{ Ref: expect.stringMatching(/PrivateSubnet1/) }] },
      EnableNetworkIsolation: true,
    });
  });
});

describe('step errors', () => {
  const r = () => iam.Role.fromRoleArn(new Stack(), 'R', 'arn:aws:iam::111122223333:role/jobs');

  test('a job step with both job and arguments', () => {
    expectError(() => new TrainingStep({ name: 'Train', job: trainingJob(r()), arguments: {} }), { construct: 'TrainingStep', property: 'arguments', value: '{} with job' },
      "trainingStep 'Train' has both job and arguments: give the typed job, or arguments (the raw request), not both");
  });

  test('a job step with neither job nor arguments', () => {
    expectError(() => new ProcessingStep({ name: 'Process' }), { construct: 'ProcessingStep', property: 'job', value: 'nothing, nor arguments' },
      "processingStep 'Process' has neither job nor arguments: give the typed job (or arguments, the raw request)");
  });

  test('a condition step without conditions', () => {
    expectError(() => new ConditionStep({ name: 'Gate', conditions: [] }), { construct: 'ConditionStep', property: 'conditions', value: '[]' },
      "conditionStep 'Gate' conditions is empty: give at least one PipelineCondition");
  });

  test('a property file without an output name', () => {
    expectError(() => new ProcessingStep({ name: 'P', arguments: {}, propertyFiles: [{ name: 'Eval', outputName: '', filePath: 'e.json' }] }), { construct: 'ProcessingStep', property: 'propertyFiles.outputName', value: "''" },
      "processingStep 'P' propertyFiles 'Eval' has no outputName: give the OutputName of the output that holds the file and its path inside that output");
  });

  test('a property file without a file path', () => {
    expectError(() => new ProcessingStep({ name: 'P', arguments: {}, propertyFiles: [{ name: 'Eval', outputName: 'out', filePath: '' }] }), { construct: 'ProcessingStep', property: 'propertyFiles.filePath', value: "''" },
      "processingStep 'P' propertyFiles 'Eval' has no filePath: give");
  });

  test('a metric name over 255 characters', () => {
    const job = { ...trainingJob(r()), metricDefinitions: [{ name: 'm'.repeat(256), regex: 'loss=(.*)' }] };
    expectError(() => new TrainingStep({ name: 'Train', job }), { construct: 'TrainingStep', property: 'job.metricDefinitions.name', value: "'m' x 256" },
      `trainingStep 'Train' job metricDefinitions name '${'m'.repeat(256)}' must be 1 to 255 characters, got 256: shorten it`);
  });

  test('a metric regex over 500 characters', () => {
    const job = { ...trainingJob(r()), metricDefinitions: [{ name: 'loss', regex: `(${'a'.repeat(500)})` }] };
    expectError(() => new TrainingStep({ name: 'Train', job }), { construct: 'TrainingStep', property: 'job.metricDefinitions.regex', value: 'a regex of 502 characters' },
      "trainingStep 'Train' job metricDefinitions 'loss' regex must be 1 to 500 characters, got 502: shorten the expression");
  });

  test('instance groups: none, or more than five', () => {
    const group = { groupName: 'g', instanceType: TrainingInstanceType.ML_M5_LARGE };
    expectError(() => new TrainingStep({ name: 'Train', job: { ...trainingJob(r()), instanceGroups: [] } }),
      { construct: 'TrainingStep', property: 'job.instanceGroups', value: '[]' },
      "trainingStep 'Train' job instanceGroups has 0 groups: give 1 to 5 (CreateTrainingJob InstanceGroups)");
    expectError(() => new TrainingStep({ name: 'Train', job: { ...trainingJob(r()), instanceGroups: Array(6).fill(group) } }),
      { construct: 'TrainingStep', property: 'job.instanceGroups', value: 'a list of 6 groups' },
      "trainingStep 'Train' job instanceGroups has 6 groups: give 1 to 5 (CreateTrainingJob InstanceGroups)");
  });

  test('security groups without subnets', () => {
    const stack = new Stack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 }) });
    expectError(() => new ProcessingStep({ name: 'P', job: { ...processingJob(r()), network: { securityGroups: [sg] } } }), { construct: 'ProcessingStep', property: 'job.network.securityGroups', value: '[sg] without subnets' },
      "processingStep 'P' job network has securityGroups but no subnets: a job in a VPC needs both, give both or neither");
  });

  test('a processing job over 5 days', () => {
    expectError(() => new ProcessingStep({ name: 'P', job: { ...processingJob(r()), maxRuntime: Duration.days(6) } }), { construct: 'ProcessingStep', property: 'job.maxRuntime', value: 'Duration.days(6)' },
      "processingStep 'P' job maxRuntime (seconds) must be a whole number from 1 to 432000, got 518400: give a Duration of at most 5 days");
  });

  test('a processing job of 101 instances', () => {
    expectError(() => new ProcessingStep({ name: 'P', job: { ...processingJob(r()), instanceCount: 101 } }), { construct: 'ProcessingStep', property: 'job.instanceCount', value: '101' },
      "processingStep 'P' job instanceCount must be a whole number from 1 to 100, got 101");
  });
});

describe('more step and value errors', () => {
  const r = () => iam.Role.fromRoleArn(new Stack(), 'R', 'arn:aws:iam::111122223333:role/jobs');

  test('a step name that is a token', () => {
    const stack = new Stack();
    const name = new iam.Role(stack, 'Token', { assumedBy: new iam.AccountRootPrincipal() }).roleName;
    expectError(() => new FailStep({ name, errorMessage: PipelineValue.fromString('x') }), { construct: 'FailStep', property: 'name', value: 'a token' },
      'pipeline step name must be known at synth time, got a token: the definition refers to it by name');
  });

  test('a step property path that starts with a dot', () => {
    expectError(() => PipelineValue.stepProperty('Train', '.ModelArtifacts'), { construct: 'PipelineValue.stepProperty', property: 'path', value: "'.ModelArtifacts'" },
      "pipeline step property path '.ModelArtifacts' of step 'Train' is invalid: give a path such as 'ModelArtifacts.S3ModelArtifacts'");
  });

  test('a property file declared twice', () => {
    const file = { name: 'Eval', outputName: 'out', filePath: 'e.json' };
    expectError(() => new ProcessingStep({ name: 'P', arguments: {}, propertyFiles: [file, file] }), { construct: 'ProcessingStep', property: 'propertyFiles.name', value: "'Eval' twice" },
      "processingStep 'P' propertyFiles name 'Eval' is used twice: give each file its own name");
  });

  test('a warm pool with instance groups', () => {
    const job = {
      ...trainingJob(r()),
      keepAlivePeriod: Duration.minutes(5),
      instanceGroups: [{ groupName: 'g', instanceType: TrainingInstanceType.ML_M5_LARGE }],
    };
    expectError(() => new TrainingStep({ name: 'Train', job }), { construct: 'TrainingStep', property: 'job.keepAlivePeriod', value: 'Duration.minutes(5) with instanceGroups' },
      "trainingStep 'Train' job keepAlivePeriod (a warm pool) cannot be used with instanceGroups: use instanceType and instanceCount");
  });

  test('subnets without security groups', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    expectError(() => new ProcessingStep({ name: 'P', job: { ...processingJob(r()), network: { subnets: vpc.privateSubnets } } }), { construct: 'ProcessingStep', property: 'job.network.subnets', value: 'subnets without securityGroups' },
      "processingStep 'P' job network has subnets but no securityGroups: a job in a VPC needs both, give both or neither");
  });

  test('a transform job of 0 instances', () => {
    expectError(() => new TransformStep({ name: 'Score', job: { ...transformJob(), instanceCount: 0 } }), { construct: 'TransformStep', property: 'job.instanceCount', value: '0' },
      "transformStep 'Score' job instanceCount must be a whole number of at least 1, got 0");
  });
});
