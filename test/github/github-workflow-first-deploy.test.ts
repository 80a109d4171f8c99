/**
 * The first push, before any model version is approved: the deploy job
 * deploys the stacks that need no model version and succeeds with a notice;
 * once a version is approved, it deploys every stack with it. The scripts run
 * against stand-in `aws` and `npx` commands.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as YAML from 'yaml';
import { GitHubWorkflow } from '../../src/github/github-workflow';
import { CustomTrainingImage } from '../../src/image/custom-training-image';
import { ModelPackageGroup } from '../../src/training/model-package-group';

const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-model/1';
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'first-deploy-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A model stack (image, group, roles) and a serving stack that takes the version: the quick start's shape. */
function twoStacks(stacks: string[]) {
  const app = new App();
  const model = new Stack(app, 'Model');
  const serving = new Stack(app, 'Serving');
  const parameter = new CfnParameter(serving, 'ModelPackageArn');
  const role = (id: string) => new iam.Role(model, id, { assumedBy: new iam.AccountRootPrincipal() });
  const workflow = new GitHubWorkflow(model, 'Workflow', {
    image: new CustomTrainingImage(model, 'Image'),
    buildRole: role('BuildRole'),
    deploy: {
      role: role('DeployRole'),
      stacks,
      modelPackageGroup: new ModelPackageGroup(model, 'Models', { modelPackageGroupName: 'fraud-model' }),
      modelPackageParameter: parameter,
    },
    outputPath: path.join(fs.mkdtempSync(path.join(tmp, 'wf-')), 'sagemaker.yml'),
  });
  const deploy = YAML.parse(workflow.renderYaml()).jobs.deploy;
  const step = (name: string) => deploy.steps.find((s: any) => s.name === name);
  return { lookup: step('Find the newest approved model version'), run: step('Deploy') };
}

/** Runs `script` with stand-ins for `aws` (answering `awsAnswer`) and `npx` (recording its arguments). */
function runWithStandIns(script: string, env: Record<string, string>, awsAnswer = 'echo null') {
  const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
  const calls = path.join(bin, 'calls');
  const output = path.join(bin, 'output');
  fs.writeFileSync(output, '');
  fs.writeFileSync(calls, '');
  fs.writeFileSync(path.join(bin, 'aws'), `#!/bin/bash\n${awsAnswer}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/bash\necho "npx $*" >> '${calls}'\n`, { mode: 0o755 });
  const result = spawnSync('bash', ['-c', script], {
    encoding: 'utf-8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, ...env },
  });
  return { status: result.status, stdout: result.stdout, output: fs.readFileSync(output, 'utf-8'), calls: fs.readFileSync(calls, 'utf-8') };
}

describe('before any version is approved', () => {
  test('the lookup succeeds with a notice and no ARN when some stacks need no model version', () => {
    const { lookup } = twoStacks(['Model', 'Serving']);
    const result = runWithStandIns(lookup.run, { MODEL_PACKAGE_GROUP: 'fraud-model' });
    expect(result.status).toBe(0);
    expect(result.output).toBe('arn=\n');
    expect(result.stdout).toContain('::notice title=No approved model version yet::model package group fraud-model has no '
      + 'version with approval status Approved yet: deploying Model, which need none.');
  });

  test('the deploy step deploys only those stacks, without the model parameter', () => {
    const { run } = twoStacks(['Model', 'Serving']);
    const result = runWithStandIns(run.run, { IMAGE_TAG: 'abc123', MODEL_PACKAGE_ARN: '' });
    expect(result.status).toBe(0);
    expect(result.calls).toBe('npx cdk deploy Model --require-approval never --parameters Model:ImageImageTag=abc123\n');
  });

  test('with only the serving stack to deploy, the lookup still fails and says how to approve', () => {
    const { lookup } = twoStacks(['Serving']);
    const result = runWithStandIns(lookup.run, { MODEL_PACKAGE_GROUP: 'fraud-model' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error title=No approved model version::');
  });
});

test('with an approved version, every stack is deployed with it', () => {
  const { lookup, run } = twoStacks(['Model', 'Serving']);
  const found = runWithStandIns(lookup.run, { MODEL_PACKAGE_GROUP: 'fraud-model' }, `echo '"${ARN}"'`);
  expect(found.output).toBe(`arn=${ARN}\n`);
  const result = runWithStandIns(run.run, { IMAGE_TAG: 'abc123', MODEL_PACKAGE_ARN: ARN });
  expect(result.status).toBe(0);
  expect(result.calls).toBe('npx cdk deploy Model Serving --require-approval never --parameters Model:ImageImageTag=abc123 '
    + `--parameters Serving:ModelPackageArn=${ARN}\n`);
});
