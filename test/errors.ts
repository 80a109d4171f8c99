import * as fs from 'fs';
import * as path from 'path';

/**
 * One entry of the error catalogue (docs/errors.md): what a user gave, and
 * what the library answers. Every test of a bad input goes through
 * `expectError`, so the catalogue is produced from the tests themselves.
 */
export interface ErrorCase {
  /** The construct, factory or option struct whose input is wrong, e.g. `ModelEndpoint` or `EndpointMode.serverless`. */
  readonly construct: string;
  /** The property as the user writes it, e.g. `memorySize` or `training.instanceCount`. */
  readonly property: string;
  /** The bad value as the user would type it, e.g. `1500`, `null`, `'ml.m5'`. */
  readonly value: string;
}

const RECORD_DIR = path.join(__dirname, '..', 'test-reports', 'errors');

/**
 * Runs `build`, expects it to throw a plain `Error` (never a `TypeError` or
 * `RangeError` from deep inside) whose message names the property, contains
 * no `undefined`/`[object Object]`, and matches `expected`; records the case
 * for the error catalogue. Returns the message for further assertions.
 */
export function expectError(build: () => unknown, errorCase: ErrorCase, expected: string | RegExp): string {
  let thrown: unknown;
  try {
    build();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) {
    throw new Error(`expected ${errorCase.construct} ${errorCase.property} = ${errorCase.value} to throw, but it did not`);
  }
  expect(thrown).toBeInstanceOf(Error);
  const error = thrown as Error;
  expect(error.name).toBe('Error');
  const message = error.message;
  const leaf = errorCase.property.split('.').pop()!;
  expect(message).toContain(leaf);
  expect(message).not.toContain('[object Object]');
  for (const word of ['undefined', 'NaN']) {
    if (!errorCase.value.includes(word)) {
      expect(message).not.toMatch(new RegExp(`\\b${word}\\b`));
    }
  }
  if (typeof expected === 'string') {
    expect(message).toContain(expected);
  } else {
    expect(message).toMatch(expected);
  }
  record(errorCase, message);
  return message;
}

function record(errorCase: ErrorCase, message: string): void {
  fs.mkdirSync(RECORD_DIR, { recursive: true });
  const line = JSON.stringify({ ...errorCase, message }) + '\n';
  fs.appendFileSync(path.join(RECORD_DIR, `${process.pid}.jsonl`), line);
}
