import { AspectPriority, Aspects, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** A finding the suppression covers: an exact finding id, or a regex in cdk-nag's `/.../g` form. */
export type NagAppliesTo = string | { regex: string };

interface NagRule {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: NagAppliesTo[];
}

/** A statement whose wildcards are accepted, and why. */
interface AcceptedWildcards {
  readonly statement: iam.PolicyStatement;
  readonly reason: string;
}

/**
 * The cdk-nag suppressions of one resource. cdk-nag reads them from the
 * resource's `cdk_nag` metadata (`rules_to_suppress`), so the library needs no
 * dependency on it. The metadata's rules are computed when read (by cdk-nag's
 * aspect, or when the template is written), so a wildcard suppression names
 * the statement's resources exactly as cdk-nag flattens them, whatever logical
 * IDs they end up with.
 */
class NagSuppressions {
  public static of(resource: CfnResource): NagSuppressions {
    let found = SUPPRESSIONS.get(resource);
    if (!found) {
      found = new NagSuppressions(resource);
      SUPPRESSIONS.set(resource, found);
    }
    found.install();
    return found;
  }

  private readonly fixed: NagRule[] = [];
  private readonly wildcards: AcceptedWildcards[] = [];
  private cached?: { readonly count: number; readonly rules: NagRule[] };
  private readonly metadata: { readonly rules_to_suppress: NagRule[] };

  private constructor(private readonly resource: CfnResource) {
    const self = this;
    this.metadata = {
      get rules_to_suppress() {
        return self.rules();
      },
    };
  }

  public add(rule: NagRule): void {
    const json = JSON.stringify(rule);
    if (!this.fixed.some((r) => JSON.stringify(r) === json)) {
      this.fixed.push(rule);
    }
  }

  public acceptWildcards(statement: iam.PolicyStatement, reason: string): void {
    this.wildcards.push({ statement, reason });
  }

  /** Puts this set's metadata on the resource, keeping rules someone else wrote there since. */
  private install(): void {
    const current = this.resource.getMetadata('cdk_nag') as { rules_to_suppress?: NagRule[] } | undefined;
    if (current === this.metadata) {
      return;
    }
    // Someone wrote a copy (cdk-nag's NagSuppressions does): keep what it adds to ours.
    const ours = new Set(this.rules().map((rule) => JSON.stringify(rule)));
    this.fixed.push(...(current?.rules_to_suppress ?? []).filter((rule) => !ours.has(JSON.stringify(rule))));
    this.resource.addMetadata('cdk_nag', this.metadata);
  }

  private rules(): NagRule[] {
    return [...this.fixed, ...this.wildcardRules()];
  }

  /**
   * The IAM5 rules of the accepted wildcards. cdk-nag and every resolution of the template read
   * them (several times per synth), so once the statements are frozen (aws-iam freezes a
   * statement when its policy is first resolved; it cannot change after that) they are worked out
   * once. (Only a logical ID renamed between two reads would be missed, and then the suppression
   * names the old ID and the finding shows, never the reverse.)
   */
  private wildcardRules(): NagRule[] {
    if (this.wildcards.length === 0) {
      return [];
    }
    const count = this.wildcards.length;
    if (this.cached?.count === count) {
      return this.cached.rules;
    }
    const rules = this.computeWildcardRules();
    this.cached = this.wildcards.every(({ statement }) => statement.frozen) ? { count, rules } : undefined;
    return rules;
  }

  private computeWildcardRules(): NagRule[] {
    const stack = Stack.of(this.resource);
    const byReason = new Map<string, Set<string>>();
    for (const { statement, reason } of this.wildcards) {
      const findings = byReason.get(reason) ?? new Set<string>();
      for (const finding of wildcardFindings(stack, statement)) {
        findings.add(finding);
      }
      byReason.set(reason, findings);
    }
    return [...byReason.entries()]
      .filter(([, findings]) => findings.size > 0)
      .map(([reason, findings]): NagRule => ({ id: 'AwsSolutions-IAM5', reason, applies_to: [...findings].sort() }));
  }
}

const SUPPRESSIONS = new WeakMap<CfnResource, NagSuppressions>();

/**
 * Adds a cdk-nag suppression to `resource`. Every suppression must carry a
 * reason a reviewer accepts; rules with findings (such as IAM5) should name
 * them in `appliesTo`.
 */
export function addNagSuppression(resource: CfnResource, id: string, reason: string, appliesTo?: NagAppliesTo[]): void {
  NagSuppressions.of(resource).add({ id, reason, ...(appliesTo ? { applies_to: appliesTo } : {}) });
}

/**
 * Suppresses one rule of both compliance packs (cdk-nag's NIST 800-53 R5 and
 * HIPAA Security), which share rule names: `rule` is e.g.
 * `CloudWatchAlarmAction`, and becomes `NIST.800.53.R5-CloudWatchAlarmAction`
 * and `HIPAA.Security-CloudWatchAlarmAction`.
 */
export function addComplianceSuppression(resource: CfnResource, rule: string, reason: string): void {
  addNagSuppression(resource, `NIST.800.53.R5-${rule}`, reason);
  addNagSuppression(resource, `HIPAA.Security-${rule}`, reason);
}

/**
 * The checks one decision of the library fails, as each scanner names them:
 * the decision is explained to all of them with one reason.
 */
export interface ScannerChecks {
  /** A rule of cdk-nag's AwsSolutions pack, e.g. `AwsSolutions-S1`. */
  readonly awsSolutions?: string;
  /** A rule of cdk-nag's NIST 800-53 R5 and HIPAA Security packs (named alike in both), e.g. `S3BucketLoggingEnabled`. */
  readonly compliance?: string;
  /** A checkov check, e.g. `CKV_AWS_18`. */
  readonly checkov?: string;
}

/**
 * Explains one decision of the library about `resource` (no access logs
 * without a log bucket, S3-managed keys without a key, ...) to every scanner
 * whose check it fails, with the same `reason`; name in the reason the prop
 * that changes the decision, and write the explanation only when the user did
 * not set that prop.
 */
export function explainDecision(resource: CfnResource, checks: ScannerChecks, reason: string): void {
  if (checks.awsSolutions) {
    addNagSuppression(resource, checks.awsSolutions, reason);
  }
  if (checks.compliance) {
    addComplianceSuppression(resource, checks.compliance, reason);
  }
  if (checks.checkov) {
    addCheckovSkip(resource, checks.checkov, reason);
  }
}

/**
 * Why a role the library creates holds its permissions in one
 * `AWS::IAM::Policy` (the compliance packs' IAMNoInlinePolicy reason).
 */
export const ROLE_POLICY_REASON = 'the library gives each role it creates one policy of its own (DESIGN.md "Footprint": one '
  + 'AWS::IAM::Policy per role), written from the grants that role\'s resources need and attached to that role alone: '
  + 'CloudFormation creates, updates, rolls back and deletes it with the role, and no other principal can be given it, '
  + 'which a reusable managed policy would allow';

/** Adds the IAMNoInlinePolicy explanation to every IAM policy it visits. */
const ROLE_POLICY_ASPECT: IAspect = {
  visit(node: IConstruct): void {
    if (node instanceof iam.CfnPolicy) {
      addComplianceSuppression(node, 'IAMNoInlinePolicy', ROLE_POLICY_REASON);
    }
  },
};

/**
 * Explains to the compliance packs (IAMNoInlinePolicy) the policy of a role
 * the library creates, with `ROLE_POLICY_REASON`: every `AWS::IAM::Policy`
 * under `role` (its `DefaultPolicy`, which aws-iam creates with the first
 * grant, whenever that comes). Pass a construct that holds only roles the
 * library made (an API destination with its events role, say) to explain
 * theirs. An aspect does it, ahead of cdk-nag's own (it runs with
 * `AspectPriority.MUTATING`, the packs with the default priority), since the
 * policy may not exist yet when the role is created; a policy the user
 * attaches from outside `role` stays the user's to explain.
 */
export function explainRolePolicy(role: IConstruct): void {
  Aspects.of(role).add(ROLE_POLICY_ASPECT, { priority: AspectPriority.MUTATING });
}

/**
 * Explains to cdk-nag the wildcards of one statement of `policy`: an
 * AwsSolutions-IAM5 suppression whose `applies_to` lists exactly the findings
 * of that statement (`Action::<action>` for each action with a `*`,
 * `Resource::<resource>` for each resource with a `*`, flattened as cdk-nag
 * flattens CloudFormation references), with `reason`.
 */
export function explainWildcards(policy: CfnResource, statement: iam.PolicyStatement, reason: string): void {
  NagSuppressions.of(policy).acceptWildcards(statement, reason);
}

/** The IAM5 findings cdk-nag reports for one statement. */
function wildcardFindings(stack: Stack, statement: iam.PolicyStatement): string[] {
  const json = stack.resolve(statement.toStatementJson()) as { Action?: unknown; Resource?: unknown; Effect?: string };
  if (json.Effect !== 'Allow') {
    return [];
  }
  const actions = asArray(json.Action).map(flatten).filter((a) => a.includes('*')).map((a) => `Action::${a}`);
  const resources = asArray(json.Resource).map(flatten).filter((r) => r.includes('*')).map((r) => `Resource::${r}`);
  return [...actions, ...resources];
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * A resolved CloudFormation value as cdk-nag writes it in a finding id:
 * `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attr>`, `Fn::Join` joined, `Fn::Sub`
 * with `${x}` as `<x>`, anything else as JSON.
 */
function flatten(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  }
  const node = value as Record<string, any>;
  if (node['Fn::Join']) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(separator);
  }
  if (node['Fn::Sub']) {
    return flatten(node['Fn::Sub']);
  }
  if (node['Fn::GetAtt']) {
    const [id, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(id)}.${flatten(attribute)}>`;
  }
  if (node['Fn::ImportValue']) {
    return flatten(node['Fn::ImportValue']);
  }
  if (node.Ref) {
    return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

/**
 * Tells checkov (the CloudFormation scanner teams run) why `resource` passes
 * a check it would fail: `Metadata.checkov.skip`, the form checkov reads in
 * templates. Like a cdk-nag suppression, every skip carries a reason.
 */
export function addCheckovSkip(resource: CfnResource, id: string, comment: string): void {
  const existing = resource.getMetadata('checkov') as { skip?: Array<{ id: string; comment: string }> } | undefined;
  const skip = [...(existing?.skip ?? []).filter((s) => s.id !== id), { id, comment }];
  resource.addMetadata('checkov', { skip });
}
