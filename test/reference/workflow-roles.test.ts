/**
 * The reference app's generated workflow (examples/out/workflows/sagemaker.yml) needs nothing
 * its jobs' roles do not grant: each job's `run:` steps run in bash, in order and under their
 * `if:`, with a stand-in `aws` CLI and `npx` that record their arguments; the actions a job
 * `uses` add what they call (ECR login and push, `cdk deploy`'s bootstrap roles); and every
 * call must be allowed by the resolved policy of the role the job assumes (read from the
 * repository variables the model stack prints). Push, repository_dispatch and a failed run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { accountOf, Account, Authorization, isAllowed, operationAuthorizations, roleStatements } from './iam-check';
import { AssemblyStack, readAssembly } from '../../src/cli/assembly';
import { LOCAL_ACCOUNT } from '../../src/cli/cfn';

const REGION = 'us-east-1';
const OUTDIR = path.join(__dirname, '..', '..', 'examples', 'out');
const MODEL_STACK = 'SageMakerGitHubReference';
const SHA = '4f2c9e1d0b8a7c6e5f4d3c2b1a0f9e8d7c6b5a49';

type Event = 'push' | 'repository_dispatch';
interface Step { name?: string; id?: string; if?: string; uses?: string; run?: string; env?: Record<string, unknown>; with?: Record<string, unknown> }
interface JobRun {
  /** The role the job assumed (configure-aws-credentials' role-to-assume). */
  readonly role?: string;
  readonly authorizations: Authorization[];
  readonly failed: boolean;
  readonly outputs: Record<string, Record<string, string>>;
}

let stacks: AssemblyStack[];
let account: Account;
let vars: Record<string, string>;
let workflow: { jobs: Record<string, { env?: Record<string, unknown>; steps: Step[]; outputs?: Record<string, string> }> };
let tmp: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(OUTDIR, 'manifest.json'))) throw new Error('no examples/out: run `npx projen example` first (the test command does)');
  stacks = readAssembly(OUTDIR, { region: REGION, stackParameters: { ModelPackageArn: `arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:model-package/unset/1` } });
  account = accountOf(stacks, REGION, LOCAL_ACCOUNT);
  // The repository variables: the `gh variable set NAME --body "VALUE"` commands the model stack prints.
  const model = stack(MODEL_STACK);
  vars = {};
  for (const output of Object.values(model.template.Outputs ?? {})) {
    const match = /^gh variable set (\w+) --body "(.*)"$/.exec(String(model.resolver.resolve((output as any).Value)));
    if (match) vars[match[1]] = match[2];
  }
  workflow = YAML.parse(fs.readFileSync(path.join(OUTDIR, 'workflows', 'sagemaker.yml'), 'utf8'));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-roles-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the reference workflow\'s jobs need nothing their roles do not grant', () => {
  test('on a push: build and push the image, train it, deploy the newest approved version', () => {
    const build = runJob('build', 'push', {});
    const train = runJob('train', 'push', { build: build.outputs.job });
    const deploy = runJob('deploy', 'push', { build: build.outputs.job, train: train.outputs.job });
    expect([build.failed, train.failed, deploy.failed]).toEqual([false, false, false]);
    expectAllowed(build);
    expectAllowed(train);
    expectAllowed(deploy);
    // What each job called (so that the check saw every kind of call).
    expect(actions(build)).toEqual([
      'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:DescribeImages', 'ecr:GetAuthorizationToken',
      'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart',
    ]);
    expect(actions(train)).toEqual(['sagemaker:DescribePipelineExecution', 'sagemaker:StartPipelineExecution']);
    expect(actions(deploy)).toEqual(['sagemaker:ListModelPackages', 'sts:AssumeRole']);
  });

  test('on a repository_dispatch (an approval): check the version and the stack, then deploy', () => {
    const build = runJob('build', 'repository_dispatch', {});
    const deploy = runJob('deploy', 'repository_dispatch', { build: build.outputs.job });
    expect(deploy.failed).toBe(false);
    expectAllowed(deploy);
    expect(actions(deploy)).toEqual(['cloudformation:DescribeStacks', 'sagemaker:DescribeModelPackage', 'sts:AssumeRole']);
  });

  test('a failed execution: the train job stops it', () => {
    const train = runJob('train', 'push', { build: { 'image-uri': `${vars.SAGEMAKER_IMAGE_REPOSITORY_URI}@sha256:${'a'.repeat(64)}` } }, { executionStatus: 'Failed' });
    expect(train.failed).toBe(true);
    expectAllowed(train);
    expect(actions(train)).toEqual(['sagemaker:DescribePipelineExecution', 'sagemaker:StartPipelineExecution', 'sagemaker:StopPipelineExecution']);
  });

  test('the check can fail: the train role may not deploy, the deploy role may not train', () => {
    const train = runJob('train', 'push', { build: { 'image-uri': 'x' } });
    const deploy = runJob('deploy', 'push', { build: {}, train: {} });
    expect(train.authorizations.filter((a) => isAllowed(statementsOf(deploy.role!), a)).map((a) => a.action)).toEqual([]);
    expect(deploy.authorizations.filter((a) => isAllowed(statementsOf(train.role!), a)).map((a) => a.action)).toEqual([]);
  });
});

function expectAllowed(run: JobRun): void {
  expect(run.role).toBeDefined();
  const statements = statementsOf(run.role!);
  expect(run.authorizations.filter((a) => !isAllowed(statements, a)).map((a) => a.request)).toEqual([]);
}

function actions(run: JobRun): string[] {
  return [...new Set(run.authorizations.map((a) => a.action))].sort();
}

function stack(name: string): AssemblyStack {
  const found = stacks.find((s) => s.stackName === name);
  if (!found) throw new Error(`examples/out has no stack ${name}`);
  return found;
}

/** The statements of the role whose ARN is `roleArn`, in whichever stack of the app holds it. */
function statementsOf(roleArn: string) {
  for (const s of stacks) {
    for (const [id, resource] of Object.entries(s.template.Resources ?? {})) {
      if (resource.Type === 'AWS::IAM::Role' && s.resolver.resolve({ 'Fn::GetAtt': [id, 'Arn'] }) === roleArn) return roleStatements(s, id);
    }
  }
  throw new Error(`no role of the app has the ARN ${roleArn}`);
}

/**
 * Runs one job as the runner would for `event`: its `run:` steps in bash (`-eo pipefail`, with the job's,
 * the step's and the runner's environment), the `uses:` steps read for what they call.
 */
function runJob(name: string, event: Event, needs: Record<string, Record<string, string>>, options: { executionStatus?: string } = {}): JobRun {
  const job = workflow.jobs[name];
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  const calls = path.join(dir, 'calls');
  fs.writeFileSync(calls, '');
  const bin = standIns(dir, calls, options.executionStatus ?? 'Succeeded');
  const steps: Record<string, Record<string, string>> = {};
  const authorizations: Authorization[] = [];
  let role: string | undefined;
  let failed = false;
  const context = { event, needs, steps, failed: () => failed };
  for (const step of job.steps) {
    if (step.if !== undefined ? !condition(step.if, context) : failed) continue;
    const outputs: Record<string, string> = {};
    if (step.uses) {
      const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expression(String(v), context)]));
      role = inputs['role-to-assume'] ?? role;
      authorizations.push(...usesAuthorizations(step.uses, inputs));
      if (step.uses.startsWith('docker/build-push-action@')) outputs.digest = `sha256:${'b'.repeat(64)}`;
    } else if (step.run) {
      const output = path.join(dir, `output-${Object.keys(steps).length}`);
      fs.writeFileSync(output, '');
      const env: NodeJS.ProcessEnv = {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: dir,
        GITHUB_OUTPUT: output,
        GITHUB_SHA: SHA,
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_REPOSITORY: 'example-org/fraud-model',
        GITHUB_EVENT_NAME: event,
      };
      for (const [k, v] of [...Object.entries(job.env ?? {}), ...Object.entries(step.env ?? {})]) env[k] = expression(String(v), context);
      const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step.run], { cwd: dir, env, encoding: 'utf8' });
      if (result.stderr.includes('unexpected aws call')) throw new Error(`${name} / ${step.name}: ${result.stderr}`);
      if (result.status !== 0) failed = true;
      for (const line of fs.readFileSync(output, 'utf8').split('\n').filter(Boolean)) {
        const [key, value] = line.split(/=(.*)/s);
        outputs[key] = value;
      }
    }
    if (step.id) steps[step.id] = outputs;
  }
  // The CLI calls the steps made, as the authorizations their operations need.
  for (const line of fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean)) {
    authorizations.push(...cliAuthorizations(JSON.parse(line)));
  }
  const jobOutputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, expression(v, context)]));
  return { role, authorizations, failed, outputs: { ...steps, job: jobOutputs } };
}

/** Stand-ins for `aws` (records its arguments, answers what the steps ask), `npx` and `npm`. */
function standIns(dir: string, calls: string, executionStatus: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const write = (tool: string, lines: string[]) => fs.writeFileSync(path.join(bin, tool), ['#!/bin/bash', ...lines].join('\n') + '\n', { mode: 0o755 });
  const record = `jq -cn '$ARGS.positional' --args -- "$@" >> '${calls}'`;
  const option = (flag: string) => `"$(for ((i=1; i<=$#; i++)); do if [ "\${!i}" = ${flag} ]; then j=$((i+1)); echo "\${!j}"; fi; done)"`;
  const version = (group: string) => `arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:model-package/${group}/3`;
  write('aws', [
    record,
    'case "$1 $2" in',
    '  "ecr describe-images") echo "An error occurred (ImageNotFoundException) when calling the DescribeImages operation" >&2; exit 254 ;;',
    `  "sagemaker start-pipeline-execution") echo "arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:pipeline/$(echo ${option('--pipeline-name')} | tr A-Z a-z)/execution/0a1b2c3d4e5f" ;;`,
    `  "sagemaker describe-pipeline-execution") echo '{"PipelineExecutionStatus": "${executionStatus}", "FailureReason": "a step failed"}' ;;`,
    '  "sagemaker stop-pipeline-execution") echo "{}" ;;',
    `  "sagemaker list-model-packages") echo "\\"${version('$(echo $MODEL_PACKAGE_GROUP | tr A-Z a-z)')}\\"" ;;`,
    '  "sagemaker describe-model-package") jq -cn --arg group "$MODEL_PACKAGE_GROUP" \'{ModelPackageGroupName: $group, ModelApprovalStatus: "Approved"}\' ;;',
    '  "cloudformation describe-stacks") echo "[]" ;;',
    '  *) echo "unexpected aws call: $*" >&2; exit 2 ;;',
    'esac',
  ]);
  write('npx', [`jq -cn '["npx"] + $ARGS.positional' --args -- "$@" >> '${calls}'`]);
  write('npm', ['true']);
  return bin;
}

/** A recorded command line as the authorizations it needs. */
function cliAuthorizations(argv: string[]): Authorization[] {
  if (argv[0] === 'npx') {
    // `cdk deploy` assumes each stack's deploy role, and the file-publishing role of its file assets
    // (the role ARNs the cloud assembly names: manifest.json and <stack>.assets.json).
    const [, tool, command, ...rest] = argv;
    if (tool !== 'cdk' || command !== 'deploy') throw new Error(`an npx call the check does not know: ${argv.join(' ')}`);
    const deployed = rest.filter((w, i) => !w.startsWith('-') && !['--parameters', '--require-approval'].includes(rest[i - 1]));
    return deployed.flatMap((name) => bootstrapRoles(name)).map((role) => ({ request: `sts:AssumeRole ${role}`, action: 'sts:AssumeRole', resource: role, context: {} }));
  }
  const [service, command, ...rest] = argv;
  const operation = command.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  const params: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    if (rest[i].startsWith('--')) {
      params[rest[i].slice(2).split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')] = rest[i + 1];
      i++;
    }
  }
  const found = operationAuthorizations(service, operation, params, account);
  if (!found) throw new Error(`an aws CLI call the check does not know (add it to test/reference/iam-check.ts): aws ${argv.join(' ')}`);
  return found;
}

function bootstrapRoles(stackName: string): string[] {
  const fill = (arn: string) => arn.replace(/\$\{AWS::Partition\}/g, 'aws').replace(/\$\{AWS::AccountId\}/g, LOCAL_ACCOUNT).replace(/\$\{AWS::Region\}/g, REGION);
  const manifest = JSON.parse(fs.readFileSync(path.join(OUTDIR, 'manifest.json'), 'utf8'));
  const artifact = manifest.artifacts[stackName];
  if (!artifact) throw new Error(`cdk deploy ${stackName}: not a stack of the app`);
  const roles = [fill(artifact.properties.assumeRoleArn)];
  const assets = JSON.parse(fs.readFileSync(path.join(OUTDIR, `${stackName}.assets.json`), 'utf8'));
  for (const kind of ['files', 'dockerImages']) {
    for (const asset of Object.values<any>(assets[kind] ?? {})) {
      for (const destination of Object.values<any>(asset.destinations)) roles.push(fill(destination.assumeRoleArn));
    }
  }
  return [...new Set(roles)];
}

/**
 * What a `uses:` step calls with the job's credentials: the ECR login (GetAuthorizationToken, on
 * no resource), and build-push-action's pushes and pulls ("Required IAM permissions for pushing
 * an image" and "... pulling an image", Amazon ECR user guide): the image's repository (pushed,
 * and read as the build cache) and the base image's (pulled).
 */
function usesAuthorizations(uses: string, inputs: Record<string, string>): Authorization[] {
  const on = (actionNames: string[], resource: string) => actionNames.map((action) => ({ request: `${action} ${resource}`, action, resource, context: {} }));
  const repositoryArn = (uri: string) => {
    const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(uri);
    if (!match) throw new Error(`not an ECR image URI: ${uri}`);
    return `arn:aws:ecr:${match[2]}:${match[1]}:repository/${match[3]}`;
  };
  if (uses.startsWith('aws-actions/amazon-ecr-login@')) return on(['ecr:GetAuthorizationToken'], '*');
  if (uses.startsWith('docker/build-push-action@')) {
    const pull = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
    const push = ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'];
    const base = /^BASE_IMAGE=(.+)$/m.exec(inputs['build-args'] ?? '')?.[1];
    return [
      ...(inputs.push === 'true' ? on([...push, ...pull], repositoryArn(inputs.tags)) : []),
      ...(base ? on(pull, repositoryArn(base)) : []),
    ];
  }
  return [];
}

interface Context {
  readonly event: Event;
  readonly needs: Record<string, Record<string, string>>;
  readonly steps: Record<string, Record<string, string>>;
  readonly failed: () => boolean;
}

/** The value of the `${{ }}` expressions in `text`. */
function expression(text: string, context: Context): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => String(evaluate(expr, context)));
}

function condition(text: string, context: Context): boolean {
  return Boolean(evaluate(text.replace(/^\$\{\{\s*|\s*\}\}$/g, ''), context));
}

/** The expressions the generated workflow writes: paths, strings, ==, !=, !, &&, || and parentheses, success(), failure(), cancelled(). */
function evaluate(expr: string, context: Context): unknown {
  const tokens = expr.match(/'[^']*'|&&|\|\||==|!=|!|\(|\)|[\w.-]+\(\)|[\w.-]+/g) ?? [];
  let i = 0;
  const primary = (): unknown => {
    const t = tokens[i++];
    if (t === '(') {
      const value = or();
      i++; // ')'
      return value;
    }
    if (t === '!') return !primary();
    if (t.startsWith("'")) return t.slice(1, -1);
    if (t === 'failure()') return context.failed();
    if (t === 'success()') return !context.failed();
    if (t === 'cancelled()') return false;
    return lookup(t, context);
  };
  const comparison = (): unknown => {
    const left = primary();
    if (tokens[i] === '==' || tokens[i] === '!=') {
      const op = tokens[i++];
      const right = primary();
      return op === '==' ? String(left) === String(right) : String(left) !== String(right);
    }
    return left;
  };
  // a && b is a when a is falsy, else b; a || b is a when a is truthy, else b (GitHub's operators).
  const chain = (op: '&&' | '||', next: () => unknown) => (): unknown => {
    let value = next();
    while (tokens[i] === op) {
      i++;
      const right = next();
      value = (op === '&&') === Boolean(value) ? right : value;
    }
    return value;
  };
  const and = chain('&&', comparison);
  const or = chain('||', and);
  const value = or();
  if (i !== tokens.length) throw new Error(`an expression the check cannot read: ${expr}`);
  return value;
}

function lookup(name: string, context: Context): string {
  const [head, ...rest] = name.split('.');
  switch (head) {
    case 'vars': {
      const value = vars[rest[0]];
      if (value === undefined) throw new Error(`the workflow reads vars.${rest[0]}, which the model stack does not print`);
      return value;
    }
    case 'github':
      if (rest[0] === 'sha') return SHA;
      if (rest[0] === 'run_id') return '42';
      if (rest[0] === 'run_attempt') return '1';
      if (rest[0] === 'event_name') return context.event;
      if (rest.join('.') === 'event.client_payload.model_package_arn') {
        return `arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:model-package/${String(stack(MODEL_STACK).resolver.resolve(
          (stack(MODEL_STACK).template.Outputs as any).TrainingModelPackageGroupName.Value)).toLowerCase()}/4`;
      }
      break;
    case 'steps':
      if (rest[1] === 'outputs') return context.steps[rest[0]]?.[rest[2]] ?? '';
      break;
    case 'needs':
      if (rest[1] === 'outputs') return context.needs[rest[0]]?.[rest[2]] ?? '';
      break;
  }
  throw new Error(`an expression the check cannot read: ${name}`);
}
