import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { fixture, only } from './util';
import { EndpointMode, ModelEndpoint } from '../../src/endpoint';
import { expectNagClean } from '../nag';

describe('serverless', () => {
  test('renders a serverless variant without instances or data capture', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.serverless({ memorySizeMiB: 4096, maxConcurrency: 50, provisionedConcurrency: 5 }),
    });
    const modelId = only(stack, 'AWS::SageMaker::Model').id;
    expect(only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties).toEqual({
      ProductionVariants: [{
        ModelName: { 'Fn::GetAtt': [modelId, 'ModelName'] },
        VariantName: 'AllTraffic',
        ServerlessConfig: { MemorySizeInMB: 4096, MaxConcurrency: 50, ProvisionedConcurrency: 5 },
      }],
    });
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('defaults: 2048 MiB, 10 concurrent invocations', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless() });
    expect(only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties.ProductionVariants[0].ServerlessConfig)
      .toEqual({ MemorySizeInMB: 2048, MaxConcurrency: 10 });
  });

  test('updates are blue/green all at once with a baking period, rolled back by its own alarms; no autoscaling', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless() });
    const endpoint = only(stack, 'AWS::SageMaker::Endpoint');
    const alarmName = (metric: string) => ({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, `-Test-Endpoint-0FBD4E12-${metric}`]] });
    expect(endpoint.body.Properties).toEqual({
      EndpointConfigName: { 'Fn::GetAtt': [only(stack, 'AWS::SageMaker::EndpointConfig').id, 'EndpointConfigName'] },
      DeploymentConfig: {
        BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 } },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: alarmName('Invocation5XXErrors') }, { AlarmName: alarmName('ModelLatency') }] },
      },
    });
    Template.fromStack(stack).resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });

  test('without alarms, updates are SageMaker\'s default: no DeploymentConfig', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless(), alarms: { enabled: false } });
    expect(only(stack, 'AWS::SageMaker::Endpoint').body.Properties.DeploymentConfig).toBeUndefined();
  });

  test('grantInvoke and the cold-start metric', () => {
    const { stack, model } = fixture();
    const endpoint = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless() });
    const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantInvoke(app);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [only(stack, 'AWS::SageMaker::Endpoint').id, 'EndpointArn'] },
        }],
      },
    });
    expect(endpoint.metricModelSetupTime().metricName).toBe('ModelSetupTime');
  });

  test('is nag clean', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless() });
    expectNagClean(stack);
  });
});
