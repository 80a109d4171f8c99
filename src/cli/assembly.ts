/**
 * Reads a synthesized cloud assembly (`cdk.out`) and finds its SageMaker pipelines.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template, TemplateResolver } from './cfn';
import { UsageError } from './errors';

/** A stack of the assembly, with a resolver for its tokens. */
export interface AssemblyStack {
  readonly stackName: string;
  readonly displayName: string;
  readonly templateFile: string;
  readonly template: Template;
  readonly resolver: TemplateResolver;
  /** Construct paths by logical ID, from the manifest's metadata. */
  readonly paths: Record<string, string>;
}

/** An `AWS::SageMaker::Pipeline` of the assembly. */
export interface PipelineResource {
  readonly stack: AssemblyStack;
  readonly logicalId: string;
  /** The construct path, e.g. `SageMakerGitHubReference/Training`. */
  readonly constructPath: string;
  /** The pipeline's name once deployed (tokens filled). */
  readonly pipelineName: string;
}

interface Manifest {
  readonly artifacts?: Record<string, {
    readonly type: string;
    readonly environment?: string;
    readonly displayName?: string;
    readonly properties?: { templateFile?: string; stackName?: string; directoryName?: string };
    readonly metadata?: Record<string, Array<{ type: string; data?: unknown }>>;
    readonly additionalMetadataFile?: string;
  }>;
}

export interface AssemblyOptions {
  readonly region: string;
  readonly stackParameters: Record<string, string>;
}

/** Every stack of the assembly at `dir`, nested assemblies (stages) included. */
export function readAssembly(dir: string, options: AssemblyOptions): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new UsageError(`--app ${dir} is not a synthesized cloud assembly (no manifest.json): run cdk synth first, or pass the folder it writes (cdk.out)`);
  }
  const stacks: AssemblyStack[] = [];
  const exports = new Map<string, { stack: AssemblyStack; value: unknown }>();
  const visit = (assemblyDir: string): void => {
    const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8')) as Manifest;
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
        visit(path.join(assemblyDir, artifact.properties.directoryName));
      }
      if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
      const templateFile = path.join(assemblyDir, artifact.properties.templateFile);
      const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as Template;
      const stackName = artifact.properties.stackName ?? id;
      const region = regionOf(artifact.environment) ?? options.region;
      const resolver: TemplateResolver = new TemplateResolver(template, {
        stackName,
        region,
        parameters: options.stackParameters,
        importValue: (name) => {
          const found = exports.get(name);
          if (!found) throw new UsageError(`Fn::ImportValue ${name}: no stack of the app exports it`);
          return found.stack.resolver.resolve(found.value);
        },
      });
      const metadata = { ...artifact.metadata };
      if (artifact.additionalMetadataFile) {
        Object.assign(metadata, JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.additionalMetadataFile), 'utf8')));
      }
      const paths: Record<string, string> = {};
      for (const [constructPath, entries] of Object.entries(metadata)) {
        for (const entry of entries ?? []) {
          if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') paths[entry.data] = constructPath.replace(/^\//, '');
        }
      }
      const stack: AssemblyStack = { stackName, displayName: artifact.displayName ?? id, templateFile, template, resolver, paths };
      stacks.push(stack);
      for (const output of Object.values(template.Outputs ?? {})) {
        if (output.Export?.Name !== undefined) {
          exports.set(String(resolver.resolve(output.Export.Name)), { stack, value: output.Value });
        }
      }
    }
  };
  visit(dir);
  return stacks;
}

function regionOf(environment: string | undefined): string | undefined {
  const match = /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(environment ?? '');
  return match && !match[1].startsWith('unknown') ? match[1] : undefined;
}

/** Every pipeline of the stacks. */
export function listPipelines(stacks: AssemblyStack[]): PipelineResource[] {
  const pipelines: PipelineResource[] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::SageMaker::Pipeline') continue;
      const cdkPath = String(resource.Metadata?.['aws:cdk:path'] ?? stack.paths[logicalId] ?? `${stack.displayName}/${logicalId}`);
      pipelines.push({
        stack,
        logicalId,
        constructPath: cdkPath.replace(/\/Resource$/, ''),
        pipelineName: stack.resolver.physicalName(logicalId),
      });
    }
  }
  return pipelines;
}

/** The pipeline `wanted` names: its construct path, logical ID (optionally after `<stack>/`) or pipeline name. */
export function findPipeline(pipelines: PipelineResource[], wanted: string | undefined, app: string): PipelineResource {
  const describe = (): string => pipelines.map((p) => `  ${p.constructPath} (logical id ${p.logicalId}, pipeline ${p.pipelineName})`).join('\n');
  if (pipelines.length === 0) {
    throw new UsageError(`--app ${app} has no AWS::SageMaker::Pipeline: synthesize an app with a TrainingPipeline or a batch ModelEndpoint, or point --app at its cdk.out`);
  }
  if (wanted === undefined) {
    if (pipelines.length === 1) return pipelines[0];
    throw new UsageError(`${app} has ${pipelines.length} pipelines: choose one with --pipeline <construct path, logical id or name>:\n${describe()}`);
  }
  const names = (p: PipelineResource): string[] => [
    p.constructPath, `${p.constructPath}/Resource`, p.logicalId, `${p.stack.stackName}/${p.logicalId}`,
    `${p.stack.displayName}/${p.logicalId}`, p.pipelineName,
  ];
  let found = pipelines.filter((p) => names(p).includes(wanted));
  if (found.length === 0) {
    found = pipelines.filter((p) => names(p).some((n) => n.toLowerCase() === wanted.toLowerCase()));
  }
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new UsageError(`--pipeline ${wanted} matches ${found.length} pipelines: use a construct path instead:\n${describe()}`);
  }
  throw new UsageError(`--pipeline ${wanted} is not a pipeline of ${app}; its pipelines are:\n${describe()}`);
}
