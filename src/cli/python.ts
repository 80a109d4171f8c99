/**
 * The python side of `local-run`: the SageMaker Python SDK (3.x, local mode)
 * and moto, in a virtual environment made once from the pinned
 * requirements.txt shipped beside this file.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from './errors';

/** The runner and its pinned requirements, beside this file (src/cli or lib/cli). */
export const RUNNER = path.join(__dirname, 'local_run.py');
export const REQUIREMENTS = path.join(__dirname, 'requirements.txt');

/** The oldest python the pinned packages have wheels for (pandas and numpy need 3.11). */
const MIN_PYTHON: [number, number] = [3, 11];

/** The distributions the runner imports (looked up, not imported: the SDK takes seconds to load). */
const CHECK_INSTALLED = 'import importlib.metadata as m; [m.version(d) for d in ("sagemaker-mlops", "sagemaker-core", "moto")]';

export interface PythonOptions {
  /** `--python`: use this interpreter as it is. */
  readonly python?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

/** The interpreter that runs local_run.py: given, or the virtual environment (made if missing). */
export function findPython(options: PythonOptions): string {
  const given = options.python ?? options.env.CDK_SAGEMAKER_GITHUB_PYTHON;
  if (given) {
    const check = spawnSync(given, ['-c', CHECK_INSTALLED], { encoding: 'utf8' });
    if (check.error || check.status !== 0) {
      const why = check.error ? check.error.message : lastLines(check.stderr, 3);
      throw new UsageError(`python ${given} does not have the sagemaker sdk's local mode and moto (${why}): `
        + `install the pinned packages into it with "${given} -m pip install --no-deps -r ${REQUIREMENTS}", or leave out --python`);
    }
    return given;
  }
  return ensureVenv(venvDir(options.env), options.log);
}

/** Where the virtual environment lives: CDK_SAGEMAKER_GITHUB_VENV, else a cache folder named by the requirements' hash. */
export function venvDir(env: NodeJS.ProcessEnv): string {
  if (env.CDK_SAGEMAKER_GITHUB_VENV) return path.resolve(env.CDK_SAGEMAKER_GITHUB_VENV);
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'cdk-sagemaker-github', `local-run-${requirementsHash().slice(0, 12)}`);
}

export function requirementsHash(): string {
  return createHash('sha256').update(fs.readFileSync(REQUIREMENTS)).digest('hex');
}

/** Makes the virtual environment at `dir` unless it holds these requirements already; returns its python. */
export function ensureVenv(dir: string, log: (line: string) => void): string {
  const python = path.join(dir, 'bin', 'python');
  const marker = path.join(dir, '.cdk-sagemaker-github-requirements');
  const hash = requirementsHash();
  if (fs.existsSync(python) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === hash) {
    return python;
  }
  const base = basePython();
  log(`installing the python side of local-run (the pinned ${path.basename(REQUIREMENTS)}: sagemaker sdk 3.x, moto) into ${dir}; once, about a minute`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const venv = spawnSync(base, ['-m', 'venv', dir], { encoding: 'utf8' });
  if (venv.status !== 0) {
    throw new UsageError(`could not make a virtual environment with ${base} -m venv (${lastLines(venv.stderr || venv.stdout, 2)}): `
      + 'install python3-venv (apt-get install python3-venv), or pass --python with the packages installed');
  }
  // Every package is pinned in requirements.txt, dependencies included: no resolver, no surprises.
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--no-compile', '-r', REQUIREMENTS], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (pip.status !== 0) {
    throw new UsageError(`pip could not install ${REQUIREMENTS} into ${dir}:\n${lastLines(pip.stderr || pip.stdout, 15)}\n`
      + 'check that PyPI is reachable, or pass --python with the packages installed');
  }
  fs.writeFileSync(marker, `${hash}\n`);
  return python;
}

/** A python 3.11+ on PATH to make the virtual environment with. */
function basePython(): string {
  const tried: string[] = [];
  for (const candidate of ['python3', 'python3.13', 'python3.12', 'python3.11', 'python']) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) continue;
    const [major, minor] = probe.stdout.trim().split('.').map(Number);
    if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) return candidate;
    tried.push(`${candidate} is ${probe.stdout.trim()}`);
  }
  throw new UsageError(`local-run needs python ${MIN_PYTHON.join('.')} or newer to install the sagemaker sdk, `
    + `found ${tried.join(', ') || 'no python on PATH'}: install python3 (3.11+), or pass --python`);
}

function lastLines(text: string | undefined, n: number): string {
  return (text ?? '').trim().split('\n').slice(-n).join('\n') || 'no output';
}
