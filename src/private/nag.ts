import { CfnResource } from 'aws-cdk-lib';

/** A finding the suppression covers: an exact finding id, or a regex in cdk-nag's `/.../g` form. */
export type NagAppliesTo = string | { regex: string };

/**
 * Adds cdk-nag suppressions to `resource` through the metadata key cdk-nag
 * reads (so the library needs no dependency on cdk-nag), merged with any
 * already there. Every suppression must carry a reason a reviewer accepts.
 */
export function addNagSuppression(resource: CfnResource, id: string, reason: string, appliesTo?: NagAppliesTo[]): void {
  const existing = resource.getMetadata('cdk_nag') as { rules_to_suppress?: any[] } | undefined;
  const rules = [...(existing?.rules_to_suppress ?? [])];
  rules.push({ id, reason, ...(appliesTo ? { applies_to: appliesTo } : {}) });
  resource.addMetadata('cdk_nag', { rules_to_suppress: rules });
}
