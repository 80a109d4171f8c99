/**
 * The synthesized pipelines, executed by the SageMaker Python SDK's local mode
 * (through `local-run`) in real containers, against S3 served by moto on 127.0.0.1:
 * the reference app's training pipeline (prep, train, evaluate, gate, register with
 * its drift baseline, and failing at its quality gate) and its batch pipeline, and the batch integ app.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  dataFolder, IMAGE, INTEG_APPS, lastRun, localRun, modelFromArchive, parameterDefault, REFERENCE_APP, stockImageArgs, Synthesized,
  synthesizedPipeline, workDir,
} from './stage';
import { allSteps, parameterValues, s3Inputs, staticValue } from '../../src/cli/definition';
import { linearRows, smallNoise } from '../container/harness';

jest.setTimeout(600_000);

/** Lines of a raw CSV file that are no rows of numbers: the starter's `prepare` drops them (a header, a word, a blank line, a short row). */
const RAW_JUNK = ['x1,x2,y', 'n/a,0.5,1', '', '1,2'];

/** Raw rows for a preparation step: 60 rows of numbers with the junk lines among them. */
function rawCsv(): string {
  const lines = linearRows(60, smallNoise).map((r) => r.join(','));
  lines.splice(0, 0, RAW_JUNK[0]);
  lines.splice(17, 0, RAW_JUNK[1]);
  lines.splice(33, 0, RAW_JUNK[2]);
  lines.splice(48, 0, RAW_JUNK[3]);
  return lines.join('\n') + '\n';
}

/**
 * Writes CSV data for every S3 prefix the pipeline reads: training rows, test rows, raw rows for a
 * preparation step (a Processing step whose outputs a Training step reads), or rows to score (features only).
 * A prefix the Train step reads keeps its training rows when another step (the Baseline) reads it too.
 */
function writeInputs(synthesized: Synthesized, dataDir: string, scoreRows: number[][]): void {
  const inputs = s3Inputs(synthesized.definition, parameterValues(synthesized.definition, {}));
  const trained = new Set(inputs.filter((i) => synthesized.stepNamed(i.step).Type === 'Training').map((i) => i.uri));
  const trainingSteps = allSteps(synthesized.definition).filter((s) => s.Type === 'Training').map((s) => JSON.stringify(s.Arguments.InputDataConfig));
  const prepares = (step: string) => trainingSteps.some((channels) => channels.includes(`"Steps.${step}.ProcessingOutputConfig.`));
  for (const input of inputs) {
    const step = synthesized.stepNamed(input.step);
    if (trained.has(input.uri) && step.Type !== 'Training') continue;
    const folder = dataFolder(dataDir, input.uri);
    fs.mkdirSync(folder, { recursive: true });
    if (step.Type === 'Processing' && prepares(step.Name)) {
      fs.writeFileSync(path.join(folder, 'part-0001.csv'), rawCsv());
      continue;
    }
    const rows = step.Type === 'Transform' ? scoreRows : step.Type === 'Processing' ? linearRows(20, smallNoise, 100) : linearRows(60, smallNoise);
    const header = step.Type === 'Training' ? 'x1,x2,y\n' : '';
    fs.writeFileSync(path.join(folder, 'part-0001.csv'), header + rows.map((r) => r.join(',')).join('\n') + '\n');
  }
}

/** The rows of a CSV file. */
const csvRows = (file: string): number[][] => fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split(',').map(Number));

function localFile(work: string, uri: string): string {
  const [bucket, ...key] = uri.slice('s3://'.length).split('/');
  return path.join(work, 's3', bucket, ...key);
}

function predictions(result: any, outputPrefix: string, work: string): number[] {
  const files = (result.objects as Array<{ uri: string }>).filter((o) => o.uri.startsWith(outputPrefix) && o.uri.endsWith('.out'));
  expect(files).toHaveLength(1);
  return fs.readFileSync(localFile(work, files[0].uri), 'utf8').trim().split('\n').map(Number);
}

const predict = (model: { weights: number[]; bias: number }, rows: number[][]): number[] =>
  rows.map((r) => r.reduce((sum, x, i) => sum + model.weights[i] * x, model.bias));

describe('the reference app\'s pipelines', () => {
  const training = synthesizedPipeline(REFERENCE_APP, 'Training');
  const batch = synthesizedPipeline(REFERENCE_APP, 'Transform');
  const dir = workDir('reference');
  const data = path.join(dir, 'data');
  const work = path.join(dir, '.local-run');
  const scoreRows = linearRows(7, () => 0, 300).map((r) => r.slice(0, 2));
  const run = (pipeline: Synthesized, ...args: string[]) =>
    localRun(['--app', REFERENCE_APP, '--pipeline', pipeline.pipeline.constructPath, '--data', data, '--image', IMAGE,
      ...stockImageArgs(pipeline.definition), '--work', work, '--quiet', ...args], dir);

  beforeAll(() => {
    writeInputs(training, data, scoreRows);
    writeInputs(batch, data, scoreRows);
  });

  test('the training pipeline runs Prepare, Train, Evaluate, Baseline and the gate, and the registry stand-in records the model and its baseline', () => {
    const result = run(training, '--approve');

    expect(result.stderr).not.toMatch(/Traceback/);
    expect(result.status).toBe(0);
    const last = lastRun(work);
    expect(last.status).toBe('Succeeded');
    const condition = training.step('Condition');
    const register = training.step('RegisterModel');
    const baseline = training.stepNamed('Baseline');
    const prepare = training.stepNamed('Prepare');
    expect(last.steps.map((s: any) => [s.name, s.status]).sort()).toEqual([
      [prepare.Name, 'Succeeded'],
      [training.step('Training').Name, 'Succeeded'],
      [training.stepNamed('Evaluate').Name, 'Succeeded'],
      [baseline.Name, 'Succeeded'],
      [condition.Name, 'Succeeded'],
      [register.Name, 'Succeeded'],
    ].sort());

    const registry = JSON.parse(fs.readFileSync(path.join(work, 'registry.json'), 'utf8'));
    expect(registry).toHaveLength(1);
    const record = registry[0];
    expect(record.ModelPackageGroupName).toBe(register.Arguments.ModelPackageGroupName);
    // the pipeline registers for review; --approve did the reviewer's part
    expect([record.RegisteredApprovalStatus, record.ModelApprovalStatus]).toEqual(['PendingManualApproval', 'Approved']);
    expect(record.Containers).toHaveLength(1);
    expect(record.Containers[0].Image).toBe(IMAGE);
    // The model data is the training job's model.tar.gz, trained with the step's hyperparameters.
    const archive = localFile(work, record.Containers[0].ModelDataUrl);
    expect(fs.existsSync(archive)).toBe(true);
    const model = modelFromArchive(archive) as any;
    expect(model.epoch).toBe(Number(training.step('Training').Arguments.HyperParameters.epochs));
    // The metrics are the evaluation the gate read, and they pass the default threshold.
    const statistics = record.ModelMetrics['ModelQuality.Statistics'];
    const jsonPath: string = condition.Arguments.Conditions[0].LeftValue['Std:JsonGet'].Path;
    const value = jsonPath.split('.').reduce((node: any, key) => node?.[key], statistics.Content);
    expect(typeof value).toBe('number');
    expect(value).toBeLessThanOrEqual(Number(parameterDefault(training.definition, 'QualityThreshold')));
    expect(result.stdout).toContain(`registered (local stand-in) ${record.ModelPackageArn}: Approved`);

    // Prepare really ran the starter's `prepare` on the raw rows: the junk lines dropped, one row in five split
    // off as test data, each output under prepared/<execution id>/ of the artifacts bucket.
    expect(prepare.Arguments.AppSpecification.ContainerEntrypoint).toEqual(['prepare']);
    const preparedPrefix = String(prepare.Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri['Std:Join'].Values[0]['Std:Join'].Values[0]);
    expect(preparedPrefix).toMatch(/^s3:\/\/[^/]+\/prepared\/$/);
    const preparedFile = (output: string) => {
      const files = (last.objects as Array<{ uri: string }>).filter((o) => o.uri.startsWith(`${preparedPrefix}${last.executionId}/${output}/`));
      expect(files.map((o) => o.uri)).toEqual([`${preparedPrefix}${last.executionId}/${output}/${output}.csv`]);
      return csvRows(localFile(work, files[0].uri));
    };
    const raw = linearRows(60, smallNoise);
    const preparedTrain = preparedFile('train');
    const preparedTest = preparedFile('test');
    expect(preparedTrain).toEqual(raw.filter((_, i) => i % 5 !== 4));
    expect(preparedTest).toEqual(raw.filter((_, i) => i % 5 === 4));
    expect(last.steps.find((s: any) => s.name === prepare.Name).log).toContain(`prepared: train_rows=48; test_rows=12; dropped_rows=${RAW_JUNK.filter(Boolean).length};`);
    // Evaluate scored the trained model on the prepared test rows: the gate's value is their mean squared error.
    const errors = predict(model, preparedTest.map((r) => r.slice(0, 2))).map((p, i) => p - preparedTest[i][2]);
    expect(value).toBeCloseTo(errors.reduce((sum, e) => sum + e * e, 0) / errors.length, 9);

    // The Baseline step really ran the checker on the stock-image-shaped image, and the version carries its
    // DriftCheckBaselines: this execution's statistics and constraints of the training data's columns.
    expect(baseline.Arguments.AppSpecification.ImageUri).toMatch(/\/sagemaker-scikit-learn:/);
    const drift = record.DriftCheckBaselines.ModelDataQuality;
    const prefix = `${String(staticValue(baseline.Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri['Std:Join'].Values[0], {}))}`;
    expect(prefix).toMatch(/^s3:\/\/[^/]+\/baselines\/$/);
    expect(Object.keys(drift).sort()).toEqual(['Constraints', 'Statistics']);
    for (const [name, file] of [['Statistics', 'statistics.json'], ['Constraints', 'constraints.json']]) {
      expect(drift[name].ContentType).toBe('application/json');
      expect(drift[name].S3Uri.startsWith(prefix)).toBe(true);
      expect(drift[name].S3Uri.endsWith(`/${file}`)).toBe(true);
      expect(fs.existsSync(localFile(work, drift[name].S3Uri))).toBe(true);
    }
    // The baseline is of the prepared training rows (no header: the checker names the columns by position),
    // without the label, the last column (driftBaseline.targetColumn).
    const features = (content: any) => (content.features as Array<{ name: string }>).map((f) => f.name);
    expect(features(drift.Statistics.Content)).toEqual(['feature_0', 'feature_1']);
    expect(features(drift.Constraints.Content)).toEqual(['feature_0', 'feature_1']);
    expect(drift.Statistics.Content.dataset.item_count).toBe(preparedTrain.length);
    const baselineFile = localFile(work, drift.Statistics.S3Uri.replace(/statistics\.json$/, 'baseline.json'));
    expect(JSON.parse(fs.readFileSync(baselineFile, 'utf8'))).toMatchObject({ reference_rows: 48, columns: ['feature_0', 'feature_1', 'feature_2'], target_column: 'feature_2' });
  });

  test('with a threshold no model can meet, it fails at the quality gate with the library\'s message', () => {
    const result = run(training, '--parameter', 'QualityThreshold=-1');

    expect(result.status).toBe(1);
    const last = lastRun(work);
    expect(last.status).toBe('Failed');
    const fail = training.step('Fail');
    expect(last.steps.map((s: any) => s.name)).not.toContain(training.step('RegisterModel').Name);
    expect(last.steps.find((s: any) => s.name === fail.Name).status).toBe('Failed');
    // The Fail step's own message, every literal part of it, with the run's values in between.
    const parts: unknown[] = fail.Arguments.ErrorMessage['Std:Join'].Values;
    const literals = parts.filter((p): p is string => typeof p === 'string');
    expect(literals.length).toBeGreaterThan(0);
    for (const literal of literals) expect(last.failureReason).toContain(literal);
    expect(last.failureReason).toMatch(/-1(\.0)?$/);
    expect(JSON.parse(fs.readFileSync(path.join(work, 'registry.json'), 'utf8'))).toHaveLength(1);
  });

  test('the batch pipeline scores with the approved model version and writes its predictions', () => {
    const result = run(batch);

    expect(result.status).toBe(0);
    const last = lastRun(work);
    expect(last.steps.map((s: any) => [s.name, s.status])).toEqual([[batch.step('Transform').Name, 'Succeeded']]);
    const registry = JSON.parse(fs.readFileSync(path.join(work, 'registry.json'), 'utf8'));
    const model = modelFromArchive(localFile(work, registry[0].Containers[0].ModelDataUrl));
    const outputPrefix = String(staticValue(batch.step('Transform').Arguments.TransformOutput.S3OutputPath, parameterValues(batch.definition, {})));
    const got = predictions(last, outputPrefix, work);
    const want = predict(model, scoreRows);
    expect(got).toHaveLength(want.length);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 9));
  });
});

describe('the batch integ app\'s pipeline', () => {
  const app = path.join(INTEG_APPS, 'endpoint-batch');

  test('scores with the model archive the app stages as an asset', () => {
    // The app scores twice on one model (Scoring and Rescoring); this runs the first.
    const batch = synthesizedPipeline(app, 'Transform', 'Scoring');
    const dir = workDir('integ-batch');
    const data = path.join(dir, 'data');
    const work = path.join(dir, '.local-run');
    const rows = [[1, 1], [2, 0], [0, 3]];
    writeInputs(batch, data, rows);

    const result = localRun(['--app', app, '--pipeline', batch.pipeline.constructPath, '--data', data, '--image', IMAGE, '--work', work, '--quiet'], dir);

    expect(result.stderr).not.toMatch(/Traceback/);
    expect(result.status).toBe(0);
    const archives = fs.readdirSync(app).filter((f) => /^asset\..*\.tar\.gz$/.test(f));
    expect(archives).toHaveLength(1);
    const model = modelFromArchive(path.join(app, archives[0]));
    const outputPrefix = String(staticValue(batch.step('Transform').Arguments.TransformOutput.S3OutputPath, parameterValues(batch.definition, {})));
    const got = predictions(lastRun(work), outputPrefix, work);
    predict(model, rows).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 9));
  });
});
