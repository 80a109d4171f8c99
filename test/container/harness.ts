/**
 * Runs the example container's entry points (examples/container) the way
 * SageMaker runs them, without Docker: each is executed directly (shebang and
 * executable bit included) against a temporary directory laid out like
 * /opt/ml, passed as ML_ROOT.
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

export const CONTAINER_DIR = path.join(__dirname, '..', '..', 'examples', 'container');

export type EntryPoint = 'train' | 'serve' | 'evaluate' | 'prepare';

/** The generating function of the test data: y = 2*x1 - 3*x2 + 1. */
export const TRUE_WEIGHTS = [2, -3];
export const TRUE_BIAS = 1;

/** `n` rows `[x1, x2, y]` of the generating function, plus `noise(i)`. */
export function linearRows(n: number, noise: (i: number) => number = () => 0, offset = 0): number[][] {
  const rows: number[][] = [];
  for (let i = offset; i < offset + n; i++) {
    const x1 = i / 10;
    const x2 = ((i * 7) % 13) / 5;
    rows.push([x1, x2, TRUE_WEIGHTS[0] * x1 + TRUE_WEIGHTS[1] * x2 + TRUE_BIAS + noise(i)]);
  }
  return rows;
}

/** Small deterministic noise in [-0.01, 0.01]. */
export const smallNoise = (i: number): number => 0.01 * Math.sin(i * 12.9898);

/** A temporary /opt/ml. */
export class MlRoot {
  public readonly dir: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-container-'));
  }

  public path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  public writeJson(relative: string, value: unknown): void {
    this.write(relative, JSON.stringify(value));
  }

  public writeCsv(relative: string, rows: number[][], header?: string[]): void {
    const lines = rows.map((row) => row.join(','));
    this.write(relative, [...(header ? [header.join(',')] : []), ...lines].join('\n') + '\n');
  }

  public write(relative: string, text: string): void {
    const file = this.path(relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }

  public readJson(relative: string): any {
    return JSON.parse(fs.readFileSync(this.path(relative), 'utf8'));
  }

  public read(relative: string): string {
    return fs.readFileSync(this.path(relative), 'utf8');
  }

  public exists(relative: string): boolean {
    return fs.existsSync(this.path(relative));
  }

  /** Writes the config files SageMaker writes before `train`. */
  public configureTraining(hyperparameters: Record<string, string>, channels: string[] = ['train']): void {
    this.writeJson('input/config/hyperparameters.json', hyperparameters);
    this.writeJson('input/config/inputdataconfig.json', Object.fromEntries(channels.map((name) => [name, {
      ContentType: 'text/csv',
      TrainingInputMode: 'File',
      S3DistributionType: 'FullyReplicated',
      RecordWrapperType: 'None',
    }])));
    this.writeJson('input/config/resourceconfig.json', {
      current_host: 'algo-1',
      hosts: ['algo-1'],
      network_interface_name: 'eth0',
    });
  }

  /** Packs `<root>/<from>/model.json` into `<root>/<to>/model.tar.gz`, as SageMaker packs /opt/ml/model. */
  public tarModel(from: string, to: string): void {
    fs.mkdirSync(this.path(to), { recursive: true });
    const tar = spawnSync('tar', ['-czf', this.path(to, 'model.tar.gz'), '-C', this.path(from), 'model.json'], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  }

  public remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function environment(root: MlRoot, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ML_ROOT: root.dir, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...extra };
}

/** Runs an entry point to completion (bounded). */
export function run(entry: EntryPoint, root: MlRoot, args: string[] = [], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const result = spawnSync(path.join(CONTAINER_DIR, entry), args, {
    env: environment(root, env),
    encoding: 'utf8',
    timeout: 15_000,
    killSignal: 'SIGKILL',
  });
  if (result.error) throw result.error;
  return result;
}

/** A running entry point with its output collected as it arrives. */
export class Running {
  public stdout = '';
  public stderr = '';
  public readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private done = false;

  constructor(entry: EntryPoint, root: MlRoot, env: Record<string, string> = {}) {
    this.child = spawn(path.join(CONTAINER_DIR, entry), [], { env: environment(root, env), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { this.stdout += chunk; });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk; });
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
    });
    this.exited.catch(() => undefined); // a spawn error surfaces in waitFor/exit, never as an unhandled rejection
  }

  /** Resolves with the first match of `pattern` in stdout, or rejects after `timeoutMs`. */
  public async waitFor(pattern: RegExp, timeoutMs = 5_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (this.done || Date.now() > deadline) {
        throw new Error(`no ${pattern} in output (exited: ${this.done})\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  public signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Waits for the exit, or SIGKILLs the process after `timeoutMs` and rejects. */
  public async exit(timeoutMs = 5_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`still running after ${timeoutMs} ms; killed`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the process if it still runs: SIGTERM, then SIGKILL. Never throws. */
  public async stop(): Promise<void> {
    if (this.done) return;
    this.signal('SIGTERM');
    await this.exit(3_000).catch(() => undefined);
    if (!this.done) await this.exited.catch(() => undefined);
  }
}

export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** One HTTP request on a fresh connection (no keep-alive agent left open), bounded. */
export function request(port: number, method: string, urlPath: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false, timeout: 3_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The metric values a SageMaker metric definition `<name>=([0-9.eE+-]+);` would catch. */
export function metricValues(output: string, name: string): number[] {
  return [...output.matchAll(new RegExp(`${name}=([0-9.eE+-]+);`, 'g'))].map((m) => Number(m[1]));
}
