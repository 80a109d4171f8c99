import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { addComplianceSuppression, explainDecision } from '../src/private/nag';

/**
 * The cdk-nag packs every stack of the tests, the integ apps and the
 * reference app must pass: AwsSolutions and the two compliance packs teams
 * run beside it. Their names are the prefixes of their rule ids.
 */
export const NAG_PACKS: ReadonlyArray<{ readonly name: string; readonly create: () => NagPack }> = [
  { name: 'AwsSolutions', create: () => new AwsSolutionsChecks({ verbose: false, reports: false }) },
  { name: 'NIST.800.53.R5', create: () => new NIST80053R5Checks({ verbose: false, reports: false }) },
  { name: 'HIPAA.Security', create: () => new HIPAASecurityChecks({ verbose: false, reports: false }) },
];

/** Applies every pack of `NAG_PACKS` to `scope` (a stack or an app). */
export function addNagPacks(scope: IConstruct): void {
  for (const pack of NAG_PACKS) {
    Aspects.of(scope).add(pack.create());
  }
}

/**
 * The pack a cdk-nag message comes from: a finding starts with the rule id
 * (`HIPAA.Security-IAMNoInlinePolicy[...]: ...`), a rule that could not be
 * evaluated is reported as `CdkNagValidationFailure[<rule id>]: ...`.
 * Undefined for any other message.
 */
export function nagPackOf(message: string): string | undefined {
  const ruleId = message.startsWith('CdkNagValidationFailure[') ? message.slice('CdkNagValidationFailure['.length) : message;
  return NAG_PACKS.find((pack) => ruleId.startsWith(`${pack.name}-`))?.name;
}

/**
 * Applies the packs of `NAG_PACKS` to `stack` and returns every unsuppressed
 * finding (errors and warnings, rules that failed to evaluate included) of
 * every pack as `<path>: <rule>[<finding>]: <info>` lines.
 * Call it before anything else synthesizes the stack.
 */
export function nagFindings(stack: Stack): string[] {
  addNagPacks(stack);
  const annotations = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp('.');
  return [
    ...annotations.findError('*', pattern),
    ...annotations.findWarning('*', pattern),
  ]
    .filter((m) => nagPackOf(String(m.entry.data)) !== undefined)
    .map((m) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`);
}

/** Fails the test with the list of findings when any cdk-nag pack reports one. */
export function expectNagClean(stack: Stack): void {
  expect(nagFindings(stack)).toEqual([]);
}

/**
 * Explains the findings of a bucket an integ test makes for itself (the data
 * it feeds the library, the objects it checks), which lives for one run:
 * server access logs, replication, and SSE-KMS unless it has a key.
 */
export function explainTestBucket(bucket: s3.Bucket): void {
  const resource = bucket.node.defaultChild as s3.CfnBucket;
  explainDecision(resource, { awsSolutions: 'AwsSolutions-S1', compliance: 'S3BucketLoggingEnabled', checkov: 'CKV_AWS_18' },
    'the integ test\'s scratch bucket: server access logs would record only the test\'s own requests');
  explainDecision(resource, { compliance: 'S3BucketReplicationEnabled' },
    'the integ test\'s scratch bucket lives for one run and holds generated test data: nothing in it must outlive a Region');
  if (!bucket.encryptionKey) {
    explainDecision(resource, { compliance: 'S3DefaultEncryptionKMS' },
      'the integ test\'s scratch bucket holds generated test data only, encrypted with S3-managed keys (SSE-S3)');
  }
}

/**
 * Explains the one policy of a role an integ test makes to stand in for a
 * user's own role (IAMNoInlinePolicy). Call it after the grants.
 */
export function explainTestRole(role: iam.Role): void {
  const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  if (!policy) {
    throw new Error(`explainTestRole: ${role.node.path} has no DefaultPolicy yet: call it after the grants`);
  }
  addComplianceSuppression(policy.node.defaultChild as iam.CfnPolicy, 'IAMNoInlinePolicy',
    'the integ test\'s stand-in for a user\'s role: its one policy holds exactly what the library grants it, which the test checks');
}
