import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { fixture, only } from './util';
import { EndpointMode, ModelEndpoint, ModelSource } from '../../src/endpoint';
import { CustomTrainingImage } from '../../src/image';
import { expectError } from '../errors';
import { expectNagClean } from '../nag';

/** The resources of `stack` by type, without the fixture's image repository. */
function resourceTypes(stack: Stack): { [type: string]: number } {
  const counts: { [type: string]: number } = {};
  for (const resource of Object.values<any>(Template.fromStack(stack).toJSON().Resources)) {
    if (resource.Type !== 'AWS::ECR::Repository') {
      counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    }
  }
  return counts;
}

function total(counts: { [type: string]: number }): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** What one endpoint of each mode costs on its own, besides the stack's shared capture bucket. */
const ENDPOINT = {
  'AWS::IAM::Role': 1,
  'AWS::IAM::Policy': 1,
  'AWS::SageMaker::Model': 1,
  'AWS::SageMaker::EndpointConfig': 1,
  'AWS::SageMaker::Endpoint': 1,
  'AWS::CloudWatch::Alarm': 2,
};
const SCALING = { 'AWS::ApplicationAutoScaling::ScalableTarget': 1, 'AWS::ApplicationAutoScaling::ScalingPolicy': 1 };
/** The stack's one bucket and bucket policy of captures, or of asynchronous requests. */
const SHARED_BUCKET = { 'AWS::S3::Bucket': 1, 'AWS::S3::BucketPolicy': 1 };

describe('resources per default endpoint (issue 15: a regression fails the build)', () => {
  test('realtime with capture, alarms and autoscaling: 9, plus the stack\'s one capture bucket and its policy', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime({ autoScaling: { maxCapacity: 4 } }) });
    const counts = resourceTypes(stack);
    expect(counts).toEqual({ ...ENDPOINT, ...SCALING, ...SHARED_BUCKET });
    expect(total(counts)).toBe(9 + 2);
  });

  test('two realtime endpoints of two models share the capture bucket and its policy: 2 x 9 + 2', () => {
    const { stack, image, artifacts } = fixture();
    const mode = EndpointMode.realtime({ autoScaling: { maxCapacity: 4 } });
    new ModelEndpoint(stack, 'A', { model: ModelSource.fromImage(image, { bucket: artifacts, key: 'a/model.tar.gz' }), mode });
    new ModelEndpoint(stack, 'B', { model: ModelSource.fromImage(image, { bucket: artifacts, key: 'b/model.tar.gz' }), mode });
    const counts = resourceTypes(stack);
    expect(counts['AWS::S3::Bucket']).toBe(1);
    expect(total(counts)).toBe(2 * 9 + 2);
  });

  test('a second realtime endpoint of the same model adds 6: it shares the model, its role and their policy', () => {
    const { stack, model } = fixture();
    const mode = EndpointMode.realtime({ autoScaling: { maxCapacity: 4 } });
    new ModelEndpoint(stack, 'A', { model, mode });
    new ModelEndpoint(stack, 'B', { model, mode });
    const counts = resourceTypes(stack);
    expect(counts['AWS::SageMaker::Model']).toBe(1);
    expect(counts['AWS::IAM::Role']).toBe(1);
    expect(total(counts)).toBe(9 + 6 + 2);
  });

  test('realtime lean (capture and alarms off, autoscaling on): 7, and no capture bucket', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime({ autoScaling: { maxCapacity: 4 }, dataCapture: { enabled: false } }),
      alarms: { enabled: false },
    });
    const counts = resourceTypes(stack);
    expect(counts).toEqual({
      'AWS::IAM::Role': 1,
      'AWS::IAM::Policy': 1,
      'AWS::SageMaker::Model': 1,
      'AWS::SageMaker::EndpointConfig': 1,
      'AWS::SageMaker::Endpoint': 1,
      ...SCALING,
    });
    expect(total(counts)).toBe(7);
  });

  test('serverless: 7 (no capture, no scaling)', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless() });
    expect(resourceTypes(stack)).toEqual(ENDPOINT);
  });

  test('asynchronous: 11 (two notification topics, each with its policy), plus the stack\'s one request bucket and its policy', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous() });
    const counts = resourceTypes(stack);
    expect(counts).toEqual({ ...ENDPOINT, 'AWS::SNS::Topic': 2, 'AWS::SNS::TopicPolicy': 2, ...SHARED_BUCKET });
    expect(total(counts)).toBe(11 + 2);
  });

  test('two asynchronous endpoints of two models share the request bucket and its policy: 2 x 11 + 2', () => {
    const { stack, image, artifacts } = fixture();
    new ModelEndpoint(stack, 'A', { model: ModelSource.fromImage(image, { bucket: artifacts, key: 'a/model.tar.gz' }), mode: EndpointMode.asynchronous() });
    new ModelEndpoint(stack, 'B', { model: ModelSource.fromImage(image, { bucket: artifacts, key: 'b/model.tar.gz' }), mode: EndpointMode.asynchronous() });
    const counts = resourceTypes(stack);
    expect(counts['AWS::S3::Bucket']).toBe(1);
    expect(total(counts)).toBe(2 * 11 + 2);
  });

  test('batch: 9 (the model, and a transform pipeline with its role, failure topic and rule), plus the stack\'s one failure-topic key', () => {
    const { stack, model } = fixture();
    const input = s3.Bucket.fromBucketName(stack, 'Input', 'input-bucket');
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.batch({ inputBucket: input }) });
    const counts = resourceTypes(stack);
    expect(counts).toEqual({
      'AWS::IAM::Role': 2,
      'AWS::IAM::Policy': 2,
      'AWS::SageMaker::Model': 1,
      'AWS::SageMaker::Pipeline': 1,
      'AWS::SNS::Topic': 1,
      'AWS::SNS::TopicPolicy': 1,
      'AWS::Events::Rule': 1,
      'AWS::KMS::Key': 1,
    });
    expect(total(counts)).toBe(9 + 1);
  });

  test('two batch endpoints of two models share the failure-topic key: 2 x 9 + 1', () => {
    const { stack, image, artifacts } = fixture();
    const mode = EndpointMode.batch({ inputBucket: s3.Bucket.fromBucketName(stack, 'Input', 'input-bucket') });
    new ModelEndpoint(stack, 'A', { model: ModelSource.fromImage(image, { bucket: artifacts, key: 'a/model.tar.gz' }), mode });
    new ModelEndpoint(stack, 'B', { model: ModelSource.fromImage(image, { bucket: artifacts, key: 'b/model.tar.gz' }), mode });
    const counts = resourceTypes(stack);
    expect(counts['AWS::KMS::Key']).toBe(1);
    expect(total(counts)).toBe(2 * 9 + 1);
  });
});

describe('the stack\'s one capture bucket', () => {
  test('has a stable id, is retained, and each endpoint\'s role writes under its own prefix only', () => {
    const { stack, model } = fixture();
    const a = new ModelEndpoint(stack, 'A', { model, mode: EndpointMode.realtime() });
    const b = new ModelEndpoint(stack, 'B', { model, mode: EndpointMode.realtime() });
    const bucket = only(stack, 'AWS::S3::Bucket');
    expect(bucket.id).toMatch(/^ModelEndpointDataCaptureBucket[0-9A-F]{8}$/);
    expect(bucket.body.DeletionPolicy).toBe('Retain');
    expect([a.endpoint!.dataCapture!.prefix, b.endpoint!.dataCapture!.prefix]).toEqual(['data-capture/A', 'data-capture/B']);
    const template = Template.fromStack(stack);
    for (const [name, endpoint] of [['A', a], ['B', b]] as const) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: stack.resolve((endpoint.role.node.defaultChild as any).logicalId) }],
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Action: 's3:PutObject',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket.id, 'Arn'] }, `/data-capture/${name}/*`]] },
          }]),
        },
      });
    }
  });

  test('is one per stack: an endpoint of another stack of the app gets its own', () => {
    const app = new App();
    const stacks = ['One', 'Two'].map((name) => {
      const stack = new Stack(app, name);
      const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
      const artifacts = s3.Bucket.fromBucketName(stack, 'Artifacts', 'artifacts-bucket');
      const model = ModelSource.fromImage(image, { bucket: artifacts, key: 'models/model.tar.gz' });
      new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime() });
      return stack;
    });
    expect(stacks.map((stack) => Object.keys(Template.fromStack(stack).findResources('AWS::S3::Bucket')).length)).toEqual([1, 1]);
  });

  test('a given bucket is used as is, with the prefix data-capture, and no bucket is created', () => {
    const { stack, model } = fixture();
    const captures = s3.Bucket.fromBucketName(stack, 'Captures', 'old-captures');
    const e = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime({ dataCapture: { bucket: captures } }) });
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
    expect(only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties.DataCaptureConfig.DestinationS3Uri).toBe('s3://old-captures/data-capture');
    expect(e.endpoint!.dataCapture!.prefix).toBe('data-capture');
  });
});

describe('the stack\'s one asynchronous request bucket', () => {
  const objects = (bucket: string, prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${prefix}/*`]] });

  test('has a stable id, is retained, and each endpoint reads and writes under its own prefixes only', () => {
    const { stack, model } = fixture();
    const a = new ModelEndpoint(stack, 'A', { model, mode: EndpointMode.asynchronous() });
    const b = new ModelEndpoint(stack, 'B', { model, mode: EndpointMode.asynchronous() });
    const bucket = only(stack, 'AWS::S3::Bucket');
    expect(bucket.id).toMatch(/^ModelEndpointAsyncBucket[0-9A-F]{8}$/);
    expect(bucket.body.DeletionPolicy).toBe('Retain');
    expect(a.asyncBucket).toBe(b.asyncBucket);
    const outputs = Object.values<any>(Template.fromStack(stack).findResources('AWS::SageMaker::EndpointConfig'))
      .map((config) => config.Properties.AsyncInferenceConfig.OutputConfig.S3OutputPath['Fn::Join'][1][2]);
    expect(outputs.sort()).toEqual(['/async-output/A', '/async-output/B']);
    // A and B serve one model, so one role holds both endpoints' statements: each names its own prefixes.
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 's3:GetObject', Effect: 'Allow', Resource: objects(bucket.id, 'async-input/A') },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: objects(bucket.id, 'async-output/A') },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: objects(bucket.id, 'async-failures/A') },
          { Action: 's3:GetObject', Effect: 'Allow', Resource: objects(bucket.id, 'async-input/B') },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: objects(bucket.id, 'async-output/B') },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: objects(bucket.id, 'async-failures/B') },
        ]),
      },
    });
  });

  test('is not the capture bucket: a realtime and an asynchronous endpoint of one stack make two buckets', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Live', { model, mode: EndpointMode.realtime() });
    new ModelEndpoint(stack, 'Queue', { model, mode: EndpointMode.asynchronous() });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::S3::Bucket')).sort())
      .toEqual([expect.stringMatching(/^ModelEndpointAsyncBucket/), expect.stringMatching(/^ModelEndpointDataCaptureBucket/)]);
  });

  test('a given prefix is used as given in it; the others stay the endpoint\'s own', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Scoring', { model, mode: EndpointMode.asynchronous({ inputPrefix: 'requests/scoring' }) });
    const bucket = only(stack, 'AWS::S3::Bucket').id;
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 's3:GetObject', Effect: 'Allow', Resource: objects(bucket, 'requests/scoring') },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: objects(bucket, 'async-output/Scoring') },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: objects(bucket, 'async-failures/Scoring') },
        ]),
      },
    });
  });

  test('an endpoint with an encryptionKey keeps a bucket of its own, encrypted with the key, with the prefixes at its root', () => {
    const { stack, model } = fixture();
    const key = new kms.Key(stack, 'Key');
    new ModelEndpoint(stack, 'Shared', { model, mode: EndpointMode.asynchronous() });
    new ModelEndpoint(stack, 'Keyed', { model, mode: EndpointMode.asynchronous({ encryptionKey: key }) });
    const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
    const keyed = Object.keys(buckets).find((id) => id.startsWith('KeyedAsyncBucket'))!;
    expect(Object.keys(buckets)).toHaveLength(2);
    expect(buckets[keyed].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault)
      .toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [only(stack, 'AWS::KMS::Key').id, 'Arn'] } });
    const configs = Object.values<any>(Template.fromStack(stack).findResources('AWS::SageMaker::EndpointConfig'));
    expect(configs.map((c) => c.Properties.AsyncInferenceConfig.OutputConfig.S3OutputPath).filter((p) => p['Fn::Join'][1][1].Ref === keyed))
      .toEqual([{ 'Fn::Join': ['', ['s3://', { Ref: keyed }, '/async-output']] }]);
  });

  test('a given bucket is used as is, with the prefixes at its root, and no bucket is created', () => {
    const { stack, model } = fixture();
    const requests = s3.Bucket.fromBucketName(stack, 'Requests', 'requests');
    const e = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous({ bucket: requests }) });
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
    expect(only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties.AsyncInferenceConfig.OutputConfig.S3OutputPath).toBe('s3://requests/async-output');
    expect(e.asyncBucket).toBe(requests);
  });
});

describe.each([
  ['capture', 'ModelEndpointDataCaptureBucket', () => EndpointMode.realtime(), 'endpoint\'s', 'dataCapture.bucket'],
  ['asynchronous request', 'ModelEndpointAsyncBucket', () => EndpointMode.asynchronous(), 'asynchronous endpoint\'s', 'endpointMode.asynchronous bucket'],
])('the stack\'s one %s bucket and server access logs', (holds, id, mode, first, ownBucket) => {
  test('they go to the given bucket under the shared bucket\'s prefix; nag clean with two endpoints', () => {
    const { stack, model } = fixture();
    const logs = s3.Bucket.fromBucketName(stack, 'Logs', 'access-logs');
    new ModelEndpoint(stack, 'A', { model, mode: mode(), serverAccessLogsBucket: logs });
    new ModelEndpoint(stack, 'B', { model, mode: mode() });
    expect(only(stack, 'AWS::S3::Bucket').body.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: 'access-logs',
      LogFilePrefix: `${id}/`,
    });
    expectNagClean(stack);
  });

  test('two endpoints asking for different access log buckets is an error that names both and the fix', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'A', { model, mode: mode() });
    const logs = s3.Bucket.fromBucketName(stack, 'Logs', 'access-logs');
    const expected = `modelEndpoint serverAccessLogsBucket of Test/B differs from the one the stack's shared ${holds} bucket was created with `
      + '(none, by an earlier endpoint): give every endpoint of the stack the same serverAccessLogsBucket, '
      + `or give this endpoint a bucket of its own in ${ownBucket}`;
    expect(expectError(() => new ModelEndpoint(stack, 'B', { model, mode: mode(), serverAccessLogsBucket: logs }),
      { construct: 'ModelEndpoint', property: 'serverAccessLogsBucket', value: `a bucket other than the first ${first}` }, expected)).toBe(expected);
  });
});

describe('a construct of the user\'s own where the library keeps a shared bucket', () => {
  test.each([
    ['ModelEndpointAsyncBucket', () => EndpointMode.asynchronous(), 'asynchronous request', 'endpointMode.asynchronous bucket'],
    ['ModelEndpointDataCaptureBucket', () => EndpointMode.realtime(), 'capture', 'dataCapture.bucket'],
  ])('%s is an error that names the id and the fix', (id, mode, holds, ownBucket) => {
    const { stack, model } = fixture();
    new s3.Bucket(stack, id);
    const expected = `modelEndpoint Test/Endpoint: stack Test already holds a construct '${id}' that the library did not create, `
      + `where it keeps the stack's shared ${holds} bucket: give that construct another id, or give this endpoint a bucket of its own in ${ownBucket}`;
    expect(expectError(() => new ModelEndpoint(stack, 'Endpoint', { model, mode: mode() }),
      { construct: 'ModelEndpoint', property: ownBucket.replace('endpointMode.asynchronous ', ''), value: `a construct of your own with the id '${id}'` },
      expected)).toBe(expected);
  });
});

describe('content hashes', () => {
  test('are computed once per synth: each hashed resource\'s properties are resolved once', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime({ autoScaling: { maxCapacity: 2 } }) });
    const resolve = jest.spyOn(Stack.prototype, 'resolve');
    try {
      Template.fromStack(stack);
      const args = resolve.mock.calls.map(([value]) => value);
      expect(args.filter((v: any) => v && typeof v === 'object' && 'primaryContainer' in v)).toHaveLength(1);
      expect(args.filter((v: any) => v && typeof v === 'object' && 'productionVariants' in v)).toHaveLength(1);
    } finally {
      resolve.mockRestore();
    }
  });
});
