import { IResolvable, IResolveContext, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { forEachGet } from './private/checks';
import { renderFloatLiterals } from './private/float';
import { isStep } from './private/props';
import { PipelineStep } from './steps';
import { PipelineParameter } from './values';
import { checkList, checkRequired, checkStruct } from '../image/private/input';

/**
 * What a pipeline definition holds.
 */
export interface PipelineDefinitionProps {
  /**
   * The parameters an execution may override.
   *
   * @default - none
   */
  readonly parameters?: PipelineParameter[];

  /**
   * The top-level steps, in any order (SageMaker orders them by their data
   * dependencies and `DependsOn`). Steps inside a condition's branches are
   * not listed here.
   */
  readonly steps: PipelineStep[];
}

/**
 * A SageMaker pipeline definition (version `2020-12-01`), rendered from typed
 * parameters and steps.
 *
 * Rendering checks what SageMaker would reject later: step and parameter
 * names are unique, `DependsOn` names existing steps, and every `Get`
 * reference names a declared parameter, an existing step or a property file
 * that its step declares.
 *
 * @example
 * declare const train: TrainingStep;
 * const definition = new PipelineDefinition({
 *   parameters: [PipelineParameter.stringParameter('InputUri', 's3://bucket/train')],
 *   steps: [train],
 * });
 * const body = definition.render(this);
 */
export class PipelineDefinition {
  /** The definition version SageMaker accepts. */
  public static readonly VERSION = '2020-12-01';

  /** The parameters. */
  public readonly parameters: PipelineParameter[];

  /** The top-level steps. */
  public readonly steps: PipelineStep[];

  constructor(props: PipelineDefinitionProps) {
    checkStruct('pipelineDefinition props', props, false, '{ parameters, steps }');
    checkRequired('pipelineDefinition steps', props.steps, Array.isArray, 'a list of PipelineSteps', '[trainStep, gateStep]');
    checkList('pipelineDefinition parameters', props.parameters, (v) => v instanceof PipelineParameter, 'a PipelineParameter',
      "PipelineParameter.stringParameter('InputUri')");
    checkList('pipelineDefinition steps', props.steps, isStep, 'a PipelineStep', 'trainStep');
    this.parameters = [...(props.parameters ?? [])];
    this.steps = [...props.steps];
  }

  /** Every step, those inside condition branches included. */
  public get allSteps(): PipelineStep[] {
    const all: PipelineStep[] = [];
    const visit = (step: PipelineStep) => {
      all.push(step);
      step.childSteps.forEach(visit);
    };
    this.steps.forEach(visit);
    return all;
  }

  /**
   * The definition as a JSON object (CDK tokens left in place), after checking it:
   * raw JSON in the schema's own spelling, hence untyped. Numbers are JavaScript
   * numbers here; `render` writes whole-number Float defaults as `1.0`.
   */
  public toJson(): any {
    return this.renderJson(false);
  }

  /**
   * The definition as a JSON string for `PipelineDefinitionBody`; CDK tokens in
   * it resolve at deploy time.
   *
   * @param scope a construct in the stack that holds the pipeline
   */
  public render(scope: IConstruct): string {
    // Float defaults are written with a decimal point (1.0, not 1): see renderFloatLiterals.
    const json = this.renderJson(true);
    return Token.asString(new FloatLiterals(Stack.of(scope).toJsonString(json), tokensOf(json)));
  }

  private renderJson(floatMarkers: boolean): any {
    const json = {
      Version: PipelineDefinition.VERSION,
      Parameters: this.parameters.map((p) => p._toJson(floatMarkers)),
      Steps: this.steps.map((s) => s._toJson()),
    };
    this.check(json);
    return json;
  }

  private check(json: any): void {
    if (this.steps.length === 0) {
      throw new Error('pipeline definition has no steps: add at least one step');
    }
    const parameterNames = new Set<string>();
    for (const p of this.parameters) {
      if (parameterNames.has(p.name)) {
        throw new Error(`pipeline parameter '${p.name}' is declared twice: give each parameter its own name`);
      }
      parameterNames.add(p.name);
    }
    const steps = new Map<string, PipelineStep>();
    for (const step of this.allSteps) {
      if (steps.has(step.name)) {
        const same = steps.get(step.name) === step;
        throw new Error(same
          ? `pipeline step '${step.name}' is placed twice: list it once, at the top level or in one condition branch`
          : `pipeline step name '${step.name}' is used by two steps: give each step its own name`);
      }
      steps.set(step.name, step);
    }
    for (const step of steps.values()) {
      for (const dep of step.dependsOn) {
        if (!steps.has(dep)) {
          throw new Error(`pipeline step '${step.name}' depends on '${dep}', which is not in the pipeline: add that step or drop it from dependsOn`);
        }
      }
    }
    forEachGet(json.Steps, (ref) => {
      const [root, name, ...rest] = ref.split('.');
      if (root === 'Parameters') {
        if (!parameterNames.has(name)) {
          throw new Error(`pipeline refers to parameter '${name}', which is not declared: add it to the pipeline's parameters`);
        }
      } else if (root === 'Steps') {
        const step = steps.get(name);
        if (!step) {
          throw new Error(`pipeline refers to step '${name}' (${ref}), which is not in the pipeline: add that step`);
        }
        if (rest[0] === 'PropertyFiles' && !step.propertyFileNames.includes(rest[1])) {
          throw new Error(`pipeline refers to property file '${rest[1]}' of step '${name}', which that step does not declare`);
        }
      }
    });
  }
}


/**
 * Resolves a rendered definition, then writes its marked float literals with a decimal point.
 *
 * The body is resolved in every pass over the template (the references aws-cdk-lib looks for
 * while preparing, the template, tree.json), and turning the whole definition into an
 * `Fn::Join` is the costliest resolution of the pipeline (issue 15). The definition is fixed
 * once rendered: its value changes only with what its tokens resolve to (a cross-stack
 * reference once the app is prepared, say). So each resolution resolves the tokens (through the
 * context, so that whatever looks for references sees every one of them) and reuses the last
 * value when they resolve as they did then, in the same stack; the search for references stops
 * there (it keeps no value), so the body is rendered once per synth, for the template.
 */
class FloatLiterals implements IResolvable {
  public readonly creationStack: string[] = [];
  private last?: { readonly stack: Stack; readonly tokens: unknown; readonly value: any };

  /**
   * @param body the rendered definition (a token of `Stack.toJsonString`)
   * @param tokens every token in the definition JSON, or undefined when its value may change otherwise (never reused)
   */
  constructor(private readonly body: string, private readonly tokens: unknown[] | undefined) {}

  public resolve(context: IResolveContext): any {
    if (!this.tokens) {
      return renderFloatLiterals(context.resolve(this.body));
    }
    const stack = Stack.of(context.scope);
    const tokens = context.resolve(this.tokens, { allowIntrinsicKeys: true });
    if (context.preparing) {
      // aws-cdk-lib's search for references (the only resolution that prepares) reads which tokens
      // were resolved and drops the value: resolving the tokens was all it needed. Its values differ
      // from the template's (references render as themselves), so they are not kept either.
      return '';
    }
    const last = this.last;
    if (last && last.stack === stack && sameJson(last.tokens, tokens)) {
      // aws-cdk-lib resolves what a token returns again, into new arrays and objects: the value kept is never handed out.
      return last.value;
    }
    const value = renderFloatLiterals(context.resolve(this.body));
    this.last = { stack, tokens, value };
    return value;
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/**
 * The tokens of a rendered definition: unresolved strings, numbers, object keys and resolvables
 * (a resolvable is resolved whole, so not looked into). Undefined if the JSON holds anything but
 * plain objects, arrays, strings, numbers, booleans and null, whose value could change without
 * a token showing it.
 */
function tokensOf(json: unknown): unknown[] | undefined {
  const found: unknown[] = [];
  const visit = (value: unknown): boolean => {
    if (Token.isUnresolved(value)) {
      found.push(value);
      return true;
    }
    if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) {
      return true;
    }
    if (Array.isArray(value)) {
      return value.every(visit);
    }
    if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.entries(value as object).every(([k, v]) => (Token.isUnresolved(k) ? visit(k) : true) && visit(v));
    }
    return false;
  };
  return visit(json) ? found : undefined;
}

/** Whether two resolved values are the same JSON (undefined and null told apart). */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson((a as any)[k], (b as any)[k]));
  }
  return Object.is(a, b);
}
