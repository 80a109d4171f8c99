import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as YAML from 'yaml';
import { fakePipeline } from './fake-pipeline';
import { GitHubWorkflow } from '../../src/github/github-workflow';
import { CustomTrainingImage } from '../../src/image/custom-training-image';
import { ModelPackageGroup } from '../../src/training/model-package-group';

/**
 * The approval path of the generated workflow: a `repository_dispatch` event
 * of type `sagemaker-model-approved` (sent by EventBridge when a version is
 * approved) runs the build job (which reuses the commit's image), skips
 * training, re-checks the version through the deploy role and deploys exactly
 * that version. The scripts run here against a fake `aws` and a fake `npx`.
 */

const GROUP = 'fraud-model';
const ARN = `arn:aws:sagemaker:eu-west-1:123456789012:model-package/${GROUP}/7`;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'github-dispatch-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});


function role(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
}

let counter = 0;
function approvalWorkflow(train = true): { stack: Stack; workflow: GitHubWorkflow; deployRole: iam.Role } {
  const stack = new Stack(new App(), 'Test');
  const deployRole = role(stack, 'DeployRole');
  counter += 1;
  const workflow = new GitHubWorkflow(stack, 'Workflow', {
    image: new CustomTrainingImage(stack, 'Image'),
    buildRole: role(stack, 'BuildRole'),
    outputPath: path.join(tmp, `workflow-${counter}.yml`),
    ...(train ? { train: { pipeline: fakePipeline(stack), role: role(stack, 'TrainRole') } } : {}),
    deploy: {
      role: deployRole,
      modelPackageGroup: new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: GROUP }),
      modelPackageParameter: new CfnParameter(stack, 'ModelPackageArn'),
    },
  });
  return { stack, workflow, deployRole };
}

function jobs(workflow: GitHubWorkflow): any {
  return YAML.parse(workflow.renderYaml()).jobs;
}

function step(job: any, name: string): any {
  const found = job.steps.find((s: any) => s.name === name);
  expect(found).toBeDefined();
  return found;
}

describe('the trigger', () => {
  test('with a model package group, the workflow also runs on the approval event; runs of one version queue', () => {
    const { workflow } = approvalWorkflow();
    const doc = YAML.parse(workflow.renderYaml());
    expect(doc.on).toEqual({
      push: { branches: ['main'] },
      workflow_dispatch: {},
      repository_dispatch: { types: ['sagemaker-model-approved'] },
    });
    expect(GitHubWorkflow.MODEL_APPROVED_EVENT_TYPE).toBe('sagemaker-model-approved');
    // Duplicate events for one version wait for each other (never cancel), and the second finds it deployed.
    expect(doc.concurrency).toEqual({
      'group': '${{ github.workflow }}-${{ github.event.client_payload.model_package_arn || github.ref }}',
      'cancel-in-progress': false,
    });
  });

  test('without a model package group there is no approval trigger', () => {
    const stack = new Stack(new App(), 'Test');
    const workflow = new GitHubWorkflow(stack, 'Workflow', {
      image: new CustomTrainingImage(stack, 'Image'),
      buildRole: role(stack, 'BuildRole'),
      outputPath: path.join(tmp, 'plain.yml'),
      deploy: { role: role(stack, 'DeployRole') },
    });
    const doc = YAML.parse(workflow.renderYaml());
    expect(doc.on.repository_dispatch).toBeUndefined();
    expect(doc.concurrency.group).toBe('${{ github.workflow }}-${{ github.ref }}');
    expect(doc.jobs.deploy.if).toBeUndefined();
    expect(step(doc.jobs.deploy, 'Deploy').if).toBeUndefined();
  });

  test('on the event training is skipped, and the deploy job still runs after the build', () => {
    const { workflow } = approvalWorkflow();
    const all = jobs(workflow);
    expect(all.build.if).toBeUndefined();
    expect(all.train.if).toBe("github.event_name != 'repository_dispatch'");
    expect(all.deploy.if).toBe("!cancelled() && needs.build.result == 'success' && (needs.train.result == 'success' "
      + "|| (github.event_name == 'repository_dispatch' && needs.train.result == 'skipped'))");
    // Without training, the deploy job follows the build as usual.
    expect(jobs(approvalWorkflow(false).workflow).deploy.if).toBeUndefined();
  });

  test('the event reaches the check only through env:, never inside the script', () => {
    const { workflow } = approvalWorkflow();
    const deploy = jobs(workflow).deploy;
    const check = step(deploy, 'Check the approved model version');
    expect(check.if).toBe("github.event_name == 'repository_dispatch'");
    expect(check.env).toEqual({
      MODEL_PACKAGE_GROUP: GROUP,
      DISPATCHED_ARN: '${{ github.event.client_payload.model_package_arn }}',
      STACK_NAME: 'Test',
      PARAMETER_NAME: 'ModelPackageArn',
    });
    for (const s of deploy.steps.filter((x: any) => x.run)) {
      expect(s.run).not.toContain('${{');
    }
    expect(step(deploy, 'Find the newest approved model version').if).toBe("github.event_name != 'repository_dispatch'");
    expect(step(deploy, 'Deploy').if).toBe("steps.approved.outputs.deployed != 'true'");
  });

  test('the deploy role may describe the stack whose parameter it reads, and no other', () => {
    const { stack, deployRole } = approvalWorkflow();
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [stack.resolve(deployRole.roleName)] },
    });
    const statements = Object.values<any>(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const describe = statements.filter((s) => JSON.stringify(s.Action).includes('cloudformation:'));
    expect(describe).toEqual([{
      Action: 'cloudformation:DescribeStacks',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudformation:', { Ref: 'AWS::Region' }, ':',
          { Ref: 'AWS::AccountId' }, ':stack/Test/*']],
      },
    }]);
  });
});

describe('the dispatch path, end to end against a fake aws and cdk', () => {
  interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly awsCalls: string;
    readonly cdkCalls: string;
  }

  /**
   * Runs the deploy job's steps of a dispatch the way the runner would: the
   * check with the event's ARN in `DISPATCHED_ARN`, then, unless its output
   * says `deployed=true`, the deploy step with `MODEL_PACKAGE_ARN` from the
   * check's output (its `${{ }}` expression evaluated here).
   */
  function runDispatch(dispatched: string, describePackage: object, stackParameters: object[] | undefined): Run {
    const deploy = jobs(approvalWorkflow().workflow).deploy;
    const check = step(deploy, 'Check the approved model version');
    const deployStep = step(deploy, 'Deploy');
    const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
    const awsCalls = path.join(bin, 'aws-calls');
    const cdkCalls = path.join(bin, 'cdk-calls');
    fs.writeFileSync(awsCalls, '');
    fs.writeFileSync(cdkCalls, '');
    const stackAnswer = stackParameters === undefined
      ? 'echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id Test does not exist" >&2; exit 254'
      : `echo '${JSON.stringify(stackParameters)}'`;
    fs.writeFileSync(path.join(bin, 'aws'), [
      '#!/bin/bash',
      `echo "$*" >> '${awsCalls}'`,
      'case "$1 $2" in',
      `  "sagemaker describe-model-package") echo '${JSON.stringify(describePackage)}' ;;`,
      `  "cloudformation describe-stacks") ${stackAnswer} ;;`,
      '  *) echo "unexpected aws call: $*" >&2; exit 2 ;;',
      'esac',
    ].join('\n'), { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'npx'), ['#!/bin/bash', `echo "$*" >> '${cdkCalls}'`].join('\n'), { mode: 0o755 });

    const output = path.join(bin, 'output');
    fs.writeFileSync(output, '');
    const base = { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output };
    const checked = spawnSync('bash', ['-c', check.run], {
      encoding: 'utf-8',
      env: { ...base, ...check.env, DISPATCHED_ARN: dispatched },
    });
    expect(checked.stderr).not.toContain('command not found');
    let stdout = checked.stdout;
    let status = checked.status;
    const outputs = Object.fromEntries(fs.readFileSync(output, 'utf-8').split('\n').filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2)));
    if (status === 0 && outputs.deployed !== 'true') {
      expect(deployStep.env.MODEL_PACKAGE_ARN).toBe('${{ steps.approved.outputs.arn || steps.model.outputs.arn }}');
      const deployed = spawnSync('bash', ['-c', deployStep.run], {
        encoding: 'utf-8',
        env: { ...base, IMAGE_TAG: 'abc123', MODEL_PACKAGE_ARN: outputs.arn ?? '' },
      });
      stdout += deployed.stdout;
      status = deployed.status;
    }
    return { status, stdout, awsCalls: fs.readFileSync(awsCalls, 'utf-8'), cdkCalls: fs.readFileSync(cdkCalls, 'utf-8') };
  }

  const approved = { ModelPackageArn: ARN, ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Approved' };

  test('an approved version is checked through the role and exactly that version is deployed', () => {
    const run = runDispatch(ARN, approved, [{ ParameterKey: 'ModelPackageArn', ParameterValue: `${ARN.slice(0, -1)}6` }]);
    expect(run.status).toBe(0);
    expect(run.awsCalls).toBe(`sagemaker describe-model-package --model-package-name ${ARN} --output json\n`
      + 'cloudformation describe-stacks --stack-name Test --query Stacks[0].Parameters --output json\n');
    expect(run.stdout).toContain(`Deploying ${ARN}, approved in ${GROUP}`);
    expect(run.cdkCalls).toBe(`cdk deploy --all --require-approval never --parameters Test:ImageImageTag=abc123 --parameters Test:ModelPackageArn=${ARN}\n`);
  });

  test('a stack that does not exist yet is deployed', () => {
    const run = runDispatch(ARN, approved, undefined);
    expect(run.status).toBe(0);
    expect(run.cdkCalls).toContain(`--parameters Test:ModelPackageArn=${ARN}`);
  });

  test('a duplicate event: the stack already runs the version, so nothing is deployed', () => {
    const run = runDispatch(ARN, approved, [{ ParameterKey: 'ModelPackageArn', ParameterValue: ARN }]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`::notice title=Already deployed::Test already runs ${ARN}: nothing to deploy`);
    expect(run.cdkCalls).toBe('');
  });

  test('a version that is no longer Approved fails the job with a clear message and deploys nothing', () => {
    const run = runDispatch(ARN, { ...approved, ModelApprovalStatus: 'Rejected' }, []);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(`::error title=Model version not approved::${ARN} has approval status Rejected, not Approved `
      + '(it was rejected or set back after the event was sent): nothing is deployed; approve it again with aws sagemaker '
      + `update-model-package --model-package-arn ${ARN} --model-approval-status Approved\n`);
    expect(run.cdkCalls).toBe('');
  });

  test('a version of another group is refused before SageMaker is asked', () => {
    const other = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/other-model/3';
    const run = runDispatch(other, approved, []);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(`::error title=Model version of another group::${other} is a version of model package group `
      + `other-model, not of ${GROUP}, which this workflow deploys: nothing is deployed\n`);
    expect(run.awsCalls).toBe('');
    expect(run.cdkCalls).toBe('');
  });

  test('SageMaker naming another group than the ARN is refused', () => {
    const run = runDispatch(ARN, { ...approved, ModelPackageGroupName: 'other-model' }, []);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`::error title=Model version of another group::SageMaker says ${ARN} belongs to model `
      + `package group other-model, not ${GROUP}`);
    expect(run.cdkCalls).toBe('');
  });

  test.each([
    ['a shell command', '$(touch /tmp/pwned)'],
    ['an unversioned group ARN', `arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/${GROUP}`],
    ['a trailing command', `${ARN}; rm -rf /`],
    ['an empty payload', ''],
  ])('a payload that is not a version ARN (%s) is refused and nothing runs', (_, dispatched) => {
    const run = runDispatch(dispatched, approved, []);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('::error title=Not a model version ARN::client_payload.model_package_arn of the repository_dispatch '
      + `event is '${dispatched}', not the ARN of a model package version `
      + '(arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>): nothing is deployed; send the ARN of '
      + 'the approved version\n');
    expect(run.awsCalls).toBe('');
    expect(run.cdkCalls).toBe('');
  });

  test('a payload with line breaks cannot start a workflow command', () => {
    const run = runDispatch(`${ARN}\n::add-mask::x\r%`, approved, []);
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stdout).toContain(`is '${ARN}%0A::add-mask::x%0D%25', not the ARN`);
  });
});
