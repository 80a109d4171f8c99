import { Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';

/**
 * Checks of what a caller gives, for every language: plain JavaScript (and
 * some jsii paths) let missing, `null` and wrongly typed values through, which
 * would otherwise surface as TypeErrors deep inside a construct. Each throws an
 * `Error` whose lowercase message names the property (`what` is
 * `<construct> <property>`), shows the value and says the fix. Tokens pass.
 */

/** How a value shows in a message: never `undefined` or `[object Object]`. */
export function show(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'string') {
    if (Token.isUnresolved(value)) {
      return 'a token';
    }
    // Line breaks and other control characters as their escapes, so the message stays one line.
    const text = (value.length > 80 ? `${value.slice(0, 80)}...` : value)
      .replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
    return `'${text}'`;
  }
  if (typeof value === 'number') {
    return Token.isUnresolved(value) ? 'a token' : String(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'function') {
    return 'a function';
  }
  if (Array.isArray(value)) {
    return `a list of ${value.length}`;
  }
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** The props struct of a constructor or factory: an object, or (when optional) nothing. */
export function checkStruct(what: string, value: unknown, optional: boolean, example: string): void {
  if (value === undefined && optional) {
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} must be ${optional ? 'left out or ' : ''}an object such as ${example}, got ${show(value)}`);
  }
}

/**
 * A value that must be there and pass `is`; `kind` says what it is (`a ModelSource`),
 * `example` how to make one.
 */
export function checkRequired(what: string, value: unknown, is: (v: any) => boolean, kind: string, example: string): void {
  if (value === undefined || value === null) {
    throw new Error(`${what} is required${value === null ? ', got null' : ''}: give ${kind}, e.g. ${example}`);
  }
  if (!is(value)) {
    throw new Error(`${what} must be ${kind}, got ${show(value)}: give e.g. ${example}`);
  }
}

/** An optional value: left out, or passing `is`. */
export function checkOptional(what: string, value: unknown, is: (v: any) => boolean, kind: string, example: string): void {
  if (value === undefined) {
    return;
  }
  if (value === null || !is(value)) {
    throw new Error(`${what} must be ${kind} or left out, got ${show(value)}: give e.g. ${example}, or leave it out`);
  }
}

export const isString = (v: unknown): boolean => typeof v === 'string';
export const isNumber = (v: unknown): boolean => typeof v === 'number';
export const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
export const isDuration = (v: any): boolean => v instanceof Duration || (v !== null && typeof v === 'object'
  && typeof v.toSeconds === 'function' && typeof v.isUnresolved === 'function' && typeof v.unitLabel === 'function');
export const isSize = (v: any): boolean => v instanceof Size || (v !== null && typeof v === 'object'
  && typeof v.toGibibytes === 'function' && typeof v.isUnresolved === 'function');
/** An `s3.IBucket`. */
export const isBucket = (v: any): boolean => typeof v?.bucketName === 'string' && typeof v?.arnForObjects === 'function';
/** A `kms.IKey`. */
export const isKey = (v: any): boolean => typeof v?.keyArn === 'string' && typeof v?.grant === 'function';
/** An `sns.ITopic`. */
export const isTopic = (v: any): boolean => typeof v?.topicArn === 'string';
/** An `iam.IRole`. */
export const isRole = (v: any): boolean => typeof v?.roleArn === 'string' && typeof v?.addToPrincipalPolicy === 'function';
/** A `cloudwatch.IAlarm`. */
export const isAlarm = (v: any): boolean => typeof v?.alarmName === 'string' && typeof v?.alarmArn === 'string';
/** An `ecr.IRepository`. */
export const isRepository = (v: any): boolean => typeof v?.repositoryName === 'string' && typeof v?.repositoryUriForTagOrDigest === 'function';
/** A plain object (a map). */
export const isMap = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An optional list whose entries pass `is`. */
export function checkList(what: string, value: unknown, is: (v: any) => boolean, kind: string, example: string): void {
  if (value === undefined) {
    return;
  }
  if (!Array.isArray(value)) {
    throw new Error(`${what} must be a list (each entry ${kind}) or left out, got ${show(value)}: give e.g. [${example}]`);
  }
  value.forEach((entry, index) => {
    if (entry === undefined || entry === null || !is(entry)) {
      throw new Error(`${what} entry ${index} must be ${kind}, got ${show(entry)}: give e.g. ${example}`);
    }
  });
}

/** An optional number that, unless a token, is finite (neither NaN nor infinite). */
export function checkFinite(what: string, value: unknown, example: string): void {
  checkOptional(what, value, isNumber, 'a number', example);
  if (typeof value === 'number' && !Token.isUnresolved(value) && !Number.isFinite(value)) {
    throw new Error(`${what} must be a finite number, got ${value}: give e.g. ${example}`);
  }
}

/** The CloudFormation-side unit names of a `Duration` and how to write one in that unit. */
const DURATION_UNITS: Record<string, { readonly label: string; readonly factory: string }> = {
  millis: { label: 'milliseconds', factory: 'Duration.millis' },
  seconds: { label: 'seconds', factory: 'Duration.seconds' },
  minutes: { label: 'minutes', factory: 'Duration.minutes' },
  hours: { label: 'hours', factory: 'Duration.hours' },
  days: { label: 'days', factory: 'Duration.days' },
};

/**
 * A `Duration` in whole seconds, or undefined when not given. A token passes
 * through when given in seconds (`Duration.seconds(parameter.valueAsNumber)`):
 * CloudFormation cannot multiply, so a token in another unit cannot become
 * seconds, and the message says so instead of aws-cdk-lib's, which names no property.
 */
export function wholeSeconds(what: string, duration: Duration | undefined): number | undefined {
  checkOptional(what, duration, isDuration, 'a Duration', 'Duration.minutes(5)');
  if (duration === undefined) {
    return undefined;
  }
  if (duration.isUnresolved()) {
    requireTokenUnit(what, duration, 'seconds');
    return duration.toSeconds();
  }
  const value = duration.toSeconds({ integral: false });
  if (!Number.isInteger(value)) {
    throw new Error(`${what} must be a whole number of seconds, got ${value} seconds: e.g. Duration.seconds(${Math.max(1, Math.round(value))})`);
  }
  return value;
}

/** Throws unless the token `duration` was given in `unit` (a key of DURATION_UNITS). */
export function requireTokenUnit(what: string, duration: Duration, unit: string): void {
  const given = duration.unitLabel();
  if (given !== unit) {
    throw new Error(`${what} is a token in ${DURATION_UNITS[given]?.label ?? given}, which CloudFormation cannot convert: `
      + `give the token in ${DURATION_UNITS[unit].label}, ${DURATION_UNITS[unit].factory}(parameter.valueAsNumber)`);
  }
}

/**
 * A `Size` in a whole number of `unit` (gibibytes or mebibytes). A token passes
 * through when given in that unit.
 */
export function wholeSize(what: string, size: Size | undefined, unit: 'gibibytes' | 'mebibytes'): number | undefined {
  checkOptional(what, size, isSize, 'a Size', unit === 'gibibytes' ? 'Size.gibibytes(30)' : 'Size.mebibytes(6)');
  if (size === undefined) {
    return undefined;
  }
  const convert = (options: { rounding?: SizeRoundingBehavior }) =>
    (unit === 'gibibytes' ? size.toGibibytes(options) : size.toMebibytes(options));
  if (size.isUnresolved()) {
    // aws-cdk-lib refuses a token in another unit with a message that names no property.
    try {
      return convert({});
    } catch {
      throw new Error(`${what} is a token in another unit, which CloudFormation cannot convert: `
        + `give the token in ${unit}, Size.${unit}(parameter.valueAsNumber)`);
    }
  }
  const value = convert({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(value)) {
    throw new Error(`${what} must be a whole number of ${unit}, got ${value} ${unit}: e.g. Size.${unit}(${Math.max(1, Math.round(value))})`);
  }
  return value;
}
