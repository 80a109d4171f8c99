/**
 * What the container stage's suites share: the images the stage built, docker,
 * the `local-run` command, and the synthesized definitions they read (never retype).
 * Run by `npx projen container` (scripts/container/stage.sh), which sets the environment.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { listPipelines, PipelineResource, readAssembly } from '../../src/cli/assembly';
import { allSteps, DefinitionStep, PipelineDefinition, readDefinition } from '../../src/cli/definition';

export const ROOT = path.join(__dirname, '..', '..');
export const REFERENCE_APP = path.join(ROOT, 'examples', 'out');

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: these suites run in the container stage (npx projen container), which builds the images first`);
  }
  return value;
}

/** The starter container (examples/container) as the stage built it FROM its Debian base image. */
export const IMAGE = required('CONTAINER_STAGE_IMAGE');
/** The Debian base image the stage made (python3 inside); fixture containers build FROM it. */
export const BASE_IMAGE = required('CONTAINER_STAGE_BASE_IMAGE');
/**
 * The image of the stock scikit-learn image's shape (Debian's python3 with numpy, scipy, pandas and
 * scikit-learn) that scripts/container/monitor.sh made: the library's checker runs on it.
 */
export const MONITOR_IMAGE = required('MONITOR_STAGE_IMAGE');
/** The stage's work folder (gitignored). */
export const STAGE_DIR = required('CONTAINER_STAGE_DIR');
/** The integ apps the stage synthesized. */
export const INTEG_APPS = path.join(STAGE_DIR, 'integ');

/** Runs docker to completion (bounded). */
export function docker(args: string[], timeoutMs = 120_000): SpawnSyncReturns<string> {
  const result = spawnSync('docker', args, { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (result.error) throw result.error;
  return result;
}

/** Runs `cdk-sagemaker-github local-run` (from src, as the bin runs it from lib) to completion. */
export function localRun(args: string[], cwd: string, timeoutMs = 600_000): SpawnSyncReturns<string> {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', 'cli', 'main.ts'), 'local-run', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'), NODE_PATH: path.join(ROOT, 'node_modules') },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return result;
}

/** A fresh folder under the stage's work folder. */
export function workDir(name: string): string {
  const dir = path.join(STAGE_DIR, 'runs', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A port on 127.0.0.1 that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Synthesized {
  readonly pipeline: PipelineResource;
  readonly definition: PipelineDefinition;
  /** The one step of this type. */
  step(type: string): DefinitionStep;
  /** The step of this name. */
  stepNamed(name: string): DefinitionStep;
}

/** The stock scikit-learn image URI of a step, as the definition renders it for the stage's region (the checker's image). */
const STOCK_SKLEARN = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/sagemaker-scikit-learn:/;

/**
 * local-run's `--image URI=TAG` arguments that run the definition's stock scikit-learn images (the
 * training pipeline's Baseline step) on the stage's image of their shape: no registry here serves them.
 */
export function stockImageArgs(definition: PipelineDefinition): string[] {
  const uris = new Set(allSteps(definition).map((s) => s.Arguments?.AppSpecification?.ImageUri)
    .filter((uri): uri is string => typeof uri === 'string' && STOCK_SKLEARN.test(uri)));
  return [...uris].flatMap((uri) => ['--image', `${uri}=${MONITOR_IMAGE}`]);
}

/**
 * The pipeline of the app at `dir` that has a step of `stepType` (under the construct `under`, when
 * the app has several), with its definition (tokens filled as local-run fills them).
 */
export function synthesizedPipeline(dir: string, stepType: string, under?: string): Synthesized {
  const pipelines = listPipelines(readAssembly(dir, { region: 'us-east-1', stackParameters: {} }));
  const found = pipelines.map((pipeline) => ({ pipeline, definition: readDefinition(pipeline) }))
    .filter(({ pipeline }) => under === undefined || pipeline.constructPath.includes(`/${under}/`))
    .filter(({ definition }) => allSteps(definition).some((s) => s.Type === stepType));
  if (found.length !== 1) {
    throw new Error(`expected one pipeline with a ${stepType} step${under ? ` under ${under}` : ''} in ${dir}, found ${found.length}`);
  }
  const { pipeline, definition } = found[0];
  return {
    pipeline,
    definition,
    step: (type: string) => {
      const steps = allSteps(definition).filter((s) => s.Type === type);
      if (steps.length !== 1) throw new Error(`expected one ${type} step in ${pipeline.constructPath}, found ${steps.length}`);
      return steps[0];
    },
    stepNamed: (name: string) => {
      const step = allSteps(definition).find((s) => s.Name === name);
      if (!step) throw new Error(`no step ${name} in ${pipeline.constructPath}: ${allSteps(definition).map((s) => s.Name).join(', ')}`);
      return step;
    },
  };
}

/** The default value of a pipeline parameter. */
export function parameterDefault(definition: PipelineDefinition, name: string): unknown {
  const p = (definition.Parameters ?? []).find((x) => x.Name === name);
  if (!p) throw new Error(`the definition has no parameter ${name}`);
  return p.DefaultValue;
}

/** Splits s3://bucket/key/ into the folder a --data directory holds it in. */
export function dataFolder(dataDir: string, uri: string): string {
  const [bucket, ...key] = uri.slice('s3://'.length).split('/');
  return path.join(dataDir, bucket, ...key.filter(Boolean));
}

/** The JSON the last local-run wrote into its work folder. */
export function lastRun(work: string): any {
  return JSON.parse(fs.readFileSync(path.join(work, 'last-run.json'), 'utf8'));
}

/** The model.json inside a model.tar.gz. */
export function modelFromArchive(file: string): { weights: number[]; bias: number } {
  const tar = spawnSync('tar', ['-xzOf', file, 'model.json'], { encoding: 'utf8' });
  if (tar.status !== 0) {
    // Some archives name it ./model.json
    const again = spawnSync('tar', ['-xzOf', file, './model.json'], { encoding: 'utf8' });
    if (again.status !== 0) throw new Error(`no model.json in ${file}: ${tar.stderr}`);
    return JSON.parse(again.stdout);
  }
  return JSON.parse(tar.stdout);
}
