import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { fixture, flatten, only } from './util';
import { EndpointMode, ModelEndpoint } from '../../src/endpoint';
import { expectError } from '../errors';

function outputs(stack: any): { [name: string]: any } {
  return Template.fromStack(stack).toJSON().Outputs;
}

describe('ModelEndpoint.publishNames', () => {
  test('realtime: the endpoint name and where its captures land, under stable output names', () => {
    const { stack, model } = fixture();
    const served = new ModelEndpoint(stack, 'Fraud-Scoring', { model, mode: EndpointMode.realtime() });
    served.publishNames();
    const out = outputs(stack);
    expect(Object.keys(out).sort()).toEqual(['FraudScoringDataCaptureLocation', 'FraudScoringEndpointName']);
    expect(out.FraudScoringEndpointName.Value).toEqual({ 'Fn::GetAtt': [only(stack, 'AWS::SageMaker::Endpoint').id, 'EndpointName'] });
    const bucket = only(stack, 'AWS::S3::Bucket').id;
    expect(flatten(out.FraudScoringDataCaptureLocation.Value))
      .toBe(`s3://\${${bucket}}/data-capture/Fraud-Scoring/\${${only(stack, 'AWS::SageMaker::Endpoint').id}.EndpointName}/AllTraffic/`);
  });

  test('serverless: the endpoint name only (no capture)', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless() }).publishNames({ outputPrefix: 'Scoring' });
    expect(Object.keys(outputs(stack))).toEqual(['ScoringEndpointName']);
  });

  test('asynchronous: the endpoint name and the request, response and failure locations, also as SSM parameters', () => {
    const { stack, model } = fixture();
    const requests = s3.Bucket.fromBucketName(stack, 'Requests', 'requests');
    new ModelEndpoint(stack, 'Async', { model, mode: EndpointMode.asynchronous({ bucket: requests, inputPrefix: 'in' }) })
      .publishNames({ ssmPrefix: '/ml/fraud' });
    const out = outputs(stack);
    expect(Object.keys(out).sort()).toEqual(['AsyncAsyncFailureLocation', 'AsyncAsyncInputLocation', 'AsyncAsyncOutputLocation', 'AsyncEndpointName']);
    expect(out.AsyncAsyncInputLocation.Value).toBe('s3://requests/in/');
    expect(out.AsyncAsyncOutputLocation.Value).toBe('s3://requests/async-output/');
    expect(out.AsyncAsyncFailureLocation.Value).toBe('s3://requests/async-failures/');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SSM::Parameter', 4);
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/ml/fraud/AsyncInputLocation', Type: 'String', Value: 's3://requests/in/' });
  });

  test('batch: the transform pipeline\'s name and its default input and output locations', () => {
    const { stack, model } = fixture();
    const input = s3.Bucket.fromBucketName(stack, 'Input', 'input-bucket');
    const batch = new ModelEndpoint(stack, 'Nightly', { model, mode: EndpointMode.batch({ inputBucket: input, outputPrefix: 'scores/' }) });
    batch.publishNames();
    const out = outputs(stack);
    expect(Object.keys(out).sort()).toEqual(['NightlyBatchInputLocation', 'NightlyBatchOutputLocation', 'NightlyTransformPipelineName']);
    expect(out.NightlyBatchInputLocation.Value).toBe('s3://input-bucket/batch-input/');
    expect(out.NightlyBatchOutputLocation.Value).toBe('s3://input-bucket/scores/');
    expect(stack.resolve(out.NightlyTransformPipelineName.Value)).toEqual(stack.resolve(batch.transformPipeline!.pipelineName));
  });

  test('checks its options and is called once', () => {
    const { stack, model } = fixture();
    const served = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless() });
    expectError(() => served.publishNames({ outputPrefix: '9lives' }),
      { construct: 'ModelEndpoint.publishNames', property: 'outputPrefix', value: "'9lives'" },
      "modelEndpoint publishNames outputPrefix must be letters and digits starting with a letter (at most 200), got '9lives': e.g. 'FraudTraining'");
    expectError(() => served.publishNames(null as any),
      { construct: 'ModelEndpoint.publishNames', property: 'options', value: 'null' },
      "modelEndpoint publishNames options must be left out or an object such as { outputPrefix: 'Fraud' }, got null");
    served.publishNames();
    expectError(() => served.publishNames(), { construct: 'ModelEndpoint.publishNames', property: 'publishNames', value: 'a second call' },
      'modelEndpoint publishNames was called twice on Test/Endpoint: call it once');
  });
});
