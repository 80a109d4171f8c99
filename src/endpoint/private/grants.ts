import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { addNagSuppression } from '../../private/nag';
import { PrefixGrantOptions } from '../../private/s3';

/**
 * How SageMaker uses the endpoint's data under a prefix: it reads or writes
 * objects whose keys it is given or names itself, and never lists them; its
 * uploads are single PUTs, so no `s3:AbortMultipartUpload` either.
 */
export const OBJECTS_ONLY: PrefixGrantOptions = { list: false, abortMultipartUpload: false };

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
