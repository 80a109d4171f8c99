import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { fakePipeline } from './fake-pipeline';
import { CdkApp, NodePackageManager } from '../../src/github/cdk-app';
import { GitHubWorkflow, GitHubWorkflowProps } from '../../src/github/github-workflow';
import { CustomTrainingImage } from '../../src/image/custom-training-image';
import { DeepLearningContainer, DlcFramework, DlcProcessor, DlcScope } from '../../src/image/deep-learning-container';
import { ModelPackageGroup } from '../../src/training/model-package-group';

/**
 * zizmor, the static analyser for GitHub Actions, over every shape of the
 * generated workflow: 0 findings (its default "regular" persona, offline).
 * It is installed from PyPI, at a pinned version, into a virtual environment
 * under node_modules/.cache (gitignored); without pip access the test is
 * skipped and says so.
 */
const ZIZMOR_VERSION = '1.32.0';
const VENV = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'zizmor-venv');
const ZIZMOR = path.join(VENV, 'bin', 'zizmor');

function installZizmor(): string | undefined {
  const version = spawnSync(ZIZMOR, ['--version'], { encoding: 'utf-8' });
  if (version.status === 0 && version.stdout.trim() === `zizmor ${ZIZMOR_VERSION}`) {
    return undefined;
  }
  const steps: string[][] = [
    ['python3', '-m', 'venv', VENV],
    [path.join(VENV, 'bin', 'pip'), 'install', '--quiet', `zizmor==${ZIZMOR_VERSION}`],
  ];
  for (const [command, ...args] of steps) {
    const result = spawnSync(command, args, { encoding: 'utf-8', timeout: 300_000 });
    if (result.status !== 0) {
      return `${command} ${args.join(' ')} failed: ${(result.stderr || String(result.error)).trim().split('\n').pop()}`;
    }
  }
  return undefined;
}

const unavailable = installZizmor();
if (unavailable) {
  // eslint-disable-next-line no-console
  console.warn(`zizmor ${ZIZMOR_VERSION} could not be installed, so the zizmor tests are skipped: ${unavailable}`);
}
const zizmorTest = unavailable ? test.skip : test;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'github-zizmor-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Finding { readonly ident: string; readonly desc: string; readonly locations: unknown[] }

/** zizmor's findings on the workflow's file, as `<audit>: <description>` lines. */
function zizmor(generated: GitHubWorkflow): string[] {
  const file = path.join(tmp, '.github', 'workflows', path.basename(generated.outputPath));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, generated.renderYaml());
  const result = spawnSync(ZIZMOR, ['--offline', '--format', 'json', '--no-progress', file], { encoding: 'utf-8' });
  // zizmor exits 0 without findings and 10-14 with findings of some severity; anything else is a failure to run.
  expect([0, 10, 11, 12, 13, 14]).toContain(result.status);
  const findings = JSON.parse(result.stdout) as Finding[];
  return findings.map((f) => `${f.ident}: ${f.desc} ${JSON.stringify(f.locations).slice(0, 300)}`);
}


let counter = 0;
function workflow(shape: (stack: Stack, role: (id: string) => iam.IRole) => Partial<GitHubWorkflowProps>): GitHubWorkflow {
  const stack = new Stack(new App(), 'Test');
  const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
  counter += 1;
  return new GitHubWorkflow(stack, 'Workflow', {
    image: new CustomTrainingImage(stack, 'Image'),
    buildRole: role('BuildRole'),
    outputPath: path.join(tmp, `sagemaker-${counter}.yml`),
    ...shape(stack, role),
  });
}

zizmorTest('zizmor is live: it reports an unpinned action, a template injection and persisted credentials', () => {
  const file = path.join(tmp, '.github', 'workflows', 'broken.yml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, [
    'on: push',
    'permissions:',
    '  id-token: write',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - run: echo "${{ github.event.head_commit.message }}"',
    '',
  ].join('\n'));
  const result = spawnSync(ZIZMOR, ['--offline', '--format', 'json', '--no-progress', file], { encoding: 'utf-8' });
  const idents = (JSON.parse(result.stdout) as Finding[]).map((f) => f.ident);
  expect(idents).toEqual(expect.arrayContaining(['unpinned-uses', 'template-injection', 'artipacked']));
});

describe('zizmor finds nothing in the generated workflow', () => {
  zizmorTest('build only', () => {
    expect(zizmor(workflow(() => ({})))).toEqual([]);
  });

  zizmorTest('build on a Deep Learning Container, train, deploy the newest approved version and approval events', () => {
    const full = workflow((stack, role) => ({
      image: new CustomTrainingImage(stack, 'DlcImage', {
        baseImage: DeepLearningContainer.fromFramework({
          framework: DlcFramework.PYTORCH, version: '2.6.0', scope: DlcScope.TRAINING, processor: DlcProcessor.GPU,
        }),
      }),
      train: { pipeline: fakePipeline(stack), role: role('TrainRole') },
      deploy: {
        role: role('DeployRole'),
        modelPackageGroup: new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: 'fraud-model' }),
        modelPackageParameter: new CfnParameter(stack, 'ModelPackageArn'),
        stacks: ['Prod/*'],
      },
    }));
    expect(full.renderYaml()).toContain('repository_dispatch');
    expect(zizmor(full)).toEqual([]);
  });

  zizmorTest('deploy without a model, no environments, actions pinned by the user', () => {
    expect(zizmor(workflow((_, role) => ({
      defaultEnvironments: false,
      freeDiskSpace: false,
      pinnedActions: { 'actions/checkout': 'b4ffde65f46336ab88eb53be808477a3936bae11' },
      deploy: { role: role('DeployRole') },
    })))).toEqual([]);
  });

  zizmorTest.each([
    ['TypeScript with pnpm in a directory', CdkApp.typescript({ packageManager: NodePackageManager.PNPM, directory: 'infra' })],
    ['Python', CdkApp.python({ pythonVersion: '3.12' })],
    ['Java', CdkApp.java({ javaVersion: '21', directory: 'cdk' })],
    ['Go', CdkApp.golang()],
    ['custom, with an app command', CdkApp.custom({ installCommand: 'dotnet restore', appCommand: 'dotnet run --project src/App' })],
  ])('the deploy job of a %s app, with the newest approved version', (_, app) => {
    expect(zizmor(workflow((stack, role) => ({
      deploy: {
        role: role('DeployRole'),
        app,
        modelPackageGroup: new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: 'fraud-model' }),
        modelPackageParameter: new CfnParameter(stack, 'ModelPackageArn'),
      },
    })))).toEqual([]);
  });
});
