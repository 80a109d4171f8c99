import { App, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { explainTestBucket, explainTestRole, NAG_PACKS, nagFindings, nagPackOf } from './nag';
import { addComplianceSuppression, addNagSuppression } from '../src/private/nag';

/** A bucket with server access logs off: AwsSolutions-S1 and both packs' S3BucketLoggingEnabled, among others. */
function badBucket(): { stack: Stack; bucket: s3.CfnBucket } {
  const stack = new Stack(new App(), 'Bad');
  const bucket = new s3.Bucket(stack, 'Bucket').node.defaultChild as s3.CfnBucket;
  return { stack, bucket };
}

/** The rule ids of a list of findings (`<path>: <rule>[<finding>]: <info>`), without the finding. */
function rulesOf(findings: string[]): string[] {
  return findings.map((f) => f.split(': ')[1].replace(/\[.*$/, ''));
}

describe('the test helper applies AwsSolutions, NIST 800-53 R5 and HIPAA Security', () => {
  test('the packs are the three, named as their rule ids begin', () => {
    expect(NAG_PACKS.map((pack) => [pack.name, pack.create().readPackName])).toEqual([
      ['AwsSolutions', 'AwsSolutions'], ['NIST.800.53.R5', 'NIST.800.53.R5'], ['HIPAA.Security', 'HIPAA.Security'],
    ]);
  });

  test('a bucket without access logs is a finding of each pack (errors)', () => {
    const { stack } = badBucket();
    expect(rulesOf(nagFindings(stack))).toEqual(expect.arrayContaining([
      'AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'HIPAA.Security-S3BucketLoggingEnabled',
    ]));
  });

  test('warnings are findings too: a table without point-in-time recovery, an open default security group', () => {
    const stack = new Stack(new App(), 'Warnings');
    new dynamodb.CfnTable(stack, 'Table', {
      keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
    });
    new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    const findings = nagFindings(stack);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((m) => `${m.id}: ${m.entry.data}`.split('\n')[0]);
    expect(rulesOf(findings.filter((f) => warnings.includes(f)))).toEqual(expect.arrayContaining([
      'AwsSolutions-DDB3', 'NIST.800.53.R5-VPCDefaultSecurityGroupClosed', 'HIPAA.Security-VPCDefaultSecurityGroupClosed',
    ]));
  });

  test('a rule that cannot evaluate a value (an Fn::If) is reported, with its pack', () => {
    const stack = new Stack(new App(), 'Unresolvable');
    new s3.CfnBucket(stack, 'Bucket', {
      publicAccessBlockConfiguration: {
        blockPublicAcls: Fn.conditionIf('Strict', true, false) as unknown as boolean,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    });
    const failures = nagFindings(stack).filter((f) => f.includes('CdkNagValidationFailure['));
    expect(failures.map((f) => nagPackOf(f.split(': ')[1]))).toEqual(expect.arrayContaining(['NIST.800.53.R5', 'HIPAA.Security']));
  });

  test('nagPackOf names the pack of a finding or a validation failure, and nothing else', () => {
    expect([
      nagPackOf('AwsSolutions-S1: The S3 Bucket has server access logs disabled.'),
      nagPackOf('HIPAA.Security-IAMNoInlinePolicy: The IAM Group, User, or Role contains an inline policy'),
      nagPackOf('CdkNagValidationFailure[NIST.800.53.R5-S3BucketLevelPublicAccessProhibited]: threw an error'),
      nagPackOf('[ack: @aws-cdk/core:ignoredAspect] We detected an Aspect was added via another Aspect'),
    ]).toEqual(['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', undefined]);
  });
});

describe('a suppression with a reason silences exactly one rule', () => {
  test('addComplianceSuppression: one rule of the NIST and HIPAA packs, nothing else', () => {
    const before = nagFindings(badBucket().stack);
    const { stack, bucket } = badBucket();
    addComplianceSuppression(bucket, 'S3BucketLoggingEnabled', 'a scratch bucket of the test');
    const after = nagFindings(stack);
    expect([rulesOf(before.filter((f) => !after.includes(f))), after.filter((f) => !before.includes(f))]).toEqual([
      ['NIST.800.53.R5-S3BucketLoggingEnabled', 'HIPAA.Security-S3BucketLoggingEnabled'], [],
    ]);
  });

  test('addNagSuppression: the one AwsSolutions rule it names', () => {
    const before = nagFindings(badBucket().stack);
    const { stack, bucket } = badBucket();
    addNagSuppression(bucket, 'AwsSolutions-S1', 'a scratch bucket of the test');
    const after = nagFindings(stack);
    expect([rulesOf(before.filter((f) => !after.includes(f))), after.filter((f) => !before.includes(f))])
      .toEqual([['AwsSolutions-S1'], []]);
  });
});

describe('the integ apps\' helpers for their own resources', () => {
  test('explainTestBucket: a scratch bucket (versioned, TLS only, SSE-S3) has no findings left', () => {
    const stack = new Stack(new App(), 'Integ');
    explainTestBucket(new s3.Bucket(stack, 'Data', {
      versioned: true, enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    }));
    expect(nagFindings(stack)).toEqual([]);
  });

  test('explainTestRole: the stand-in role\'s one policy is explained; before any grant it throws', () => {
    const stack = new Stack(new App(), 'Integ');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => explainTestRole(role)).toThrow('explainTestRole: Integ/Role has no DefaultPolicy yet: call it after the grants');
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeModelPackageGroup'],
      resources: [stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: 'models' })],
    }));
    explainTestRole(role);
    expect(nagFindings(stack).filter((f) => f.includes('IAMNoInlinePolicy'))).toEqual([]);
  });
});
