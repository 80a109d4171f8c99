import { Token } from 'aws-cdk-lib';
import { shown } from './props';

/** The checks of `CdkApp`'s options; every message starts with `cdkApp.<kind> <property>`. */

/**
 * Why `dir` is not a path relative to the repository root that a workflow may
 * use (`working-directory`, `cache-dependency-path`), or `undefined`.
 */
export function appDirectoryProblem(dir: string): string | undefined {
  if (Token.isUnresolved(dir)) {
    return 'is a token: the workflow file is written at synth time, so give the path itself';
  }
  if (dir.length === 0) {
    return "is empty (the repository root is '.')";
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(dir)) {
    return 'holds a control character or a line break';
  }
  if (dir.startsWith('/') || /^[A-Za-z]:/.test(dir)) {
    return 'is absolute (the runner checks the repository out where it likes)';
  }
  if (dir.includes('\\')) {
    return "holds '\\': use '/' between folders";
  }
  if (dir.split('/').includes('..')) {
    return "leaves the repository ('..')";
  }
  if (/[*?[\]{}$`"']/.test(dir)) {
    return 'holds a wildcard, a quote or $';
  }
  return undefined;
}

/** A shell command: a non-empty string known at synth time. */
export function checkCommand(where: string, property: string, value: unknown): void {
  if (value === undefined) {
    return;
  }
  if (typeof value !== 'string') {
    throw new Error(`${where} ${property} must be a string of shell commands, got ${shown(value)}: `
      + "give e.g. 'npm ci', or leave it out for the default");
  }
  if (Token.isUnresolved(value)) {
    throw new Error(`${where} ${property} is a token: the workflow file is written at synth time, so give the command itself`);
  }
  if (value.trim().length === 0) {
    throw new Error(`${where} ${property} must not be empty, got ${shown(value)}: give the commands, or leave it out for the default`);
  }
  if (value.includes('${{')) {
    throw new Error(`${where} ${property} ${shown(value)} holds a GitHub expression ('\${{'), which the runner would `
      + 'splice into the script: read such values from environment variables instead');
  }
}

/** An optional single-line string known at synth time (a version, a distribution). */
export function checkOptionalString(where: string, property: string, value: unknown, fix: string): void {
  if (value === undefined) {
    return;
  }
  if (typeof value !== 'string' || value.trim().length === 0 || Token.isUnresolved(value)
    // eslint-disable-next-line no-control-regex
    || /[\x00-\x1f\x7f]/.test(value) || value.includes('${{')) {
    throw new Error(`${where} ${property} must be a non-empty single line known at synth time, got ${shown(value)}: ${fix}`);
  }
}

/** The version of the `aws-cdk` npm package: an exact or a major (or major.minor) version. */
export function checkVersion(where: string, property: string, value: unknown): void {
  if (value === undefined) {
    return;
  }
  if (typeof value !== 'string' || !/^\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?$/.test(value)) {
    throw new Error(`${where} ${property} must be a version of the aws-cdk npm package such as '2' or '2.1100.0', `
      + `got ${shown(value)}: give a major or an exact version`);
  }
}
