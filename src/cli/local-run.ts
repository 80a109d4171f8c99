/**
 * `cdk-sagemaker-github local-run`: runs a synthesized pipeline on this
 * machine with the SageMaker Python SDK's local mode (see local_run.py).
 *
 * This side reads the cloud assembly, fills the CloudFormation tokens, refuses
 * what local mode cannot run, maps the app's images to local ones, lays out the
 * local S3 and hands the rest to python; then it reports, with the failing
 * container's own log when a step fails.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AssemblyStack, findPipeline, listPipelines, PipelineResource, readAssembly } from './assembly';
import { LOCAL_ACCOUNT, UNSET_PARAMETER_PREFIX } from './cfn';
import {
  bucketsIn, isAppImage, localModeProblems, mapImages, parameterValues, PipelineDefinition, readDefinition,
  s3Inputs, stepImages, transformModelNames,
} from './definition';
import { UsageError } from './errors';
import { LOCAL_RUN_USAGE, LocalRunOptions } from './options';
import { findPython, RUNNER } from './python';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** What local_run.py reads. */
export interface RunSpec {
  readonly pipelineName: string;
  readonly description: string;
  readonly region: string;
  readonly definition: PipelineDefinition;
  readonly parameters: Record<string, unknown>;
  readonly buckets: string[];
  /** `packaging: 'zip'`: `file` is a directory, uploaded as the zip file cdk deploy would make of it. */
  readonly uploads: Array<{ bucket: string; key: string; file: string; packaging?: 'zip' }>;
  readonly models: Record<string, ModelContainer>;
  readonly defaultBucket: string;
  readonly registry: string;
  /** Mark what the run registers as Approved (the reviewer's step, done locally). */
  readonly approve: boolean;
  readonly containerRoot: string;
  readonly outputDir: string;
  readonly servingPort: number;
  readonly result: string;
}

export interface ModelContainer {
  readonly Image: string;
  readonly ModelDataUrl?: string;
  readonly Environment: Record<string, string>;
}

/** What local_run.py writes. */
export interface RunResult {
  readonly status: 'Succeeded' | 'Failed' | 'Refused' | 'Error';
  readonly failureReason?: string;
  readonly executionId?: string;
  readonly parameters?: Record<string, unknown>;
  readonly steps: Array<{
    name: string; type: string; status: string; failureReason?: string; log: string; containerFailure?: string; seconds: number;
  }>;
  readonly registered?: Array<Record<string, any>>;
  readonly objects?: Array<{ uri: string; file: string; size: number }>;
  readonly seconds?: number;
}

/** Exit codes: 0 the pipeline succeeded, 1 it failed, 2 it could not start (the message says why). */
export function localRun(options: LocalRunOptions, io: Io): number {
  if (options.help) {
    io.out(LOCAL_RUN_USAGE);
    return 0;
  }
  const prepared = prepare(options, io);
  const python = findPython({ python: options.python, env: io.env, log: io.err });
  io.err(`running ${prepared.pipeline.constructPath} (${prepared.spec.pipelineName}) locally; records in ${options.work}`);
  const child = spawnSync(python, [RUNNER, prepared.specFile], {
    stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    env: { ...io.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
  removeContainers(prepared.spec.containerRoot);
  if (child.error) throw new UsageError(`could not start ${python}: ${child.error.message}`);
  if (!fs.existsSync(prepared.spec.result)) {
    const tail = options.quiet ? `\n${String(child.stderr ?? '').trim().split('\n').slice(-20).join('\n')}` : '';
    io.err(`the local run stopped without a result (python exited ${child.status ?? child.signal})${tail}`);
    return 1;
  }
  const result = JSON.parse(fs.readFileSync(prepared.spec.result, 'utf8')) as RunResult;
  fs.copyFileSync(prepared.spec.result, path.join(options.work, 'last-run.json'));
  report(prepared, result, io);
  return result.status === 'Succeeded' ? 0 : result.status === 'Refused' ? 2 : 1;
}

interface Prepared {
  readonly pipeline: PipelineResource;
  readonly spec: RunSpec;
  readonly specFile: string;
}

/** Everything up to the python call: the checks that refuse, and the run file. */
export function prepare(options: LocalRunOptions, io: Io): Prepared {
  const stacks = readAssembly(options.app, { region: options.region, stackParameters: options.stackParameters });
  const pipeline = findPipeline(listPipelines(stacks), options.pipeline, options.app);

  const mapImage = imageMapper(options.images);
  const definition = mapImages(readDefinition(pipeline), mapImage);
  const parameters = mapImages(parameterValues(definition, options.parameters), mapImage);
  for (const p of definition.Parameters ?? []) {
    // JavaScript writes 1.0 as 1; the SDK and the service read a Float parameter's default as a float.
    if (p.Type === 'Float' && Number.isInteger(p.DefaultValue)) {
      io.err(`note: Float parameter ${p.Name} has the default ${String(p.DefaultValue)}, written without a decimal point; the run reads it as ${Number(p.DefaultValue).toFixed(1)}`);
    }
  }

  const problems = localModeProblems(definition, parameters);
  if (problems.length > 0) {
    throw new UsageError(`local-run cannot run ${pipeline.constructPath}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }

  const work = path.resolve(options.work);
  const registry = path.join(work, 'registry.json');
  const models = transformModels(stacks, pipeline, definition, parameters, registry, mapImage);

  const outputDir = path.join(work, 's3');
  const uploads = [
    ...fileAssets(stacks, JSON.stringify([definition, models]), options.region),
    ...(fs.existsSync(outputDir) ? filesUnder(outputDir) : []),
    ...(options.data ? dataFiles(options.data) : []),
  ];
  const seen = new Map(uploads.map((u) => [`s3://${u.bucket}/${u.key}`, u]));
  for (const input of s3Inputs(definition, parameters)) {
    if (![...seen.keys()].some((uri) => uri.startsWith(input.uri))) {
      const [bucket, ...key] = input.uri.slice('s3://'.length).split('/');
      const folder = path.join(options.data ?? 'DATA', bucket, ...key);
      throw new UsageError(`step ${input.step} ${input.what} reads ${input.uri}, and there is no local data for it: `
        + `put its files under ${folder}${options.data ? '' : ' and pass --data DATA'} (--data DIR stands for S3: DIR/<bucket>/<key> is s3://<bucket>/<key>)`);
    }
  }

  checkDocker([
    ...stepImages(definition, parameters),
    ...Object.entries(models).map(([model, c]) => ({ step: `model ${model}`, image: c.Image as unknown })),
  ]);

  const defaultBucket = `sagemaker-${options.region}-${LOCAL_ACCOUNT}`;
  const buckets = new Set<string>([defaultBucket, ...uploads.map((u) => u.bucket)]);
  bucketsIn([definition, parameters, models], buckets);

  const runDir = path.join(work, 'runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  fs.mkdirSync(runDir, { recursive: true });
  const spec: RunSpec = {
    pipelineName: pipeline.pipelineName,
    description: `local run of ${pipeline.constructPath}`,
    region: options.region,
    definition,
    parameters: Object.fromEntries(Object.entries(options.parameters).map(([k]) => [k, parameters[k]])),
    buckets: [...buckets].sort(),
    uploads: [...seen.values()],
    models,
    defaultBucket,
    registry,
    approve: options.approve,
    containerRoot: path.join(work, 'tmp'),
    outputDir,
    servingPort: options.servingPort,
    result: path.join(runDir, 'result.json'),
  };
  fs.mkdirSync(spec.containerRoot, { recursive: true });
  const specFile = path.join(runDir, 'run.json');
  fs.writeFileSync(specFile, JSON.stringify(spec, null, 2));
  return { pipeline, spec, specFile };
}

/** Local mode leaves its stopped containers behind: remove those of this work folder's compose projects. */
function removeContainers(containerRoot: string): void {
  const list = spawnSync('docker', ['ps', '-a', '--filter', 'label=com.docker.compose.project.working_dir',
    '--format', '{{.ID}} {{.Label "com.docker.compose.project.working_dir"}}'], { encoding: 'utf8' });
  const ids = (list.stdout ?? '').split('\n').map((l) => l.trim().split(' '))
    .filter(([id, dir]) => id && dir && dir.startsWith(containerRoot + path.sep)).map(([id]) => id);
  if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  for (const name of fs.existsSync(containerRoot) ? fs.readdirSync(containerRoot) : []) {
    try {
      fs.rmSync(path.join(containerRoot, name), { recursive: true, force: true });
    } catch {
      // files a container wrote as another user; the next run tries again
    }
  }
}

function imageMapper(images: string[]): (s: string) => string {
  const exact = new Map<string, string>();
  const plain: string[] = [];
  for (const image of images) {
    if (image.includes('=')) {
      const [uri, tag] = image.split(/=(.*)/s);
      exact.set(uri, tag);
    } else {
      plain.push(image);
    }
  }
  if (plain.length > 1) {
    throw new UsageError(`--image ${plain.join(' and --image ')}: only one plain TAG stands for the app's images; map the others with --image URI=TAG`);
  }
  return (s) => exact.get(s) ?? (plain.length === 1 && isAppImage(s) ? plain[0] : s);
}

/** The model each Transform step names: an AWS::SageMaker::Model of the app, filled; a model package is looked up in the local registry. */
function transformModels(
  stacks: AssemblyStack[], pipeline: PipelineResource, definition: PipelineDefinition,
  parameters: Record<string, unknown>, registry: string, mapImage: (s: string) => string,
): Record<string, ModelContainer> {
  const models: Record<string, ModelContainer> = {};
  for (const { step, model } of transformModelNames(definition, parameters)) {
    if (typeof model !== 'string') {
      throw new UsageError(`step ${step} names its model with ${JSON.stringify(model)}, which is known only during a run: local-run needs a model of the app`);
    }
    const owner = [pipeline.stack, ...stacks.filter((s) => s !== pipeline.stack)].find((s) =>
      Object.entries(s.template.Resources ?? {}).some(([id, r]) => r.Type === 'AWS::SageMaker::Model' && s.resolver.physicalName(id) === model));
    if (!owner) {
      throw new UsageError(`step ${step} uses model ${model}, which is not an AWS::SageMaker::Model of the app: local-run runs only the app's own models`);
    }
    const [logicalId] = Object.entries(owner.template.Resources ?? {})
      .find(([id, r]) => r.Type === 'AWS::SageMaker::Model' && owner.resolver.physicalName(id) === model)!;
    const props = owner.resolver.resolve(owner.template.Resources![logicalId].Properties ?? {}) as Record<string, any>;
    const container = props.PrimaryContainer ?? props.Containers?.[0];
    if (!container) throw new UsageError(`model ${model} (${logicalId}) has no PrimaryContainer or Containers`);
    models[model] = mapImages(container.ModelPackageName !== undefined
      ? fromRegistry(String(container.ModelPackageName), registry, model)
      : { Image: String(container.Image), ModelDataUrl: container.ModelDataUrl, Environment: container.Environment ?? {} }, mapImage);
  }
  return models;
}

/** A model package from the registry stand-in: the one named, or the newest approved version. */
function fromRegistry(name: string, registry: string, model: string): ModelContainer {
  const records: Array<Record<string, any>> = fs.existsSync(registry) ? JSON.parse(fs.readFileSync(registry, 'utf8')) : [];
  let record: Record<string, any> | undefined;
  if (name.startsWith(UNSET_PARAMETER_PREFIX)) {
    const parameter = name.slice(UNSET_PARAMETER_PREFIX.length, -2);
    record = [...records].reverse().find((r) => r.ModelApprovalStatus === 'Approved');
    if (!record) {
      throw new UsageError(`model ${model} serves a model package (stack parameter ${parameter}), and the local registry ${registry} has no approved version: `
        + 'run the training pipeline locally first with --approve, '
        + `or pass --stack-parameter ${parameter}=<ModelPackageArn of ${registry}>`);
    }
  } else {
    record = [...records].reverse().find((r) => r.ModelPackageArn === name
      || ((r.ModelPackageGroupName === name || name.endsWith(`:model-package-group/${String(r.ModelPackageGroupName).toLowerCase()}`)) && r.ModelApprovalStatus === 'Approved'));
    if (!record) {
      const known = records.map((r) => `${r.ModelPackageArn} (${r.ModelApprovalStatus})`).join(', ') || 'none';
      throw new UsageError(`model ${model} serves model package ${name}, which is not in the local registry ${registry} (versions there: ${known}): `
        + 'run the training pipeline locally first, or pass the ModelPackageArn of one of them');
    }
  }
  const container = record.Containers?.[0] ?? {};
  return { Image: container.Image, ModelDataUrl: container.ModelDataUrl, Environment: container.Environment ?? {} };
}

function checkDocker(images: Array<{ step: string; image: unknown }>): void {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.error || info.status !== 0) {
    const why = info.error ? info.error.message : (info.stderr || info.stdout).trim().split('\n').pop();
    throw new UsageError(`local-run runs each step in docker, and docker info failed (${why}): start the docker engine (dockerd, or Docker Desktop) and try again`);
  }
  const composeV2 = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  const composeV1 = composeV2.status === 0 ? composeV2 : spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (composeV1.error || composeV1.status !== 0) {
    throw new UsageError('the sagemaker sdk\'s local mode starts containers with docker compose, which is not installed: '
      + 'install the docker compose plugin, or docker-compose (apt-get install docker-compose)');
  }
  const checked = new Set<string>();
  for (const { step, image } of images) {
    if (typeof image !== 'string') {
      throw new UsageError(`${step} runs the image ${JSON.stringify(image)}, which is known only during a run: pass the image with --parameter or --image`);
    }
    if (checked.has(image)) continue;
    checked.add(image);
    const inspect = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { encoding: 'utf8' });
    if (inspect.status !== 0) {
      const hint = isAppImage(image)
        ? 'it is the app\'s own image, which local-run does not pull: build it (docker build -t my-model .) and pass --image my-model'
        : 'build or pull it first, or map it to a local image with --image URI=TAG';
      throw new UsageError(`${step} runs image ${image}, which is not on this machine: ${hint}`);
    }
  }
}

/**
 * The app's file assets that the run reads (model archives, scripts), where cdk deploy would upload them;
 * a directory asset (packaging zip) is zipped by the python side as cdk deploy zips it.
 */
function fileAssets(stacks: AssemblyStack[], used: string, region: string): Array<{ bucket: string; key: string; file: string; packaging?: 'zip' }> {
  const out: Array<{ bucket: string; key: string; file: string; packaging?: 'zip' }> = [];
  const dirs = new Set(stacks.map((s) => path.dirname(s.templateFile)));
  const fill = (text: string): string => text.replace(/\$\{AWS::AccountId\}/g, LOCAL_ACCOUNT).replace(/\$\{AWS::Region\}/g, region)
    .replace(/\$\{AWS::Partition\}/g, 'aws');
  for (const dir of dirs) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.assets.json'))) {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      for (const asset of Object.values<any>(manifest.files ?? {})) {
        const source = asset.source?.path ? path.join(dir, asset.source.path) : undefined;
        for (const destination of Object.values<any>(asset.destinations ?? {})) {
          const bucket = fill(String(destination.bucketName));
          const key = fill(String(destination.objectKey));
          if (!used.includes(`s3://${bucket}/${key}`)) continue;
          const zip = asset.source?.packaging === 'zip';
          if (!source || !fs.existsSync(source) || (zip ? !fs.statSync(source).isDirectory() : !fs.statSync(source).isFile())) {
            throw new UsageError(`the run reads the app's asset s3://${bucket}/${key} (${asset.displayName ?? asset.source?.path}), and ${source ?? 'its source'} is not in ${dir}: `
              + 'synthesize the app again (cdk synth stages assets), or put the file under --data');
          }
          out.push({ bucket, key, file: path.resolve(source), ...(zip ? { packaging: 'zip' as const } : {}) });
        }
      }
    }
  }
  return out;
}

/** The files of a --data folder as S3 objects: <dir>/<bucket>/<key>. */
function dataFiles(dir: string): Array<{ bucket: string; key: string; file: string }> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`--data ${dir} is not a folder: make one that holds <bucket>/<key> files, e.g. ${path.join(dir, 'my-bucket', 'train', 'data.csv')}`);
  }
  const files = filesUnder(dir);
  const loose = fs.readdirSync(dir).filter((name) => fs.statSync(path.join(dir, name)).isFile());
  if (loose.length > 0) {
    throw new UsageError(`--data ${dir} has files at its top (${loose.slice(0, 3).join(', ')}): its folders are buckets, so put each file under <bucket>/<key>`);
  }
  return files;
}

function filesUnder(dir: string): Array<{ bucket: string; key: string; file: string }> {
  const out: Array<{ bucket: string; key: string; file: string }> = [];
  for (const bucket of fs.readdirSync(dir).sort()) {
    const root = path.join(dir, bucket);
    if (!fs.statSync(root).isDirectory()) continue;
    const walk = (folder: string): void => {
      for (const name of fs.readdirSync(folder).sort()) {
        const full = path.join(folder, name);
        if (fs.statSync(full).isDirectory()) walk(full);
        else out.push({ bucket, key: path.relative(root, full).split(path.sep).join('/'), file: path.resolve(full) });
      }
    };
    walk(root);
  }
  return out;
}

function report(prepared: Prepared, result: RunResult, io: Io): void {
  const { pipeline, spec } = prepared;
  const line = (s: string): void => io.out(s);
  line('');
  line(`pipeline ${pipeline.constructPath} (${spec.pipelineName}): ${result.status}${result.seconds !== undefined ? ` in ${result.seconds} s` : ''}`);
  if (result.failureReason) line(`  ${result.failureReason}`);
  const width = Math.max(4, ...result.steps.map((s) => s.name.length));
  for (const step of result.steps) {
    const seconds = step.seconds ? `${step.seconds} s` : '';
    line(`  ${step.name.padEnd(width)}  ${step.type.padEnd(13)}  ${step.status.padEnd(9)}  ${seconds}`);
  }
  for (const record of result.registered ?? []) {
    line(`registered (local stand-in) ${record.ModelPackageArn}: ${record.ModelApprovalStatus}, image ${record.Containers?.[0]?.Image}, model data ${record.Containers?.[0]?.ModelDataUrl}`);
  }
  if ((result.objects ?? []).length > 0) {
    line(`written to the local S3 (${path.relative(process.cwd(), spec.outputDir) || spec.outputDir}):`);
    for (const o of result.objects!) line(`  ${o.uri}`);
  }
  for (const step of result.steps.filter((s) => s.status === 'Failed' && s.type !== 'Fail')) {
    line('');
    line(`step ${step.name} failed: ${step.failureReason ?? 'no reason given'}`);
    if (step.containerFailure) line(`the container's failure reason (/opt/ml/output/failure): ${step.containerFailure}`);
    line(`the container's log (step ${step.name}):`);
    for (const l of containerLog(step.log)) line(`  | ${l}`);
  }
}

/** The lines the containers printed, without the SDK's own logging and compose's progress lines. */
export function containerLog(log: string): string[] {
  // eslint-disable-next-line no-control-regex
  const lines = log.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r$/, ''));
  const own = lines.filter((l) => /^\S+\s+\|\s?/.test(l)).map((l) => l.replace(/^\S+\s+\|\s?/, ''));
  return own.length > 0 ? own : lines.filter((l) => l.trim() !== '');
}
