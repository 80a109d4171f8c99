import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { CustomTrainingImage } from '../src/image';
import { TrainingInstanceType } from '../src/pipeline';
import { addCheckovSkip } from '../src/private/nag';
import { ModelPackageGroup, QualityGate, TrainingPipeline } from '../src/training';

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubTrainingInteg');

const image = new CustomTrainingImage(stack, 'TrainingImage', {
  imageTag: 'integ',
  removalPolicy: RemovalPolicy.DESTROY,
  emptyOnDelete: true,
});

// Stateful resources of the test itself are destroyed with it.
const data = new s3.Bucket(stack, 'Data', {
  versioned: true,
  enforceSSL: true,
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.DESTROY,
});
addCheckovSkip(data.node.defaultChild as s3.CfnBucket, 'CKV_AWS_18', 'the integ test\'s scratch data bucket: server access logs would record only the test\'s own requests');
NagSuppressions.addResourceSuppressions(data, [{ id: 'AwsSolutions-S1', reason: 'a test bucket that lives for one integ run' }]);
const artifacts = new s3.Bucket(stack, 'Artifacts', {
  enforceSSL: true,
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  versioned: true,
  removalPolicy: RemovalPolicy.DESTROY,
});
NagSuppressions.addResourceSuppressions(artifacts, [{ id: 'AwsSolutions-S1', reason: 'a test bucket that lives for one integ run' }]);
addCheckovSkip(artifacts.node.defaultChild as s3.CfnBucket, 'CKV_AWS_18', 'a test bucket that lives for one integ run');
const group = new ModelPackageGroup(stack, 'Models', { removalPolicy: RemovalPolicy.DESTROY });

const pipeline = new TrainingPipeline(stack, 'Training', {
  image,
  trainingData: { channelName: 'train', bucket: data, prefix: 'train/' },
  testData: { bucket: data, prefix: 'test/' },
  artifacts: { bucket: artifacts },
  registration: { modelPackageGroup: group },
  training: {
    instanceType: TrainingInstanceType.ML_M5_LARGE,
    maxRuntime: Duration.hours(1),
    metricDefinitions: [{ name: 'train:loss', regex: 'train_loss=([0-9\\.eE+-]+);' }],
  },
  qualityGate: QualityGate.lessThanOrEqualTo('regression_metrics.mse.value', 1.0),
  triggers: {
    schedule: scheduler.ScheduleExpression.rate(Duration.days(7)),
    // The rule deploys; it fires once the bucket sends events to EventBridge (turned on outside
    // this test: CDK's eventBridgeEnabled adds a Lambda-backed custom resource).
    newData: { bucket: data, prefix: 'train/' },
  },
  notifications: { notifyOnFailure: true },
});

// The people who approve versions (approving is what deploys one): they read the group and set approval statuses.
const approvers = new iam.Role(stack, 'Approvers', {
  assumedBy: new iam.AccountRootPrincipal(),
  description: 'Approves or rejects the versions of the integ model package group',
});
group.grantApprove(approvers);

Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));

const integ = new IntegTest(app, 'TrainingTest', { testCases: [stack] });
// CloudFormation accepted the definition and SageMaker holds the pipeline, ready to start.
integ.assertions
  .awsApiCall('SageMaker', 'describePipeline', { PipelineName: pipeline.pipelineName })
  .expect(ExpectedResult.objectLike({ PipelineStatus: 'Active' }));
