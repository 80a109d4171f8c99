import { Token } from 'aws-cdk-lib';
import { show } from '../../image/private/input';

/**
 * The checks a construct of this folder runs on its props before it builds
 * anything: a plain JavaScript caller (and some jsii paths) can pass `null`,
 * leave a required prop out or give a value of the wrong type, which would
 * otherwise end in a TypeError deep inside.
 */

/**
 * A value as a message shows it: `nothing` (left out), `null`, `'text'`, `42`, `{"a":1}`; a
 * token by that word, never by its placeholder. Plain data shows as JSON, so a wrong member is
 * visible; the rest as the shared `show` words it.
 */
export function shown(value: unknown): string {
  if (value === undefined || value === null || typeof value === 'string' || typeof value === 'function' || Token.isUnresolved(value)) {
    return show(value);
  }
  try {
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return 'an object that is not plain data';
  }
}

/** The props object itself. */
export function checkPropsObject(construct: string, props: unknown, example: string): void {
  if (props === null || typeof props !== 'object') {
    throw new Error(`${construct} props must be an object, got ${shown(props)}: give e.g. ${example}`);
  }
}

/** A required object prop that has the members the construct uses. */
export function checkRequired(construct: string, property: string, value: unknown, members: string[], fix: string): void {
  if (value === undefined || value === null) {
    throw new Error(`${construct} ${property} is required, got ${shown(value)}: ${fix}`);
  }
  const object = value as Record<string, unknown>;
  const missing = typeof value === 'object' ? members.filter((m) => object[m] === undefined || object[m] === null) : members;
  if (missing.length > 0) {
    throw new Error(`${construct} ${property} must be ${fix.replace(/^give /, '')}, got ${shown(value)} `
      + `(it has no ${missing.join(', ')}): ${fix}`);
  }
}

/** An optional prop of a JavaScript type. */
export function checkType(construct: string, property: string, value: unknown, type: 'string' | 'number' | 'boolean', fix: string): void {
  if (value !== undefined && typeof value !== type) {
    throw new Error(`${construct} ${property} must be a ${type}, got ${shown(value)}: ${fix}`);
  }
}

/** An optional array prop. */
export function checkArray(construct: string, property: string, value: unknown, fix: string): void {
  if (value !== undefined && !Array.isArray(value)) {
    throw new Error(`${construct} ${property} must be a list, got ${shown(value)}: ${fix}`);
  }
}
