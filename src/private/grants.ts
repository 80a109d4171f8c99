import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { explainWildcards } from './nag';

/** A grant whose actions or resources hold a wildcard that the API forces. */
export interface WildcardGrantOptions {
  readonly actions: string[];
  readonly resourceArns: string[];
  /** Conditions of the statement. */
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** Why the wildcards cannot be avoided: the reason cdk-nag shows for them. */
  readonly reason: string;
}

/**
 * The one way the library grants a statement with a wildcard: the statement
 * goes into the principal's own policy like any grant (a role keeps one
 * policy), and that policy gets a cdk-nag AwsSolutions-IAM5 suppression that
 * covers exactly this statement's wildcards, with `reason`. The role's other
 * statements are still checked. A principal outside this app (or one that
 * takes no statements) gets nothing to suppress.
 */
export function grantWithWildcard(grantee: iam.IGrantable, options: WildcardGrantOptions): iam.Grant {
  const grant = iam.Grant.addToPrincipal({
    grantee,
    actions: options.actions,
    resourceArns: options.resourceArns,
    conditions: options.conditions,
  });
  explainGrantWildcards(grantee, grant, options.reason);
  return grant;
}

/**
 * Explains the wildcards of a grant made elsewhere (an S3 prefix grant, say)
 * on the policy the grant's statements went into.
 */
export function explainGrantWildcards(grantee: iam.IGrantable, grant: iam.Grant, reason: string): void {
  const policy = principalPolicy(grantee.grantPrincipal);
  if (!policy) {
    return;
  }
  for (const statement of grant.principalStatements) {
    explainWildcards(policy, statement, reason);
  }
}

/**
 * The policy a principal of this app adds its grants to: a role's
 * `DefaultPolicy`, an imported role's `Policy` (aws-iam `Role` and the role
 * `Role.fromRoleArn` returns). (The grant's own dependency on that policy is
 * only filled in at synth, too late to attach metadata to.)
 */
function principalPolicy(principal: iam.IPrincipal): iam.CfnPolicy | undefined {
  if (!Construct.isConstruct(principal)) {
    return undefined;
  }
  for (const id of ['DefaultPolicy', 'Policy']) {
    const child = principal.node.tryFindChild(id);
    if (child instanceof iam.Policy) {
      return child.node.defaultChild as iam.CfnPolicy;
    }
  }
  return undefined;
}
