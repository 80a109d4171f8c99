import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initContainer, parseInitContainerArgs, starterContainerDir, starterFiles } from '../../src/cli/init-container';
import { main } from '../../src/cli/main';
import { expectError } from '../errors';

const ROOT = path.join(__dirname, '..', '..');
const SOURCE = path.join(ROOT, 'examples', 'container');

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'init-container-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `cdk-sagemaker-github <args>` in `cwd` through main, collecting what it prints. */
function command(args: string[], cwd: string): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
  const before = process.cwd();
  try {
    process.chdir(cwd);
    return { code: main(args), out: out.join(''), err: err.join('') };
  } finally {
    process.chdir(before);
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Every file of the starter in git, as the repository holds it (what the package ships). */
function committedFiles(): string[] {
  const result = spawnSync('git', ['ls-files', '--', 'examples/container'], { cwd: ROOT, encoding: 'utf-8' });
  return result.stdout.trim().split('\n').map((f) => path.relative('examples/container', f)).sort();
}

describe('init-container', () => {
  test('writes every file of the starter, with its content and executable bits, into container/ by default', () => {
    const repo = tempDir();
    const { code, out } = command(['init-container'], repo);
    expect(code).toBe(0);
    const written = starterFiles(path.join(repo, 'container'));
    expect(written).toEqual(starterFiles(SOURCE));
    // the starter is what git holds, whatever files it has now (the list is never written down here)
    expect(written).toEqual(expect.arrayContaining(committedFiles()));
    expect(written).toEqual(expect.arrayContaining(['Dockerfile', 'README.md', 'evaluate', 'serve', 'train']));
    for (const file of written) {
      expect(fs.readFileSync(path.join(repo, 'container', file))).toEqual(fs.readFileSync(path.join(SOURCE, file)));
      expect(fs.statSync(path.join(repo, 'container', file)).mode % 0o1000).toBe(fs.statSync(path.join(SOURCE, file)).mode % 0o1000);
    }
    expect(() => fs.accessSync(path.join(repo, 'container', 'train'), fs.constants.X_OK)).not.toThrow();
    expect(out).toContain("GitHubWorkflow builds it by default (dockerContext 'container')");
  });

  test('into a directory of your choice, which it names for GitHubWorkflow', () => {
    const repo = tempDir();
    const { code, out } = command(['init-container', 'ml/image'], repo);
    expect(code).toBe(0);
    expect(fs.existsSync(path.join(repo, 'ml', 'image', 'Dockerfile'))).toBe(true);
    expect(out).toContain("give GitHubWorkflow dockerContext: 'ml/image' to build it");
  });

  test('never overwrites without --force, and then writes nothing at all', () => {
    const repo = tempDir();
    fs.mkdirSync(path.join(repo, 'container'));
    fs.writeFileSync(path.join(repo, 'container', 'Dockerfile'), 'FROM mine\n');
    const { code, err } = command(['init-container'], repo);
    expect(code).toBe(2);
    expect(err).toBe('cdk-sagemaker-github: init-container would overwrite container/Dockerfile: nothing was written; '
      + 'give another directory, or --force to overwrite them\n');
    expect(fs.readdirSync(path.join(repo, 'container'))).toEqual(['Dockerfile']);
    expect(fs.readFileSync(path.join(repo, 'container', 'Dockerfile'), 'utf-8')).toBe('FROM mine\n');

    expect(command(['init-container', '--force'], repo).code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'container', 'Dockerfile'))).toEqual(fs.readFileSync(path.join(SOURCE, 'Dockerfile')));
  });

  test('--help', () => {
    const { code, out } = command(['init-container', '--help'], tempDir());
    expect(code).toBe(0);
    expect(out).toContain('usage: cdk-sagemaker-github init-container [DIR] [--force]');
  });

  test('the package ships the starter: compiled, it is found beside the command; from the sources, in examples/container', () => {
    expect(starterContainerDir()).toBe(SOURCE);
  });

  describe('errors', () => {
    test('an unknown option', () => {
      expectError(() => parseInitContainerArgs(['--overwrite']), { construct: 'init-container', property: 'option', value: '--overwrite' },
        'unknown option --overwrite: init-container takes a directory, --force and --help (cdk-sagemaker-github init-container --help)');
    });

    test('two directories', () => {
      expectError(() => parseInitContainerArgs(['a', 'b']), { construct: 'init-container', property: 'directory', value: 'a b' },
        "init-container takes one directory, got 'a' and 'b': give one, e.g. cdk-sagemaker-github init-container container");
    });

    test('an empty directory', () => {
      expectError(() => parseInitContainerArgs(['']), { construct: 'init-container', property: 'directory', value: "''" },
        'init-container directory is empty: give a directory, e.g. container');
    });

    test('a directory that is a file', () => {
      const repo = tempDir();
      fs.writeFileSync(path.join(repo, 'container'), '');
      expectError(() => initContainer({ directory: 'container', force: false, help: false }, { out: () => undefined, err: () => undefined }, repo),
        { construct: 'init-container', property: 'directory', value: 'container (a file)' },
        'init-container directory container is a file, not a directory: give a new or existing directory');
    });
  });
});

// That the written copy passes the starter's own tests is proved in the container stage
// (test/container-stage/init-container.test.ts): it runs the starter's whole suite again.
