/**
 * The consumer apps under test/polyglot/<language>/: each installs the package
 * that jsii-pacmak built into dist/<language> together with that language's
 * aws-cdk-lib and constructs, and synthesizes the reference app into its own
 * gitignored outdir (test/polyglot/<language>/cdk.out).
 *
 *   ts-node scripts/polyglot/consumers.ts [python] [java] [go]
 *
 * Each command's output goes to test-reports/polyglot/<language>.log; a
 * failure throws with the log's tail. A missing toolchain is installed from
 * Debian's packages where that is possible (root, CI) and otherwise fails
 * loudly: nothing here skips.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareOutdirs, formatDifferences } from './compare';

export const ROOT = path.resolve(__dirname, '..', '..');
export const REFERENCE_OUTDIR = path.join(ROOT, 'examples', 'out');
export const REPORT_DIR = path.join(ROOT, 'test-reports', 'polyglot');

/** The CDK the consumers use: the library's own floor and dev dependency. */
export const CDK_VERSION = '2.244.0';
export const CONSTRUCTS_VERSION = '10.5.1';

export type Language = 'python' | 'java' | 'go';
export const LANGUAGES: Language[] = ['python', 'java', 'go'];

/** How long each stage of one consumer took, in seconds. */
export interface StageTimings {
  readonly language: Language;
  readonly stages: Record<string, number>;
}

/** A command the consumer needs, the lowest version that works, and the Debian packages that provide it. */
export interface Tool {
  readonly command: string[];
  /** Read from the command's output: the first match's groups are the version's numbers. */
  readonly minVersion?: { readonly pattern: RegExp; readonly min: number[] };
  readonly debian: string[];
}

interface Consumer {
  readonly toolchain: Tool[];
  /** Installs the package from dist/ and its CDK dependencies. */
  install(run: Runner): void;
  /** Synthesizes the reference app into `outdir`. */
  synth(run: Runner, outdir: string): void;
}

type Runner = (command: string, args: string[], options?: { cwd?: string; env?: Record<string, string> }) => void;

/** The library's version as jsii-pacmak stamps it on every package. */
export function libraryVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
}

export function appDir(language: Language): string {
  return path.join(ROOT, 'test', 'polyglot', language);
}

export function consumerOutdir(language: Language): string {
  return path.join(appDir(language), 'cdk.out');
}

/** Maven's local repository for the Java consumer (MAVEN_REPO_LOCAL overrides). */
function mavenRepoLocal(): string {
  return process.env.MAVEN_REPO_LOCAL ?? path.join(os.homedir(), '.m2', 'repository');
}

const CONSUMERS: Record<Language, Consumer> = {
  python: {
    toolchain: [
      // the wheel requires Python >= 3.10
      { command: ['python3', '--version'], minVersion: { pattern: /Python (\d+)\.(\d+)/, min: [3, 10] }, debian: ['python3'] },
      { command: ['python3', '-c', 'import venv, ensurepip'], debian: ['python3-venv'] },
    ],
    install(run) {
      const dir = appDir('python');
      const wheel = path.join(ROOT, 'dist', 'python', `cdk_sagemaker_github-${libraryVersion()}-py3-none-any.whl`);
      requireFile(wheel, 'npx projen package:python');
      if (!fs.existsSync(path.join(dir, '.venv', 'bin', 'python'))) {
        run('python3', ['-m', 'venv', '.venv'], { cwd: dir });
      }
      const pip = path.join(dir, '.venv', 'bin', 'pip');
      // Every build of the wheel carries the same version: replace it, keep the CDK.
      run(pip, ['uninstall', '--quiet', '--yes', 'cdk-sagemaker-github'], { cwd: dir });
      run(pip, ['install', '--quiet', '-r', 'requirements.txt', wheel], { cwd: dir });
    },
    synth(run, outdir) {
      run(path.join(appDir('python'), '.venv', 'bin', 'python'), ['app.py', outdir], { cwd: appDir('python') });
    },
  },

  java: {
    toolchain: [
      // pom.xml compiles for Java 17
      { command: ['javac', '-version'], minVersion: { pattern: /javac (\d+)/, min: [17] }, debian: ['default-jdk-headless'] },
      { command: ['mvn', '--version'], debian: ['maven'] },
    ],
    install(run) {
      const version = libraryVersion();
      const jar = path.join(ROOT, 'dist', 'java', 'io', 'github', 'cdk-sagemaker-github', 'cdk-sagemaker-github', version,
        `cdk-sagemaker-github-${version}.jar`);
      requireFile(jar, 'npx projen package:java');
      // Maven caches a release version for good: forget the previous build of this one.
      fs.rmSync(path.join(mavenRepoLocal(), 'io', 'github', 'cdk-sagemaker-github', 'cdk-sagemaker-github', version), { recursive: true, force: true });
      run('mvn', [...mavenArgs(), `-Dlibrary.version=${version}`, 'compile'], { cwd: appDir('java') });
    },
    synth(run, outdir) {
      run('mvn', [...mavenArgs(), `-Dlibrary.version=${libraryVersion()}`, 'exec:java', `-Dexec.args=${outdir}`], { cwd: appDir('java') });
    },
  },

  go: {
    // the generated module and awscdk v2 declare go 1.25
    toolchain: [{ command: ['go', 'version'], minVersion: { pattern: /go(\d+)\.(\d+)/, min: [1, 25] }, debian: ['golang-go'] }],
    install(run) {
      requireFile(path.join(ROOT, 'dist', 'go', 'cdksagemakergithub', 'go.mod'), 'npx projen package:go');
      // go.sum is committed; -mod=mod lets a newer generated module add its sums.
      run('go', ['build', '-mod=mod', '-o', path.join('bin', 'reference-app'), '.'], { cwd: appDir('go') });
    },
    synth(run, outdir) {
      run(path.join(appDir('go'), 'bin', 'reference-app'), [outdir], { cwd: appDir('go') });
    },
  },
};

function mavenArgs(): string[] {
  return ['--batch-mode', '--no-transfer-progress', `-Dmaven.repo.local=${mavenRepoLocal()}`];
}

function requireFile(file: string, hint: string): void {
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(ROOT, file)} is missing: build it first with \`${hint}\` (or \`npx projen polyglot\`)`);
  }
}

/**
 * Checks the toolchain of `language`; where a command is missing or too old
 * and this process may install Debian packages (root with apt-get), installs
 * them, and otherwise throws naming what to install.
 */
export function ensureToolchain(language: Language, log: (line: string) => void = () => undefined): void {
  checkTools(language, CONSUMERS[language].toolchain, { install: process.getuid?.() === 0 && problemOf({ command: ['apt-get', '--version'], debian: [] }) === undefined, log });
}

/** Checks `tools`, installing the missing ones with apt-get when `install` is set. */
export function checkTools(language: string, tools: Tool[], options: { install: boolean; log?: (line: string) => void }): void {
  for (const tool of tools) {
    const problem = problemOf(tool);
    if (problem === undefined) {
      continue;
    }
    if (!options.install) {
      throw new Error(`${language}: ${problem}; install ${tool.debian.join(' ')} (or a newer toolchain)`);
    }
    options.log?.(`${language}: ${problem}: installing ${tool.debian.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...tool.debian], { encoding: 'utf8', env });
    const after = problemOf(tool);
    if (result.status !== 0 || after !== undefined) {
      throw new Error(`${language}: ${after ?? problem} after \`apt-get install ${tool.debian.join(' ')}\``
        + `${result.status !== 0 ? `, which failed: ${(result.stderr ?? '').trim().split('\n').slice(-5).join('\n')}` : ''}`);
    }
  }
}

/** Why `tool` does not do (missing, failing, too old), or undefined when it does. */
function problemOf(tool: Tool): string | undefined {
  const shown = `\`${tool.command.join(' ')}\``;
  const result = spawnSync(tool.command[0], tool.command.slice(1), { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    return `${shown} ${result.error ? 'not found' : `failed (exit ${result.status})`}`;
  }
  if (!tool.minVersion) {
    return undefined;
  }
  const match = tool.minVersion.pattern.exec(`${result.stdout}${result.stderr}`);
  if (!match) {
    return `${shown} printed no version matching ${tool.minVersion.pattern}`;
  }
  const found = match.slice(1).map(Number);
  const min = tool.minVersion.min;
  for (let i = 0; i < min.length; i++) {
    if ((found[i] ?? 0) !== min[i]) {
      return (found[i] ?? 0) > min[i] ? undefined : `${shown} is ${found.join('.')}, older than ${min.join('.')}`;
    }
  }
  return undefined;
}

/**
 * Installs and synthesizes one consumer app into test/polyglot/<language>/cdk.out.
 * Returns the time each stage took; throws with the log's tail on failure.
 */
export function runConsumer(language: Language, progress: (line: string) => void = () => undefined): StageTimings {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  const logFile = path.join(REPORT_DIR, `${language}.log`);
  fs.writeFileSync(logFile, '');
  const run: Runner = (command, args, options = {}) => {
    fs.appendFileSync(logFile, `\n$ ${[command, ...args].join(' ')}\n`);
    const fd = fs.openSync(logFile, 'a');
    try {
      const result = spawnSync(command, args, {
        cwd: options.cwd ?? ROOT,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0], ...options.env },
      });
      if (result.error || result.status !== 0) {
        const tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-40).join('\n');
        throw new Error(`${language}: \`${command} ${args.join(' ')}\` ${result.error ? `could not start: ${result.error.message}` : `exited with ${result.status}`}`
          + `\n--- last lines of ${path.relative(ROOT, logFile)} ---\n${tail}`);
      }
    } finally {
      fs.closeSync(fd);
    }
  };

  const stages: Record<string, number> = {};
  const stage = (name: string, fn: () => void) => {
    const start = Date.now();
    fn();
    stages[name] = (Date.now() - start) / 1000;
    progress(`${language}: ${name} ${stages[name].toFixed(1)}s`);
  };

  const consumer = CONSUMERS[language];
  const outdir = consumerOutdir(language);
  stage('toolchain', () => ensureToolchain(language, progress));
  stage('install', () => consumer.install(run));
  stage('synth', () => {
    fs.rmSync(outdir, { recursive: true, force: true });
    consumer.synth(run, outdir);
  });
  const timings = { language, stages };
  fs.writeFileSync(path.join(REPORT_DIR, `${language}.timings.json`), JSON.stringify(timings, undefined, 2));
  return timings;
}

if (require.main === module) {
  const languages = (process.argv.length > 2 ? process.argv.slice(2) : LANGUAGES) as Language[];
  let failed = 0;
  for (const language of languages) {
    if (!LANGUAGES.includes(language)) {
      console.error(`unknown language ${language}: one of ${LANGUAGES.join(', ')}`);
      process.exit(2);
    }
    try {
      runConsumer(language, (line) => console.log(line));
      const diffs = compareOutdirs(REFERENCE_OUTDIR, consumerOutdir(language));
      if (diffs.length > 0) {
        failed++;
        console.error(`${language}: ${formatDifferences(diffs, { reference: 'typescript', consumer: language })}`);
      } else {
        console.log(`${language}: templates and workflows equal the TypeScript reference app`);
      }
    } catch (e) {
      failed++;
      console.error((e as Error).message);
    }
  }
  process.exitCode = failed > 0 ? 1 : 0;
}
