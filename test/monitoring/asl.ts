import jsonata from 'jsonata';

/** A mocked AWS SDK call of a Task state: the Resource's action → its result for the given arguments. */
export type SdkMock = (resource: string, args: any) => any;

/** What an execution of a JSONata state machine did. */
export interface AslRun {
  readonly path: string[];
  readonly calls: Array<{ resource: string; args: any }>;
  readonly end: { type: 'Succeed' | 'Fail' | 'End'; error?: string; cause?: string };
  readonly variables: Record<string, any>;
}

async function evaluate(value: any, bindings: Record<string, any>): Promise<any> {
  if (typeof value === 'string') {
    const m = /^\{%([\s\S]*)%\}$/.exec(value);
    return m ? jsonata(m[1].trim()).evaluate({}, bindings) : value;
  }
  if (Array.isArray(value)) {
    return Promise.all(value.map((v) => evaluate(v, bindings)));
  }
  if (value && typeof value === 'object') {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = await evaluate(v, bindings);
    }
    return out;
  }
  return value;
}

/**
 * Runs a JSONata state machine (Pass, Task, Choice, Succeed, Fail states, as Step Functions
 * evaluates them: Arguments and Assign with `$states.input`, `$states.result`,
 * `$states.context` and the variables assigned so far) with the real JSONata engine.
 */
export async function runAsl(definition: any, input: any, context: any, sdk: SdkMock): Promise<AslRun> {
  const variables: Record<string, any> = {};
  const path: string[] = [];
  const calls: Array<{ resource: string; args: any }> = [];
  let name: string = definition.StartAt;
  for (let steps = 0; steps < 100; steps++) {
    const state = definition.States[name];
    path.push(name);
    const bindings = () => ({ ...variables, states: { input, context } });
    if (state.Type === 'Choice') {
      let next = state.Default;
      for (const choice of state.Choices) {
        if (await evaluate(choice.Condition, bindings())) {
          next = choice.Next;
          break;
        }
      }
      name = next;
      continue;
    }
    if (state.Type === 'Succeed') {
      return { path, calls, variables, end: { type: 'Succeed' } };
    }
    if (state.Type === 'Fail') {
      return { path, calls, variables, end: { type: 'Fail', error: state.Error, cause: await evaluate(state.Cause, bindings()) } };
    }
    let result: any;
    if (state.Type === 'Task') {
      const args = await evaluate(state.Arguments, bindings());
      calls.push({ resource: state.Resource, args });
      result = sdk(state.Resource, args);
    }
    if (state.Assign) {
      const assigned = await evaluate(state.Assign, { ...variables, states: { input, context, result } });
      Object.assign(variables, assigned);
    }
    if (state.End) {
      return { path, calls, variables, end: { type: 'End' } };
    }
    name = state.Next;
  }
  throw new Error('the state machine did not end within 100 states');
}
