import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildEndpoint, fixture, only } from './util';
import { EndpointMode, ModelEndpoint } from '../../src/endpoint';
import { InferenceInstanceType } from '../../src/pipeline';
import { ErrorCase, expectError } from '../errors';
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
    endpoint.endpoint!.grantInvoke(app);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [only(stack, 'AWS::SageMaker::Endpoint').id, 'EndpointArn'] },
        }],
      },
    });
    expect(endpoint.endpoint!.metricModelSetupTime().metricName).toBe('ModelSetupTime');
  });

  test('is nag clean', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless() });
    expectNagClean(stack);
  });
});

describe('serverless errors name the property, the value and the fix', () => {
  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'EndpointMode.serverless', property: 'memorySizeMiB', value: '1500' }, () => EndpointMode.serverless({ memorySizeMiB: 1500 }),
      /^endpointMode.serverless memorySizeMiB must be 1024–6144 MiB in steps of 1024, got 1500: give 1024, 2048, 3072, 4096, 5120 or 6144$/],
    [{ construct: 'EndpointMode.serverless', property: 'maxConcurrency', value: '201' }, () => EndpointMode.serverless({ maxConcurrency: 201 }),
      /^endpointMode.serverless maxConcurrency must be a whole number from 1 to 200, got 201$/],
    [{ construct: 'EndpointMode.serverless', property: 'provisionedConcurrency', value: '0' }, () => EndpointMode.serverless({ provisionedConcurrency: 0 }),
      /^endpointMode.serverless provisionedConcurrency must be a whole number from 1 to 200, got 0$/],
    [{ construct: 'EndpointMode.serverless', property: 'provisionedConcurrency', value: '10 with maxConcurrency 5' },
      () => EndpointMode.serverless({ maxConcurrency: 5, provisionedConcurrency: 10 }),
      /^endpointMode.serverless provisionedConcurrency \(10\) exceeds maxConcurrency \(5\): lower provisionedConcurrency or raise maxConcurrency$/],
    [{ construct: 'ModelEndpoint', property: 'vpc', value: 'a vpc, with EndpointMode.serverless' },
      () => buildEndpoint(() => EndpointMode.serverless(), (f) => ({ vpc: new ec2.Vpc(f.stack, 'Vpc') })),
      /^modelEndpoint vpc is set with EndpointMode.serverless, which cannot run in a VPC: drop vpc, or use EndpointMode.realtime/],
    [{ construct: 'ModelEndpoint', property: 'networkIsolation', value: 'true, with EndpointMode.serverless' },
      () => buildEndpoint(() => EndpointMode.serverless(), () => ({ networkIsolation: true })),
      /^modelEndpoint networkIsolation is true with EndpointMode.serverless, which does not support it/],
    [{ construct: 'EndpointMode.serverless', property: 'instanceType', value: '{ instanceType, dataCapture } (plain JavaScript)' },
      () => EndpointMode.serverless({ dataCapture: {}, instanceType: InferenceInstanceType.ML_G5_XLARGE } as any),
      /^endpointMode.serverless does not take instanceType, dataCapture: these are options of another mode; choose the EndpointMode factory that has them, or drop them$/],
  ];

  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});
