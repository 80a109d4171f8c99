import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { addNagSuppression } from '../../private/nag';

/** `s3:GetObject` on exactly the given objects (no `s3:GetObject*` or bucket-level wildcards), and decrypt with the bucket's key. */
export function grantObjectRead(role: iam.IRole, bucket: s3.IBucket, objectsArn: string): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objectsArn] }));
  bucket.encryptionKey?.grantDecrypt(role);
}

/** `s3:PutObject` on the given objects, and encrypt with the bucket's key. */
export function grantObjectWrite(role: iam.IRole, bucket: s3.IBucket, objectsArn: string): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [objectsArn] }));
  if (bucket.encryptionKey) {
    grantKeyEncrypt(role, bucket.encryptionKey);
  }
}

/**
 * What writing SSE-KMS objects takes, named one by one: `grantEncrypt` would
 * add `kms:ReEncrypt*` and `kms:GenerateDataKey*`, wildcards that this role never needs.
 */
export function grantKeyEncrypt(role: iam.IGrantable, key: kms.IKey): void {
  key.grant(role, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');
}

/** The escaped regular expression of a literal string. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** One accepted wildcard of a role policy, and why. */
export interface WildcardReason {
  /** A regular expression over cdk-nag's finding id, e.g. `^Resource::.*\/data-capture\/\*$`. */
  readonly pattern: string;
  /** Why the wildcard is needed. */
  readonly reason: string;
}

/**
 * Adds cdk-nag suppressions of AwsSolutions-IAM5 to every IAM policy under
 * `role`, each limited (`applies_to`) to the wildcard it explains. cdk-nag reads
 * the `cdk_nag` metadata key, so the library needs no dependency on it.
 */
export function explainWildcards(role: IConstruct, wildcards: WildcardReason[]): void {
  if (wildcards.length === 0) {
    return;
  }
  // Policies that already carry their own suppressions (the ECR token policy) keep them alone.
  const policies = role.node.findAll().filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy && c.getMetadata('cdk_nag') === undefined);
  for (const policy of policies) {
    for (const w of wildcards) {
      addNagSuppression(policy, 'AwsSolutions-IAM5', w.reason, [{ regex: `/${w.pattern}/g` }]);
    }
  }
}

/**
 * Records an accepted wildcard on the endpoint that binds a model source
 * (`ModelEndpoint` collects them and explains them to cdk-nag once its role's
 * policies are complete). Other scopes get the suppression on the role at once.
 */
export function acceptWildcard(scope: unknown, role: iam.IRole, wildcard: WildcardReason): void {
  const collected = (scope as { _wildcards?: WildcardReason[] })._wildcards;
  if (Array.isArray(collected)) {
    collected.push(wildcard);
  } else {
    explainWildcards(role, [wildcard]);
  }
}
