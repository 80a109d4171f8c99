/**
 * `cdk-sagemaker-github local-run` as a user runs it: their synthesized app,
 * their own image and a local data folder; what local mode cannot run is
 * refused with the feature's name; a failing step shows its container's log.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  dataFolder, docker, IMAGE, INTEG_APPS, lastRun, localRun, REFERENCE_APP, stockImageArgs, Synthesized, synthesizedPipeline, workDir,
} from './stage';
import { parameterValues, PipelineDefinition, s3Inputs } from '../../src/cli/definition';
import { linearRows, smallNoise } from '../container/harness';

jest.setTimeout(600_000);

const USER_IMAGE = 'my-model:local-run-test';

/** Data for every prefix the pipeline reads; a prefix the Train step reads gets `trainCsv`, whichever other step (the Baseline) reads it too. */
function writeTrainingData(synthesized: Synthesized, dataDir: string, trainCsv: string): void {
  const inputs = s3Inputs(synthesized.definition, parameterValues(synthesized.definition, {}));
  const trained = new Set(inputs.filter((i) => synthesized.stepNamed(i.step).Type === 'Training').map((i) => i.uri));
  for (const input of inputs) {
    const type = synthesized.stepNamed(input.step).Type;
    if (trained.has(input.uri) && type !== 'Training') continue;
    const folder = dataFolder(dataDir, input.uri);
    fs.mkdirSync(folder, { recursive: true });
    const csv = type === 'Training' ? trainCsv : linearRows(20, smallNoise, 100).map((r) => r.join(',')).join('\n') + '\n';
    fs.writeFileSync(path.join(folder, 'data.csv'), csv);
  }
}

/** A copy of the reference app whose training pipeline definition is `change`d (as a user's app with that feature would synthesize). */
function variant(name: string, change: (definition: PipelineDefinition) => void): string {
  const reference = synthesizedPipeline(REFERENCE_APP, 'Training');
  const dir = path.join(workDir(`variant-${name}`), 'cdk.out');
  fs.cpSync(REFERENCE_APP, dir, { recursive: true });
  const definition = JSON.parse(JSON.stringify(reference.definition)) as PipelineDefinition;
  change(definition);
  const file = path.join(dir, path.basename(reference.pipeline.stack.templateFile));
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  template.Resources[reference.pipeline.logicalId].Properties.PipelineDefinition = { PipelineDefinitionBody: JSON.stringify(definition) };
  fs.writeFileSync(file, JSON.stringify(template));
  return dir;
}

const trainArgs = (d: PipelineDefinition): any => d.Steps!.find((s) => s.Type === 'Training')!.Arguments;

describe('local-run', () => {
  const app = path.join(INTEG_APPS, 'training');

  beforeAll(() => {
    expect(docker(['tag', IMAGE, USER_IMAGE]).status).toBe(0);
  });
  afterAll(() => {
    docker(['rmi', USER_IMAGE]);
  });

  test('a good run: the user\'s app, their image and data folder; outputs and records land in --work', () => {
    const training = synthesizedPipeline(app, 'Training');
    const dir = workDir('good-run');
    const rows = linearRows(60, smallNoise);
    writeTrainingData(training, path.join(dir, 'data'), ['x1,x2,y', ...rows.map((r) => r.join(','))].join('\n') + '\n');

    const result = localRun(['--app', app, '--pipeline', training.pipeline.constructPath, '--data', 'data', '--image', USER_IMAGE,
      ...stockImageArgs(training.definition), '--quiet'], dir);

    expect(result.stderr).not.toMatch(/Traceback/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`pipeline ${training.pipeline.constructPath} \\(${training.pipeline.pipelineName}\\): Succeeded`));
    const last = lastRun(path.join(dir, '.local-run'));
    expect(last.steps.every((s: any) => s.status === 'Succeeded')).toBe(true);
    expect(last.registered).toHaveLength(1);
    expect(last.registered[0].Containers[0].Image).toBe(USER_IMAGE);
    // The Baseline step ran on the stock scikit-learn image (mapped), and the version carries its baseline.
    expect(last.steps.map((s: any) => s.name)).toContain(training.stepNamed('Baseline').Name);
    expect(Object.keys(last.registered[0].DriftCheckBaselines.ModelDataQuality).sort()).toEqual(['Constraints', 'Statistics']);
    // Every object the run wrote is in the local S3 folder, listed in the output.
    expect(last.objects.length).toBeGreaterThan(0);
    for (const o of last.objects) {
      expect(fs.existsSync(o.file)).toBe(true);
      expect(result.stdout).toContain(o.uri);
    }
    // A Float default rendered without its decimal point is read as a float, and said so.
    const threshold = training.definition.Parameters!.find((p) => p.Type === 'Float');
    if (threshold && Number.isInteger(threshold.DefaultValue)) {
      expect(result.stderr).toContain(`note: Float parameter ${threshold.Name} has the default ${String(threshold.DefaultValue)}`);
    }
    // Nothing of the run is left running or stopped in the engine.
    expect(docker(['ps', '-a', '--filter', 'label=com.docker.compose.project.working_dir', '--format', '{{.Label "com.docker.compose.project.working_dir"}}']).stdout)
      .not.toContain(dir);
  });

  test.each([
    ['instance groups', (d: PipelineDefinition) => {
      const config = trainArgs(d).ResourceConfig;
      delete config.InstanceType;
      delete config.InstanceCount;
      config.InstanceGroups = [{ InstanceGroupName: 'cpu', InstanceType: 'ml.m5.xlarge', InstanceCount: 2 }];
    }, /step \w+ uses instance groups \(ResourceConfig\.InstanceGroups: cpu \(2 x ml\.m5\.xlarge\)\), which local mode cannot run: for a local run give the training job instanceType and instanceCount/],
    ['pipe mode', (d: PipelineDefinition) => { trainArgs(d).InputDataConfig[0].InputMode = 'Pipe'; },
      /step \w+ channel 'train' uses pipe mode \(InputMode: Pipe\), which local mode cannot run: use TrainingInputMode\.FILE or FAST_FILE/],
    ['ShardedByS3Key', (d: PipelineDefinition) => { trainArgs(d).InputDataConfig[0].DataSource.S3DataSource.S3DataDistributionType = 'ShardedByS3Key'; },
      /step \w+ channel 'train' uses ShardedByS3Key \(S3DataDistributionType: ShardedByS3Key\), which local mode cannot run: use S3DataDistribution\.FULLY_REPLICATED/],
  ])('refuses %s, naming it, before any container runs', (feature, change, message) => {
    const dir = variant(feature.replace(/\W+/g, '-'), change);
    const work = path.join(path.dirname(dir), '.local-run');

    const result = localRun(['--app', dir, '--pipeline', synthesizedPipeline(REFERENCE_APP, 'Training').pipeline.constructPath,
      '--image', IMAGE, '--work', work], path.dirname(dir));

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^cdk-sagemaker-github: local-run cannot run \S+:\n {2}- /);
    expect(result.stderr).toMatch(message);
    expect(fs.existsSync(path.join(work, 'last-run.json'))).toBe(false);
  });

  test('a failing step shows the container\'s own failure reason and log, not just "docker-compose exited 1"', () => {
    const training = synthesizedPipeline(app, 'Training');
    const dir = workDir('failing-step');
    writeTrainingData(training, path.join(dir, 'data'), 'x1,x2,y\n1,2,3\n4,five,6\n');

    const result = localRun(['--app', app, '--data', 'data', '--image', USER_IMAGE, ...stockImageArgs(training.definition), '--quiet',
      '--pipeline', training.pipeline.constructPath], dir);

    expect(result.status).toBe(1);
    const train = training.step('Training').Name;
    const out = result.stdout;
    expect(out).toContain(`step ${train} failed: RuntimeError: Failed to run:`);
    expect(out).toContain("the container's failure reason (/opt/ml/output/failure): /opt/ml/input/data/train/data.csv line 3: not a row of numbers: '4,five,6'");
    const log = out.slice(out.indexOf(`the container's log (step ${train}):`));
    expect(log).toMatch(/\n {2}\| training failed: \/opt\/ml\/input\/data\/train\/data\.csv line 3: not a row of numbers: '4,five,6'/);
    expect(log).not.toMatch(/\x1b\[/); // compose's colours are gone
  });
});
