import { PipelineValue } from '../values';

function isPlainObject(x: any): x is { [key: string]: any } {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

/**
 * Replaces every `PipelineValue` in `value` (in arrays and plain objects) with
 * its definition JSON. Anything else, CDK tokens included, stays as it is for
 * `Stack.toJsonString` to resolve; `undefined` keys are dropped.
 */
export function renderPipelineJson(value: any): any {
  if (PipelineValue._isPipelineValue(value)) {
    return value._toJson();
  }
  if (Array.isArray(value)) {
    return value.map(renderPipelineJson);
  }
  if (isPlainObject(value)) {
    const out: { [key: string]: any } = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) {
        out[k] = renderPipelineJson(v);
      }
    }
    return out;
  }
  return value;
}
