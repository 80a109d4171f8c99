import { CfnParameter, Duration, Size, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { fixture } from './util';
import {
  CapacitySize,
  EndpointMode,
  ModelEndpoint,
  ModelSource,
  TrafficShifting,
  TransformBatchStrategy,
  TransformSplitType,
} from '../../src/endpoint';
import { InferenceInstanceType } from '../../src/pipeline';
import { DeepLearningContainer, DlcFramework, DlcProcessor, DlcScope } from '../../src/image';

/** Builds an endpoint in a fresh stack with the given mode and extra props. */
function endpoint(mode: () => EndpointMode, extra: (f: ReturnType<typeof fixture>) => object = () => ({})): void {
  const f = fixture();
  new ModelEndpoint(f.stack, 'Endpoint', { model: f.model, mode: mode(), ...extra(f) });
}

const bucket = () => s3.Bucket.fromBucketName(fixture().stack, 'B', 'input-bucket');

describe('errors name the property, the value and the fix', () => {
  const cases: Array<[string, () => void, RegExp]> = [
    // model sources
    ['model package ARN not versioned', () => ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn'),
      /^modelSource.fromModelPackage modelPackageArn 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group\/churn' is not a versioned model package ARN: give arn:<partition>:sagemaker:<region>:<account>:model-package\/<group>\/<version>/],
    ['artifacts prefix without bucket', () => ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1', { artifactsPrefix: 'models/' }),
      /^modelSource.fromModelPackage artifactsPrefix is set without artifactsBucket: give the bucket that holds the artifacts too$/],
    ['training image', () => ModelSource.fromImage(DeepLearningContainer.fromFramework({
      framework: DlcFramework.PYTORCH, version: '2.5', scope: DlcScope.TRAINING, processor: DlcProcessor.CPU,
    })), /^modelSource.fromImage image is the pytorch 2\.5\.\d+ Deep Learning Container for training \(pytorch-training\), which cannot serve: select it with scope DlcScope.INFERENCE/],
    ['model data key', () => ModelSource.fromImage(fixture().image, { bucket: bucket(), key: '/model.tar.gz' }),
      /^modelSource.fromImage modelData key '\/model.tar.gz' must be an object key without a leading '\/', e.g. 'models\/model.tar.gz'$/],

    // deployment
    ['capacity instances', () => CapacitySize.instances(0), /^capacitySize.instances count must be a whole number of at least 1, got 0$/],
    ['capacity percent', () => CapacitySize.percent(120), /^capacitySize.percent percent must be a whole number from 1 to 100, got 120$/],
    ['canary size', () => TrafficShifting.canary({ canarySize: CapacitySize.percent(60) }),
      /^trafficShifting.canary canarySize is 60%: SageMaker allows at most 50% of the fleet; give CapacitySize.percent\(1..50\) or a number of instances$/],
    ['linear step', () => TrafficShifting.linear({ stepSize: CapacitySize.percent(5) }),
      /^trafficShifting.linear stepSize is 5%: SageMaker allows 10% to 50% of the fleet per step/],
    ['canary instances vs fleet', () => EndpointMode.realtime({ initialInstanceCount: 2, deployment: { trafficShifting: TrafficShifting.canary({ canarySize: CapacitySize.instances(2) }) } }),
      /^endpointMode.realtime deployment canarySize of 2 instance\(s\) is 100% of the 2-instance fleet: SageMaker allows at most 50%; give fewer instances/],
    ['linear instances vs fleet', () => EndpointMode.realtime({ initialInstanceCount: 20, deployment: { trafficShifting: TrafficShifting.linear({ stepSize: CapacitySize.instances(1) }) } }),
      /^endpointMode.realtime deployment linear stepSize of 1 instance\(s\) is 5% of the 20-instance fleet: SageMaker allows 10% to 50%/],
    ['auto-rollback without alarm', () => endpoint(() => EndpointMode.realtime({ deployment: { autoRollback: true } }), () => ({ alarms: { enabled: false } })),
      /^endpointMode.realtime deployment autoRollback is on but there is no alarm to watch: give rollbackAlarms, keep the endpoint's own alarms \(alarms.enabled\), or set autoRollback to false$/],
    ['auto-rollback with an empty alarm list', () => endpoint(() => EndpointMode.realtime({ deployment: { rollbackAlarms: [], autoRollback: true } })),
      /^endpointMode.realtime deployment autoRollback is on but there is no alarm to watch/],
    ['too many rollback alarms', () => {
      const f = fixture();
      const alarms = Array.from({ length: 11 }, (_, i) => cloudwatch.Alarm.fromAlarmName(f.stack, `A${i}`, `a${i}`));
      new ModelEndpoint(f.stack, 'Endpoint', { model: f.model, mode: EndpointMode.realtime({ deployment: { rollbackAlarms: alarms } }) });
    }, /^endpointMode.realtime deployment rollbackAlarms lists 11 alarms: SageMaker watches at most 10$/],
    ['wait interval', () => endpoint(() => EndpointMode.realtime({ deployment: { trafficShifting: TrafficShifting.canary({ waitInterval: Duration.hours(2) }) } })),
      /^endpointMode.realtime deployment waitInterval \(seconds\) must be a whole number from 0 to 3600, got 7200$/],
    ['termination wait', () => endpoint(() => EndpointMode.realtime({ deployment: { terminationWait: Duration.hours(2) } })),
      /^endpointMode.realtime deployment terminationWait \(seconds\) must be a whole number from 0 to 3600, got 7200$/],
    ['all-at-once wait interval', () => endpoint(() => EndpointMode.realtime({ deployment: { trafficShifting: TrafficShifting.allAtOnce({ waitInterval: Duration.hours(2) }) } })),
      /^endpointMode.realtime deployment waitInterval \(seconds\) must be a whole number from 0 to 3600, got 7200$/],
    ['execution timeout', () => endpoint(() => EndpointMode.realtime({ deployment: { maximumExecutionTimeout: Duration.hours(9) } })),
      /^endpointMode.realtime deployment maximumExecutionTimeout \(seconds\) must be a whole number from 600 to 28800, got 32400$/],
    ['execution timeout below the waits', () => endpoint(() => EndpointMode.realtime({
      initialInstanceCount: 4,
      deployment: {
        trafficShifting: TrafficShifting.linear({ stepSize: CapacitySize.percent(25), waitInterval: Duration.minutes(30) }),
        terminationWait: Duration.minutes(30),
        maximumExecutionTimeout: Duration.hours(2),
      },
    })), /^endpointMode.realtime deployment maximumExecutionTimeout \(7200 s\) must exceed the total wait of 9000 s \(4 waitInterval\(s\) of 1800 s plus terminationWait of 1800 s\): raise maximumExecutionTimeout \(at most 28800 s\), or shorten waitInterval or terminationWait$/],

    // instances
    ['instance type name', () => InferenceInstanceType.of('m5.large'),
      /^inferenceInstanceType 'm5.large' is not a SageMaker instance type: give 'ml.<family>.<size>', e.g. 'ml.g6e.xlarge'$/],
    // plain JavaScript callers can pass any object with a name
    ['instance type', () => EndpointMode.realtime({ instanceType: { name: 'm5.large' } as unknown as InferenceInstanceType }),
      /^endpointMode.realtime instanceType 'm5.large' is not a SageMaker instance type: give one such as 'ml.m5.large'$/],
    ['instance count', () => EndpointMode.realtime({ initialInstanceCount: 0 }),
      /^endpointMode.realtime initialInstanceCount must be a whole number of at least 1, got 0$/],
    ['volume size', () => EndpointMode.realtime({ volumeSize: Size.gibibytes(1024) }),
      /^endpointMode.realtime volumeSize \(GiB\) must be a whole number from 1 to 512, got 1024$/],
    ['volume size in whole GiB', () => EndpointMode.asynchronous({ volumeSize: Size.mebibytes(1500) }),
      /^endpointMode.asynchronous volumeSize must be a whole number of GiB, e.g. Size.gibibytes\(30\)$/],
    ['download timeout', () => EndpointMode.realtime({ modelDataDownloadTimeout: Duration.seconds(30) }),
      /^endpointMode.realtime modelDataDownloadTimeout \(seconds\) must be a whole number from 60 to 3600, got 30$/],
    ['startup timeout', () => EndpointMode.realtime({ containerStartupHealthCheckTimeout: Duration.hours(2) }),
      /^endpointMode.realtime containerStartupHealthCheckTimeout \(seconds\) must be a whole number from 60 to 3600, got 7200$/],
    ['whole seconds', () => EndpointMode.realtime({ containerStartupHealthCheckTimeout: Duration.millis(90_500) }),
      /^endpointMode.realtime containerStartupHealthCheckTimeout must be a whole number of seconds, got 90.5 seconds$/],

    // autoscaling
    ['autoscaling on burstable', () => EndpointMode.realtime({ instanceType: InferenceInstanceType.ML_T2_MEDIUM, autoScaling: { maxCapacity: 2 } }),
      /^endpointMode.realtime autoScaling is set on the burstable instance type ml.t2.medium: .*choose a non-burstable type such as ml.m5.large, or drop autoScaling$/],
    ['realtime to zero', () => EndpointMode.realtime({ autoScaling: { minCapacity: 0, maxCapacity: 2 } }),
      /^endpointMode.realtime autoScaling minCapacity must be a whole number of at least 1, got 0: a real-time endpoint cannot scale to zero; use EndpointMode.asynchronous for that$/],
    ['max below min', () => EndpointMode.realtime({ autoScaling: { minCapacity: 4, maxCapacity: 2 } }),
      /^endpointMode.realtime autoScaling maxCapacity \(2\) is below minCapacity \(4\): raise maxCapacity or lower minCapacity$/],
    ['max capacity', () => EndpointMode.realtime({ autoScaling: { maxCapacity: 0 } }),
      /^endpointMode.realtime autoScaling maxCapacity must be a whole number of at least 1, got 0$/],
    ['target invocations', () => EndpointMode.realtime({ autoScaling: { maxCapacity: 2, targetInvocationsPerInstance: 0 } }),
      /^endpointMode.realtime autoScaling targetInvocationsPerInstance must be positive, got 0$/],
    ['async max below min', () => EndpointMode.asynchronous({ autoScaling: { minCapacity: 3, maxCapacity: 1 } }),
      /^endpointMode.asynchronous autoScaling maxCapacity \(1\) is below minCapacity \(3\): raise maxCapacity or lower minCapacity$/],
    ['async min', () => EndpointMode.asynchronous({ autoScaling: { minCapacity: -1, maxCapacity: 1 } }),
      /^endpointMode.asynchronous autoScaling minCapacity must be a whole number of at least 0, got -1$/],
    ['async target backlog', () => EndpointMode.asynchronous({ autoScaling: { maxCapacity: 1, targetBacklogPerInstance: -2 } }),
      /^endpointMode.asynchronous autoScaling targetBacklogPerInstance must be positive, got -2$/],

    // data capture
    ['sampling', () => endpoint(() => EndpointMode.realtime({ dataCapture: { samplingPercentage: 150 } })),
      /^endpointMode.realtime dataCapture samplingPercentage must be a whole number from 0 to 100, got 150$/],
    ['capture prefix', () => endpoint(() => EndpointMode.realtime({ dataCapture: { prefix: '/captures' } })),
      /^endpointMode.realtime dataCapture prefix '\/captures' must be a key prefix that does not start with '\/', e.g. 'data-capture'$/],
    ['too many content types', () => endpoint(() => EndpointMode.realtime({ dataCapture: { csvContentTypes: Array.from({ length: 11 }, (_, i) => `text/csv${i}`) } })),
      /^endpointMode.realtime dataCapture csvContentTypes lists 11 content types: SageMaker accepts at most 10$/],
    ['content type', () => endpoint(() => EndpointMode.realtime({ dataCapture: { jsonContentTypes: ['json'] } })),
      /^endpointMode.realtime dataCapture jsonContentTypes entry 'json' is not a content type such as 'text\/csv' or 'application\/json'$/],
    ['no content type', () => endpoint(() => EndpointMode.realtime({ dataCapture: { csvContentTypes: [], jsonContentTypes: [] } })),
      /^endpointMode.realtime dataCapture lists no content type: captures of other types are stored base64-encoded/],

    // serverless
    ['serverless memory', () => EndpointMode.serverless({ memorySizeMiB: 1500 }),
      /^endpointMode.serverless memorySizeMiB must be 1024–6144 MiB in steps of 1024, got 1500: give 1024, 2048, 3072, 4096, 5120 or 6144$/],
    ['serverless max concurrency', () => EndpointMode.serverless({ maxConcurrency: 201 }),
      /^endpointMode.serverless maxConcurrency must be a whole number from 1 to 200, got 201$/],
    ['serverless provisioned concurrency', () => EndpointMode.serverless({ provisionedConcurrency: 0 }),
      /^endpointMode.serverless provisionedConcurrency must be a whole number from 1 to 200, got 0$/],
    ['provisioned above max', () => EndpointMode.serverless({ maxConcurrency: 5, provisionedConcurrency: 10 }),
      /^endpointMode.serverless provisionedConcurrency \(10\) exceeds maxConcurrency \(5\): lower provisionedConcurrency or raise maxConcurrency$/],
    ['serverless in a VPC', () => endpoint(() => EndpointMode.serverless(), (f) => ({ vpc: new ec2.Vpc(f.stack, 'Vpc') })),
      /^modelEndpoint vpc is set with EndpointMode.serverless, which cannot run in a VPC: drop vpc, or use EndpointMode.realtime/],
    ['serverless isolated', () => endpoint(() => EndpointMode.serverless(), () => ({ networkIsolation: true })),
      /^modelEndpoint networkIsolation is true with EndpointMode.serverless, which does not support it/],
    ['options of another mode (plain JavaScript)', () => EndpointMode.serverless({ dataCapture: {}, instanceType: InferenceInstanceType.ML_G5_XLARGE } as any),
      /^endpointMode.serverless does not take instanceType, dataCapture: these are options of another mode; choose the EndpointMode factory that has them, or drop them$/],

    // asynchronous
    ['async concurrency', () => EndpointMode.asynchronous({ maxConcurrentInvocationsPerInstance: 1001 }),
      /^endpointMode.asynchronous maxConcurrentInvocationsPerInstance must be a whole number from 1 to 1000, got 1001$/],
    ['async prefix', () => EndpointMode.asynchronous({ outputPrefix: '/out' }),
      /^endpointMode.asynchronous outputPrefix '\/out' must be a key prefix that does not start with '\/', e.g. 'async-output'$/],
    ['topics without notifications', () => EndpointMode.asynchronous({ notifications: false, successTopic: sns.Topic.fromTopicArn(fixture().stack, 'T', 'arn:aws:sns:us-east-1:123456789012:t') }),
      /^endpointMode.asynchronous notifications is false but successTopic or errorTopic is given: drop the topics, or leave notifications on$/],

    // batch
    ['batch input', () => EndpointMode.batch({} as any), /^endpointMode.batch inputBucket is required/],
    ['batch instances', () => EndpointMode.batch({ inputBucket: bucket(), instanceCount: 0 }),
      /^endpointMode.batch instanceCount must be a whole number of at least 1, got 0$/],
    ['batch concurrency', () => EndpointMode.batch({ inputBucket: bucket(), maxConcurrentTransforms: -1 }),
      /^endpointMode.batch maxConcurrentTransforms must be a whole number of at least 0, got -1$/],
    ['batch payload', () => EndpointMode.batch({ inputBucket: bucket(), maxPayload: Size.mebibytes(200) }),
      /^endpointMode.batch maxPayload \(MB\) must be a whole number from 0 to 100, got 200$/],
    ['batch payload whole MB', () => EndpointMode.batch({ inputBucket: bucket(), maxPayload: Size.kibibytes(1500) }),
      /^endpointMode.batch maxPayload must be a whole number of MB, e.g. Size.mebibytes\(6\)/],
    ['multi-record without split', () => EndpointMode.batch({ inputBucket: bucket(), splitType: TransformSplitType.NONE, batchStrategy: TransformBatchStrategy.MULTI_RECORD }),
      /^endpointMode.batch batchStrategy is MULTI_RECORD but splitType is NONE: there are no records to batch/],
    ['streaming with split', () => EndpointMode.batch({ inputBucket: bucket(), maxPayload: Size.mebibytes(0) }),
      /^endpointMode.batch maxPayload is 0 \(streaming\) but splitType is not NONE/],
    ['batch prefix', () => EndpointMode.batch({ inputBucket: bucket(), inputPrefix: '' }),
      /^endpointMode.batch inputPrefix '' must be a key prefix that does not start with '\/', e.g. 'batch-input'$/],
    ['batch with endpoint name', () => endpoint(() => EndpointMode.batch({ inputBucket: s3.Bucket.fromBucketName(fixture().stack, 'X', 'input-bucket') }), () => ({ endpointName: 'x', variantName: 'Blue' })),
      /^modelEndpoint endpointName, variantName is set with EndpointMode.batch, which creates no endpoint: drop them/],

    // the endpoint
    ['variant name', () => endpoint(() => EndpointMode.realtime(), () => ({ variantName: 'all traffic' })),
      /^modelEndpoint variantName 'all traffic' is not a SageMaker name: 1-63 letters, digits and single hyphens/],
    ['endpoint name', () => endpoint(() => EndpointMode.realtime(), () => ({ endpointName: 'churn_prod' })),
      /^modelEndpoint endpointName 'churn_prod' is not a SageMaker name/],
    ['subnets without vpc', () => endpoint(() => EndpointMode.realtime(), () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })),
      /^modelEndpoint vpcSubnets or securityGroups is set without vpc: give the vpc they belong to, or drop them$/],
    ['too many variables', () => endpoint(() => EndpointMode.realtime(), () => ({ environment: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x'])) })),
      /^modelEndpoint environment has 101 variables: SageMaker accepts at most 100$/],
    ['variable name', () => endpoint(() => EndpointMode.realtime(), () => ({ environment: { '1BAD': 'x' } })),
      /^modelEndpoint environment variable name '1BAD' is invalid/],
    ['error threshold', () => endpoint(() => EndpointMode.realtime(), () => ({ alarms: { invocation5XXErrorsThreshold: 0 } })),
      /^modelEndpoint alarms invocation5XXErrorsThreshold must be a whole number of at least 1, got 0$/],
    ['evaluation periods', () => endpoint(() => EndpointMode.realtime(), () => ({ alarms: { evaluationPeriods: 0 } })),
      /^modelEndpoint alarms evaluationPeriods must be a whole number from 1 to 60, got 0$/],
    ['mode reused', () => {
      const f = fixture();
      const mode = EndpointMode.serverless();
      new ModelEndpoint(f.stack, 'A', { model: f.model, mode });
      new ModelEndpoint(f.stack, 'B', { model: f.model, mode });
    }, /^modelEndpoint mode is already used by Test\/A: an EndpointMode serves one endpoint; call the EndpointMode factory again for this one$/],
  ];

  test.each(cases)('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('tokens skip the checks', () => {
    const f = fixture();
    const n = new CfnParameter(f.stack, 'N', { type: 'Number' }).valueAsNumber;
    const arn = new CfnParameter(f.stack, 'Arn').valueAsString;
    expect(Token.isUnresolved(n)).toBe(true);
    expect(() => new ModelEndpoint(f.stack, 'Endpoint', {
      model: ModelSource.fromModelPackage(arn),
      mode: EndpointMode.realtime({ initialInstanceCount: n, autoScaling: { minCapacity: n, maxCapacity: n } }),
    })).not.toThrow();
    expect(() => EndpointMode.serverless({ memorySizeMiB: n, maxConcurrency: n, provisionedConcurrency: n })).not.toThrow();
    expect(() => InferenceInstanceType.of(new CfnParameter(f.stack, 'Type').valueAsString)).not.toThrow();
    expect(() => endpoint(() => EndpointMode.realtime({
      deployment: { trafficShifting: TrafficShifting.allAtOnce({ waitInterval: Duration.seconds(n) }), maximumExecutionTimeout: Duration.seconds(n) },
    }))).not.toThrow();
  });
});
