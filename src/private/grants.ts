import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { addNagSuppression, NagAppliesTo } from './nag';

/** A grant whose resources hold a wildcard that the API forces. */
export interface WildcardGrant {
  /** The id of the policy on the role; one policy per role and id, however many grants. */
  readonly policyId: string;
  readonly actions: string[];
  readonly resourceArns: string[];
  /** Conditions of the statement. */
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** Why the wildcard cannot be avoided: the reason of the cdk-nag suppression. */
  readonly reason: string;
  /** The cdk-nag findings (IAM5) the reason covers, and nothing else. */
  readonly appliesTo: NagAppliesTo[];
}

/**
 * Grants a statement whose resource must be a wildcard. For a role, the
 * statement goes into one small policy of its own (created once per role and
 * `policyId`) that carries a cdk-nag suppression scoped to that wildcard, so
 * the role's other statements are still checked. Other principals get the
 * statement in their own policy as usual.
 */
export function grantWildcard(grantee: iam.IGrantable, grant: WildcardGrant): iam.Grant {
  const principal = grantee.grantPrincipal;
  if (!isAttachableRole(principal)) {
    return iam.Grant.addToPrincipal({ grantee, actions: grant.actions, resourceArns: grant.resourceArns, conditions: grant.conditions });
  }
  let policy = principal.node.tryFindChild(grant.policyId) as iam.Policy | undefined;
  if (!policy) {
    policy = new iam.Policy(principal, grant.policyId);
    principal.attachInlinePolicy(policy);
    addNagSuppression(policy.node.defaultChild as iam.CfnPolicy, 'AwsSolutions-IAM5', grant.reason, grant.appliesTo);
  }
  // Granting through the policy makes the returned grant depend on it; IAM
  // renders a repeated statement once.
  return iam.Grant.addToPrincipal({ grantee: policy, actions: grant.actions, resourceArns: grant.resourceArns, conditions: grant.conditions });
}

function isAttachableRole(principal: iam.IPrincipal): principal is iam.IRole & IConstruct {
  return Construct.isConstruct(principal) && typeof (principal as Partial<iam.IRole>).attachInlinePolicy === 'function';
}
