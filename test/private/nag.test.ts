import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createDataBucket } from '../../src/private/buckets';
import { explainDecision, explainRolePolicy, ROLE_POLICY_REASON } from '../../src/private/nag';
import { expectNagClean, nagFindings } from '../nag';

type Rule = { id: string; reason: string };

function rulesOf(stack: Stack, type: string): Record<string, Rule[]> {
  const resources = Template.fromStack(stack).findResources(type);
  return Object.fromEntries(Object.entries(resources).map(([id, r]: [string, any]) => [id, r.Metadata?.cdk_nag?.rules_to_suppress ?? []]));
}

describe('explainRolePolicy', () => {
  function roleWithGrants(): { stack: Stack; role: iam.Role } {
    const stack = new Stack(new App(), 'Test');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    return { stack, role };
  }

  test('the role\'s one policy, made by a grant after the call, carries IAMNoInlinePolicy of both packs with the reason', () => {
    const { stack, role } = roleWithGrants();
    explainRolePolicy(role);
    new s3.Bucket(stack, 'Bucket').grantRead(role);
    expect(Object.values(rulesOf(stack, 'AWS::IAM::Policy'))).toEqual([[
      { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: ROLE_POLICY_REASON },
      { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: ROLE_POLICY_REASON },
    ]]);
  });

  test('the packs report no IAMNoInlinePolicy for it; a policy attached from outside the role stays a finding', () => {
    const { stack, role } = roleWithGrants();
    explainRolePolicy(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint'], resources: [stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: 'x' })] }));
    new iam.Policy(stack, 'UserPolicy', {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['sagemaker:ListEndpoints'], resources: ['*'] })],
    });
    expect(nagFindings(stack).filter((f) => f.includes('IAMNoInlinePolicy'))).toEqual([
      expect.stringMatching(/^\/Test\/UserPolicy\/Resource: NIST\.800\.53\.R5-IAMNoInlinePolicy: /),
      expect.stringMatching(/^\/Test\/UserPolicy\/Resource: HIPAA\.Security-IAMNoInlinePolicy: /),
    ]);
  });

  test('the same with aspect stabilization on (the feature flag new apps set)', () => {
    const stack = new Stack(new App({ context: { '@aws-cdk/core:aspectStabilization': true } }), 'Test');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    explainRolePolicy(role);
    new s3.Bucket(stack, 'Bucket', { enforceSSL: true }).grantRead(role);
    expect(nagFindings(stack).filter((f) => f.includes('IAMNoInlinePolicy'))).toEqual([]);
  });

  test('a role it was not called for keeps the finding; calling it twice writes each rule once', () => {
    const { stack, role } = roleWithGrants();
    explainRolePolicy(role);
    explainRolePolicy(role);
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const bucket = new s3.Bucket(stack, 'Bucket');
    bucket.grantRead(role);
    bucket.grantRead(other);
    const rules = rulesOf(stack, 'AWS::IAM::Policy');
    const policyId = (r: iam.Role) => stack.getLogicalId(r.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy);
    expect([rules[policyId(other)], rules[policyId(role)].map((r) => r.id)]).toEqual([
      [], ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    ]);
  });
});

describe('explainDecision', () => {
  test('one reason to each scanner named: AwsSolutions, both compliance packs, checkov', () => {
    const stack = new Stack(new App(), 'Test');
    const bucket = new s3.Bucket(stack, 'Bucket').node.defaultChild as s3.CfnBucket;
    explainDecision(bucket, { awsSolutions: 'AwsSolutions-S1', compliance: 'S3BucketLoggingEnabled', checkov: 'CKV_AWS_18' }, 'why');
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket')) as any[];
    expect([resource.Metadata.cdk_nag.rules_to_suppress, resource.Metadata.checkov.skip]).toEqual([[
      { id: 'AwsSolutions-S1', reason: 'why' },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: 'why' },
      { id: 'HIPAA.Security-S3BucketLoggingEnabled', reason: 'why' },
    ], [{ id: 'CKV_AWS_18', comment: 'why' }]]);
  });
});

describe('data buckets explain what the user did not set, with the reasons the caller gives', () => {
  function bucketRules(options: Partial<Parameters<typeof createDataBucket>[2]>, stack = new Stack(new App(), 'Test')): Rule[] {
    const bucket = createDataBucket(stack, 'Data', { withoutAccessLogsReason: 'no log bucket: give serverAccessLogsBucket', ...options });
    return rulesOf(stack, 'AWS::S3::Bucket')[stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)];
  }

  test('no log bucket, no key: logging, SSE-KMS and replication, each with its reason', () => {
    expect(bucketRules({ withoutKmsKeyReason: 'give encryptionKey', withoutReplicationReason: 'give bucket' })).toEqual([
      { id: 'AwsSolutions-S1', reason: 'no log bucket: give serverAccessLogsBucket' },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: 'no log bucket: give serverAccessLogsBucket' },
      { id: 'HIPAA.Security-S3BucketLoggingEnabled', reason: 'no log bucket: give serverAccessLogsBucket' },
      { id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: 'give encryptionKey' },
      { id: 'HIPAA.Security-S3DefaultEncryptionKMS', reason: 'give encryptionKey' },
      { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: 'give bucket' },
      { id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: 'give bucket' },
    ]);
  });

  test('a log bucket and a key given: only replication (no prop turns it on) is explained', () => {
    const stack = new Stack(new App(), 'Keys');
    expect(bucketRules({ serverAccessLogsBucket: new s3.Bucket(stack, 'Logs'), encryptionKey: new kms.Key(stack, 'Key') }, stack).map((r) => r.id))
      .toEqual(['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled']);
  });

  test('without the caller\'s reasons, the defaults say what the bucket does instead', () => {
    const reasons = bucketRules({}).filter((r) => /KMS|Replication/.test(r.id)).map((r) => r.reason);
    expect(reasons).toEqual([
      expect.stringContaining('S3-managed keys (SSE-S3, AES-256)'), expect.stringContaining('S3-managed keys (SSE-S3, AES-256)'),
      expect.stringContaining('versioned and retained'), expect.stringContaining('versioned and retained'),
    ]);
  });

  test('the packs find nothing in a data bucket that the library explains', () => {
    const stack = new Stack(new App(), 'Clean');
    createDataBucket(stack, 'Data', { withoutAccessLogsReason: 'no log bucket: give serverAccessLogsBucket' });
    expectNagClean(stack);
  });
});
