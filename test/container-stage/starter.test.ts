/**
 * The starter container (examples/container), built in a real Docker engine,
 * run the way SageMaker runs it: read-only root file system, tmpfs /tmp, the
 * /opt/ml layout the synthesized Training and Processing steps describe, and
 * `docker stop` (SIGTERM, then SIGKILL) for a spot interruption; and built FROM
 * a base image that has a `train` and a `serve` of its own on PATH, as a Deep
 * Learning Container has.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { BASE_IMAGE, docker, freePort, IMAGE, REFERENCE_APP, ROOT, synthesizedPipeline } from './stage';
import { linearRows, metricValues, MlRoot, smallNoise, TRUE_BIAS, TRUE_WEIGHTS } from '../container/harness';

jest.setTimeout(180_000);

const reference = synthesizedPipeline(REFERENCE_APP, 'Training');
const trainStep = reference.step('Training');
const evaluateStep = reference.stepNamed('Evaluate');

/** SageMaker's own flags for a job container: nothing but /opt/ml and /tmp is writable. */
function sagemakerRun(name: string, root: MlRoot, mounts: Record<string, string>, extra: string[]): string[] {
  return [
    'run', '--name', name, '--read-only', '--tmpfs', '/tmp', '--network', 'none',
    ...Object.entries(mounts).flatMap(([host, inContainer]) => ['-v', `${root.path(host)}:${inContainer}`]),
    ...extra,
  ];
}

function trainMounts(root: MlRoot): Record<string, string> {
  for (const dir of ['input', 'model', 'output', 'checkpoints']) fs.mkdirSync(root.path(dir), { recursive: true });
  return { input: '/opt/ml/input:ro', model: '/opt/ml/model', output: '/opt/ml/output', checkpoints: '/opt/ml/checkpoints' };
}

/** The config files SageMaker writes for the synthesized Training step, with its hyperparameters as given. */
function configureFromStep(root: MlRoot, hyperparameters: Record<string, unknown>): string[] {
  const args = trainStep.Arguments;
  const channels: string[] = args.InputDataConfig.map((c: any) => c.ChannelName);
  root.writeJson('input/config/hyperparameters.json', hyperparameters);
  root.writeJson('input/config/inputdataconfig.json', Object.fromEntries(args.InputDataConfig.map((c: any) => [c.ChannelName, {
    TrainingInputMode: c.InputMode ?? args.AlgorithmSpecification.TrainingInputMode,
    S3DistributionType: c.DataSource.S3DataSource.S3DataDistributionType,
    RecordWrapperType: c.RecordWrapperType ?? 'None',
    ...(c.ContentType ? { ContentType: c.ContentType } : {}),
  }])));
  root.writeJson('input/config/resourceconfig.json', { current_host: 'algo-1', hosts: ['algo-1'], network_interface_name: 'eth0' });
  return channels;
}

function removeContainer(name: string): void {
  docker(['rm', '-f', name]);
}

function exitCode(name: string): number {
  return Number(docker(['inspect', '--format', '{{.State.ExitCode}}', name]).stdout.trim());
}

describe('train, as a SageMaker training job runs it', () => {
  let root: MlRoot;
  const name = `stage-train-${process.pid}`;
  beforeEach(() => { root = new MlRoot(); });
  afterEach(() => {
    removeContainer(name);
    root.remove();
  });

  test('the synthesized hyperparameters are strings, and the job learns the data with them', () => {
    const hyperparameters = trainStep.Arguments.HyperParameters;
    expect(Object.keys(hyperparameters).length).toBeGreaterThan(0);
    for (const value of Object.values(hyperparameters)) expect(typeof value).toBe('string');
    const channels = configureFromStep(root, hyperparameters);
    expect(channels).toContain('train');
    root.writeCsv('input/data/train/part-1.csv', linearRows(60, smallNoise), ['x1', 'x2', 'y']);

    const run = docker([...sagemakerRun(name, root, trainMounts(root), []), IMAGE, 'train']);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(docker(['inspect', '--format', '{{json .HostConfig.ReadonlyRootfs}}', name]).stdout)).toBe(true);
    const model = root.readJson('model/model.json');
    expect(model.epoch).toBe(Number(hyperparameters.epochs));
    expect(model.weights[0]).toBeCloseTo(TRUE_WEIGHTS[0], 1);
    expect(model.weights[1]).toBeCloseTo(TRUE_WEIGHTS[1], 1);
    expect(model.bias).toBeCloseTo(TRUE_BIAS, 1);
    // Every metric definition the Training step carries catches a value in the job's log.
    for (const metric of trainStep.Arguments.AlgorithmSpecification.MetricDefinitions ?? []) {
      if (metric.Name.startsWith('validation')) continue; // the reference app gives no validation channel
      const values = [...run.stdout.matchAll(new RegExp(metric.Regex, 'g'))].map((m) => Number(m[1]));
      expect({ metric: metric.Name, found: values.length > 0 && values.every(Number.isFinite) }).toEqual({ metric: metric.Name, found: true });
    }
    expect(root.exists('output/failure')).toBe(false);
  });

  test('docker stop mid-run leaves a checkpoint, and the next run resumes from it', async () => {
    configureFromStep(root, { epochs: '100000000', learning_rate: '0.05', checkpoint_every: '500', log_every: '1000000' });
    root.writeCsv('input/data/train/data.csv', linearRows(60, smallNoise));
    const started = docker([...sagemakerRun(name, root, trainMounts(root), ['-d']), IMAGE, 'train']);
    expect(started.status).toBe(0);
    const checkpoint = root.path('checkpoints', 'checkpoint.json');
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(checkpoint) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(fs.existsSync(checkpoint)).toBe(true);

    // A spot interruption: SIGTERM, and SIGKILL after the grace period.
    expect(docker(['stop', '-t', '30', name]).status).toBe(0);

    expect(exitCode(name)).toBe(143);
    const logs = docker(['logs', name]).stdout;
    expect(logs).toMatch(/stopped by signal 15 at epoch \d+; checkpoint saved/);
    const saved = JSON.parse(fs.readFileSync(checkpoint, 'utf8'));
    expect(saved.epoch).toBeGreaterThan(0);
    expect(saved.epoch).toBeLessThan(100000000);
    expect(root.readJson('model/model.json')).toMatchObject({ stopped: true, epoch: saved.epoch });
    removeContainer(name);

    // The restarted job (SageMaker restores /opt/ml/checkpoints) picks up where it stopped.
    const more = 50;
    root.writeJson('input/config/hyperparameters.json', { epochs: String(saved.epoch + more), learning_rate: '0.05' });
    const resumed = docker([...sagemakerRun(name, root, trainMounts(root), []), IMAGE, 'train']);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`resumed from checkpoint at epoch ${saved.epoch}`);
    expect(resumed.stdout).toMatch(new RegExp(`^final: epoch=${saved.epoch + more};`, 'm'));
    expect(root.readJson('model/model.json').epoch).toBe(saved.epoch + more);
  });

  test('a bad hyperparameter writes /opt/ml/output/failure and exits non-zero', () => {
    configureFromStep(root, { ...trainStep.Arguments.HyperParameters, epochs: 'ten' });
    root.writeCsv('input/data/train/data.csv', linearRows(20));

    const run = docker([...sagemakerRun(name, root, trainMounts(root), []), IMAGE, 'train']);

    expect(run.status).toBe(1);
    expect(root.read('output/failure')).toContain("hyperparameter epochs must be a number, got 'ten'");
    expect(run.stderr).toContain("training failed: hyperparameter epochs must be a number, got 'ten'");
    expect(root.exists('model/model.json')).toBe(false);
  });
});

interface Reply { status: number; type: string; body: string }

function request(port: number, method: string, urlPath: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false, timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Starts `docker run IMAGE serve` as an endpoint runs it (read-only root, the model mounted
 * read-only at /opt/ml/model) and waits up to 30 s for a 200 from /ping; returns the port.
 */
async function startServing(name: string, image: string, modelDir: string): Promise<number> {
  const port = await freePort();
  const started = docker(['run', '-d', '--name', name, '--read-only', '--tmpfs', '/tmp', '-p', `127.0.0.1:${port}:8080`,
    '-v', `${modelDir}:/opt/ml/model:ro`, image, 'serve']);
  expect(started.status).toBe(0);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ping = await request(port, 'GET', '/ping').catch(() => undefined);
    if (ping?.status === 200) return port;
    if (Date.now() > deadline) throw new Error(`no 200 from /ping: ${docker(['logs', name]).stdout}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('serve, as a SageMaker endpoint runs it', () => {
  const name = `stage-serve-${process.pid}`;
  const weights = [1.5, -2];
  const bias = 0.5;
  let root: MlRoot;
  let port: number;

  beforeAll(async () => {
    root = new MlRoot();
    root.writeJson('model/model.json', { weights, bias, epoch: 1 });
    port = await startServing(name, IMAGE, root.path('model'));
  });

  afterAll(() => {
    removeContainer(name);
    root.remove();
  });

  const expected = (rows: number[][]): number[] => rows.map((r) => r.reduce((sum, x, i) => sum + weights[i] * x, bias));

  test('/ping answers 200 once the model is loaded', async () => {
    expect((await request(port, 'GET', '/ping')).status).toBe(200);
  });

  test('POST /invocations with text/csv answers one prediction per line', async () => {
    const rows = [[1, 2], [3, 0.5], [-1, 4]];
    const reply = await request(port, 'POST', '/invocations', rows.map((r) => r.join(',')).join('\n'), { 'Content-Type': 'text/csv' });
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('text/csv');
    const got = reply.body.trim().split('\n').map(Number);
    expect(got).toHaveLength(rows.length);
    got.forEach((value, i) => expect(value).toBeCloseTo(expected(rows)[i], 9));
  });

  test('POST /invocations with application/json answers {"predictions": [...]}', async () => {
    const rows = [[0, 0], [2, 2]];
    const reply = await request(port, 'POST', '/invocations', JSON.stringify({ instances: rows }), { 'Content-Type': 'application/json' });
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('application/json');
    const got = JSON.parse(reply.body).predictions as number[];
    got.forEach((value, i) => expect(value).toBeCloseTo(expected(rows)[i], 9));
  });

  test('another content type gets 415 with the types it takes', async () => {
    const reply = await request(port, 'POST', '/invocations', '1,2', { 'Content-Type': 'text/plain' });
    expect(reply.status).toBe(415);
    expect(reply.body).toContain('content type text/plain is not supported; use text/csv or application/json');
  });

  test('docker stop stops it cleanly (exit 0, well within the 30 s SageMaker waits)', () => {
    const started = Date.now();
    expect(docker(['stop', '-t', '30', name]).status).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(exitCode(name)).toBe(0);
    expect(docker(['logs', name]).stdout).toMatch(/stopped\s*$/);
  });
});

describe('evaluate, as the synthesized Evaluate step runs it', () => {
  const name = `stage-evaluate-${process.pid}`;
  let root: MlRoot;
  beforeEach(() => { root = new MlRoot(); });
  afterEach(() => {
    removeContainer(name);
    root.remove();
  });

  test('with exactly the step\'s entry point and arguments, it writes the property file the quality gate reads', () => {
    const app = evaluateStep.Arguments.AppSpecification;
    const entrypoint: string[] = app.ContainerEntrypoint;
    const containerArgs: string[] = app.ContainerArguments ?? [];
    expect(entrypoint.length).toBeGreaterThan(0);
    const inputs = Object.fromEntries(evaluateStep.Arguments.ProcessingInputs.map((i: any) => [i.InputName, i.S3Input.LocalPath]));
    const outputs = evaluateStep.Arguments.ProcessingOutputConfig.Outputs;
    const propertyFile = (evaluateStep as any).PropertyFiles[0];
    const output = outputs.find((o: any) => o.OutputName === propertyFile.OutputName);

    // The model input is the Train step's model.tar.gz; the test input is CSV with the target last.
    const weights = [1.9, -3.1];
    const bias = 1.2;
    root.writeJson('trained/model.json', { weights, bias, epoch: 200 });
    root.tarModel('trained', 'model');
    const test = linearRows(30, smallNoise, 500);
    root.writeCsv('test/test.csv', test);
    fs.mkdirSync(root.path('evaluation'), { recursive: true });
    fs.mkdirSync(root.path('output'), { recursive: true });
    const mounts = {
      model: `${inputs.model}:ro`,
      test: `${inputs.test}:ro`,
      evaluation: output.S3Output.LocalPath,
      output: '/opt/ml/output',
    };

    const run = docker([...sagemakerRun(name, root, mounts, ['--entrypoint', entrypoint[0]]), IMAGE, ...entrypoint.slice(1), ...containerArgs]);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(root.path('evaluation'), propertyFile.FilePath), 'utf8'));
    // The value at the JsonGet path of the quality gate's condition, computed here from the model and the data.
    const condition = reference.step('Condition').Arguments.Conditions[0];
    const jsonPath: string = condition.LeftValue['Std:JsonGet'].Path;
    const value = jsonPath.split('.').reduce((node: any, key) => node?.[key], report);
    const errors = test.map((r) => weights[0] * r[0] + weights[1] * r[1] + bias - r[2]);
    const mse = errors.reduce((s, e) => s + e * e, 0) / errors.length;
    expect(value).toBeCloseTo(mse, 9);
    expect(metricValues(run.stdout, 'test_mse')).toHaveLength(1);
  });
});

/** A base image like a Deep Learning Container: its own `train` and `serve` on PATH, its own ENTRYPOINT. */
function buildBaseWithOwnPrograms(tag: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-dlc-like-'));
  const programs = ['train', 'serve', 'base-entrypoint'];
  for (const word of programs) {
    fs.writeFileSync(path.join(dir, word), `#!/bin/sh\necho "the base image's ${word}: $*"\n`, { mode: 0o755 });
  }
  fs.writeFileSync(path.join(dir, 'Dockerfile'), [
    `FROM ${BASE_IMAGE}`,
    `COPY ${programs.join(' ')} /usr/local/bin/`,
    'ENTRYPOINT ["/usr/local/bin/base-entrypoint"]',
    '',
  ].join('\n'));
  try {
    const built = docker(['build', '-q', '-t', tag, dir], 300_000);
    if (built.status !== 0) throw new Error(`docker build of the base image with its own train failed: ${built.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('built FROM a base image with its own train and serve on PATH (as a Deep Learning Container is)', () => {
  const base = `cdk-sagemaker-github-dlc-like-base:${process.pid}`;
  const image = `cdk-sagemaker-github-starter-on-dlc-like:${process.pid}`;
  const name = `stage-dlc-like-${process.pid}`;
  let root: MlRoot;

  beforeAll(() => {
    buildBaseWithOwnPrograms(base);
    const built = docker(['build', '-q', '--build-arg', `BASE_IMAGE=${base}`, '-t', image, path.join(ROOT, 'examples', 'container')], 300_000);
    if (built.status !== 0) throw new Error(`docker build of examples/container FROM ${base} failed: ${built.stderr}`);
  });
  afterAll(() => {
    docker(['rmi', '-f', image, base]);
  });
  beforeEach(() => { root = new MlRoot(); });
  afterEach(() => {
    removeContainer(name);
    root.remove();
  });

  test('the base image really puts its own train and serve first on PATH', () => {
    const found = docker(['run', '--rm', '--entrypoint', 'sh', base, '-c', 'command -v train; command -v serve; train x']);
    expect(found.status).toBe(0);
    expect(found.stdout.trim().split('\n')).toEqual(['/usr/local/bin/train', '/usr/local/bin/serve', "the base image's train: x"]);
  });

  test('docker run IMAGE train runs the starter\'s train, as PID 1, and docker stop reaches it', async () => {
    configureFromStep(root, { epochs: '100000000', learning_rate: '0.05', checkpoint_every: '500', log_every: '1000000' });
    root.writeCsv('input/data/train/data.csv', linearRows(60, smallNoise));
    expect(docker([...sagemakerRun(name, root, trainMounts(root), ['-d']), image, 'train']).status).toBe(0);
    const checkpoint = root.path('checkpoints', 'checkpoint.json');
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(checkpoint) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(fs.existsSync(checkpoint)).toBe(true);

    // PID 1 is the starter's train itself: the entrypoint replaced itself with it (exec), no shell in between.
    const pid1 = docker(['exec', name, 'cat', '/proc/1/cmdline']);
    expect(pid1.status).toBe(0);
    expect(pid1.stdout.split('\0').filter(Boolean)).toEqual([expect.stringMatching(/(^|\/)python3(\.\d+)?$/), '/opt/program/train']);

    expect(docker(['stop', '-t', '30', name]).status).toBe(0);
    expect(exitCode(name)).toBe(143);
    const logs = docker(['logs', name]);
    expect(logs.stdout).toMatch(/stopped by signal 15 at epoch \d+; checkpoint saved/);
    expect(logs.stdout + logs.stderr).not.toContain("the base image's");
    expect(root.readJson('model/model.json')).toMatchObject({ stopped: true });
  });

  test('docker run IMAGE train trains to the end with the starter, not the base image\'s train', () => {
    configureFromStep(root, trainStep.Arguments.HyperParameters);
    root.writeCsv('input/data/train/part-1.csv', linearRows(60, smallNoise), ['x1', 'x2', 'y']);

    const run = docker([...sagemakerRun(name, root, trainMounts(root), []), image, 'train']);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain("the base image's");
    const model = root.readJson('model/model.json');
    expect(model.epoch).toBe(Number(trainStep.Arguments.HyperParameters.epochs));
    expect(model.weights[0]).toBeCloseTo(TRUE_WEIGHTS[0], 1);
  });

  test('docker run IMAGE serve runs the starter\'s serve as PID 1', async () => {
    root.writeJson('model/model.json', { weights: [1, 1], bias: 0, epoch: 1 });
    const port = await startServing(name, image, root.path('model'));
    const reply = await request(port, 'POST', '/invocations', '2,3', { 'Content-Type': 'text/csv' });
    expect([reply.status, Number(reply.body.trim())]).toEqual([200, 5]);
    expect(docker(['exec', name, 'cat', '/proc/1/cmdline']).stdout.split('\0').filter(Boolean).slice(1)).toEqual(['/opt/program/serve']);
    expect(docker(['stop', '-t', '30', name]).status).toBe(0);
    expect(exitCode(name)).toBe(0);
  });

  test('the base image\'s own train stays reachable by name: on PATH, by --entrypoint, and through the entrypoint', () => {
    const onPath = docker(['run', '--rm', '--network', 'none', image, 'sh', '-c', 'command -v train; command -v serve; command -v evaluate; command -v prepare']);
    expect(onPath.status).toBe(0);
    expect(onPath.stdout.trim().split('\n')).toEqual(['/usr/local/bin/train', '/usr/local/bin/serve', '/opt/program/evaluate', '/opt/program/prepare']);

    const byEntrypoint = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'train', image, 'a', 'b']);
    expect([byEntrypoint.status, byEntrypoint.stdout.trim()]).toEqual([0, "the base image's train: a b"]);

    // Any word but the starter's own four runs as it is, with its arguments.
    const other = docker(['run', '--rm', '--network', 'none', image, '/usr/local/bin/train', '--flag']);
    expect([other.status, other.stdout.trim()]).toEqual([0, "the base image's train: --flag"]);
  });

  test('an unknown command exits 127 with the reason, and no command at all exits 2', () => {
    const unknown = docker(['run', '--rm', '--network', 'none', image, 'no-such-program']);
    expect(unknown.status).toBe(127);
    expect(unknown.stderr).toContain('entrypoint: no-such-program: command not found in PATH (');
    expect(unknown.stderr).toContain('give one of train, serve, evaluate, prepare or a program of the image');

    const none = docker(['run', '--rm', '--network', 'none', '--entrypoint', '/opt/program/entrypoint', image]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("entrypoint: no command: SageMaker passes 'train' or 'serve'");
  });
});
