/**
 * `cdk-sagemaker-github init-container [DIR]`: writes the starter SageMaker
 * container (Dockerfile, train, serve, evaluate, their module and README) into
 * the user's repository, from the copy that ships in the npm package.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './errors';

/** Where `GitHubWorkflow` builds by default (its `dockerContext`), and so where the starter goes. */
export const DEFAULT_CONTAINER_DIR = 'container';

export const INIT_CONTAINER_USAGE = `usage: cdk-sagemaker-github init-container [DIR] [--force]

Writes the starter SageMaker container into DIR (default: ${DEFAULT_CONTAINER_DIR}, where
GitHubWorkflow builds by default): a Dockerfile, the train, serve and evaluate
entry points, the module they share and a README with the container contract.
Run it in your repository with the npx that comes with the CDK CLI:

  npx cdk-sagemaker-github init-container ${DEFAULT_CONTAINER_DIR}

  --force   overwrite files that already exist in DIR
  --help    this text

Nothing is overwritten without --force: when any file is already there, none is written.
`;

export interface InitContainerOptions {
  readonly directory: string;
  readonly force: boolean;
  readonly help: boolean;
}

/** Parses the arguments after `init-container`. */
export function parseInitContainerArgs(argv: string[]): InitContainerOptions {
  let directory: string | undefined;
  let force = false;
  let help = false;
  for (const arg of argv) {
    if (arg === '--force' || arg === '-f') {
      force = true;
    } else if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}: init-container takes a directory, --force and --help `
        + '(cdk-sagemaker-github init-container --help)');
    } else if (directory !== undefined) {
      throw new UsageError(`init-container takes one directory, got '${directory}' and '${arg}': `
        + `give one, e.g. cdk-sagemaker-github init-container ${DEFAULT_CONTAINER_DIR}`);
    } else if (arg.trim() === '') {
      throw new UsageError(`init-container directory is empty: give a directory, e.g. ${DEFAULT_CONTAINER_DIR}`);
    } else {
      directory = arg;
    }
  }
  return { directory: directory ?? DEFAULT_CONTAINER_DIR, force, help };
}

/**
 * The starter's files in the package: `lib/cli/container` (copied there at
 * compile from `examples/container`), or `examples/container` itself when run
 * from the sources.
 */
export function starterContainerDir(): string {
  const candidates = [path.join(__dirname, 'container'), path.join(__dirname, '..', '..', 'examples', 'container')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'Dockerfile')));
  if (!found) {
    throw new Error(`the starter container is missing from this installation (looked in ${candidates.join(', ')}): reinstall cdk-sagemaker-github`);
  }
  return found;
}

/** Every file under `dir`, relative to it: what the starter is (never a list that would go stale). */
export function starterFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      // Python's byte-code caches are made by running the starter, never part of it.
      if (entry.name === '__pycache__' || entry.name.endsWith('.pyc')) {
        continue;
      }
      const child = relative === '' ? entry.name : path.join(relative, entry.name);
      if (entry.isDirectory()) {
        walk(child);
      } else if (entry.isFile()) {
        files.push(child);
      }
    }
  };
  walk('');
  return files.sort();
}

export interface InitContainerIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Writes the starter into `options.directory` (relative to `cwd`); returns the exit code. */
export function initContainer(options: InitContainerOptions, io: InitContainerIo, cwd: string = process.cwd(),
  source: string = starterContainerDir()): number {
  if (options.help) {
    io.out(INIT_CONTAINER_USAGE);
    return 0;
  }
  const target = path.resolve(cwd, options.directory);
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) {
    throw new UsageError(`init-container directory ${options.directory} is a file, not a directory: give a new or existing directory`);
  }
  const files = starterFiles(source);
  const existing = files.filter((file) => fs.existsSync(path.join(target, file)));
  if (existing.length > 0 && !options.force) {
    throw new UsageError(`init-container would overwrite ${existing.map((f) => path.join(options.directory, f)).join(', ')}: `
      + 'nothing was written; give another directory, or --force to overwrite them');
  }
  for (const file of files) {
    const from = path.join(source, file);
    const to = path.join(target, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    // The entry points are run directly (`docker run IMAGE train`): keep their executable bits.
    fs.chmodSync(to, fs.statSync(from).mode % 0o1000);
  }
  const shown = path.relative(cwd, target) || '.';
  io.out(`wrote the starter SageMaker container into ${shown}/: ${files.join(', ')}`);
  io.out(shown === DEFAULT_CONTAINER_DIR
    ? 'GitHubWorkflow builds it by default (dockerContext \'container\'); see its README for the container contract'
    : `give GitHubWorkflow dockerContext: '${shown.split(path.sep).join('/')}' to build it; see its README for the container contract`);
  return 0;
}
