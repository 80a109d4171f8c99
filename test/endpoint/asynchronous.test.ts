import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { fixture, only } from './util';
import { EndpointMode, ModelEndpoint } from '../../src/endpoint';
import { InferenceInstanceType } from '../../src/pipeline';
import { ErrorCase, expectError } from '../errors';
import { expectNagClean } from '../nag';

describe('asynchronous', () => {
  test('renders S3 output and failure paths, topics and client config', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.asynchronous({ instanceType: InferenceInstanceType.ML_C5_XLARGE, maxConcurrentInvocationsPerInstance: 4 }),
    });
    const bucket = only(stack, 'AWS::S3::Bucket').id;
    const topics = Object.keys(Template.fromStack(stack).findResources('AWS::SNS::Topic'));
    const success = topics.find((t) => t.startsWith('EndpointSuccessTopic'))!;
    const error = topics.find((t) => t.startsWith('EndpointErrorTopic'))!;
    const modelId = only(stack, 'AWS::SageMaker::Model').id;
    expect(only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties).toEqual({
      ProductionVariants: [{
        InitialInstanceCount: 1,
        InitialVariantWeight: 1,
        InstanceType: 'ml.c5.xlarge',
        ModelName: { 'Fn::GetAtt': [modelId, 'ModelName'] },
        VariantName: 'AllTraffic',
      }],
      AsyncInferenceConfig: {
        ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 },
        OutputConfig: {
          S3OutputPath: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/async-output/Endpoint']] },
          S3FailurePath: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/async-failures/Endpoint']] },
          NotificationConfig: { SuccessTopic: { Ref: success }, ErrorTopic: { Ref: error } },
        },
      },
    });
  });

  test('updates are blue/green all at once with a baking period, rolled back by its own alarms', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous() });
    const alarmName = (metric: string) => ({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, `-Test-Endpoint-0FBD4E12-${metric}`]] });
    expect(only(stack, 'AWS::SageMaker::Endpoint').body.Properties.DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 } },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: alarmName('Invocation5XXErrors') }, { AlarmName: alarmName('ModelLatency') }] },
    });
  });

  test('without alarms, updates are SageMaker\'s default: no DeploymentConfig', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous(), alarms: { enabled: false } });
    expect(only(stack, 'AWS::SageMaker::Endpoint').body.Properties.DeploymentConfig).toBeUndefined();
  });

  test('topics are encrypted and TLS only; the role may publish to them and use the S3 prefixes', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous() });
    const template = Template.fromStack(stack);
    template.allResourcesProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alias/aws/sns']] },
    });
    template.resourceCountIs('AWS::SNS::TopicPolicy', 2);
    const bucket = only(stack, 'AWS::S3::Bucket').id;
    const objects = (p: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${p}/*`]] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 's3:GetObject', Effect: 'Allow', Resource: objects('async-input/Endpoint') },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: objects('async-output/Endpoint') },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: objects('async-failures/Endpoint') },
          Match.objectLike({ Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  test('autoscaling to zero: backlog target tracking plus a step policy on HasBacklogWithoutCapacity', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.asynchronous({ autoScaling: { maxCapacity: 3, targetBacklogPerInstance: 2 } }),
    });
    const template = Template.fromStack(stack);
    const endpoint = only(stack, 'AWS::SageMaker::Endpoint');
    expect(endpoint.body.Properties.RetainAllVariantProperties).toBe(true);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 3 });
    const endpointName = { 'Fn::GetAtt': [endpoint.id, 'EndpointName'] };
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        CustomizedMetricSpecification: {
          MetricName: 'ApproximateBacklogSizePerInstance',
          Namespace: 'AWS/SageMaker',
          Dimensions: [{ Name: 'EndpointName', Value: endpointName }],
          Statistic: 'Average',
        },
        TargetValue: 2,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 300,
      },
    });
    const step = template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'StepScaling' } });
    const stepId = Object.keys(step)[0];
    expect(step[stepId].Properties.StepScalingPolicyConfiguration).toEqual({
      AdjustmentType: 'ChangeInCapacity',
      Cooldown: 300,
      MetricAggregationType: 'Average',
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HasBacklogWithoutCapacity',
      Namespace: 'AWS/SageMaker',
      Dimensions: [{ Name: 'EndpointName', Value: endpointName }],
      Statistic: 'Average',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      AlarmActions: [{ Ref: stepId }],
    });
  });

  test('no scale-up-from-zero policy when the minimum is above zero', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous({ autoScaling: { minCapacity: 1, maxCapacity: 3 } }) });
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' }, 0);
  });

  test('given bucket, key and topics; no notifications creates no topic', () => {
    const { stack, model } = fixture();
    const key = new kms.Key(stack, 'Key');
    const topic = new sns.Topic(stack, 'Done', { enforceSSL: true, masterKey: key });
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.asynchronous({ encryptionKey: key, successTopic: topic, errorTopic: topic, outputPrefix: 'out' }),
    });
    const output = only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties.AsyncInferenceConfig.OutputConfig;
    expect(output.KmsKeyId).toEqual({ 'Fn::GetAtt': [only(stack, 'AWS::KMS::Key').id, 'Arn'] });
    expect(output.NotificationConfig).toEqual({ SuccessTopic: { Ref: expect.stringMatching(/^Done/) }, ErrorTopic: { Ref: expect.stringMatching(/^Done/) } });
    expect(output.S3OutputPath['Fn::Join'][1][2]).toBe('/out');

    const other = fixture('Other');
    new ModelEndpoint(other.stack, 'Endpoint', { model: other.model, mode: EndpointMode.asynchronous({ notifications: false }) });
    Template.fromStack(other.stack).resourceCountIs('AWS::SNS::Topic', 0);
    expect(only(other.stack, 'AWS::SageMaker::EndpointConfig').body.Properties.AsyncInferenceConfig.OutputConfig.NotificationConfig).toBeUndefined();
  });

  test('grantInvoke: InvokeEndpointAsync, upload requests, read responses and failures, list them to poll for one', () => {
    const { stack, model } = fixture();
    const endpoint = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous() });
    const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.endpoint!.grantInvoke(app);
    const bucket = only(stack, 'AWS::S3::Bucket').id;
    const objects = (p: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${p}/*`]] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^App') }],
      PolicyDocument: {
        Statement: [
          { Action: 'sagemaker:InvokeEndpointAsync', Effect: 'Allow', Resource: { 'Fn::GetAtt': [only(stack, 'AWS::SageMaker::Endpoint').id, 'EndpointArn'] } },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: objects('async-input/Endpoint') },
          { Action: 's3:GetObject', Effect: 'Allow', Resource: [objects('async-output/Endpoint'), objects('async-failures/Endpoint')] },
          // A GetObject of a response not written yet is AccessDenied without ListBucket: the caller lists the key.
          {
            Action: 's3:ListBucket',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [bucket, 'Arn'] },
            Condition: { StringLike: { 's3:prefix': ['async-output/Endpoint/*', 'async-failures/Endpoint/*'] } },
          },
        ],
      },
    });
  });

  test('publishes its bucket and prefixes, which are the ones its config and grants name', () => {
    const { stack, model } = fixture();
    const shared = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous() });
    expect([shared.asyncInputPrefix, shared.asyncOutputPrefix, shared.asyncFailurePrefix])
      .toEqual(['async-input/Endpoint', 'async-output/Endpoint', 'async-failures/Endpoint']);
    const output = only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties.AsyncInferenceConfig.OutputConfig;
    expect(output.S3OutputPath).toEqual(stack.resolve(shared.asyncBucket!.s3UrlForObject(shared.asyncOutputPrefix)));
    expect(output.S3FailurePath).toEqual(stack.resolve(shared.asyncBucket!.s3UrlForObject(shared.asyncFailurePrefix)));
    const own = new ModelEndpoint(stack, 'Own', {
      model,
      mode: EndpointMode.asynchronous({ bucket: shared.asyncBucket, outputPrefix: 'answers' }),
    });
    expect([own.asyncInputPrefix, own.asyncOutputPrefix, own.asyncFailurePrefix]).toEqual(['async-input', 'answers', 'async-failures']);
    const realtime = new ModelEndpoint(stack, 'Live', { model, mode: EndpointMode.realtime() });
    expect([realtime.asyncBucket, realtime.asyncInputPrefix, realtime.asyncOutputPrefix, realtime.asyncFailurePrefix])
      .toEqual([undefined, undefined, undefined, undefined]);
  });

  test('backlog metrics have the EndpointName dimension only', () => {
    const { stack, model } = fixture();
    const endpoint = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous() });
    for (const m of [endpoint.endpoint!.metricApproximateBacklogSize(), endpoint.endpoint!.metricApproximateBacklogSizePerInstance(),
      endpoint.endpoint!.metricHasBacklogWithoutCapacity(), endpoint.endpoint!.metricApproximateAgeOfOldestRequest()]) {
      expect(m.namespace).toBe('AWS/SageMaker');
      expect(Object.keys(m.dimensions!)).toEqual(['EndpointName']);
    }
    expect(endpoint.endpoint!.metricApproximateBacklogSize({ period: Duration.minutes(5) }).metricName).toBe('ApproximateBacklogSize');
  });

  test('is nag clean with autoscaling to zero', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous({ autoScaling: { maxCapacity: 2 } }) });
    expectNagClean(stack);
  });
});

describe('asynchronous errors name the property, the value and the fix', () => {
  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'EndpointMode.realtime', property: 'autoScaling.minCapacity', value: '0' }, () => EndpointMode.realtime({ autoScaling: { minCapacity: 0, maxCapacity: 2 } }),
      /^endpointMode.realtime autoScaling minCapacity must be a whole number of at least 1, got 0: a real-time endpoint cannot scale to zero; use EndpointMode.asynchronous for that$/],
    [{ construct: 'EndpointMode.asynchronous', property: 'autoScaling.maxCapacity', value: '1 with minCapacity 3' }, () => EndpointMode.asynchronous({ autoScaling: { minCapacity: 3, maxCapacity: 1 } }),
      /^endpointMode.asynchronous autoScaling maxCapacity \(1\) is below minCapacity \(3\): raise maxCapacity or lower minCapacity$/],
    [{ construct: 'EndpointMode.asynchronous', property: 'autoScaling.minCapacity', value: '-1' }, () => EndpointMode.asynchronous({ autoScaling: { minCapacity: -1, maxCapacity: 1 } }),
      /^endpointMode.asynchronous autoScaling minCapacity must be a whole number of at least 0, got -1$/],
    [{ construct: 'EndpointMode.asynchronous', property: 'autoScaling.targetBacklogPerInstance', value: '-2' }, () => EndpointMode.asynchronous({ autoScaling: { maxCapacity: 1, targetBacklogPerInstance: -2 } }),
      /^endpointMode.asynchronous autoScaling targetBacklogPerInstance must be a positive finite number, got -2: give e.g. 5$/],
    [{ construct: 'EndpointMode.asynchronous', property: 'maxConcurrentInvocationsPerInstance', value: '1001' }, () => EndpointMode.asynchronous({ maxConcurrentInvocationsPerInstance: 1001 }),
      /^endpointMode.asynchronous maxConcurrentInvocationsPerInstance must be a whole number from 1 to 1000, got 1001$/],
    [{ construct: 'EndpointMode.asynchronous', property: 'outputPrefix', value: "'/out'" }, () => EndpointMode.asynchronous({ outputPrefix: '/out' }),
      /^endpointMode.asynchronous outputPrefix '\/out' must be a key prefix that does not start with '\/', e.g. 'async-output'$/],
    [{ construct: 'EndpointMode.asynchronous', property: 'notifications', value: 'false with a successTopic' }, () => EndpointMode.asynchronous({ notifications: false, successTopic: sns.Topic.fromTopicArn(fixture().stack, 'T', 'arn:aws:sns:us-east-1:123456789012:t') }),
      /^endpointMode.asynchronous notifications is false but successTopic or errorTopic is given: drop the topics, or leave notifications on$/],
  ];

  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});
