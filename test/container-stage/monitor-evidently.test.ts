/**
 * The checker's drift figures against Evidently's own report on the same data: Evidently
 * 0.7.23 (a test-only dependency, ~80 packages, in the python scripts/container/monitor.sh
 * makes) runs its DataDriftPreset with every default, inferring the column types itself, on
 * the training data and the rows the captures carry; the checker runs on the baseline and
 * the capture files. Every test, score, decision and the dataset share must agree.
 * It runs in the container stage, where Evidently's install and its ~7 s import cost the
 * fast loop nothing.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { baselineThenCheck, FIXTURES, runScenarios } from '../monitoring/checker/harness';

jest.setTimeout(600_000);

const PYTHON = process.env.MONITOR_EVIDENTLY_PYTHON;
if (!PYTHON) {
  throw new Error('MONITOR_EVIDENTLY_PYTHON is not set: scripts/container/stage.sh sources scripts/container/monitor.sh, which makes it first');
}

const SCENARIOS: Record<string, Record<string, unknown>> = {
  'small-shift': { seed: 21, reference_rows: 500, current_rows: 400, shift: ['x1', 'color'], format: 'mixed' },
  'small-quiet': { seed: 22, reference_rows: 800, current_rows: 300, format: 'csv' },
  'small-missing': { seed: 23, reference_rows: 600, current_rows: 400, shift: ['x3'], missing: { x2: 0.1 }, format: 'json' },
  'small-two-colours': { seed: 24, reference_rows: 400, current_rows: 300, shift: ['color'], colors: 2, format: 'base64' },
  'large-shift': { seed: 25, reference_rows: 3000, current_rows: 800, shift: ['x2', 'x3', 'color'], format: 'mixed' },
  'large-quiet': { seed: 26, reference_rows: 5000, current_rows: 1000, format: 'csv' },
  'large-two-colours': { seed: 27, reference_rows: 2000, current_rows: 500, shift: ['x1', 'color'], colors: 2, format: 'json' },
};

const checker = runScenarios('evidently', Object.entries(SCENARIOS).map(([id, spec]) => ({ id, spec, runs: baselineThenCheck() })), PYTHON);
const evidently = (() => {
  const run = spawnSync(PYTHON, [path.join(FIXTURES, 'evidently_crosscheck.py'), ...Object.values(checker).map((r) => r.dir)], {
    encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DO_NOT_TRACK: '1' },
  });
  if (run.status !== 0) throw new Error(`evidently_crosscheck.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, any>;
})();

/** Equal to within 1e-9 of the larger (p-values reach 1e-40: absolute closeness would prove nothing). */
function relativelyClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

describe.each(Object.keys(SCENARIOS))('%s', (id) => {
  const ours = checker[id].report;
  const theirs = evidently[checker[id].dir];

  test('the same test per feature, with the same threshold', () => {
    const tests = (features: Record<string, any>) => Object.fromEntries(Object.entries(features).map(([n, f]) => [n, `${f.method}@${f.threshold}`]));
    expect(tests(ours.features)).toEqual(tests(theirs.features));
  });

  test('the same score per feature', () => {
    const mismatched = Object.entries(theirs.features)
      .filter(([n, f]: [string, any]) => !relativelyClose(ours.features[n].score, f.score))
      .map(([n, f]: [string, any]) => `${n}: checker ${ours.features[n].score}, evidently ${f.score}`);
    expect(mismatched).toEqual([]);
  });

  test('the same drifted features, share and dataset drift', () => {
    expect([ours.drifted_features.length, ours.drift_share, ours.dataset_drift])
      .toEqual([theirs.drifted_count, theirs.drift_share, theirs.dataset_drift]);
  });
});

test('the scenarios cover every default test: K-S, chi-square, Z, Wasserstein and Jensen-Shannon', () => {
  const used = new Set(Object.values(evidently).flatMap((r: any) => Object.values(r.features).map((f: any) => f.method)));
  expect([...used].sort()).toEqual(['chisquare', 'jensenshannon', 'ks', 'wasserstein', 'z']);
});
