import { Token } from 'aws-cdk-lib';
import { show } from '../../image/private/input';

/**
 * Names of steps and parameters: the pattern of `StepName` and `ParameterName`
 * in the SageMaker pipeline definition schema.
 */
const NAME_PATTERN = /^[A-Za-z0-9\-_]{1,64}$/;

export function checkPipelineName(kind: string, name: string): void {
  if (typeof name !== 'string') {
    // A missing name would otherwise become the step or parameter 'undefined'.
    throw new Error(`pipeline ${kind} name must be a string, got ${show(name)}: give 1 to 64 letters, digits, '-' or '_'`);
  }
  if (Token.isUnresolved(name)) {
    throw new Error(`pipeline ${kind} name must be known at synth time, got a token: the definition refers to it by name`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`pipeline ${kind} name '${name}' is invalid: use 1 to 64 letters, digits, '-' or '_'`);
  }
}

export function checkJsonPath(path: string): void {
  if (Token.isUnresolved(path)) {
    return;
  }
  if (!path || path.trim() !== path || /(^\.)|(\.\.)|(\.$)/.test(path)) {
    throw new Error(`pipeline JSON path '${path}' is invalid: give a dotted path into the file such as 'regression_metrics.mse.value'`);
  }
}

/** Calls `fn` with the string of every `{"Get": ...}` in `json`. */
export function forEachGet(json: any, fn: (ref: string) => void): void {
  if (Array.isArray(json)) {
    json.forEach((v) => forEachGet(v, fn));
  } else if (typeof json === 'object' && json !== null) {
    if (typeof json.Get === 'string' && Object.keys(json).length === 1) {
      fn(json.Get);
      return;
    }
    Object.values(json).forEach((v) => forEachGet(v, fn));
  }
}
