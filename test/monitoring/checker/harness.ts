/**
 * Runs the model monitor's checker (src/monitoring/checker/model_monitor.py) as the
 * Processing step runs it: a python with the stock scikit-learn image's packages
 * (scripts/container/monitor-venv.sh makes it once, pinned), the real command line,
 * files in the real capture and ground-truth layouts (generate.py beside this file).
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..', '..');
export const CHECKER = path.join(ROOT, 'src', 'monitoring', 'checker', 'model_monitor.py');
export const FIXTURES = __dirname;

/** Making the environment the first time downloads numpy, scipy, pandas and scikit-learn. */
export const VENV_TIMEOUT_MS = 600_000;

let python: string | undefined;

/** The checker's python (made on first use). */
export function checkerPython(which: 'checker' | 'evidently' = 'checker'): string {
  if (which === 'checker' && python) return python;
  const made = spawnSync('bash', [path.join(ROOT, 'scripts', 'container', 'monitor-venv.sh'), which], {
    cwd: ROOT, encoding: 'utf8', timeout: VENV_TIMEOUT_MS,
  });
  if (made.status !== 0) {
    throw new Error(`scripts/container/monitor-venv.sh ${which} failed (${made.status}): ${made.stderr}`);
  }
  const found = made.stdout.trim().split('\n').pop()!;
  if (which === 'checker') python = found;
  return found;
}

/** Runs `model_monitor.py <args>` as a process of its own. */
export function runChecker(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(checkerPython(), [CHECKER, ...args], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
  });
  if (result.error) throw result.error;
  return result;
}

/** A fresh temporary folder. */
export function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `monitor-${name}-`));
}

export interface ScenarioPlan {
  readonly id: string;
  /** generate.py's spec: the scenario is written into {dir} first. */
  readonly spec?: Record<string, unknown>;
  /** Files to write into {dir} (relative path -> text). */
  readonly files?: Record<string, string>;
  /** Command lines of model_monitor.py; `{dir}` stands for the scenario's folder. */
  readonly runs: string[][];
}

export interface ScenarioResult {
  readonly dir: string;
  readonly runs: { exit: number; stdout: string; stderr: string }[];
  readonly report: any;
  readonly expected: any;
}

/** The usual pair of runs: `baseline` of {dir}/reference (y is the target), then `check` of {dir}/captures. */
export function baselineThenCheck(check: string[] = [], baseline: string[] = ['--target-column', 'y']): string[][] {
  return [
    ['baseline', '--data', '{dir}/reference', '--output', '{dir}/baseline', ...baseline],
    ['check', '--baseline', '{dir}/baseline/baseline.json', '--captures', '{dir}/captures', '--output', '{dir}/report', ...check],
  ];
}

/**
 * Runs every scenario of `plan` in one python process (scenarios.py: the checker's main()
 * with these command lines), so that the libraries are imported once.
 */
export function runScenarios(name: string, plan: ScenarioPlan[], interpreter: string = checkerPython()): Record<string, ScenarioResult> {
  const dir = tempDir(name);
  fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
  const r = spawnSync(interpreter, [path.join(FIXTURES, 'scenarios.py'), path.join(dir, 'plan.json'), dir], {
    encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (r.status !== 0) throw new Error(`scenarios.py failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The features a report says drifted, sorted. */
export function drifted(report: any): string[] {
  return Object.entries(report.features).filter(([, f]: [string, any]) => f.drift).map(([name]) => name).sort();
}
