/**
 * The notebook suite's python: a virtual environment with the pinned
 * scripts/notebook/requirements.txt (Jupyter's kernel and nbclient, boto3,
 * moto's server), made once under node_modules/.cache and named by the
 * requirements' hash, so a change of pins makes a new one.
 *
 *   npx ts-node scripts/notebook/venv.ts   # makes it if missing, prints its python
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const NOTEBOOK_SCRIPTS = __dirname;
export const NOTEBOOK_REQUIREMENTS = path.join(__dirname, 'requirements.txt');
const ROOT = path.resolve(__dirname, '..', '..');
const MARKER = '.notebook-requirements';
/** The oldest python the pinned wheels (ipython 9, pandas-free) support. */
const MIN_PYTHON: [number, number] = [3, 11];

function requirementsHash(): string {
  return createHash('sha256').update(fs.readFileSync(NOTEBOOK_REQUIREMENTS)).digest('hex');
}

/** Where the environment lives: NOTEBOOK_VENV, else node_modules/.cache/cdk-sagemaker-github/notebook-<hash>. */
export function notebookVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NOTEBOOK_VENV) return path.resolve(env.NOTEBOOK_VENV);
  return path.join(ROOT, 'node_modules', '.cache', 'cdk-sagemaker-github', `notebook-${requirementsHash().slice(0, 12)}`);
}

/** The environment's python if it holds exactly these requirements, else undefined. */
export function notebookPython(dir: string = notebookVenvDir()): string | undefined {
  const python = path.join(dir, 'bin', 'python');
  const marker = path.join(dir, MARKER);
  const ready = fs.existsSync(python) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === requirementsHash();
  return ready ? python : undefined;
}

/** Makes the environment at `dir` unless it is there already; returns its python. */
export function ensureNotebookVenv(dir: string = notebookVenvDir(), log: (line: string) => void = console.log): string {
  const existing = notebookPython(dir);
  if (existing) return existing;
  const base = basePython();
  log(`notebook: installing ${path.relative(ROOT, NOTEBOOK_REQUIREMENTS)} (kernel, nbclient, boto3, moto) into ${path.relative(ROOT, dir)}; once, about a minute`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  run(base, ['-m', 'venv', dir], 'python -m venv (install python3-venv)');
  const python = path.join(dir, 'bin', 'python');
  run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--no-compile', '-r', NOTEBOOK_REQUIREMENTS],
    `pip install -r ${NOTEBOOK_REQUIREMENTS} (is PyPI reachable?)`);
  // --no-deps installs exactly the list: pip check says if a pin is missing from it.
  run(python, ['-m', 'pip', 'check', '--disable-pip-version-check'], 'pip check: a dependency is missing from the pins');
  fs.writeFileSync(path.join(dir, MARKER), `${requirementsHash()}\n`);
  return python;
}

function run(command: string, args: string[], what: string): void {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) {
    const output = (r.error?.message ?? `${r.stderr}\n${r.stdout}`).trim().split('\n').slice(-15).join('\n');
    throw new Error(`notebook: ${what} failed:\n${output}`);
  }
}

function basePython(): string {
  for (const candidate of ['python3', 'python3.13', 'python3.12', 'python3.11']) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print("%d %d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) continue;
    const [major, minor] = probe.stdout.trim().split(' ').map(Number);
    if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) return candidate;
  }
  throw new Error(`notebook: the notebook suite needs python ${MIN_PYTHON.join('.')} or newer on PATH (with venv): install python3 and python3-venv`);
}

if (require.main === module) {
  const started = Date.now();
  const python = ensureNotebookVenv();
  console.log(`notebook: python ${path.relative(ROOT, python)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
