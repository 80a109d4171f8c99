import { CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildEndpoint, fixture, inputBucket, only } from './util';
import { CapacitySize, EndpointMode, ModelEndpoint, ModelSource, TrafficShifting, TransformSplitType } from '../../src/endpoint';
import { InferenceInstanceType } from '../../src/pipeline';
import { ErrorCase, expectError } from '../errors';

/** What a plain JavaScript caller may pass: missing, null and wrongly typed values (`as any`). */
describe('plain JavaScript callers get an Error naming the property, never a TypeError', () => {
  const endpoint = (props: any) => () => {
    const f = fixture();
    return new ModelEndpoint(f.stack, 'Endpoint', { model: f.model, mode: EndpointMode.realtime(), ...props(f) });
  };
  const cases: Array<[ErrorCase, () => unknown, string]> = [
    [{ construct: 'ModelEndpoint', property: 'props', value: 'undefined' }, () => new ModelEndpoint(fixture().stack, 'E', undefined as any),
      'modelEndpoint props must be an object such as { model, mode }, got nothing'],
    [{ construct: 'ModelEndpoint', property: 'model', value: 'missing' }, () => new ModelEndpoint(fixture().stack, 'E', { mode: EndpointMode.realtime() } as any),
      "modelEndpoint model is required: give a ModelSource, e.g. ModelSource.fromImage(image, { bucket, key: 'models/model.tar.gz' })"],
    [{ construct: 'ModelEndpoint', property: 'model', value: 'null' }, endpoint(() => ({ model: null })),
      'modelEndpoint model is required, got null: give a ModelSource'],
    [{ construct: 'ModelEndpoint', property: 'mode', value: "'realtime'" }, endpoint(() => ({ mode: 'realtime' })),
      "modelEndpoint mode must be an EndpointMode, got 'realtime': give e.g. EndpointMode.realtime()"],
    [{ construct: 'ModelEndpoint', property: 'mode', value: 'null' }, endpoint(() => ({ mode: null })),
      'modelEndpoint mode is required, got null: give an EndpointMode, e.g. EndpointMode.realtime()'],
    [{ construct: 'ModelEndpoint', property: 'environment', value: 'null' }, endpoint(() => ({ environment: null })),
      "modelEndpoint environment must be a map of strings or left out, got null: give e.g. { LOG_LEVEL: 'info' }, or leave it out"],
    [{ construct: 'ModelEndpoint', property: 'environment', value: '{ WORKERS: 4 }' }, endpoint(() => ({ environment: { WORKERS: 4 } })),
      "modelEndpoint environment WORKERS must be a string, got 4: write numbers and flags as text, e.g. '4'"],
    [{ construct: 'ModelEndpoint', property: 'endpointName', value: '5' }, endpoint(() => ({ endpointName: 5 })),
      "modelEndpoint endpointName must be a string, got 5: give e.g. 'fraud-scoring'"],
    [{ construct: 'ModelEndpoint', property: 'networkIsolation', value: "'yes'" }, endpoint(() => ({ networkIsolation: 'yes' })),
      "modelEndpoint networkIsolation must be true or false or left out, got 'yes'"],
    [{ construct: 'ModelEndpoint', property: 'role', value: "'arn:aws:iam::1:role/x'" }, endpoint(() => ({ role: 'arn:aws:iam::1:role/x' })),
      "modelEndpoint role must be an iam.IRole or left out, got 'arn:aws:iam::1:role/x'"],
    [{ construct: 'ModelEndpoint', property: 'alarms', value: 'null' }, endpoint(() => ({ alarms: null })),
      'modelEndpoint alarms must be left out or an object such as { topic }, got null'],
    [{ construct: 'ModelEndpoint', property: 'alarms.modelLatencyThreshold', value: '500' }, endpoint(() => ({ alarms: { modelLatencyThreshold: 500 } })),
      'modelEndpoint alarms modelLatencyThreshold must be a Duration or left out, got 500: give e.g. Duration.millis(500)'],
    [{ construct: 'ModelEndpoint', property: 'alarms.topic', value: "'arn:aws:sns:us-east-1:1:t'" }, endpoint(() => ({ alarms: { topic: 'arn:aws:sns:us-east-1:1:t' } })),
      "modelEndpoint alarms topic must be an sns.ITopic or left out, got 'arn:aws:sns:us-east-1:1:t'"],
    [{ construct: 'ModelSource.fromImage', property: 'image', value: 'null' }, () => ModelSource.fromImage(null as any),
      "modelSource.fromImage image is required, got null: give an ISageMakerImage, e.g. a CustomTrainingImage, or SageMakerImage.fromAsset('container')"],
    [{ construct: 'ModelSource.fromImage', property: 'modelData.key', value: 'null' }, () => ModelSource.fromImage(fixture().image, { bucket: inputBucket(), key: null as any }),
      "modelSource.fromImage modelData key is required, got null: give a string, e.g. 'models/model.tar.gz'"],
    [{ construct: 'ModelSource.fromModelPackage', property: 'modelPackageArn', value: 'undefined' }, () => ModelSource.fromModelPackage(undefined as any),
      'modelSource.fromModelPackage modelPackageArn is required: give a string'],
    [{ construct: 'ModelSource.fromTrainingPipeline', property: 'training', value: 'null' }, () => ModelSource.fromTrainingPipeline(null as any, 'x'),
      'modelSource.fromTrainingPipeline training is required, got null: give a TrainingPipeline'],
    [{ construct: 'ModelEndpoint.fromEndpointName', property: 'endpointName', value: 'null' }, () => ModelEndpoint.fromEndpointName(fixture().stack, 'I', null as any),
      "modelEndpoint.fromEndpointName endpointName is required, got null: give a string, e.g. 'fraud-scoring'"],
    [{ construct: 'ModelEndpoint.fromEndpointAttributes', property: 'attrs', value: 'null' }, () => ModelEndpoint.fromEndpointAttributes(fixture().stack, 'I', null as any),
      "modelEndpoint.fromEndpointAttributes attrs must be an object such as { endpointName: 'fraud-scoring' }, got null"],
    [{ construct: 'EndpointMode.realtime', property: 'options', value: 'null' }, () => EndpointMode.realtime(null as any),
      'endpointMode.realtime options must be left out or an object such as { instanceType: InferenceInstanceType.ML_M5_LARGE }, got null'],
    [{ construct: 'EndpointMode.serverless', property: 'memorySizeMiB', value: "'2048'" }, () => EndpointMode.serverless({ memorySizeMiB: '2048' as any }),
      "endpointMode.serverless memorySizeMiB must be a number or left out, got '2048'"],
    [{ construct: 'EndpointMode.asynchronous', property: 'inputPrefix', value: '5' }, () => EndpointMode.asynchronous({ inputPrefix: 5 as any }),
      'endpointMode.asynchronous inputPrefix must be a string or left out, got 5'],
    [{ construct: 'EndpointMode.batch', property: 'options', value: 'undefined' }, () => EndpointMode.batch(undefined as any),
      'endpointMode.batch options must be an object such as { inputBucket }, got nothing'],
    [{ construct: 'EndpointMode.batch', property: 'inputBucket', value: "'input-bucket'" }, () => EndpointMode.batch({ inputBucket: 'input-bucket' as any }),
      "endpointMode.batch inputBucket must be an s3.IBucket, got 'input-bucket'"],
    [{ construct: 'EndpointMode.batch', property: 'splitType', value: "'lines'" }, () => EndpointMode.batch({ inputBucket: inputBucket(), splitType: 'lines' as any }),
      "endpointMode.batch splitType must be one of None, Line, RecordIO, TFRecord, got 'lines': give e.g. TransformSplitType.LINE"],
    [{ construct: 'EndpointMode.realtime', property: 'instanceType', value: "'ml.m5.large'" }, () => EndpointMode.realtime({ instanceType: 'ml.m5.large' as any }),
      "endpointMode.realtime instanceType must be an InferenceInstanceType, got the string 'ml.m5.large': give InferenceInstanceType.of('ml.m5.large')"],
    [{ construct: 'EndpointMode.batch', property: 'instanceType', value: "{ name: 'm5.large' }" },
      () => EndpointMode.batch({ inputBucket: inputBucket(), instanceType: { name: 'm5.large' } as any }),
      "endpointMode.batch instanceType 'm5.large' is not a SageMaker instance type: give one such as 'ml.m5.large'"],
    [{ construct: 'EndpointMode.realtime', property: 'volumeSize', value: '30' }, () => EndpointMode.realtime({ volumeSize: 30 as any }),
      'endpointMode.realtime volumeSize must be a Size or left out, got 30: give e.g. Size.gibibytes(30), or leave it out'],
    [{ construct: 'EndpointMode.realtime', property: 'modelDataDownloadTimeout', value: '600' }, () => EndpointMode.realtime({ modelDataDownloadTimeout: 600 as any }),
      'endpointMode.realtime modelDataDownloadTimeout must be a Duration or left out, got 600'],
    [{ construct: 'EndpointMode.realtime', property: 'autoScaling.maxCapacity', value: 'missing' }, () => EndpointMode.realtime({ autoScaling: {} as any }),
      'endpointMode.realtime autoScaling maxCapacity is required: give a number, e.g. 4'],
    [{ construct: 'EndpointMode.realtime', property: 'autoScaling.scaleInCooldown', value: '300' },
      () => EndpointMode.realtime({ autoScaling: { maxCapacity: 2, scaleInCooldown: 300 as any } }),
      'endpointMode.realtime autoScaling scaleInCooldown must be a Duration or left out, got 300'],
    [{ construct: 'EndpointMode.realtime', property: 'autoScaling.targetInvocationsPerInstance', value: 'Infinity' },
      () => EndpointMode.realtime({ autoScaling: { maxCapacity: 2, targetInvocationsPerInstance: Infinity } }),
      'endpointMode.realtime autoScaling targetInvocationsPerInstance must be a positive finite number, got Infinity: give e.g. 70'],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.trafficShifting', value: "'CANARY'" },
      () => EndpointMode.realtime({ deployment: { trafficShifting: 'CANARY' as any } }),
      "endpointMode.realtime deployment trafficShifting must be a TrafficShifting or left out, got 'CANARY'"],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.rollbackAlarms', value: '[null]' },
      () => EndpointMode.realtime({ deployment: { rollbackAlarms: [null as any] } }),
      'endpointMode.realtime deployment rollbackAlarms entry 0 must be cloudwatch.IAlarm, got null: give e.g. endpoint.errorAlarm'],
    [{ construct: 'EndpointMode.realtime', property: 'dataCapture.csvContentTypes', value: 'null' },
      () => EndpointMode.realtime({ dataCapture: { csvContentTypes: null as any } }),
      "endpointMode.realtime dataCapture csvContentTypes must be a list (each entry a string) or left out, got null: give e.g. ['text/csv']"],
    [{ construct: 'TrafficShifting.canary', property: 'canarySize', value: '10' }, () => TrafficShifting.canary({ canarySize: 10 as any }),
      'trafficShifting.canary canarySize must be a CapacitySize or left out, got 10: give e.g. CapacitySize.percent(10)'],
    [{ construct: 'CapacitySize.percent', property: 'percent', value: "'10'" }, () => CapacitySize.percent('10' as any),
      "capacitySize.percent percent must be a number, got '10': give e.g. 10"],
  ];
  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});

describe('AWS limits are checked where the prop enters', () => {
  const cases: Array<[ErrorCase, () => unknown, string]> = [
    [{ construct: 'ModelEndpoint', property: 'environment', value: 'a value of 1025 bytes' },
      () => buildEndpoint(() => EndpointMode.realtime(), () => ({ environment: { CONFIG: 'x'.repeat(1025) } })),
      'modelEndpoint environment CONFIG is 1025 bytes long: SageMaker accepts at most 1024 per value; put larger configuration in the model data or S3'],
    [{ construct: 'ModelEndpoint', property: 'environment', value: '40 values of 1000 bytes' },
      () => buildEndpoint(() => EndpointMode.realtime(), () => ({ environment: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`V${i}`, 'x'.repeat(1000)])) })),
      'modelEndpoint environment is 40110 bytes in all: SageMaker accepts at most 32 KB of keys and values together'],
    [{ construct: 'ModelEndpoint', property: 'alarms.invocation5XXErrorsThreshold', value: 'NaN' },
      () => buildEndpoint(() => EndpointMode.realtime(), () => ({ alarms: { invocation5XXErrorsThreshold: NaN } })),
      'modelEndpoint alarms invocation5XXErrorsThreshold must be a finite number, got NaN: give e.g. 5'],
    [{ construct: 'ModelEndpoint', property: 'alarms.evaluationPeriods', value: '1441' },
      () => buildEndpoint(() => EndpointMode.realtime(), () => ({ alarms: { evaluationPeriods: 1441 } })),
      'modelEndpoint alarms evaluationPeriods must be a whole number from 1 to 1440, got 1441'],
    [{ construct: 'ModelEndpoint', property: 'alarms.modelLatencyThreshold', value: 'Duration.millis(NaN)' },
      () => buildEndpoint(() => EndpointMode.realtime(), () => ({ alarms: { modelLatencyThreshold: Duration.millis(NaN) } })),
      'modelEndpoint alarms modelLatencyThreshold must be a positive finite Duration, got NaN milliseconds'],
    [{ construct: 'EndpointMode.batch', property: 'maxConcurrentTransforms', value: '4 with maxPayload 50 MB' },
      () => EndpointMode.batch({ inputBucket: inputBucket(), maxConcurrentTransforms: 4, maxPayload: Size.mebibytes(50) }),
      'endpointMode.batch maxConcurrentTransforms (4) times maxPayload (50 MB) is 200 MB: SageMaker allows at most 100 MB; lower maxConcurrentTransforms or maxPayload'],
    [{ construct: 'EndpointMode.batch', property: 'contentType', value: "''" }, () => EndpointMode.batch({ inputBucket: inputBucket(), contentType: '' }),
      "endpointMode.batch contentType must be a MIME type of 1 to 256 characters, got '': e.g. 'text/csv'"],
    [{ construct: 'ModelEndpoint', property: 'model', value: 'model data in eu-west-1, stack in us-east-1' }, () => {
      const f = fixture();
      const stack = new Stack(f.stack.node.root as any, 'East', { env: { region: 'us-east-1', account: '123456789012' } });
      const bucket = s3.Bucket.fromBucketAttributes(stack, 'Far', { bucketName: 'far', region: 'eu-west-1' });
      new ModelEndpoint(stack, 'E', { model: ModelSource.fromImage(f.image, { bucket, key: 'm.tar.gz' }), mode: EndpointMode.realtime() });
    }, "modelEndpoint model modelData bucket is in region 'eu-west-1' but the endpoint's stack is in 'us-east-1': SageMaker reads S3 in its own region only"],
    [{ construct: 'ModelEndpoint', property: 'model', value: 'a model package of eu-west-1, stack in us-east-1' }, () => {
      const stack = new Stack(fixture().stack.node.root as any, 'East', { env: { region: 'us-east-1', account: '123456789012' } });
      new ModelEndpoint(stack, 'E', { model: ModelSource.fromModelPackage('arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/3'), mode: EndpointMode.serverless() });
    }, "modelEndpoint model is the model package 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/3' of region 'eu-west-1', but the endpoint's stack is in 'us-east-1'"],
    [{ construct: 'EndpointMode.batch', property: 'inputBucket', value: 'a bucket in eu-west-1, stack in us-east-1' }, () => {
      const stack = new Stack(fixture().stack.node.root as any, 'East', { env: { region: 'us-east-1', account: '123456789012' } });
      const f = fixture();
      const bucket = s3.Bucket.fromBucketAttributes(stack, 'Far', { bucketName: 'far', region: 'eu-west-1' });
      new ModelEndpoint(stack, 'E', { model: ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/3', { image: f.image }), mode: EndpointMode.batch({ inputBucket: bucket }) });
    }, "endpointMode.batch inputBucket is in region 'eu-west-1' but the endpoint's stack is in 'us-east-1'"],
    [{ construct: 'EndpointMode.realtime', property: 'volumeSize', value: 'Size.mebibytes(a CfnParameter token)' }, () => {
      const f = fixture();
      const n = new CfnParameter(f.stack, 'N', { type: 'Number' }).valueAsNumber;
      EndpointMode.realtime({ volumeSize: Size.mebibytes(n) });
    }, 'endpointMode.realtime volumeSize is a token in another unit, which CloudFormation cannot convert: give the token in gibibytes, Size.gibibytes(parameter.valueAsNumber)'],
    [{ construct: 'EndpointMode.realtime', property: 'modelDataDownloadTimeout', value: 'Duration.minutes(a CfnParameter token)' }, () => {
      const f = fixture();
      const n = new CfnParameter(f.stack, 'N', { type: 'Number' }).valueAsNumber;
      EndpointMode.realtime({ modelDataDownloadTimeout: Duration.minutes(n) });
    }, 'endpointMode.realtime modelDataDownloadTimeout is a token in minutes, which CloudFormation cannot convert: give the token in seconds, Duration.seconds(parameter.valueAsNumber)'],
  ];
  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });

  test('evaluation periods up to a day of one-minute periods are accepted (CloudWatch allows 1440)', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), alarms: { evaluationPeriods: 1440 } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { EvaluationPeriods: 1440 });
  });
});

/** A Number parameter's token in the template, as the Ref it resolves to. */
function parameter(stack: Stack, id: string): number {
  return new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
}

describe('tokens keep their parameter in every derived value', () => {
  test('the latency threshold from a parameter in milliseconds: the threshold is the parameter, the metric is divided to milliseconds', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), alarms: { modelLatencyThreshold: Duration.millis(parameter(stack, 'LatencyMs')) } });
    const alarm = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { Threshold: { Ref: 'LatencyMs' } } });
    const [body] = Object.values<any>(alarm);
    expect(body.Properties.Metrics.find((m: any) => m.Expression).Expression).toBe('latency / 1000');
    expect(body.Properties.Metrics.find((m: any) => m.MetricStat).MetricStat).toMatchObject({ Metric: { MetricName: 'ModelLatency' }, Stat: 'p99', Period: 60 });
  });

  test('the latency threshold from a parameter in seconds divides by a million', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless(), alarms: { modelLatencyThreshold: Duration.seconds(parameter(stack, 'LatencyS')) } });
    const [body] = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { Threshold: { Ref: 'LatencyS' } } }));
    expect(body.Properties.Metrics.find((m: any) => m.Expression).Expression).toBe('latency / 1000000');
  });

  test('a literal latency threshold stays a plain metric in microseconds', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), alarms: { modelLatencyThreshold: Duration.millis(250) } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', ExtendedStatistic: 'p99', Threshold: 250000 });
  });

  test('error threshold and evaluation periods from parameters', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), alarms: { invocation5XXErrorsThreshold: parameter(stack, 'Errors'), evaluationPeriods: parameter(stack, 'Periods') } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Invocation5XXErrors', Threshold: { Ref: 'Errors' }, EvaluationPeriods: { Ref: 'Periods' } });
  });

  test('cooldowns, timeouts and volume size from parameters in the API\'s unit', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime({
        volumeSize: Size.gibibytes(parameter(stack, 'Volume')),
        modelDataDownloadTimeout: Duration.seconds(parameter(stack, 'Download')),
        containerStartupHealthCheckTimeout: Duration.seconds(parameter(stack, 'Startup')),
        autoScaling: { maxCapacity: parameter(stack, 'Max'), scaleInCooldown: Duration.seconds(parameter(stack, 'In')), scaleOutCooldown: Duration.seconds(parameter(stack, 'Out')) },
        deployment: { trafficShifting: TrafficShifting.canary({ waitInterval: Duration.seconds(parameter(stack, 'Wait')) }) },
      }),
    });
    const variant = only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties.ProductionVariants[0];
    expect(variant).toMatchObject({ VolumeSizeInGB: { Ref: 'Volume' }, ModelDataDownloadTimeoutInSeconds: { Ref: 'Download' }, ContainerStartupHealthCheckTimeoutInSeconds: { Ref: 'Startup' } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MaxCapacity: { Ref: 'Max' } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { ScaleInCooldown: { Ref: 'In' }, ScaleOutCooldown: { Ref: 'Out' } },
    });
    expect(only(stack, 'AWS::SageMaker::Endpoint').body.Properties.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds)
      .toEqual({ Ref: 'Wait' });
  });

  test('asynchronous scaling and batch payload from parameters', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Async', {
      model,
      mode: EndpointMode.asynchronous({ maxConcurrentInvocationsPerInstance: parameter(stack, 'Conc'), autoScaling: { minCapacity: parameter(stack, 'Min'), maxCapacity: 3, scaleOutCooldown: Duration.seconds(parameter(stack, 'Out')) } }),
    });
    new ModelEndpoint(stack, 'Batch', {
      model,
      mode: EndpointMode.batch({ inputBucket: s3.Bucket.fromBucketName(stack, 'In', 'input-data'), maxPayload: Size.mebibytes(parameter(stack, 'Payload')), maxConcurrentTransforms: 2, splitType: TransformSplitType.LINE, instanceType: InferenceInstanceType.ML_C5_XLARGE }),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: { Ref: 'Min' } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { StepScalingPolicyConfiguration: { Cooldown: { Ref: 'Out' } } });
    expect(JSON.stringify(template.toJSON().Resources)).toContain('{"Ref":"Payload"}');
    expect(JSON.stringify(only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties.AsyncInferenceConfig)).toContain('{"Ref":"Conc"}');
  });
});
