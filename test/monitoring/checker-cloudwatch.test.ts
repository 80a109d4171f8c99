/**
 * The checker's CloudWatch metrics, published through a stand-in boto3 on PYTHONPATH
 * (test/monitoring/checker/fake-boto3) that records each put_metric_data request:
 * the names and dimensions the ModelMonitor's alarms read, in batches within CloudWatch's limits.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, runChecker, runScenarios } from './checker/harness';

jest.setTimeout(60_000);

// 600 features: 1200 per-feature metrics besides the endpoint's.
const WIDE = Array.from({ length: 600 }, (_, j) => `f${j}`);
const wideRow = (i: number, k: number) => WIDE.map((_, j) => ((i * 31 + j * 17 + k) % 97) / 7).join(',');
const baselineOnly = [['baseline', '--data', '{dir}/reference', '--target-column', 'y', '--output', '{dir}/baseline']];

// The scenarios and their baselines in one python process; each publishing run is a process of its own.
const scenarios = runScenarios('cloudwatch', [
  { id: 'cw', spec: { seed: 11, shift: ['x1'], problem_type: 'binary', current_rows: 300 }, runs: baselineOnly },
  { id: 'thin', spec: { seed: 12, current_rows: 30 }, runs: baselineOnly },
  { id: 'fail', spec: { seed: 13 }, runs: baselineOnly },
  {
    id: 'wide',
    files: {
      'data/train.csv': [WIDE.join(','), ...Array.from({ length: 150 }, (_, i) => wideRow(i, 0))].join('\n') + '\n',
      'captures/wide/AllTraffic/2026/03/01/10/capture.jsonl': Array.from({ length: 120 }, (_, i) => JSON.stringify({
        captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: wideRow(i, 3), encoding: 'CSV' } },
        eventMetadata: { eventId: `e-${i}`, inferenceTime: '2026-03-01T10:15:00Z' },
        eventVersion: '0',
      })).join('\n') + '\n',
    },
    runs: [['baseline', '--data', '{dir}/data', '--output', '{dir}/baseline']],
  },
]);

const FAKE_BOTO3 = path.join(FIXTURES, 'fake-boto3');

interface Datum { MetricName: string; Dimensions: { Name: string; Value: string }[]; Value: number; Unit: string }
interface Request { Namespace: string; MetricData: Datum[] }

function publish(dir: string, checkArgs: string[], env: Record<string, string> = {}) {
  const log = path.join(dir, 'calls.jsonl');
  const run = runChecker(['check', '--baseline', path.join(dir, 'baseline', 'baseline.json'), '--captures', path.join(dir, 'captures'),
    '--output', path.join(dir, 'report'), '--endpoint', 'churn-endpoint', '--cloudwatch-namespace', 'CdkSageMakerGitHub/ModelMonitor', ...checkArgs],
  { PYTHONPATH: FAKE_BOTO3, FAKE_BOTO3_LOG: log, ...env });
  const requests: Request[] = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
  return { run, requests, data: requests.flatMap((r) => r.MetricData) };
}

const byName = (data: Datum[], name: string) => data.filter((d) => d.MetricName === name);
const dims = (d: Datum) => Object.fromEntries(d.Dimensions.map((x) => [x.Name, x.Value]));

describe('a checked window with ground truth', () => {
  const dir = scenarios.cw.dir;
  const { run, requests, data } = publish(dir, ['--ground-truth', path.join(dir, 'ground-truth'), '--problem-type', 'binary']);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report', 'report.json'), 'utf8'));

  test('exits 0 and says how many metrics it published', () => {
    expect([run.status, run.stdout]).toEqual([0, expect.stringContaining(`published ${data.length} metrics to CdkSageMakerGitHub/ModelMonitor`)]);
  });

  test('every request goes to the namespace given', () => {
    expect([...new Set(requests.map((r) => r.Namespace))]).toEqual(['CdkSageMakerGitHub/ModelMonitor']);
  });

  test('the endpoint metrics carry EndpointName alone, with the report\'s values', () => {
    const endpointLevel = Object.fromEntries(['DatasetDrift', 'DriftShare', 'Records', 'Skipped', 'ReportPublished']
      .map((name) => [name, byName(data, name).map((d) => [dims(d), d.Value])]));
    const only = (value: number) => [[{ EndpointName: 'churn-endpoint' }, value]];
    expect(endpointLevel).toEqual({ DatasetDrift: only(0), DriftShare: only(0.25), Records: only(300), Skipped: only(0), ReportPublished: only(1) });
  });

  test('each feature has FeatureDrift (0/1) and FeatureDriftScore with EndpointName and Feature', () => {
    const perFeature = (name: string) => Object.fromEntries(byName(data, name).map((d) => [dims(d).Feature, [dims(d).EndpointName, d.Value]]));
    expect([perFeature('FeatureDrift'), perFeature('FeatureDriftScore')]).toEqual([
      { x1: ['churn-endpoint', 1], x2: ['churn-endpoint', 0], x3: ['churn-endpoint', 0], color: ['churn-endpoint', 0] },
      Object.fromEntries(Object.entries(report.features).map(([n, f]: [string, any]) => [n, ['churn-endpoint', f.score]])),
    ]);
  });

  test('the model-quality metrics of a binary model: Accuracy, Precision, Recall, F1, Auc', () => {
    const quality = Object.fromEntries(['Accuracy', 'Precision', 'Recall', 'F1', 'Auc', 'Mae', 'Rmse', 'R2']
      .flatMap((name) => byName(data, name).map((d) => [name, d.Value])));
    const q = report.model_quality;
    expect(quality).toEqual({ Accuracy: q.accuracy, Precision: q.precision, Recall: q.recall, F1: q.f1, Auc: q.auc });
  });
});

test('a skipped window publishes Records, Skipped = 1 and ReportPublished, and no drift', () => {
  const { run, data } = publish(scenarios.thin.dir, []);
  expect([run.status, data.map((d) => [d.MetricName, d.Value])]).toEqual([0, [['Records', 30], ['Skipped', 1], ['ReportPublished', 1]]]);
});

test('more metrics than one request takes go in batches of at most 1000', () => {
  const { run, requests } = publish(scenarios.wide.dir, []);
  // 1200 per feature, and 8 of the endpoint: Records, Skipped, ReportPublished, DatasetDrift,
  // DriftShare, MissingValueShare, TypeErrors, UnseenCategories
  expect([run.status, requests.map((r) => r.MetricData.length)]).toEqual([0, [1000, 208]]);
});

test('CloudWatch refusing the data: exit 3 with the reason, and the report is still written', () => {
  const dir = scenarios.fail.dir;
  const { run } = publish(dir, [], { FAKE_BOTO3_FAIL: 'AccessDenied: not authorized to perform cloudwatch:PutMetricData' });
  expect([run.status, run.stderr.trim(), fs.existsSync(path.join(dir, 'report', 'report.json'))]).toEqual([3,
    'model_monitor: error: publishing to CloudWatch namespace CdkSageMakerGitHub/ModelMonitor failed: AccessDenied: not authorized to perform cloudwatch:PutMetricData',
    true]);
});
