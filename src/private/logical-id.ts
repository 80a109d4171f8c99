import { CfnElement, CfnResource, Lazy } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Elements whose logical ID the library already set (content hashes) or made cached. */
const SET = new WeakSet<CfnElement>();

/** Marks an element whose logical ID the library overrides itself, so that `cacheLogicalIds` leaves it alone. */
export function markLogicalIdSet(element: CfnElement): void {
  SET.add(element);
}

/**
 * Makes the logical ID of every CloudFormation resource under `scope` (that the library has not
 * set itself: mark those with `markLogicalIdSet`) computed once, when it is first resolved, instead of at every resolution:
 * aws-cdk-lib recomputes an element's logical ID (a hash of its construct path) at each Ref,
 * GetAtt and DependsOn that names it, in every pass over the template, and an endpoint's
 * resources reference one another many times (issue 15). The value is the stack's own
 * (`Stack.getLogicalId`, so `allocateLogicalId` overrides and `renameLogicalId` apply); a later
 * `overrideLogicalId` still wins.
 */
export function cacheLogicalIds(scope: IConstruct): void {
  for (const construct of scope.node.findAll()) {
    if (CfnResource.isCfnResource(construct) && !SET.has(construct)) {
      SET.add(construct);
      const stack = construct.stack;
      construct.overrideLogicalId(Lazy.string({ produce: () => settle(construct, stack.getLogicalId(construct)) }));
    }
  }
}

/**
 * Once a lazy logical ID is known, makes it the element's override as a plain string, so that
 * later resolutions read it without resolving the lazy again. An element whose logical ID is
 * locked (exported to another stack) keeps the lazy, which gives the same value.
 */
export function settle(element: CfnElement, logicalId: string): string {
  try {
    element.overrideLogicalId(logicalId);
  } catch {
    // locked: the cached lazy stays, with the same value
  }
  return logicalId;
}
