import { Token } from 'aws-cdk-lib';

/**
 * Shared synth-time checks. Every message is lowercase, names the property,
 * shows the bad value and says the fix. Tokens are never checked: their value
 * is only known at deploy time.
 */

/** Throws when `value` is a concrete number outside [min, max] or not an integer. */
export function checkInteger(property: string, value: number | undefined, min: number, max: number, fix?: string): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
    throw new Error(`${property} must be ${range}, got ${value}${fix ? `: ${fix}` : ''}`);
  }
}

/**
 * An S3 key prefix taken as a folder: it must not start with '/', and a
 * trailing '/' is optional (it is removed, so callers append their own).
 */
export function keyPrefix(property: string, value: string, example: string): string {
  if (Token.isUnresolved(value)) {
    return value;
  }
  const folder = value.replace(/\/+$/, '');
  if (folder === '' || folder.startsWith('/')) {
    throw new Error(`${property} '${value}' must be a key prefix that does not start with '/', e.g. '${example}'`);
  }
  return folder;
}

/**
 * The same map with its keys in sorted order. A user's map can come in any
 * order (Java's `Map.of` changes it from run to run); what is rendered from it
 * must not, or every synth would change the template.
 */
export function sortedMap<T>(map: { [key: string]: T } | undefined): { [key: string]: T } | undefined {
  if (map === undefined) {
    return undefined;
  }
  return Object.fromEntries(Object.keys(map).sort().map((key) => [key, map[key]]));
}
