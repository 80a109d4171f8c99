import * as crypto from 'crypto';
import { CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import { markLogicalIdSet, settle } from '../../private/logical-id';

/**
 * Gives an immutable SageMaker object (model, endpoint config) a logical ID
 * that ends with a hash of its rendered properties, as
 * `lambda.Function.currentVersion` does: a change makes CloudFormation create
 * the new object, update the endpoint to it, and delete the old one in the
 * cleanup phase, after the endpoint has moved.
 *
 * The hash is computed at synthesis, from the resolved properties, so that
 * references to other hashed objects (the config names its model) carry
 * their hash along; and only once: CloudFormation resolves a logical ID at every
 * reference to it (each Ref, GetAtt and DependsOn), and the properties are
 * fixed when the resource is created, so the first result is cached.
 */
export function hashLogicalId(resource: CfnResource, renderedProps: object): void {
  const stack = Stack.of(resource);
  const original = stack.resolve(resource.logicalId) as string;
  markLogicalIdSet(resource);
  resource.overrideLogicalId(Lazy.string({
    produce: () => settle(resource, `${original}${contentHash(stack.resolve(renderedProps))}`),
  }));
}

/** The first 8 hex digits of the MD5 of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return crypto.createHash('md5').update(canonicalJson(value)).digest('hex').slice(0, 8).toUpperCase();
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
