import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, FileSystem, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { checkerPython } from './checker/harness';
import { buildMonitor, monitorFixture } from './fixtures';
import { MonitorBaseline } from '../../src/monitoring';
import { PipelineParameter, PipelineValue, RegisterModelStep, SageMakerPipeline } from '../../src/pipeline';
import { BASELINES_PREFIX, buildBaselineStep, CHECKER_ASSET_EXCLUDE, CHECKER_CODE_PATH, CHECKER_ENTRYPOINT } from '../../src/training/private/baseline';
import { expectError } from '../errors';
import { newPipeline } from '../training/helpers';

function pipelineWithBaseline(targetColumn?: string) {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const pipeline = new SageMakerPipeline(stack, 'Training');
  const data = pipeline.addParameter(PipelineParameter.stringParameter('TrainingDataUri', 's3://data/train/'));
  const baseline = buildBaselineStep(pipeline, {
    role: pipeline.role,
    trainingDataUri: data.value,
    outputS3Uri: PipelineValue.join([PipelineValue.fromString(`s3://artifacts/${BASELINES_PREFIX}`), PipelineValue.executionId()]),
    targetColumn,
  });
  pipeline.addStep(baseline.step);
  // The register step records the baseline by reference: the definition checks that every Get resolves.
  pipeline.addStep(new RegisterModelStep({
    name: 'RegisterModel',
    arguments: { ModelPackageGroupName: 'churn', DriftCheckBaselines: baseline.driftCheckBaselines },
  }));
  return { stack, pipeline, baseline };
}

function steps(stack: Stack): any[] {
  const body = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Pipeline'))[0] as any;
  const def = body.Properties.PipelineDefinition.PipelineDefinitionBody;
  const text = typeof def === 'string' ? def : def['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text).Steps;
}

describe('training-time baseline step', () => {
  test('runs the checker\'s baseline command on the training data, into a prefix of its own per execution, uncached', () => {
    const { stack } = pipelineWithBaseline('last');
    const [step] = steps(stack);
    expect(step).toEqual(expect.objectContaining({ Name: 'Baseline', Type: 'Processing' }));
    expect(step.CacheConfig).toBeUndefined();
    expect(step.Arguments.AppSpecification.ContainerArguments).toEqual([
      'baseline', '--data', '/opt/ml/processing/input/data', '--output', '/opt/ml/processing/output/baseline', '--target-column', 'last',
    ]);
    expect(step.Arguments.ProcessingInputs.map((i: any) => [i.InputName, i.S3Input.S3Uri])).toEqual([
      ['code', expect.stringMatching(/^s3:\/\/cdk-hnb659fds-assets-123456789012-us-east-1\/[0-9a-f]{64}\.zip$/)],
      ['data', { Get: 'Parameters.TrainingDataUri' }],
    ]);
    expect(step.Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri)
      .toEqual({ 'Std:Join': { On: '', Values: ['s3://artifacts/baselines/', { Get: 'Execution.PipelineExecutionId' }] } });
    expect(step.Arguments.AppSpecification.ImageUri).toMatch(/\/sagemaker-scikit-learn:1\.4-2-py312-cpu-py3$/);
  });

  test('the register step\'s DriftCheckBaselines point at this execution\'s statistics and constraints', () => {
    const { stack } = pipelineWithBaseline();
    const register = steps(stack)[1];
    const output = { Get: "Steps.Baseline.ProcessingOutputConfig.Outputs['baseline'].S3Output.S3Uri" };
    expect(register.Arguments.DriftCheckBaselines).toEqual({
      ModelDataQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: { 'Std:Join': { On: '', Values: [output, '/statistics.json'] } } },
        Constraints: { ContentType: 'application/json', S3Uri: { 'Std:Join': { On: '', Values: [output, '/constraints.json'] } } },
      },
    });
  });

  test('the role reads exactly the checker\'s object and pulls the scikit-learn image', () => {
    const { stack } = pipelineWithBaseline();
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any;
    const statements = policy.Properties.PolicyDocument.Statement;
    const read = statements.find((s: any) => s.Action === 's3:GetObject' && JSON.stringify(s.Resource).includes('cdk-hnb659fds-assets'));
    expect(JSON.stringify(read.Resource)).toMatch(/[0-9a-f]{64}\.zip/);
    expect(JSON.stringify(statements)).toContain(':repository/sagemaker-scikit-learn');
  });

  test('the asset keeps only the checker\'s python files: caches and tests beside them do not change it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checker-'));
    fs.writeFileSync(path.join(dir, 'model_monitor.py'), 'print(1)\n');
    const before = FileSystem.fingerprint(dir, { exclude: CHECKER_ASSET_EXCLUDE });
    fs.mkdirSync(path.join(dir, '__pycache__'));
    fs.writeFileSync(path.join(dir, '__pycache__', 'model_monitor.cpython-312.pyc'), 'x');
    fs.writeFileSync(path.join(dir, 'test_model_monitor.py'), 'x');
    fs.writeFileSync(path.join(dir, 'README.md'), 'x');
    expect(FileSystem.fingerprint(dir, { exclude: CHECKER_ASSET_EXCLUDE })).toBe(before);
    fs.writeFileSync(path.join(dir, 'drift.py'), 'x');
    expect(FileSystem.fingerprint(dir, { exclude: CHECKER_ASSET_EXCLUDE })).not.toBe(before);
  });

  test('one checker asset per stack, shared by the baseline step and the monitor', () => {
    const f = monitorFixture();
    const pipeline = new SageMakerPipeline(f.stack, 'Training2');
    pipeline.addStep(buildBaselineStep(pipeline, {
      role: pipeline.role, trainingDataUri: PipelineValue.fromString('s3://d/'), outputS3Uri: PipelineValue.fromString('s3://a/b'),
    }).step);
    buildMonitor({}, f);
    const assets = f.stack.node.findAll().filter((c) => c.node.id === 'CdkSageMakerGitHubModelMonitorChecker');
    expect(assets).toHaveLength(1);
  });

  test('the entrypoint unpacks the asset and runs the real checker: baseline, then check of a window as the runner writes it', () => {
    const python = checkerPython();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-'));
    const code = path.join(work, 'code');
    fs.mkdirSync(code);
    // The asset as CDK publishes a directory: a zip of its *.py files.
    const zip = spawnSync(python, ['-c', 'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1],"w");z.write(sys.argv[2],"model_monitor.py");z.close()',
      path.join(code, 'a1b2.zip'), path.join(__dirname, '..', '..', 'src', 'monitoring', 'checker', 'model_monitor.py')], { encoding: 'utf8' });
    expect(zip.status).toBe(0);
    const reference = path.join(work, 'data');
    fs.mkdirSync(reference);
    const rows = Array.from({ length: 300 }, (_, i) => `${(i % 50) / 10},${i % 3 === 0 ? 'a' : 'b'},${i % 2}`);
    fs.writeFileSync(path.join(reference, 'train.csv'), ['x,c,y', ...rows].join('\n') + '\n');
    const hour = path.join(work, 'captures', 'churn', 'AllTraffic', '2026', '12', '01', '10');
    fs.mkdirSync(hour, { recursive: true });
    const records = Array.from({ length: 200 }, (_, i) => JSON.stringify({
      captureData: {
        endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: `${5 + (i % 50) / 10},a`, encoding: 'CSV' },
        endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: '1', encoding: 'CSV' },
      },
      eventMetadata: { eventId: `e${i}`, inferenceTime: `2026-12-01T10:${String(i % 60).padStart(2, '0')}:00Z` },
      eventVersion: '0',
    }));
    fs.writeFileSync(path.join(hour, 'capture.jsonl'), records.join('\n') + '\n');
    const launcher = CHECKER_ENTRYPOINT[2].split(CHECKER_CODE_PATH).join(code);
    const run = (args: string[]) => spawnSync(python, ['-c', launcher, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });

    const baseline = run(['baseline', '--data', reference, '--output', path.join(work, 'baseline'), '--target-column', 'last']);
    expect(baseline.stderr).toBe('');
    expect(baseline.status).toBe(0);
    expect(fs.readdirSync(path.join(work, 'baseline')).sort()).toEqual(['baseline.json', 'constraints.json', 'statistics.json']);

    // The window as the runner's JSONata writes it ($fromMillis: milliseconds and Z).
    const check = run(['check', '--baseline', path.join(work, 'baseline', 'baseline.json'), '--captures', path.join(work, 'captures'),
      '--start', '2026-12-01T10:00:00.000Z', '--end', '2026-12-01T11:00:00.000Z', '--min-records', '100', '--endpoint', 'churn',
      '--output', path.join(work, 'report')]);
    expect(check.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(work, 'report', 'report.json'), 'utf8'));
    expect(report.status).toBe('ok');
    expect(report.records).toBe(200);
    expect(report.features.x.drift).toBe(true);
  }, 180_000);
});

describe('MonitorBaseline.fromTrainingPipeline', () => {
  test('reads the served version\'s baseline under baselines/ of the pipeline\'s artifacts bucket, for its group', () => {
    const stack = new Stack(new App(), 'Stack');
    const training = newPipeline(stack);
    const role = new iam.Role(stack, 'Monitor', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const config = MonitorBaseline.fromTrainingPipeline(training).bind(role);
    expect(config.servedModelVersion).toBe(true);
    expect(config.modelPackageGroup).toBe(training.modelPackageGroup);
    expect(stack.resolve(config.s3Uri)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^TrainingArtifactsBucket/) }, '/baselines/']] });
  });

  test('a training pipeline whose baseline is turned off', () => {
    const training = newPipeline(new Stack(new App(), 'Stack'), { driftBaseline: { enabled: false } });
    expectError(() => MonitorBaseline.fromTrainingPipeline(training),
      { construct: 'MonitorBaseline.fromTrainingPipeline', property: 'training', value: 'a TrainingPipeline with driftBaseline.enabled: false' },
      "monitorBaseline.fromTrainingPipeline training 'Stack/Training' has driftBaseline.enabled false, so its model versions carry no "
        + 'DriftCheckBaselines to monitor against: remove driftBaseline.enabled: false from that TrainingPipeline, or give a fixed baseline with MonitorBaseline.fromS3');
  });

  test('something that is not a training pipeline', () => {
    expectError(() => MonitorBaseline.fromTrainingPipeline(undefined as any),
      { construct: 'MonitorBaseline.fromTrainingPipeline', property: 'training', value: 'undefined' },
      'monitorBaseline.fromTrainingPipeline training must be a TrainingPipeline, got nothing: give the pipeline that trained the served model');
  });
});
