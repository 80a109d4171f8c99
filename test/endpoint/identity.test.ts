import * as s3 from 'aws-cdk-lib/aws-s3';
import { fixture, only } from './util';
import { EndpointMode, ModelEndpoint, ModelSource } from '../../src/endpoint';

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
