/**
 * A pipeline definition as synthesized (`PipelineDefinitionBody`, tokens
 * filled), and what a local run needs to know of it before it starts: the
 * features local mode cannot run, the images, the S3 data it reads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PipelineResource } from './assembly';
import { LOCAL_ACCOUNT, UNSET_PARAMETER_PREFIX } from './cfn';
import { UsageError } from './errors';

export interface DefinitionParameter {
  readonly Name: string;
  readonly Type?: string;
  readonly DefaultValue?: unknown;
}

export interface DefinitionStep {
  readonly Name: string;
  readonly Type: string;
  readonly Arguments?: any;
  readonly DependsOn?: string[];
}

export interface PipelineDefinition {
  readonly Version?: string;
  readonly Parameters?: DefinitionParameter[];
  readonly Steps?: DefinitionStep[];
}

/** The step types the SageMaker SDK's local mode runs, with RegisterModel as a recorded stand-in. */
export const LOCAL_STEP_TYPES = ['Training', 'Processing', 'Transform', 'Model', 'Condition', 'Fail', 'RegisterModel'];

/** The definition of `pipeline` with every CloudFormation token filled. */
export function readDefinition(pipeline: PipelineResource): PipelineDefinition {
  const { stack, logicalId } = pipeline;
  const props = (stack.template.Resources?.[logicalId]?.Properties ?? {}) as Record<string, any>;
  const source = props.PipelineDefinition ?? {};
  let text: unknown;
  if (source.PipelineDefinitionBody !== undefined) {
    text = stack.resolver.resolve(source.PipelineDefinitionBody);
  } else if (source.PipelineDefinitionS3Location !== undefined) {
    text = readS3Asset(stack.templateFile, stack.resolver.resolve(source.PipelineDefinitionS3Location) as Record<string, string>);
  } else {
    throw new UsageError(`pipeline ${pipeline.constructPath} has neither PipelineDefinitionBody nor PipelineDefinitionS3Location`);
  }
  const body = typeof text === 'string' ? text : JSON.stringify(text);
  const unset = body.indexOf(UNSET_PARAMETER_PREFIX);
  if (unset >= 0) {
    const name = body.slice(unset + UNSET_PARAMETER_PREFIX.length).split('}}')[0];
    throw new UsageError(`the definition of ${pipeline.constructPath} uses stack parameter ${name}, which has no default: pass --stack-parameter ${name}=<value>`);
  }
  try {
    return JSON.parse(body) as PipelineDefinition;
  } catch (e) {
    throw new UsageError(`the definition of ${pipeline.constructPath} is not JSON once its tokens are filled: ${(e as Error).message}`);
  }
}

function readS3Asset(templateFile: string, location: Record<string, string>): string {
  const dir = path.dirname(templateFile);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const asset of Object.values<any>(manifest.files ?? {})) {
      const keys = Object.values<any>(asset.destinations ?? {}).map((d) => d.objectKey);
      if (keys.includes(location.Key) && asset.source?.path) {
        return fs.readFileSync(path.join(dir, asset.source.path), 'utf8');
      }
    }
  }
  throw new UsageError(`the pipeline definition is in S3 (s3://${location.Bucket}/${location.Key}), and no asset of the assembly holds it`);
}

/** Every step, the branches of condition steps included. */
export function allSteps(definition: PipelineDefinition): DefinitionStep[] {
  const out: DefinitionStep[] = [];
  const visit = (steps: DefinitionStep[] | undefined): void => {
    for (const step of steps ?? []) {
      out.push(step);
      if (step.Type === 'Condition') {
        visit(step.Arguments?.IfSteps);
        visit(step.Arguments?.ElseSteps);
      }
    }
  };
  visit(definition.Steps);
  return out;
}

/**
 * The value of each parameter for this run: `given` (strings from the command
 * line) as the parameter's type, else its default.
 */
export function parameterValues(definition: PipelineDefinition, given: Record<string, string>): Record<string, unknown> {
  const declared = new Map((definition.Parameters ?? []).map((p) => [p.Name, p]));
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(given)) {
    const parameter = declared.get(name);
    if (!parameter) {
      throw new UsageError(`--parameter ${name}: the pipeline has no such parameter; its parameters: ${[...declared.keys()].join(', ') || 'none'}`);
    }
    values[name] = typed(parameter, raw);
  }
  for (const p of declared.values()) {
    if (!(p.Name in values) && p.DefaultValue !== undefined) values[p.Name] = p.DefaultValue;
  }
  return values;
}

function typed(parameter: DefinitionParameter, raw: string): unknown {
  const kind = parameter.Type ?? 'String';
  const bad = (): never => {
    throw new UsageError(`--parameter ${parameter.Name}=${raw}: ${parameter.Name} is ${kind === 'Integer' ? 'an' : 'a'} ${kind} parameter; give ${EXAMPLES[kind] ?? 'a value'}`);
  };
  switch (kind) {
    case 'Integer': return /^-?\d+$/.test(raw.trim()) ? Number(raw) : bad();
    case 'Float': return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : bad();
    case 'Boolean': return ['true', 'false'].includes(raw.toLowerCase()) ? raw.toLowerCase() === 'true' : bad();
    default: return raw;
  }
}

const EXAMPLES: Record<string, string> = { Integer: 'a whole number such as 2', Float: 'a number such as 0.25', Boolean: 'true or false' };

/** `node` when it is known before the run (literals, parameters, joins of them), else undefined. */
export function staticValue(node: unknown, parameters: Record<string, unknown>): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const entries = Object.entries(node as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, inner] = entries[0] as [string, any];
    if (key === 'Get') {
      const [scope, name] = String(inner).split(/\.(.*)/s);
      return scope === 'Parameters' ? parameters[name] : undefined;
    }
    if (key === 'Std:Join') {
      const values = (inner.Values ?? []).map((v: unknown) => staticValue(v, parameters));
      return values.some((v: unknown) => v === undefined) ? undefined : values.join(inner.On ?? '');
    }
    if (key.startsWith('Std:')) return undefined;
  }
  return node;
}

/**
 * What local mode cannot run, one sentence each (empty when it can run it all).
 * The SDK's local mode fails on these with an error far from the cause, or runs
 * them differently than SageMaker would.
 */
export function localModeProblems(definition: PipelineDefinition, parameters: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const value = (node: unknown): unknown => staticValue(node, parameters);
  for (const step of allSteps(definition)) {
    const args = step.Arguments ?? {};
    const where = `step ${step.Name}`;
    if (!LOCAL_STEP_TYPES.includes(step.Type)) {
      problems.push(`${where} is a ${step.Type} step, which local mode cannot run (it runs ${LOCAL_STEP_TYPES.join(', ')}); run this pipeline on SageMaker`);
      continue;
    }
    if (step.Type === 'Training') {
      const groups = args.ResourceConfig?.InstanceGroups;
      if (groups !== undefined) {
        const names = Array.isArray(groups) ? groups.map((g: any) => `${g.InstanceGroupName} (${value(g.InstanceCount)} x ${value(g.InstanceType)})`).join(', ') : JSON.stringify(groups);
        problems.push(`${where} uses instance groups (ResourceConfig.InstanceGroups: ${names}), which local mode cannot run: `
          + 'for a local run give the training job instanceType and instanceCount instead of instanceGroups');
      }
      const mode = value(args.AlgorithmSpecification?.TrainingInputMode);
      if (mode === 'Pipe') {
        problems.push(`${where} uses pipe mode (AlgorithmSpecification.TrainingInputMode: Pipe), which local mode cannot run: use TrainingInputMode.FILE or FAST_FILE`);
      }
      for (const channel of args.InputDataConfig ?? []) {
        const name = `${where} channel '${channel.ChannelName}'`;
        if (value(channel.InputMode) === 'Pipe') {
          problems.push(`${name} uses pipe mode (InputMode: Pipe), which local mode cannot run: use TrainingInputMode.FILE or FAST_FILE`);
        }
        if (value(channel.DataSource?.S3DataSource?.S3DataDistributionType) === 'ShardedByS3Key') {
          problems.push(`${name} uses ShardedByS3Key (S3DataDistributionType: ShardedByS3Key), which local mode cannot run: use S3DataDistribution.FULLY_REPLICATED`);
        }
      }
    }
    if (step.Type === 'Processing') {
      for (const input of args.ProcessingInputs ?? []) {
        const name = `${where} input '${input.InputName}'`;
        if (value(input.S3Input?.S3InputMode) === 'Pipe') {
          problems.push(`${name} uses pipe mode (S3InputMode: Pipe), which local mode cannot run: use File`);
        }
        if (value(input.S3Input?.S3DataDistributionType) === 'ShardedByS3Key') {
          problems.push(`${name} uses ShardedByS3Key (S3DataDistributionType: ShardedByS3Key), which local mode cannot run: use FullyReplicated`);
        }
      }
    }
  }
  return problems;
}

/** The image each step runs (as far as it is known before the run). */
export function stepImages(definition: PipelineDefinition, parameters: Record<string, unknown>): Array<{ step: string; image: unknown }> {
  const images: Array<{ step: string; image: unknown }> = [];
  for (const step of allSteps(definition)) {
    const args = step.Arguments ?? {};
    if (step.Type === 'Training') images.push({ step: step.Name, image: staticValue(args.AlgorithmSpecification?.TrainingImage, parameters) });
    if (step.Type === 'Processing') images.push({ step: step.Name, image: staticValue(args.AppSpecification?.ImageUri, parameters) });
    if (step.Type === 'Model') {
      for (const c of [args.PrimaryContainer, ...(args.Containers ?? [])].filter(Boolean)) {
        images.push({ step: step.Name, image: staticValue(c.Image, parameters) });
      }
    }
  }
  return images;
}

/** The S3 prefixes steps read that are known before the run (not another step's output). */
export function s3Inputs(definition: PipelineDefinition, parameters: Record<string, unknown>): Array<{ step: string; what: string; uri: string }> {
  const inputs: Array<{ step: string; what: string; uri: string }> = [];
  const add = (step: string, what: string, node: unknown): void => {
    const uri = staticValue(node, parameters);
    if (typeof uri === 'string' && uri.startsWith('s3://')) inputs.push({ step, what, uri });
  };
  for (const step of allSteps(definition)) {
    const args = step.Arguments ?? {};
    if (step.Type === 'Training') {
      for (const c of args.InputDataConfig ?? []) add(step.Name, `channel '${c.ChannelName}'`, c.DataSource?.S3DataSource?.S3Uri);
    }
    if (step.Type === 'Processing') {
      for (const i of args.ProcessingInputs ?? []) add(step.Name, `input '${i.InputName}'`, i.S3Input?.S3Uri);
    }
    if (step.Type === 'Transform') add(step.Name, 'input', args.TransformInput?.DataSource?.S3DataSource?.S3Uri);
  }
  return inputs;
}

/** The model names Transform steps use. */
export function transformModelNames(definition: PipelineDefinition, parameters: Record<string, unknown>): Array<{ step: string; model: unknown }> {
  return allSteps(definition).filter((s) => s.Type === 'Transform')
    .map((s) => ({ step: s.Name, model: staticValue(s.Arguments?.ModelName, parameters) }));
}

/** Every bucket an s3:// string of `value` names. */
export function bucketsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?=\/|$)/g)) into.add(m[1]);
  } else if (Array.isArray(value)) {
    value.forEach((v) => bucketsIn(v, into));
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach((v) => bucketsIn(v, into));
  }
  return into;
}

/** An image of one of the app's own ECR repositories (its account is the local run's). */
export function isAppImage(image: string): boolean {
  return new RegExp(`^${LOCAL_ACCOUNT}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/`).test(image);
}

/** `value` with every string an image mapping names replaced by the local image. */
export function mapImages<T>(value: T, map: (s: string) => string): T {
  if (typeof value === 'string') return map(value) as unknown as T;
  if (Array.isArray(value)) return value.map((v) => mapImages(v, map)) as unknown as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapImages(v, map)])) as T;
  }
  return value;
}
