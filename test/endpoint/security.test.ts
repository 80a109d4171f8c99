import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { buildEndpoint, fixture, flatten, only } from './util';
import { EndpointMode, ModelEndpoint } from '../../src/endpoint';
import { expectError } from '../errors';

const isolation = (endpoint: ModelEndpoint) => only(endpoint.node.scope as any, 'AWS::SageMaker::Model').body.Properties.EnableNetworkIsolation;

describe('network isolation (checkov CKV_AWS_370)', () => {
  const input = () => ({ inputBucket: s3.Bucket.fromBucketName(fixture().stack, 'In', 'input-bucket') });
  test.each([
    ['realtime', () => EndpointMode.realtime()],
    ['asynchronous', () => EndpointMode.asynchronous()],
    ['batch', () => EndpointMode.batch(input())],
  ])('is on by default in %s mode', (_name, mode) => {
    expect(isolation(buildEndpoint(mode))).toBe(true);
  });

  test('is off by default with serverless, which does not support it', () => {
    expect(isolation(buildEndpoint(() => EndpointMode.serverless()))).toBeUndefined();
  });

  test('is off by default with a vpc, given so that the container reaches private resources', () => {
    const endpoint = buildEndpoint(() => EndpointMode.realtime(), (f) => ({
      vpc: ec2.Vpc.fromVpcAttributes(f.stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'] }),
    }));
    expect(isolation(endpoint)).toBeUndefined();
  });

  test('networkIsolation: false opts out', () => {
    expect(isolation(buildEndpoint(() => EndpointMode.realtime(), () => ({ networkIsolation: false })))).toBeUndefined();
  });

  test('code the container would download from S3 is refused while isolated, naming the value and the fix', () => {
    expectError(() => buildEndpoint(() => EndpointMode.realtime(), () => ({ environment: { SAGEMAKER_SUBMIT_DIRECTORY: 's3://code/sourcedir.tar.gz' } })),
      { construct: 'ModelEndpoint', property: 'environment', value: "SAGEMAKER_SUBMIT_DIRECTORY 's3://...' with network isolation" },
      /^modelEndpoint environment SAGEMAKER_SUBMIT_DIRECTORY is 's3:\/\/code\/sourcedir.tar.gz', which the container downloads itself, but network isolation \(on by default\) forbids outbound calls: pack the code into the model data .*or set networkIsolation to false$/);
  });

  test('code from S3 is fine without isolation', () => {
    const endpoint = buildEndpoint(() => EndpointMode.realtime(), () => ({
      networkIsolation: false, environment: { SAGEMAKER_SUBMIT_DIRECTORY: 's3://code/sourcedir.tar.gz' },
    }));
    expect(isolation(endpoint)).toBeUndefined();
  });
});

describe('alarm actions (NIST 800-53 / HIPAA CloudWatchAlarmAction)', () => {
  test('alarms.topic is notified when each alarm fires and when it returns to OK', () => {
    const { stack, model } = fixture();
    const topic = new sns.Topic(stack, 'Oncall');
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), alarms: { topic } });
    const topicRef = { Ref: only(stack, 'AWS::SNS::Topic').id };
    const alarms = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => [a.Properties.AlarmActions, a.Properties.OKActions])).toEqual([
      [[topicRef], [topicRef]], [[topicRef], [topicRef]],
    ]);
  });

  test('without a topic the alarms have no action', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime() });
    const alarms = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.AlarmActions)).toEqual([undefined, undefined]);
  });
});

describe('deployment guardrails read their alarms', () => {
  const describeAlarms = (stack: any) => only(stack, 'AWS::IAM::Policy').body.Properties.PolicyDocument.Statement
    .filter((s: any) => s.Action === 'cloudwatch:DescribeAlarms');

  test('the execution role may describe exactly the endpoint\'s own rollback alarms', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.serverless() });
    const [statement] = describeAlarms(stack);
    const arn = (metric: string) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:\${AWS::StackName}-Test-Endpoint-0FBD4E12-${metric}`;
    expect(statement.Resource.map(flatten)).toEqual([arn('Invocation5XXErrors'), arn('ModelLatency')]);
  });

  test('given rollback alarms are the ones described', () => {
    const { stack, model } = fixture();
    const business = cloudwatch.Alarm.fromAlarmName(stack, 'Business', 'conversion-drop');
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime({ deployment: { rollbackAlarms: [business] } }) });
    expect(describeAlarms(stack).map((s: any) => flatten(s.Resource)))
      .toEqual(['arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:conversion-drop']);
  });

  test('without rollback nothing is described', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), alarms: { enabled: false } });
    expect(describeAlarms(stack)).toEqual([]);
  });
});

describe('service principals', () => {
  test('the asynchronous topics admit no service principal: SageMaker publishes with the execution role', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous() });
    const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish' })]) },
    });
  });
});
