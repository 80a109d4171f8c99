import { Duration, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { buildEndpoint, fixture, flatten, only } from './util';
import {
  CapacitySize,
  EndpointMode,
  ModelEndpoint,
  ModelSource,
  TrafficShifting,
} from '../../src/endpoint';
import { InferenceInstanceType } from '../../src/pipeline';
import { ErrorCase, expectError } from '../errors';
import { expectNagClean } from '../nag';

describe('realtime', () => {
  test('renders the endpoint config: one variant, data capture on with readable content types', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime() });
    const config = only(stack, 'AWS::SageMaker::EndpointConfig');
    const bucket = only(stack, 'AWS::S3::Bucket');
    const modelId = only(stack, 'AWS::SageMaker::Model').id;
    expect(config.body.Properties).toEqual({
      ProductionVariants: [{
        InitialInstanceCount: 1,
        InitialVariantWeight: 1,
        InstanceType: 'ml.m5.large',
        ModelName: { 'Fn::GetAtt': [modelId, 'ModelName'] },
        VariantName: 'AllTraffic',
      }],
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 100,
        // the stack's one capture bucket, under this endpoint's own prefix
        DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: bucket.id }, '/data-capture/Endpoint']] },
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
        CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
      },
    });
  });

  test('renders the endpoint: blue/green all at once with a baking period, rolled back by its own alarms, no physical name', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime() });
    const endpoint = only(stack, 'AWS::SageMaker::Endpoint');
    const configId = only(stack, 'AWS::SageMaker::EndpointConfig').id;
    const alarmName = (metric: string) => ({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, `-Test-Endpoint-0FBD4E12-${metric}`]] });
    expect(endpoint.body.Properties).toEqual({
      EndpointConfigName: { 'Fn::GetAtt': [configId, 'EndpointConfigName'] },
      DeploymentConfig: {
        // WaitIntervalInSeconds is required by SageMaker; the 5-minute baking period is when the alarms can roll back
        BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 } },
        AutoRollbackConfiguration: {
          Alarms: [{ AlarmName: alarmName('Invocation5XXErrors') }, { AlarmName: alarmName('ModelLatency') }],
        },
      },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: alarmName('Invocation5XXErrors'),
      MetricName: 'Invocation5XXErrors',
      Namespace: 'AWS/SageMaker',
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 2,
      Dimensions: [
        { Name: 'EndpointName', Value: { 'Fn::GetAtt': [endpoint.id, 'EndpointName'] } },
        { Name: 'VariantName', Value: 'AllTraffic' },
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: alarmName('ModelLatency'),
      MetricName: 'ModelLatency',
      ExtendedStatistic: 'p99',
      Threshold: 1_000_000, // microseconds
    });
  });

  test('instance options render into the variant and the config key', () => {
    const { stack, model } = fixture();
    const key = new kms.Key(stack, 'Key');
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime({
        instanceType: InferenceInstanceType.ML_G5_XLARGE,
        initialInstanceCount: 2,
        volumeSize: Size.gibibytes(50),
        volumeEncryptionKey: key,
        modelDataDownloadTimeout: Duration.minutes(10),
        containerStartupHealthCheckTimeout: Duration.minutes(15),
        dataCapture: { enabled: false },
      }),
    });
    const config = only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties;
    expect(config.ProductionVariants[0]).toEqual(expect.objectContaining({
      InstanceType: 'ml.g5.xlarge',
      InitialInstanceCount: 2,
      VolumeSizeInGB: 50,
      ModelDataDownloadTimeoutInSeconds: 600,
      ContainerStartupHealthCheckTimeoutInSeconds: 900,
    }));
    expect(config.KmsKeyId).toEqual({ 'Fn::GetAtt': [only(stack, 'AWS::KMS::Key').id, 'Arn'] });
    expect(config.DataCaptureConfig).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('autoscaling: target tracking on invocations per instance, and variant properties retained', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime({
        initialInstanceCount: 2,
        autoScaling: { maxCapacity: 8, targetInvocationsPerInstance: 100, scaleInCooldown: Duration.minutes(10) },
      }),
    });
    const template = Template.fromStack(stack);
    const endpoint = only(stack, 'AWS::SageMaker::Endpoint');
    expect(endpoint.body.Properties.RetainAllVariantProperties).toBe(true);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 2,
      MaxCapacity: 8,
      ResourceId: { 'Fn::Join': ['', ['endpoint/', { 'Fn::GetAtt': [endpoint.id, 'EndpointName'] }, '/variant/AllTraffic']] },
      RoleARN: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' },
          ':role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint']],
      },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        TargetValue: 100,
        ScaleInCooldown: 600,
        ScaleOutCooldown: 60,
      },
    });
    // no extra IAM role for autoscaling: the service-linked role
    template.resourceCountIs('AWS::IAM::Role', 1);
  });

  test('canary traffic shifting with given rollback alarms and waits', () => {
    const { stack, model } = fixture();
    const alarm = cloudwatch.Alarm.fromAlarmName(stack, 'Business', 'conversion-drop');
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime({
        initialInstanceCount: 4,
        deployment: {
          trafficShifting: TrafficShifting.canary({ canarySize: CapacitySize.instances(1), waitInterval: Duration.minutes(10) }),
          rollbackAlarms: [alarm],
          terminationWait: Duration.minutes(5),
          maximumExecutionTimeout: Duration.hours(1),
        },
      }),
    });
    expect(only(stack, 'AWS::SageMaker::Endpoint').body.Properties.DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 600, CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 } },
        TerminationWaitInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'conversion-drop' }] },
    });
  });

  test('linear traffic shifting without rollback', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime({
        deployment: { trafficShifting: TrafficShifting.linear({ stepSize: CapacitySize.percent(25) }), autoRollback: false },
      }),
    });
    expect(only(stack, 'AWS::SageMaker::Endpoint').body.Properties.DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'LINEAR', WaitIntervalInSeconds: 300, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 25 } },
      },
    });
  });

  test('all at once with a given baking period, termination wait and the longest execution timeout', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime({
        deployment: {
          trafficShifting: TrafficShifting.allAtOnce({ waitInterval: Duration.minutes(15) }),
          terminationWait: Duration.minutes(30),
          maximumExecutionTimeout: Duration.hours(8),
        },
      }),
    });
    expect(only(stack, 'AWS::SageMaker::Endpoint').body.Properties.DeploymentConfig.BlueGreenUpdatePolicy).toEqual({
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 900 },
      TerminationWaitInSeconds: 1800,
      MaximumExecutionTimeoutInSeconds: 28800,
    });
  });

  test('alarm names stay within 255 characters with the longest stack name and a deep path', () => {
    const stackName = `S${'x'.repeat(127)}`;
    const { stack, model } = fixture(stackName);
    let scope: Construct = stack;
    for (let i = 0; i < 12; i++) {
      scope = new Construct(scope, `AVeryLongConstructIdForNesting${i}`);
    }
    new ModelEndpoint(scope, 'Endpoint', { model, mode: EndpointMode.realtime() });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    const names = alarms.map((a: any) => flatten(a.Properties.AlarmName).replace('${AWS::StackName}', stackName));
    for (const name of names) {
      expect(name.startsWith(`${stackName}-`)).toBe(true);
      expect(name.length).toBeLessThanOrEqual(255);
    }
    expect(names.map((n) => n.replace(/^.*-/, '')).sort()).toEqual(['Invocation5XXErrors', 'ModelLatency']);
    // the rollback watches the same names
    const rollback = only(stack, 'AWS::SageMaker::Endpoint').body.Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms;
    expect(rollback.map((a: any) => a.AlarmName)).toEqual(alarms.map((a: any) => a.Properties.AlarmName));
  });

  test('alarms can be turned off; the deployment then has no rollback', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), alarms: { enabled: false } });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(only(stack, 'AWS::SageMaker::Endpoint').body.Properties.DeploymentConfig.AutoRollbackConfiguration).toBeUndefined();
  });

  test('data capture to a given bucket, prefix and key; the role may write there only', () => {
    const { stack, model } = fixture();
    const key = new kms.Key(stack, 'CaptureKey');
    const bucket = s3.Bucket.fromBucketName(stack, 'Captures', 'captures-bucket');
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime({
        dataCapture: { bucket, prefix: 'capture/v1', encryptionKey: key, samplingPercentage: 20, jsonContentTypes: ['application/json', 'application/jsonlines'] },
      }),
    });
    const capture = only(stack, 'AWS::SageMaker::EndpointConfig').body.Properties.DataCaptureConfig;
    expect(capture).toEqual({
      EnableCapture: true,
      InitialSamplingPercentage: 20,
      DestinationS3Uri: 's3://captures-bucket/capture/v1',
      KmsKeyId: { 'Fn::GetAtt': [only(stack, 'AWS::KMS::Key').id, 'Arn'] },
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json', 'application/jsonlines'] },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 's3:PutObject',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::captures-bucket/capture/v1/*']] },
        }, {
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [only(stack, 'AWS::KMS::Key').id, 'Arn'] },
        }]),
      },
    });
  });

  test('the created capture bucket is encrypted, TLS only, private, versioned and retained', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime() });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('execution role: pull, read exactly the model data, logs; nothing else', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime({ dataCapture: { enabled: false } }) });
    const role = only(stack, 'AWS::IAM::Role');
    expect(role.body.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } },
    ]);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const actions = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()));
    expect(actions.sort()).toEqual([
      'cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricData',
      'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer',
      'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents',
      's3:GetObject',
    ]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 's3:GetObject',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::artifacts-bucket/models/model.tar.gz']] },
        }]),
      },
    });
    // the model waits for the role's policies, so CreateModel can pull the image
    expect(only(stack, 'AWS::SageMaker::Model').body.DependsOn.sort()).toEqual(Object.keys(policies).sort());
  });

  test('model: image, model data, environment, VPC and network isolation', () => {
    const { stack, model } = fixture();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime(),
      environment: { SAGEMAKER_MODEL_SERVER_WORKERS: '2' },
      vpc,
      networkIsolation: true,
    });
    const props = only(stack, 'AWS::SageMaker::Model').body.Properties;
    expect(props.PrimaryContainer).toEqual(expect.objectContaining({
      Mode: 'SingleModel',
      ModelDataUrl: 's3://artifacts-bucket/models/model.tar.gz',
      Environment: { SAGEMAKER_MODEL_SERVER_WORKERS: '2' },
    }));
    expect(props.EnableNetworkIsolation).toBe(true);
    expect(props.VpcConfig.Subnets).toHaveLength(2);
    expect(props.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^EndpointSecurityGroup/), 'GroupId'] }]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ec2:CreateNetworkInterface']), Resource: '*' })]) },
    });
  });

  test('the role has one policy; each wildcard in it (network interfaces, logs, metrics, captures) is suppressed by name, with its reason', () => {
    const { stack, model } = fixture();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), vpc });
    const policy = only(stack, 'AWS::IAM::Policy');
    const statements = policy.body.Properties.PolicyDocument.Statement;
    const logs = statements.find((st: any) => [st.Action].flat().includes('logs:PutLogEvents'));
    expect(flatten(logs.Resource)).toEqual('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/sagemaker/Endpoints/*');
    // AWS/ namespaces are reserved for AWS services: only the endpoint's own namespace is granted.
    expect(statements.find((st: any) => st.Action === 'cloudwatch:PutMetricData')).toEqual({
      Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*', Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' } },
    });
    const suppressions = policy.body.Metadata.cdk_nag.rules_to_suppress;
    // exact findings only: no regular expression that could cover a wildcard nobody explained
    expect(suppressions.flatMap((r: any) => r.applies_to).filter((a: unknown) => typeof a !== 'string')).toEqual([]);
    expect(suppressions.find((r: any) => r.reason.startsWith('SageMaker writes captures')).applies_to)
      .toEqual([expect.stringMatching(/^Resource::<ModelEndpointDataCaptureBucket[0-9A-F]{8}\.Arn>\/data-capture\/Endpoint\/\*$/)]);
    expect(suppressions.find((r: any) => r.reason.startsWith('SageMaker names the log streams')).applies_to).toEqual([
      'Resource::*', 'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/*',
    ]);
    expect(only(stack, 'AWS::SageMaker::Model').body.DependsOn).toEqual([policy.id]);
  });

  test('environment variables render in sorted key order, whatever order the map came in', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), environment: { ZETA: '1', ALPHA: '2' } });
    const environment = only(stack, 'AWS::SageMaker::Model').body.Properties.PrimaryContainer.Environment;
    expect(Object.keys(environment)).toEqual(['ALPHA', 'ZETA']);
  });

  test('a model package: DescribeModelPackage on it, its image and artifacts readable', () => {
    const { stack, image } = fixture();
    const artifacts = s3.Bucket.fromBucketName(stack, 'PipelineBucket', 'pipeline-bucket');
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3';
    new ModelEndpoint(stack, 'Endpoint', {
      model: ModelSource.fromModelPackage(arn, { image, artifactsBucket: artifacts, artifactsPrefix: 'models/' }),
      mode: EndpointMode.realtime({ dataCapture: { enabled: false } }),
    });
    // CreateModel resolves the package's container: the model names the package, no image or model data
    const modelProps = only(stack, 'AWS::SageMaker::Model').body.Properties;
    expect(modelProps.PrimaryContainer).toEqual({ ModelPackageName: arn, Mode: 'SingleModel' });
    expect(modelProps.Containers).toBeUndefined();
    const repositoryArn = { 'Fn::GetAtt': [only(stack, 'AWS::ECR::Repository').id, 'Arn'] };
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: arn },
      { Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Effect: 'Allow', Resource: repositoryArn },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::pipeline-bucket/models/*']] } },
    ]));
    // nothing beyond those, logs and metrics
    const actions = statements.flatMap((st: any) => [st.Action].flat()).sort();
    expect(actions).toEqual([
      'cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricData',
      'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer',
      'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents',
      's3:GetObject', 'sagemaker:DescribeModelPackage',
    ]);
    expectNagClean(stack);
  });

  test('grantInvoke allows InvokeEndpoint on this endpoint only', () => {
    const { stack, model } = fixture();
    const endpoint = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime() });
    const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.endpoint!.grantInvoke(app);
    const endpointId = only(stack, 'AWS::SageMaker::Endpoint').id;
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^App') }],
      PolicyDocument: {
        Statement: [{
          Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [endpointId, 'EndpointArn'] },
        }],
      },
    });
  });

  test('metrics are the official ones with EndpointName and VariantName', () => {
    const { stack, model } = fixture();
    const endpoint = new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), variantName: 'Blue' });
    const m = endpoint.endpoint!.metricInvocation4XXErrors();
    expect(m.namespace).toBe('AWS/SageMaker');
    expect(m.metricName).toBe('Invocation4XXErrors');
    expect(m.statistic).toBe('Sum');
    expect(Object.keys(m.dimensions!)).toEqual(['EndpointName', 'VariantName']);
    expect(m.dimensions!.VariantName).toBe('Blue');
    expect(endpoint.endpoint!.metricModelLatency().metricName).toBe('ModelLatency');
    expect(endpoint.endpoint!.metricInvocations().metricName).toBe('Invocations');
    expect(endpoint.endpoint!.metricOverheadLatency().metricName).toBe('OverheadLatency');
    expect(endpoint.endpoint!.metricInvocationsPerInstance().metricName).toBe('InvocationsPerInstance');
    expect(endpoint.endpoint!.metricInvocation5XXErrors().metricName).toBe('Invocation5XXErrors');
  });

  test('a stable endpoint name when asked for', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), endpointName: 'churn-prod' });
    expect(only(stack, 'AWS::SageMaker::Endpoint').body.Properties.EndpointName).toBe('churn-prod');
  });

  test('is nag clean with autoscaling, capture and canary', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model,
      mode: EndpointMode.realtime({
        initialInstanceCount: 2,
        autoScaling: { maxCapacity: 4 },
        deployment: { trafficShifting: TrafficShifting.canary() },
      }),
    });
    expectNagClean(stack);
  });

  test('is nag clean in a VPC', () => {
    const { stack, model } = fixture();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'],
    });
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    expectNagClean(stack);
  });
});

describe('realtime errors name the property, the value and the fix', () => {
  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'EndpointMode.realtime', property: 'autoScaling', value: '{ maxCapacity } on ml.t2.medium' }, () => EndpointMode.realtime({ instanceType: InferenceInstanceType.ML_T2_MEDIUM, autoScaling: { maxCapacity: 2 } }),
      /^endpointMode.realtime autoScaling is set on the burstable instance type ml.t2.medium: .*choose a non-burstable type such as ml.m5.large, or drop autoScaling$/],
    [{ construct: 'EndpointMode.realtime', property: 'autoScaling.maxCapacity', value: '2 with minCapacity 4' }, () => EndpointMode.realtime({ autoScaling: { minCapacity: 4, maxCapacity: 2 } }),
      /^endpointMode.realtime autoScaling maxCapacity \(2\) is below minCapacity \(4\): raise maxCapacity or lower minCapacity$/],
    [{ construct: 'EndpointMode.realtime', property: 'autoScaling.maxCapacity', value: '0' }, () => EndpointMode.realtime({ autoScaling: { maxCapacity: 0 } }),
      /^endpointMode.realtime autoScaling maxCapacity must be a whole number of at least 1, got 0$/],
    [{ construct: 'EndpointMode.realtime', property: 'autoScaling.targetInvocationsPerInstance', value: '0' }, () => EndpointMode.realtime({ autoScaling: { maxCapacity: 2, targetInvocationsPerInstance: 0 } }),
      /^endpointMode.realtime autoScaling targetInvocationsPerInstance must be a positive finite number, got 0: give e.g. 70$/],
    [{ construct: 'EndpointMode.realtime', property: 'dataCapture.samplingPercentage', value: '150' }, () => buildEndpoint(() => EndpointMode.realtime({ dataCapture: { samplingPercentage: 150 } })),
      /^endpointMode.realtime dataCapture samplingPercentage must be a whole number from 0 to 100, got 150$/],
    [{ construct: 'EndpointMode.realtime', property: 'dataCapture.prefix', value: "'/captures'" }, () => buildEndpoint(() => EndpointMode.realtime({ dataCapture: { prefix: '/captures' } })),
      /^endpointMode.realtime dataCapture prefix '\/captures' must be a key prefix that does not start with '\/', e.g. 'data-capture'$/],
    [{ construct: 'EndpointMode.realtime', property: 'dataCapture.csvContentTypes', value: '11 content types' }, () => buildEndpoint(() => EndpointMode.realtime({ dataCapture: { csvContentTypes: Array.from({ length: 11 }, (_, i) => `text/csv${i}`) } })),
      /^endpointMode.realtime dataCapture csvContentTypes lists 11 content types: SageMaker accepts at most 10$/],
    [{ construct: 'EndpointMode.realtime', property: 'dataCapture.jsonContentTypes', value: "['json']" }, () => buildEndpoint(() => EndpointMode.realtime({ dataCapture: { jsonContentTypes: ['json'] } })),
      /^endpointMode.realtime dataCapture jsonContentTypes entry 'json' is not a content type such as 'text\/csv' or 'application\/json'$/],
    [{ construct: 'EndpointMode.realtime', property: 'dataCapture.csvContentTypes', value: '[] with jsonContentTypes []' }, () => buildEndpoint(() => EndpointMode.realtime({ dataCapture: { csvContentTypes: [], jsonContentTypes: [] } })),
      /^endpointMode.realtime dataCapture csvContentTypes and jsonContentTypes list no content type: captures of other types are stored base64-encoded/],
  ];

  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});
