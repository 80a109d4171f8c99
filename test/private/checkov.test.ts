import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EndpointMode } from '../../src/endpoint';
import { CustomTrainingImage } from '../../src/image';
import { createDataBucket } from '../../src/private/buckets';
import { addCheckovSkip, addNagSuppression } from '../../src/private/nag';
import { buildEndpoint, fixture } from '../endpoint/util';

function skipsOf(stack: Stack, type: string): Array<Array<{ id: string; comment: string }>> {
  return Object.values(Template.fromStack(stack).findResources(type)).map((r: any) => r.Metadata?.checkov?.skip ?? []);
}

describe('addCheckovSkip', () => {
  test('writes Metadata.checkov.skip with the reason, beside the cdk-nag suppressions', () => {
    const stack = new Stack(new App(), 'Test');
    const bucket = new s3.Bucket(stack, 'Bucket');
    const cfn = bucket.node.defaultChild as s3.CfnBucket;
    addNagSuppression(cfn, 'AwsSolutions-S1', 'no logs here');
    addCheckovSkip(cfn, 'CKV_AWS_18', 'no logs here');
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket')) as any[];
    expect([resource.Metadata.checkov, resource.Metadata.cdk_nag.rules_to_suppress.map((r: any) => r.id)]).toEqual([
      { skip: [{ id: 'CKV_AWS_18', comment: 'no logs here' }] }, ['AwsSolutions-S1'],
    ]);
  });

  test('one skip per check: a second reason for the same check replaces the first', () => {
    const stack = new Stack(new App(), 'Test');
    const cfn = new s3.Bucket(stack, 'Bucket').node.defaultChild as s3.CfnBucket;
    addCheckovSkip(cfn, 'CKV_AWS_18', 'first');
    addCheckovSkip(cfn, 'CKV_AWS_21', 'other');
    addCheckovSkip(cfn, 'CKV_AWS_18', 'second');
    expect(skipsOf(stack, 'AWS::S3::Bucket')).toEqual([[{ id: 'CKV_AWS_21', comment: 'other' }, { id: 'CKV_AWS_18', comment: 'second' }]]);
  });
});

describe('the library explains to checkov what it decides', () => {
  test('a data bucket without a log bucket skips access logging with the cdk-nag reason; with one, nothing', () => {
    const stack = new Stack(new App(), 'Test');
    createDataBucket(stack, 'NoLogs', { withoutAccessLogsReason: 'captures are read by the checks only' });
    createDataBucket(stack, 'Logged', { withoutAccessLogsReason: 'unused', serverAccessLogsBucket: new s3.Bucket(stack, 'Logs') });
    expect(skipsOf(stack, 'AWS::S3::Bucket')).toEqual(expect.arrayContaining([
      [{ id: 'CKV_AWS_18', comment: 'captures are read by the checks only' }],
    ]));
    expect(skipsOf(stack, 'AWS::S3::Bucket').filter((s) => s.length > 0)).toHaveLength(1);
  });

  test('the image repository: immutable tags but the cache tag, and AES-256 unless a key is given', () => {
    const stack = new Stack(new App(), 'Test');
    new CustomTrainingImage(stack, 'Aes');
    new CustomTrainingImage(stack, 'Kms', { encryptionKey: new kms.Key(stack, 'Key') });
    expect(skipsOf(stack, 'AWS::ECR::Repository').map((skips) => skips.map((s) => s.id))).toEqual([
      ['CKV_AWS_51', 'CKV_AWS_136'], ['CKV_AWS_51'],
    ]);
  });
});

describe('models explain to checkov why network isolation is off', () => {
  function modelSkips(mode: () => EndpointMode, extra: (f: ReturnType<typeof fixture>) => object = () => ({})): string[] {
    const endpoint = buildEndpoint(mode, extra);
    return skipsOf(Stack.of(endpoint), 'AWS::SageMaker::Model')[0].map((s) => s.id);
  }

  test('serverless (not supported) and a model in a VPC (the default then) skip CKV_AWS_370', () => {
    expect([
      modelSkips(() => EndpointMode.serverless()),
      modelSkips(() => EndpointMode.realtime(), (f) => ({ vpc: new ec2.Vpc(f.stack, 'Vpc') })),
    ]).toEqual([['CKV_AWS_370'], ['CKV_AWS_370']]);
  });

  test('an isolated model needs no skip, and an explicit networkIsolation: false stays a finding', () => {
    expect([
      modelSkips(() => EndpointMode.realtime()),
      modelSkips(() => EndpointMode.realtime(), () => ({ networkIsolation: false })),
    ]).toEqual([[], []]);
  });
});
