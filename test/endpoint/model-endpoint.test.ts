import { App, CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildEndpoint, fixture, flatten, inputBucket, only, roleStatementsOf } from './util';
import { EndpointMode, EndpointModeKind, ModelEndpoint, ModelSource, TrafficShifting } from '../../src/endpoint';
import { CustomTrainingImage } from '../../src/image';
import { InferenceInstanceType } from '../../src/pipeline';
import { ErrorCase, expectError } from '../errors';

function synth(key: string, mode: () => EndpointMode = () => EndpointMode.realtime()) {
  const { stack, image } = fixture();
  const bucket = s3.Bucket.fromBucketName(stack, 'Data', 'data-bucket');
  new ModelEndpoint(stack, 'Endpoint', { model: ModelSource.fromImage(image, { bucket, key }), mode: mode() });
  return {
    model: only(stack, 'AWS::SageMaker::Model'),
    config: only(stack, 'AWS::SageMaker::EndpointConfig'),
    endpoint: only(stack, 'AWS::SageMaker::Endpoint'),
  };
}

describe('content-derived identities', () => {
  test('changing the model data changes the model and config logical IDs, not the endpoint\'s', () => {
    const before = synth('models/v1/model.tar.gz');
    const after = synth('models/v2/model.tar.gz');
    expect(after.model.id).not.toEqual(before.model.id);
    expect(after.config.id).not.toEqual(before.config.id);
    expect(after.endpoint.id).toEqual(before.endpoint.id);
    expect(before.model.id).toMatch(/^EndpointModel[0-9A-F]{8}[0-9A-F]{8}$/);
    expect(before.config.id).toMatch(/^EndpointConfig[0-9A-F]{8}[0-9A-F]{8}$/);
    // the endpoint follows the new config by reference: CloudFormation creates it, updates the endpoint, then deletes the old one
    expect(after.endpoint.body.Properties.EndpointConfigName).toEqual({ 'Fn::GetAtt': [after.config.id, 'EndpointConfigName'] });
  });

  test('changing only the config changes the config logical ID, not the model\'s', () => {
    const small = synth('m.tar.gz', () => EndpointMode.realtime({ initialInstanceCount: 1 }));
    const large = synth('m.tar.gz', () => EndpointMode.realtime({ initialInstanceCount: 2 }));
    expect(large.model.id).toEqual(small.model.id);
    expect(large.config.id).not.toEqual(small.config.id);
    expect(large.endpoint.id).toEqual(small.endpoint.id);
  });

  test('the same properties give the same logical IDs (no churn between synths)', () => {
    expect(synth('m.tar.gz').config.id).toEqual(synth('m.tar.gz').config.id);
  });

  test('models and configs have no physical names; the endpoint has none unless asked', () => {
    const { model, config, endpoint } = synth('m.tar.gz');
    expect(model.body.Properties.ModelName).toBeUndefined();
    expect(config.body.Properties.EndpointConfigName).toBeUndefined();
    expect(endpoint.body.Properties.EndpointName).toBeUndefined();
  });
});

describe('model endpoint errors name the property, the value and the fix', () => {
  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'ModelEndpoint', property: 'variantName', value: "'all traffic'" }, () => buildEndpoint(() => EndpointMode.realtime(), () => ({ variantName: 'all traffic' })),
      /^modelEndpoint variantName 'all traffic' is not a SageMaker name: 1-63 letters, digits and single hyphens/],
    [{ construct: 'ModelEndpoint', property: 'endpointName', value: "'churn_prod'" }, () => buildEndpoint(() => EndpointMode.realtime(), () => ({ endpointName: 'churn_prod' })),
      /^modelEndpoint endpointName 'churn_prod' is not a SageMaker name/],
    [{ construct: 'ModelEndpoint', property: 'vpcSubnets', value: 'a selection without vpc' }, () => buildEndpoint(() => EndpointMode.realtime(), () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })),
      /^modelEndpoint vpcSubnets or securityGroups is set without vpc: give the vpc they belong to, or drop them$/],
    [{ construct: 'ModelEndpoint', property: 'environment', value: '101 variables' }, () => buildEndpoint(() => EndpointMode.realtime(), () => ({ environment: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x'])) })),
      /^modelEndpoint environment has 101 variables: SageMaker accepts at most 100$/],
    [{ construct: 'ModelEndpoint', property: 'environment', value: "{ '1BAD': 'x' }" }, () => buildEndpoint(() => EndpointMode.realtime(), () => ({ environment: { '1BAD': 'x' } })),
      /^modelEndpoint environment variable name '1BAD' is invalid/],
    [{ construct: 'ModelEndpoint', property: 'alarms.invocation5XXErrorsThreshold', value: '0' }, () => buildEndpoint(() => EndpointMode.realtime(), () => ({ alarms: { invocation5XXErrorsThreshold: 0 } })),
      /^modelEndpoint alarms invocation5XXErrorsThreshold must be a whole number of at least 1, got 0$/],
    [{ construct: 'ModelEndpoint', property: 'alarms.evaluationPeriods', value: '0' }, () => buildEndpoint(() => EndpointMode.realtime(), () => ({ alarms: { evaluationPeriods: 0 } })),
      /^modelEndpoint alarms evaluationPeriods must be a whole number from 1 to 1440, got 0: CloudWatch evaluates one-minute periods over at most one day$/],

  ];

  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});

describe('tokens', () => {
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
    expect(() => buildEndpoint(() => EndpointMode.realtime({
      deployment: { trafficShifting: TrafficShifting.allAtOnce({ waitInterval: Duration.seconds(n) }), maximumExecutionTimeout: Duration.seconds(n) },
    }))).not.toThrow();
  });
});

describe('modes keep no state', () => {
  test('one mode object serves two endpoints, each with its own capture prefix (in the stack\'s one bucket), scaling target and alarms', () => {
    const { stack, model } = fixture();
    const mode = EndpointMode.realtime({ initialInstanceCount: 2, autoScaling: { maxCapacity: 4 } });
    const a = new ModelEndpoint(stack, 'A', { model, mode });
    const b = new ModelEndpoint(stack, 'B', { model, mode });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::Endpoint', 2);
    template.resourceCountIs('AWS::SageMaker::EndpointConfig', 2);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 2);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    const configs = Object.values<any>(template.findResources('AWS::SageMaker::EndpointConfig'));
    const captureUris = configs.map((c) => JSON.stringify(c.Properties.DataCaptureConfig.DestinationS3Uri));
    expect(captureUris[0]).toMatch(/\/data-capture\/A"/);
    expect(captureUris[1]).toMatch(/\/data-capture\/B"/);
    expect(a.endpoint!.dataCapture!.prefix).not.toEqual(b.endpoint!.dataCapture!.prefix);
    const targets = Object.values<any>(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'));
    expect(targets.map((t) => flatten(t.Properties.ResourceId)).sort()).toEqual([
      expect.stringMatching(/^endpoint\/\$\{A[0-9A-F]{8}\.EndpointName\}\/variant\/AllTraffic$/),
      expect.stringMatching(/^endpoint\/\$\{B[0-9A-F]{8}\.EndpointName\}\/variant\/AllTraffic$/),
    ]);
  });

  test('each factory gives its kind', () => {
    expect([
      EndpointMode.realtime().kind, EndpointMode.serverless().kind, EndpointMode.asynchronous().kind,
      EndpointMode.batch({ inputBucket: inputBucket() }).kind,
    ]).toEqual([EndpointModeKind.REALTIME, EndpointModeKind.SERVERLESS, EndpointModeKind.ASYNCHRONOUS, EndpointModeKind.BATCH]);
  });
});

describe('the hosted endpoint', () => {
  test('has the endpoint\'s name, ARN and variant, and the capture location <prefix>/<endpoint>/<variant>/', () => {
    const { stack, model } = fixture();
    const served = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime({ dataCapture: { prefix: 'captures/' } }), variantName: 'Blue' });
    const endpoint = only(stack, 'AWS::SageMaker::Endpoint');
    const e = served.endpoint!;
    expect(stack.resolve(e.endpointName)).toEqual({ 'Fn::GetAtt': [endpoint.id, 'EndpointName'] });
    expect(stack.resolve(e.endpointArn)).toEqual({ 'Fn::GetAtt': [endpoint.id, 'EndpointArn'] });
    expect(e.variantName).toBe('Blue');
    expect(e.dataCapture!.prefix).toBe('captures');
    expect(flatten(stack.resolve(e.dataCapture!.variantPrefix))).toBe(`captures/\${${endpoint.id}.EndpointName}/Blue/`);
    expect(stack.resolve(e.dataCapture!.bucket.bucketName)).toEqual({ Ref: expect.stringMatching(/^ModelEndpointDataCaptureBucket[0-9A-F]{8}$/) });
  });

  test('has no capture location when capture is off, nor with serverless', () => {
    const off = buildEndpoint(() => EndpointMode.realtime({ dataCapture: { enabled: false } }));
    const serverless = buildEndpoint(() => EndpointMode.serverless());
    expect([off.endpoint!.dataCapture, serverless.endpoint!.dataCapture]).toEqual([undefined, undefined]);
  });

  test('metrics are attached to the endpoint\'s stack (account and region)', () => {
    const stack = new Stack(new App(), 'Env', { env: { account: '123456789012', region: 'eu-west-1' } });
    const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
    const served = new ModelEndpoint(stack, 'Endpoint', { model: ModelSource.fromImage(image), mode: EndpointMode.serverless() });
    const m = served.endpoint!.metric('Invocations', { statistic: 'Sum' });
    expect([m.account, m.region]).toEqual(['123456789012', 'eu-west-1']);
  });
});

describe('grantReadDataCapture', () => {

  test('lists and reads the objects under the variant\'s capture prefix, nothing else', () => {
    const served = buildEndpoint(() => EndpointMode.realtime({ dataCapture: { prefix: 'captures' } }));
    const stack = Stack.of(served);
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    served.endpoint!.grantReadDataCapture(reader);
    const endpoint = only(stack, 'AWS::SageMaker::Endpoint').id;
    const bucket = Object.keys(Template.fromStack(stack).findResources('AWS::S3::Bucket'))[0];
    expect(roleStatementsOf(stack, reader)).toEqual([
      ['s3:GetObject', [`\${${bucket}.Arn}/captures/\${${endpoint}.EndpointName}/AllTraffic/*`], undefined],
      ['s3:ListBucket', [`\${${bucket}.Arn}`], { StringLike: { 's3:prefix': [`captures/\${${endpoint}.EndpointName}/AllTraffic/*`] } }],
    ]);
  });

  test('decrypts with the key SageMaker encrypts the captures with (dataCapture encryptionKey)', () => {
    const { stack, model } = fixture();
    const key = new kms.Key(stack, 'CaptureKey');
    const served = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime({ dataCapture: { encryptionKey: key } }) });
    expect(served.endpoint!.dataCapture!.encryptionKey).toBe(key);
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    served.endpoint!.grantReadDataCapture(reader);
    const keyId = Object.keys(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0];
    expect(roleStatementsOf(stack, reader)).toContainEqual(['kms:Decrypt', [`\${${keyId}.Arn}`], undefined]);
  });

  test('an import reads where its attributes say, decrypting with dataCaptureEncryptionKey', () => {
    const { stack } = fixture();
    const bucket = s3.Bucket.fromBucketName(stack, 'Captures', 'captures-bucket');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Imported', { endpointName: 'churn', dataCaptureBucket: bucket, dataCaptureEncryptionKey: key });
    expect(endpoint.dataCapture!.encryptionKey).toBe(key);
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantReadDataCapture(reader);
    expect(roleStatementsOf(stack, reader)).toEqual([
      ['s3:GetObject', ['arn:${AWS::Partition}:s3:::captures-bucket/data-capture/churn/AllTraffic/*'], undefined],
      ['s3:ListBucket', ['arn:${AWS::Partition}:s3:::captures-bucket'], { StringLike: { 's3:prefix': ['data-capture/churn/AllTraffic/*'] } }],
      ['kms:Decrypt', ['arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'], undefined],
    ]);
  });

  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'ModelEndpoint', property: 'grantReadDataCapture', value: 'an endpoint with capture off' }, () => {
      const served = buildEndpoint(() => EndpointMode.realtime({ dataCapture: { enabled: false } }));
      served.endpoint!.grantReadDataCapture(new iam.Role(Stack.of(served), 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
    }, /^modelEndpoint grantReadDataCapture: Test\/Endpoint\/Endpoint has no dataCapture to read: turn data capture on \(EndpointMode\.realtime dataCapture\), or import the endpoint with fromEndpointAttributes and its dataCaptureBucket$/],
    [{ construct: 'ModelEndpoint', property: 'grantReadDataCapture', value: 'an import without dataCaptureBucket' }, () => {
      const { stack } = fixture();
      ModelEndpoint.fromEndpointName(stack, 'Imported', 'churn').grantReadDataCapture(new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
    }, /^modelEndpoint grantReadDataCapture: Test\/Imported has no dataCapture to read: /],
    [{ construct: 'ModelEndpoint.fromEndpointAttributes', property: 'dataCaptureEncryptionKey', value: 'a key without dataCaptureBucket' }, () => {
      const { stack } = fixture();
      ModelEndpoint.fromEndpointAttributes(stack, 'I', { endpointName: 'churn', dataCaptureEncryptionKey: new kms.Key(stack, 'Key') });
    }, /^modelEndpoint.fromEndpointAttributes dataCaptureEncryptionKey is set without dataCaptureBucket: give the bucket the captures go to as well$/],
    [{ construct: 'ModelEndpoint.fromEndpointAttributes', property: 'dataCaptureEncryptionKey', value: "'alias/captures'" }, () => {
      const { stack } = fixture();
      ModelEndpoint.fromEndpointAttributes(stack, 'I', { endpointName: 'churn', dataCaptureBucket: inputBucket(), dataCaptureEncryptionKey: 'alias/captures' as any });
    }, /^modelEndpoint.fromEndpointAttributes dataCaptureEncryptionKey must be a kms\.IKey or left out, got 'alias\/captures'/],
  ];
  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});

describe('imports', () => {
  test('fromEndpointName: the lowercase ARN SageMaker authorizes, variant AllTraffic, no capture location', () => {
    const { stack } = fixture();
    const endpoint = ModelEndpoint.fromEndpointName(stack, 'Imported', 'Churn-Prod');
    expect(flatten(stack.resolve(endpoint.endpointArn)))
      .toBe('arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/churn-prod');
    expect([endpoint.endpointName, endpoint.variantName, endpoint.dataCapture]).toEqual(['Churn-Prod', 'AllTraffic', undefined]);
    expect(endpoint.metricInvocations().dimensions).toEqual({ EndpointName: 'Churn-Prod', VariantName: 'AllTraffic' });
  });

  test('grantInvoke on an import: synchronous by default, InvokeEndpointAsync when asynchronous', () => {
    const { stack } = fixture();
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    ModelEndpoint.fromEndpointName(stack, 'Sync', 'sync').grantInvoke(caller);
    ModelEndpoint.fromEndpointAttributes(stack, 'Async', { endpointName: 'queued', asynchronous: true }).grantInvoke(caller);
    const statements = only(stack, 'AWS::IAM::Policy').body.Properties.PolicyDocument.Statement;
    expect(statements.map((st: any) => [st.Action, flatten(st.Resource).split(':').pop()])).toEqual([
      [['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'], 'endpoint/sync'],
      ['sagemaker:InvokeEndpointAsync', 'endpoint/queued'],
    ]);
  });

  test('fromEndpointAttributes: variant and capture location', () => {
    const { stack } = fixture();
    const bucket = s3.Bucket.fromBucketName(stack, 'Captures', 'captures-bucket');
    const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Imported', {
      endpointName: 'churn', variantName: 'Blue', dataCaptureBucket: bucket, dataCapturePrefix: 'capture/churn/',
    });
    expect(endpoint.dataCapture).toEqual({ bucket, prefix: 'capture/churn', variantPrefix: 'capture/churn/churn/Blue/' });
  });

  test('fromEndpointAttributes: the capture prefix defaults to data-capture', () => {
    const { stack } = fixture();
    const bucket = s3.Bucket.fromBucketName(stack, 'Captures', 'captures-bucket');
    const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Imported', { endpointName: 'churn', dataCaptureBucket: bucket });
    expect(endpoint.dataCapture!.variantPrefix).toBe('data-capture/churn/AllTraffic/');
  });

  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'ModelEndpoint.fromEndpointName', property: 'endpointName', value: "'churn_prod'" }, () => ModelEndpoint.fromEndpointName(fixture().stack, 'I', 'churn_prod'),
      /^modelEndpoint.fromEndpointName endpointName 'churn_prod' is not a SageMaker name: 1-63 letters, digits and single hyphens, starting and ending with a letter or digit$/],
    [{ construct: 'ModelEndpoint.fromEndpointAttributes', property: 'variantName', value: "'all traffic'" }, () => ModelEndpoint.fromEndpointAttributes(fixture().stack, 'I', { endpointName: 'churn', variantName: 'all traffic' }),
      /^modelEndpoint.fromEndpointAttributes variantName 'all traffic' is not a SageMaker name/],
    [{ construct: 'ModelEndpoint.fromEndpointAttributes', property: 'dataCapturePrefix', value: "'captures' without dataCaptureBucket" }, () => ModelEndpoint.fromEndpointAttributes(fixture().stack, 'I', { endpointName: 'churn', dataCapturePrefix: 'captures' }),
      /^modelEndpoint.fromEndpointAttributes dataCapturePrefix is set without dataCaptureBucket: give the bucket the captures go to as well$/],
    [{ construct: 'ModelEndpoint.fromEndpointAttributes', property: 'dataCapturePrefix', value: "'/captures'" }, () => ModelEndpoint.fromEndpointAttributes(fixture().stack, 'I', {
      endpointName: 'churn', dataCaptureBucket: inputBucket(), dataCapturePrefix: '/captures',
    }), /^modelEndpoint.fromEndpointAttributes dataCapturePrefix '\/captures' must be a key prefix that does not start with '\/', e.g. 'data-capture'$/],
  ];
  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });

  test('a token name is taken as is', () => {
    const { stack } = fixture();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const endpoint = ModelEndpoint.fromEndpointName(stack, 'Imported', name);
    expect(flatten(stack.resolve(endpoint.endpointArn))).toBe('arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/${Name}');
  });
});
