/**
 * Every input the checker cannot work with: exit 1 (2 for the command line), a message on
 * stderr naming the argument, the bad value and the fix, and for `check` the same reason in
 * report.json. The cases run in one python process (scenarios.py) except the two that prove
 * the exit status and report of a real process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expectError } from '../errors';
import { baselineThenCheck, readJson, runChecker, runScenarios, ScenarioResult } from './checker/harness';

jest.setTimeout(60_000);

const CHECK = 'model_monitor.py check';
const BASELINE = 'model_monitor.py baseline';
const check = (args: string[]) => [['check', '--captures', '{dir}/captures', '--output', '{dir}/report', ...args]];
const withBaseline = (args: string[]) => [baselineThenCheck()[0], ['check', '--baseline', '{dir}/baseline/baseline.json', '--captures', '{dir}/captures', '--output', '{dir}/report', ...args]];
const data = (header: string, rows: string[]) => ({ 'data/train.csv': [header, ...rows].join('\n') + '\n' });

const results = runScenarios('errors', [
  { id: 'no-baseline', spec: { seed: 1, current_rows: 10 }, runs: check(['--baseline', '{dir}/nowhere/baseline.json']) },
  { id: 'statistics', spec: { seed: 1, current_rows: 10 }, runs: [baselineThenCheck()[0], ...check(['--baseline', '{dir}/baseline/statistics.json'])] },
  { id: 'not-json', spec: { seed: 1, current_rows: 10 }, files: { 'bad.json': '{"kind": ' }, runs: check(['--baseline', '{dir}/bad.json']) },
  { id: 'bad-start', spec: { seed: 1, current_rows: 10 }, runs: withBaseline(['--start', 'yesterday']) },
  { id: 'start-after-end', spec: { seed: 1, current_rows: 10 }, runs: withBaseline(['--start', '2026-03-01T11:00:00Z', '--end', '2026-03-01T10:00:00Z']) },
  { id: 'min-records', spec: { seed: 1, current_rows: 10 }, runs: withBaseline(['--min-records', '0']) },
  { id: 'namespace', spec: { seed: 1, current_rows: 10 }, runs: withBaseline(['--cloudwatch-namespace', 'CdkSageMakerGitHub/ModelMonitor']) },
  { id: 'no-captures', spec: { seed: 1, current_rows: 10 }, runs: withBaseline(['--captures', '{dir}/nothing-here']) },
  {
    id: 'with-target',
    spec: { seed: 1, current_rows: 10 },
    runs: [['baseline', '--data', '{dir}/reference', '--output', '{dir}/baseline'], baselineThenCheck()[1]],
  },
  {
    id: 'output-only',
    spec: { seed: 1, current_rows: 10 },
    files: {
      'captures/ep/AllTraffic/2026/03/01/10/out.jsonl': JSON.stringify({
        captureData: { endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: '0.5', encoding: 'CSV' } },
        eventMetadata: { eventId: 'e-1', inferenceTime: '2026-03-01T10:00:01Z' },
        eventVersion: '0',
      }) + '\n',
    },
    runs: [baselineThenCheck()[0], ['check', '--baseline', '{dir}/baseline/baseline.json', '--captures', '{dir}/captures/ep', '--output', '{dir}/report']],
  },
  {
    id: 'binary-numbers',
    spec: { seed: 1, current_rows: 120, problem_type: 'regression' },
    runs: withBaseline(['--ground-truth', '{dir}/ground-truth', '--problem-type', 'binary']),
  },
  { id: 'empty-data', files: { 'data/notes.txt': 'nothing' }, runs: [['baseline', '--data', '{dir}/data', '--output', '{dir}/baseline']] },
  { id: 'target', spec: { seed: 1 }, runs: [['baseline', '--data', '{dir}/reference', '--target-column', 'label', '--output', '{dir}/baseline']] },
  { id: 'categorical', spec: { seed: 1 }, runs: [['baseline', '--data', '{dir}/reference', '--categorical-columns', 'colour', '--output', '{dir}/baseline']] },
  { id: 'numerical', spec: { seed: 1 }, runs: [['baseline', '--data', '{dir}/reference', '--numerical-columns', 'color', '--output', '{dir}/baseline']] },
  { id: 'ragged', files: data('a,b', ['1,2', '3']), runs: [['baseline', '--data', '{dir}/data', '--output', '{dir}/baseline']] },
  { id: 'max-sample', files: data('a,b', ['1,2']), runs: [['baseline', '--data', '{dir}/data', '--max-sample', '10', '--output', '{dir}/baseline']] },
  { id: 'usage', runs: [['check', '--baseline', 'b.json', '--captures', 'c', '--output', '{dir}/report', '--problem-type', 'ranking']] },
]);

/** The last run of a case, as an Error when it failed (for expectError). */
function failure(result: ScenarioResult): () => void {
  return () => {
    const last = result.runs[result.runs.length - 1];
    if (last.exit !== 0) throw new Error(last.stderr.trim());
  };
}

describe('check', () => {
  test('--baseline that does not exist', () => {
    expectError(failure(results['no-baseline']), { construct: CHECK, property: '--baseline', value: "'nowhere/baseline.json'" },
      /--baseline \S+nowhere\/baseline.json does not exist: give the baseline.json that `model_monitor.py baseline` wrote$/);
  });

  test('--baseline that is statistics.json', () => {
    expectError(failure(results.statistics), { construct: CHECK, property: '--baseline', value: "'statistics.json'" },
      'is not a baseline of this checker (no "kind": "cdk-sagemaker-github/model-monitor-baseline"): give the baseline.json that `model_monitor.py baseline` wrote, not statistics.json or constraints.json');
  });

  test('--baseline that is not JSON', () => {
    expectError(failure(results['not-json']), { construct: CHECK, property: '--baseline', value: "'{\"kind\": '" }, /bad.json is not JSON \(.*\): give the baseline.json/);
  });

  test('--start that is not an ISO time', () => {
    expectError(failure(results['bad-start']), { construct: CHECK, property: '--start', value: "'yesterday'" },
      "--start must be an ISO 8601 time such as 2026-01-31T13:00:00Z, got 'yesterday'");
  });

  test('--start after --end', () => {
    expectError(failure(results['start-after-end']), { construct: CHECK, property: '--start', value: "'2026-03-01T11:00:00Z' with --end '2026-03-01T10:00:00Z'" },
      '--start 2026-03-01T11:00:00Z is not before --end 2026-03-01T10:00:00Z: the window must be at least a moment long');
  });

  test('--min-records 0', () => {
    expectError(failure(results['min-records']), { construct: CHECK, property: '--min-records', value: '0' }, '--min-records must be at least 1, got 0');
  });

  test('--cloudwatch-namespace without --endpoint', () => {
    expectError(failure(results.namespace), { construct: CHECK, property: '--cloudwatch-namespace', value: "'CdkSageMakerGitHub/ModelMonitor' without --endpoint" },
      '--cloudwatch-namespace needs --endpoint: the metrics carry the dimension EndpointName');
  });

  test('--captures that does not exist', () => {
    expectError(failure(results['no-captures']), { construct: CHECK, property: '--captures', value: "'nothing-here'" }, /--captures \S+nothing-here does not exist: give a file or a folder$/);
  });

  test('captures one column narrower than a baseline that kept the target', () => {
    expectError(failure(results['with-target']), { construct: CHECK, property: '--captures', value: 'rows of 4 values, a baseline of 5 features' },
      '--captures: the captured requests have 4 values a row, the baseline has 5 features (x1, x2, x3, color, y) (the baseline may hold the target: '
      + 'make it with `baseline --target-column <name>`): make the baseline from data with the columns the endpoint receives');
  });

  test('captures of outputs only', () => {
    expectError(failure(results['output-only']), { construct: CHECK, property: '--captures', value: 'records without captureData.endpointInput' },
      '--captures: none of the 1 capture records in the window could be read; the first: AllTraffic/2026/03/01/10/out.jsonl line 1: '
      + 'no captureData.endpointInput (capture the input: CaptureOptions Input)');
  });

  test('--problem-type binary with numbers for labels', () => {
    expectError(failure(results['binary-numbers']), { construct: CHECK, property: '--problem-type', value: "'binary' for real-valued labels" },
      /--problem-type binary needs labels 0 and 1 \(or true\/false\), got \[.*\]: give --problem-type multiclass for other classes/);
  });

  test('an unknown --problem-type is a command-line error (exit 2)', () => {
    const { runs } = results.usage;
    expect([runs[0].exit, runs[0].stderr.trim().split('\n').pop()]).toEqual([2,
      "model_monitor: error: argument --problem-type: invalid choice: 'ranking' (choose from 'regression', 'binary', 'multiclass')"]);
  });
});

describe('baseline', () => {
  test('--data with no CSV or JSON Lines file', () => {
    expectError(failure(results['empty-data']), { construct: BASELINE, property: '--data', value: "'a folder of .txt files'" },
      /--data \S+data holds no .csv or .jsonl file: give the training data the model learnt from$/);
  });

  test('--target-column that is not a column', () => {
    expectError(failure(results.target), { construct: BASELINE, property: '--target-column', value: "'label'" },
      "--target-column 'label' is not a column of --data (x1, x2, x3, color, y): give a column name, a 0-based index or \"last\"");
  });

  test('--categorical-columns naming no column', () => {
    expectError(failure(results.categorical), { construct: BASELINE, property: '--categorical-columns', value: "'colour'" },
      "--categorical-columns 'colour' is not a column of --data (x1, x2, x3, color, y): name columns of the header");
  });

  test('--numerical-columns naming a column of words', () => {
    expectError(failure(results.numerical), { construct: BASELINE, property: '--numerical-columns', value: "'color'" },
      /--numerical-columns 'color' holds '(red|green|blue)', not a number: leave it out, or clean the data/);
  });

  test('--data with rows of different lengths', () => {
    expectError(failure(results.ragged), { construct: BASELINE, property: '--data', value: "'a,b / 1,2 / 3'" },
      '--data row 2 has 1 values, the first has 2: every row needs the same columns');
  });

  test('--max-sample below 100', () => {
    expectError(failure(results['max-sample']), { construct: BASELINE, property: '--max-sample', value: '10' }, '--max-sample must be at least 100, got 10');
  });
});

describe('as a process', () => {
  test('could not check: exit 1, the reason on stderr and in report.json', () => {
    const dir = results['no-baseline'].dir;
    const out = path.join(dir, 'process-report');
    const run = runChecker(['check', '--baseline', path.join(dir, 'nowhere.json'), '--captures', path.join(dir, 'captures'), '--output', out]);
    const report = readJson(path.join(out, 'report.json'));
    expect([run.status, run.stderr.startsWith('model_monitor: error: --baseline '), report.status, report.reason]).toEqual([1, true, 'error',
      `--baseline ${path.join(dir, 'nowhere.json')} does not exist: give the baseline.json that \`model_monitor.py baseline\` wrote`]);
  });

  test('checked: exit 0, report.json and report.html', () => {
    const dir = results['no-baseline'].dir;
    const baselineDir = path.join(results.statistics.dir, 'baseline');
    const out = path.join(dir, 'process-ok');
    const run = runChecker(['check', '--baseline', path.join(baselineDir, 'baseline.json'), '--captures', path.join(dir, 'captures'), '--output', out, '--min-records', '5']);
    expect([run.status, run.stderr, readJson(path.join(out, 'report.json')).status, fs.existsSync(path.join(out, 'report.html'))]).toEqual([0, '', 'ok', true]);
  });
});
