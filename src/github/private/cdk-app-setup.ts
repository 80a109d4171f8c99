import * as path from 'path';
import { WorkflowScalar, WorkflowStep } from './workflow-model';

/** What a `CdkApp` was made with (all defaults filled in). */
export interface CdkAppSpec {
  readonly language: 'typescript' | 'python' | 'java' | 'go' | 'custom';
  readonly directory: string;
  readonly installCommand?: string;
  readonly appCommand?: string;
  readonly packageManager?: 'npm' | 'yarn' | 'pnpm';
  readonly nodeVersion?: string;
  readonly cdkCliVersion?: string;
  readonly pythonVersion?: string;
  readonly requirementsFile?: string;
  readonly javaVersion?: string;
  readonly javaDistribution?: string;
  readonly goVersion?: string;
}

/** The deploy job's part that depends on the app. */
export interface CdkAppSetup {
  /** Set up the language and the CDK CLI, install the app: before the credentials. */
  readonly steps: WorkflowStep[];
  /** The `working-directory` of the deploy step; `undefined` for the repository root. */
  readonly workingDirectory?: string;
  /** Lines the deploy script runs before `cdk deploy` (e.g. entering the virtual environment). */
  readonly prelude: string[];
  /** The CDK CLI command: `npx cdk` (the app's own) or `cdk` (installed from npm). */
  readonly cli: string;
  /** The deploy step's environment for the app (`CDK_APP` for `--app`). */
  readonly env: Record<string, WorkflowScalar>;
}

type SetupAction = 'setupNode' | 'setupPython' | 'setupJava' | 'setupGo';

/** The lock file and install of each Node.js package manager (setup-node's `cache` is the manager's name). */
/**
 * The AWS CDK CLI the deploy job of an app that is no npm package installs by
 * default: the newest `aws-cdk` release on npm when this was written.
 */
export const DEFAULT_CDK_CLI_VERSION = '2.1148.1';

const NODE_INSTALL: Record<string, { lockFile: string; install: string }> = {
  npm: { lockFile: 'package-lock.json', install: 'npm ci' },
  yarn: { lockFile: 'yarn.lock', install: 'yarn install --frozen-lockfile' },
  // pnpm is not on the runner: npm installs the version package.json's packageManager names (else pnpm 10).
  pnpm: {
    lockFile: 'pnpm-lock.yaml',
    install: [
      'version=$(jq -r \'.packageManager // "" | select(startswith("pnpm@")) | sub("^pnpm@"; "") | sub("[+].*$"; "")\' package.json)',
      'npm install --global --no-fund --no-audit "pnpm@${version:-10}"',
      'pnpm install --frozen-lockfile',
    ].join('\n'),
  },
};

/** The deploy job's steps for the app. */
export function cdkAppSetup(spec: CdkAppSpec, uses: (action: SetupAction) => string): CdkAppSetup {
  const root = spec.directory === '.';
  const workingDirectory = root ? undefined : spec.directory;
  const inDirectory = (file: string) => (root ? file : path.posix.join(spec.directory, file));
  const run = (name: string, script: string, ignore?: WorkflowStep['zizmor-ignore']): WorkflowStep => ({
    name,
    ...(workingDirectory ? { 'working-directory': workingDirectory } : {}),
    run: script.endsWith('\n') ? script : `${script}\n`,
    ...(ignore ? { 'zizmor-ignore': ignore } : {}),
  });
  const env: Record<string, WorkflowScalar> = spec.appCommand !== undefined ? { CDK_APP: spec.appCommand } : {};

  if (spec.language === 'typescript') {
    const manager = NODE_INSTALL[spec.packageManager ?? 'npm'];
    const steps: WorkflowStep[] = [{
      name: 'Set up Node.js',
      uses: uses('setupNode'),
      with: {
        'node-version': spec.nodeVersion ?? 'lts/*',
        // setup-node caches pnpm's store only once pnpm is installed, which it is not yet.
        ...(spec.packageManager === 'pnpm' ? {} : { cache: spec.packageManager ?? 'npm' }),
        ...(root ? {} : { 'cache-dependency-path': inDirectory(manager.lockFile) }),
      },
    }];
    steps.push(run('Install dependencies', spec.installCommand ?? manager.install,
      spec.installCommand === undefined && spec.packageManager === 'pnpm' ? {
        audit: 'adhoc-packages',
        reason: 'pnpm is not on the runner: npm installs the exact version package.json names (packageManager); the app installs from its lock file',
      } : undefined));
    return { steps, workingDirectory, prelude: [], cli: 'npx cdk', env };
  }

  const steps: WorkflowStep[] = [];
  let install: string;
  const prelude: string[] = [];
  switch (spec.language) {
    case 'python':
      steps.push({
        name: 'Set up Python',
        uses: uses('setupPython'),
        with: { 'python-version': spec.pythonVersion!, 'cache': 'pip', 'cache-dependency-path': inDirectory(spec.requirementsFile!) },
      });
      install = [
        'python -m venv .venv',
        '.venv/bin/python -m pip install --quiet --upgrade pip',
        `.venv/bin/python -m pip install --quiet --requirement '${spec.requirementsFile}'`,
      ].join('\n');
      // The CDK CLI runs cdk.json's app (`python3 app.py`) with the virtual environment's python.
      prelude.push('if [ -f .venv/bin/activate ]; then source .venv/bin/activate; fi');
      break;
    case 'java':
      steps.push({
        name: 'Set up Java',
        uses: uses('setupJava'),
        with: {
          'distribution': spec.javaDistribution!,
          'java-version': spec.javaVersion!,
          'cache': 'maven',
          ...(root ? {} : { 'cache-dependency-path': inDirectory('pom.xml') }),
        },
      });
      install = 'mvn --batch-mode --quiet compile';
      break;
    case 'go':
      steps.push({
        name: 'Set up Go',
        uses: uses('setupGo'),
        with: {
          ...(spec.goVersion !== undefined ? { 'go-version': spec.goVersion } : { 'go-version-file': inDirectory('go.mod') }),
          'cache-dependency-path': inDirectory('go.sum'),
        },
      });
      install = 'go mod download';
      break;
    default:
      install = spec.installCommand!;
  }
  // The CDK CLI comes from npm; Node.js is set up for it alone (the app is no npm package: no cache, no npm ci).
  steps.push(
    { name: 'Set up Node.js for the AWS CDK CLI', uses: uses('setupNode'), with: { 'node-version': 'lts/*' } },
    {
      'name': 'Install the AWS CDK CLI',
      'env': { CDK_CLI_VERSION: spec.cdkCliVersion ?? DEFAULT_CDK_CLI_VERSION },
      'run': 'npm install --global --no-fund --no-audit "aws-cdk@${CDK_CLI_VERSION}"\ncdk --version\n',
      'zizmor-ignore': {
        audit: 'adhoc-packages',
        reason: 'the app is no npm package, so no lock file holds the CDK CLI: npm installs the one aws-cdk version cdkCliVersion names',
      },
    },
    run('Install dependencies', spec.installCommand ?? install),
  );
  return { steps, workingDirectory, prelude, cli: 'cdk', env };
}
