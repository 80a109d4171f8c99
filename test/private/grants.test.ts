import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { grantWithWildcard } from '../../src/private/grants';
import { addNagSuppression } from '../../src/private/nag';
import { grantPrefixRead, grantPrefixWrite } from '../../src/private/s3';
import { nagFindings } from '../nag';

function setup() {
  const stack = new Stack(new App(), 'Test');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const bucket = new s3.Bucket(stack, 'Data');
  return { stack, role, bucket };
}

function rulesOf(stack: Stack, idPrefix: string): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const [id] = Object.keys(policies).filter((k) => k.startsWith(idPrefix));
  return policies[id].Metadata?.cdk_nag?.rules_to_suppress ?? [];
}

describe('grantWithWildcard', () => {
  test('the statement goes into the role\'s one policy', () => {
    const { stack, role } = setup();
    grantWithWildcard(role, { actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'], reason: 'no resource-level permissions' });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'] }));
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 1);
  });

  test('the suppression names exactly the statement\'s wildcard findings, references flattened as cdk-nag does', () => {
    const { stack, role, bucket } = setup();
    grantWithWildcard(role, { actions: ['s3:Get*'], resourceArns: [bucket.arnForObjects('data/*'), bucket.bucketArn], reason: 'because' });
    const logicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(rulesOf(stack, 'RoleDefaultPolicy')).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: 'because',
      applies_to: ['Action::s3:Get*', `Resource::<${logicalId}.Arn>/data/*`],
    }]);
  });

  test('a suppressed wildcard leaves the role cdk-nag clean', () => {
    const { stack, role, bucket } = setup();
    grantWithWildcard(role, { actions: ['s3:GetObject'], resourceArns: [bucket.arnForObjects('data/*')], reason: 'keys chosen at run time' });
    expect(nagFindings(stack).filter((f) => f.includes('IAM5'))).toEqual([]);
  });

  test('a wildcard granted another way in the same policy is still reported', () => {
    const { stack, role, bucket } = setup();
    grantWithWildcard(role, { actions: ['s3:GetObject'], resourceArns: [bucket.arnForObjects('data/*')], reason: 'keys chosen at run time' });
    bucket.grantRead(role, 'other/*');
    const findings = nagFindings(stack).filter((f) => f.includes('IAM5'));
    expect([findings.some((f) => f.includes('/other/*]')), findings.some((f) => f.includes('/data/*]'))]).toEqual([true, false]);
  });

  test('one reason given twice is one rule with the findings of both grants', () => {
    const { stack, role } = setup();
    grantWithWildcard(role, { actions: ['logs:PutLogEvents'], resourceArns: ['arn:aws:logs:*:*:log-group:/a/*'], reason: 'same' });
    grantWithWildcard(role, { actions: ['cloudwatch:PutMetricData'], resourceArns: ['*'], reason: 'same' });
    expect(rulesOf(stack, 'RoleDefaultPolicy')).toEqual([{
      id: 'AwsSolutions-IAM5', reason: 'same', applies_to: ['Resource::*', 'Resource::arn:aws:logs:*:*:log-group:/a/*'],
    }]);
  });

  test('other suppressions on the policy, the library\'s or the user\'s, are kept', () => {
    const { stack, role } = setup();
    grantWithWildcard(role, { actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'], reason: 'token' });
    const policy = role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy;
    addNagSuppression(policy, 'AwsSolutions-X1', 'library reason');
    NagSuppressions.addResourceSuppressions(policy, [{ id: 'AwsSolutions-X2', reason: 'a user suppression with a reason' }]);
    grantWithWildcard(role, { actions: ['ec2:DescribeVpcs'], resourceArns: ['*'], reason: 'describe' });
    expect(rulesOf(stack, 'RoleDefaultPolicy').map((r) => `${r.id}:${r.reason}`).sort()).toEqual([
      'AwsSolutions-IAM5:describe', 'AwsSolutions-IAM5:token', 'AwsSolutions-X1:library reason', 'AwsSolutions-X2:a user suppression with a reason',
    ]);
  });

  test('an imported role gets the suppression on the policy the import creates', () => {
    const { stack } = setup();
    const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/ci');
    grantWithWildcard(imported, { actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'], reason: 'token' });
    expect(rulesOf(stack, 'ImportedPolicy')).toEqual([{ id: 'AwsSolutions-IAM5', reason: 'token', applies_to: ['Resource::*'] }]);
  });

  test('a principal that is not a construct is granted with nothing to suppress', () => {
    const { stack } = setup();
    const grant = grantWithWildcard(new iam.AccountRootPrincipal(), { actions: ['s3:GetObject'], resourceArns: ['*'], reason: 'r' });
    expect(grant.success).toBe(false);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('prefix grants', () => {
  test('explain their own prefix wildcard, naming the prefixes', () => {
    const { stack, role, bucket } = setup();
    grantPrefixRead(role, bucket, ['train/', 'test/']);
    const [rule] = rulesOf(stack, 'RoleDefaultPolicy');
    expect(rule.reason).toMatch(/^object access is limited to train\/, test\/; /);
  });

  test('take a reason of their own', () => {
    const { stack, role, bucket } = setup();
    grantPrefixWrite(role, bucket, 'models/', { reason: 'SageMaker names the job folders' });
    expect(rulesOf(stack, 'RoleDefaultPolicy').map((r) => r.reason)).toEqual(['SageMaker names the job folders']);
  });

  test('leave the role cdk-nag clean', () => {
    const { stack, role, bucket } = setup();
    grantPrefixRead(role, bucket, 'data/');
    grantPrefixWrite(role, bucket, 'out/');
    expect(nagFindings(stack).filter((f) => f.includes('IAM5'))).toEqual([]);
  });
});
