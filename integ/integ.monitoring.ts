import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { starterModel } from './fixtures/starter-model';
import { EndpointMode, ModelEndpoint } from '../src/endpoint';
import { ModelMonitor, ModelQualityMetric, MonitorBaseline, ProblemType } from '../src/monitoring';
import { InferenceInstanceType } from '../src/pipeline';
import { TrainingPipeline } from '../src/training';
import { addNagPacks, explainTestBucket, explainTestRole } from '../test/nag';

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubMonitoringInteg');

// Stateful resources of the test itself are destroyed with it.
const scratch = (id: string) => {
  const bucket = new s3.Bucket(stack, id, {
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    versioned: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  explainTestBucket(bucket);
  return bucket;
};
const data = scratch('Data');
const artifacts = scratch('Artifacts');
const monitorBucket = scratch('MonitorData');

const { image, model } = starterModel(stack);
const training = new TrainingPipeline(stack, 'Training', {
  image,
  trainingData: { channelName: 'train', bucket: data, prefix: 'train/' },
  testData: { bucket: data, prefix: 'test/' },
  artifacts: { bucket: artifacts },
});

// The endpoint serves the starter model (capture on by default, its captures encrypted with a key
// of their own, which the monitor's job is granted decrypting), with the user's own execution role.
const endpointRole = new iam.Role(stack, 'EndpointRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
const captureKey = new kms.Key(stack, 'CaptureKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
const served = new ModelEndpoint(stack, 'Endpoint', {
  model,
  role: endpointRole,
  mode: EndpointMode.realtime({ instanceType: InferenceInstanceType.ML_C5_LARGE, dataCapture: { encryptionKey: captureKey } }),
});
explainTestRole(endpointRole);

const topicKey = new kms.Key(stack, 'AlarmTopicKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
const topic = new sns.Topic(stack, 'AlarmTopic', { masterKey: topicKey, enforceSSL: true });

const monitor = new ModelMonitor(stack, 'Monitor', {
  endpoint: served.endpoint!,
  baseline: MonitorBaseline.fromTrainingPipeline(training),
  bucket: monitorBucket,
  groundTruth: { problemType: ProblemType.BINARY_CLASSIFICATION },
  alarms: {
    modelQuality: [{ metric: ModelQualityMetric.F1, threshold: 0.7 }],
    features: ['x0'],
    topic,
  },
  retraining: { pipeline: training, coolDown: Duration.hours(6) },
  notifications: { notifyOnFailure: true },
});

// A labelling job's role: it writes ground truth, and only that.
const labeller = new iam.Role(stack, 'Labeller', { assumedBy: new iam.AccountRootPrincipal(), description: 'Writes ground truth' });
monitor.grantWriteGroundTruth(labeller);
explainTestRole(labeller);

addNagPacks(stack);

const integ = new IntegTest(app, 'MonitoringTest', { testCases: [stack] });
// A window with no captures (long before the endpoint existed): the runner publishes "skipped" and succeeds,
// without starting the check.
const start = integ.assertions.awsApiCall('SFN', 'startExecution', {
  stateMachineArn: monitor.runner.stateMachineArn,
  input: JSON.stringify({ windowEnd: '2026-01-01T00:00:00Z' }),
});
const finished = integ.assertions
  .awsApiCall('SFN', 'describeExecution', { executionArn: start.getAttString('executionArn') })
  .expect(ExpectedResult.objectLike({ status: 'SUCCEEDED' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });
start.next(finished);
