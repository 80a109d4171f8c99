import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { CustomTrainingImage } from '../src/image';
import { TrainingInstanceType } from '../src/pipeline';
import { ModelPackageGroup, QualityGate, TrainingPipeline } from '../src/training';
import { addNagPacks, explainTestBucket, explainTestRole } from '../test/nag';

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
explainTestBucket(data);
const artifacts = new s3.Bucket(stack, 'Artifacts', {
  enforceSSL: true,
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  versioned: true,
  removalPolicy: RemovalPolicy.DESTROY,
});
explainTestBucket(artifacts);
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
explainTestRole(approvers);

addNagPacks(stack);

const integ = new IntegTest(app, 'TrainingTest', { testCases: [stack] });
// CloudFormation accepted the definition and SageMaker holds the pipeline, ready to start.
integ.assertions
  .awsApiCall('SageMaker', 'describePipeline', { PipelineName: pipeline.pipelineName })
  .expect(ExpectedResult.objectLike({ PipelineStatus: 'Active' }));
