/**
 * The model monitor's checker on generated capture and ground-truth files in the real
 * layouts: drift flags exactly the shifted features, stays quiet without shift, skips thin
 * windows, reports data quality, and computes model quality from joined ground truth.
 * Every scenario runs in one python process (scenarios.py), so the suite takes seconds.
 */
import * as fs from 'fs';
import * as path from 'path';
import { baselineThenCheck, drifted, readJson, runScenarios, ScenarioPlan } from './checker/harness';

jest.setTimeout(60_000);

const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const labelled = (problem: string, check: string[] = []): ScenarioPlan => ({
  id: `quality-${problem}${check.includes('--min-records') ? '-thin' : ''}`,
  spec: { seed: 9, current_rows: 400, problem_type: problem, labelled_share: 0.8, format: 'mixed', rows_per_request: 2 },
  runs: baselineThenCheck(['--ground-truth', '{dir}/ground-truth', ...check]),
});
const windowSpec = { seed: 7, current_rows: 240, start: '2026-03-01T10:00:00+00:00', hours: 2 };

const results = runScenarios('checker', [
  { id: 'small-shift', spec: { seed: 3, reference_rows: 500, current_rows: 400, shift: ['x1', 'color'], format: 'mixed', rows_per_request: 2 }, runs: baselineThenCheck() },
  { id: 'one-shift', spec: { seed: 4, shift: ['x1'] }, runs: baselineThenCheck() },
  { id: 'z', spec: { seed: 5, colors: 2, shift: ['color'] }, runs: baselineThenCheck() },
  { id: 'large-shift', spec: { seed: 6, reference_rows: 3000, current_rows: 600, shift: ['x2', 'x3', 'color'], format: 'json' }, runs: baselineThenCheck() },
  ...SEEDS.map((seed) => ({ id: `quiet-small-${seed}`, spec: { seed, reference_rows: 500, current_rows: 400, format: 'mixed' }, runs: baselineThenCheck() })),
  ...SEEDS.map((seed) => ({ id: `quiet-large-${seed}`, spec: { seed, reference_rows: 3000, current_rows: 1000, format: 'mixed' }, runs: baselineThenCheck() })),
  { id: 'thin', spec: windowSpec, runs: baselineThenCheck(['--min-records', '500']) },
  { id: 'window', spec: windowSpec, runs: baselineThenCheck(['--start', '2026-03-01T10:00:00Z', '--end', '2026-03-01T11:00:00Z', '--min-records', '10']) },
  { id: 'quality', spec: { seed: 8, current_rows: 400, missing: { x2: 0.1 }, bad_values: { x1: 5 }, new_category: 0.05, format: 'mixed' }, runs: baselineThenCheck() },
  labelled('regression', ['--problem-type', 'regression']),
  labelled('binary'),
  labelled('multiclass', ['--problem-type', 'multiclass']),
  labelled('regression', ['--problem-type', 'regression', '--min-records', '350']),
  { id: 'baseline', spec: { seed: 10 }, runs: baselineThenCheck() },
  {
    id: 'headerless',
    files: { 'data/data.csv': Array.from({ length: 50 }, (_, i) => `${i * 0.5},${(i * 7) % 13}.5`).join('\n') + '\n' },
    runs: [['baseline', '--data', '{dir}/data', '--output', '{dir}/baseline']],
  },
  {
    id: 'integers',
    files: { 'data/data.csv': 'n,k\n' + Array.from({ length: 60 }, (_, i) => `${i},${i % 4}`).join('\n') + '\n' },
    runs: [['baseline', '--data', '{dir}/data', '--output', '{dir}/baseline']],
  },
]);

describe('drift against a small reference (<= 1000 rows: K-S and chi-square, p < 0.05)', () => {
  const { runs, report } = results['small-shift'];

  test('exits 0 with status ok and every row of the window counted', () => {
    expect([runs.map((r) => r.exit), report.status, report.records, report.requests]).toEqual([[0, 0], 'ok', 400, 200]);
  });

  test('flags exactly the shifted features', () => {
    expect(drifted(report)).toEqual(['color', 'x1']);
  });

  test('picks K-S for the numerical features and chi-square for the three-valued category, at 0.05', () => {
    const methods = Object.fromEntries(Object.entries(report.features).map(([n, f]: [string, any]) => [n, `${f.method}@${f.threshold}`]));
    expect(methods).toEqual({ x1: 'ks@0.05', x2: 'ks@0.05', x3: 'ks@0.05', color: 'chisquare@0.05' });
  });

  test('two of four features drifting is half: dataset drift', () => {
    expect([report.drift_share, report.dataset_drift]).toEqual([0.5, true]);
  });
});

test('one shifted feature of four is drift in that feature, not dataset drift', () => {
  const { report } = results['one-shift'];
  expect([drifted(report), report.drift_share, report.dataset_drift]).toEqual([['x1'], 0.25, false]);
});

test('a two-valued category gets the Z-test', () => {
  const { report } = results.z;
  expect([report.features.color.method, report.features.color.drift]).toEqual(['z', true]);
});

describe('drift against a large reference (> 1000 rows: Wasserstein / Jensen-Shannon, >= 0.1)', () => {
  const { report, dir } = results['large-shift'];

  test('flags exactly the shifted features, and dataset drift', () => {
    expect([drifted(report), report.dataset_drift]).toEqual([['color', 'x2', 'x3'], true]);
  });

  test('picks the normed Wasserstein distance for numbers and Jensen-Shannon for the category, at 0.1', () => {
    const methods = Object.fromEntries(Object.entries(report.features).map(([n, f]: [string, any]) => [n, `${f.method}@${f.threshold}`]));
    expect(methods).toEqual({ x1: 'wasserstein@0.1', x2: 'wasserstein@0.1', x3: 'wasserstein@0.1', color: 'jensenshannon@0.1' });
  });

  test('report.html draws the reference and current distribution of each drifted feature, side by side', () => {
    const page = fs.readFileSync(path.join(dir, 'report', 'report.html'), 'utf8');
    const sections = [...page.matchAll(/<h3>([^ <]+) \(/g)].map((m) => m[1]).sort();
    expect(sections).toEqual(['color', 'x2', 'x3']);
    expect(page.match(/<div class="pair"><svg[^>]*aria-label="reference"/g)).toHaveLength(3);
    expect(page.match(/<svg[^>]*aria-label="current"/g)).toHaveLength(3);
  });

  test('the two panels of a pair share one y axis, so heights compare', () => {
    const page = fs.readFileSync(path.join(dir, 'report', 'report.html'), 'utf8');
    const pairs = [...page.matchAll(/<div class="pair">(.*?)<\/div>/g)].map((m) => [...m[1].matchAll(/<text x="2" y="28" font-size="10">([^<]+)<\/text>/g)].map((t) => t[1]));
    expect(pairs.map(([a, b]) => a === b && Number(a) > 0)).toEqual([true, true, true]);
  });
});

describe('without shift it stays quiet across seeds', () => {
  const quiet = (size: string) => SEEDS.map((seed) => results[`quiet-${size}-${seed}`]);

  test('every window is checked', () => {
    expect([...quiet('small'), ...quiet('large')].every((r) => r.runs.every((run) => run.exit === 0) && r.report.status === 'ok')).toBe(true);
  });

  test('small reference: no dataset drift beyond the 5% tests\' chance rate, feature alarms near 5%', () => {
    // 4 features tested at p < 0.05: a window shows dataset drift (>= 2 of 4) by chance 1.4% of
    // the time, and 40 feature tests raise 2 alarms on average (at most 6 with 99.6% probability).
    const windows = quiet('small').filter((r) => r.report.dataset_drift).length;
    const alarms = quiet('small').reduce((n, r) => n + drifted(r.report).length, 0);
    expect({ windows: windows <= 1, alarms: alarms <= 6 }).toEqual({ windows: true, alarms: true });
  });

  test('large reference: no dataset drift in any window', () => {
    expect(quiet('large').map((r) => r.report.dataset_drift)).toEqual(SEEDS.map(() => false));
  });
});

describe('windows', () => {
  test('too few records: skipped with the reason, never "no drift", and exit 0', () => {
    const { runs, report } = results.thin;
    expect([runs[1].exit, report.status, report.records, report.dataset_drift, report.drift_share]).toEqual([0, 'skipped', 240, null, null]);
    expect(report.reason).toBe('240 records in the window, fewer than --min-records 500: too few to tell drift from chance');
  });

  test('the skipped window\'s page says so', () => {
    expect(fs.readFileSync(path.join(results.thin.dir, 'report', 'report.html'), 'utf8')).toContain('skipped: 240 records in the window, fewer than --min-records 500');
  });

  test('--start and --end keep the records inferred in [start, end)', () => {
    const { dir, report } = results.window;
    const hour = path.join(dir, 'captures', 'churn-endpoint', 'AllTraffic', '2026', '03', '01', '10');
    const inHour = fs.readdirSync(hour).reduce((n, f) => n + fs.readFileSync(path.join(hour, f), 'utf8').trim().split('\n').length, 0);
    expect([report.records, report.window]).toEqual([inHour, { start: '2026-03-01T10:00:00Z', end: '2026-03-01T11:00:00Z' }]);
  });
});

describe('data quality', () => {
  const { report } = results.quality;

  test('counts missing values per feature, beside the reference\'s share', () => {
    expect([report.features.x2.missing, report.features.x2.missing_share, report.features.x2.reference_missing_share]).toEqual([40, 0.1, 0]);
  });

  test('counts values of the wrong type', () => {
    expect([report.features.x1.type_errors, report.data_quality.type_errors]).toEqual([5, 5]);
  });

  test('lists categories the reference never had', () => {
    expect(report.features.color.unseen_categories).toEqual({ purple: 20 });
  });
});

describe('model quality from ground truth joined on inferenceId, falling back to eventId', () => {
  function quality(id: string) {
    const { runs, report, expected } = results[id];
    return { exit: runs[1].exit, quality: report.model_quality, expected };
  }

  test('regression: MAE, RMSE and R² over every labelled row', () => {
    const { exit, quality: q, expected } = quality('quality-regression');
    expect(exit).toBe(0);
    expect(q.labelled).toBe(expected.labelled);
    for (const m of ['mae', 'rmse', 'r2']) expect(q[m]).toBeCloseTo(expected.quality[m], 10);
  });

  test('binary: accuracy, precision, recall, F1 and AUC from the scores (the type inferred from 0/1 labels)', () => {
    const { quality: q, expected } = quality('quality-binary');
    expect([q.problem_type, q.problem_type_source, q.labelled]).toEqual(['binary', 'inferred', expected.labelled]);
    for (const m of ['accuracy', 'precision', 'recall', 'f1', 'auc']) expect(q[m]).toBeCloseTo(expected.quality[m], 10);
  });

  test('multiclass: accuracy from the probability vectors, weighted F1 and AUC', () => {
    const { quality: q, expected } = quality('quality-multiclass');
    expect(q.accuracy).toBeCloseTo(expected.quality.accuracy, 10);
    expect([typeof q.f1, typeof q.auc]).toEqual(['number', 'number']);
  });

  test('too few labelled records: model quality skipped with the reason', () => {
    const { quality: q } = quality('quality-regression-thin');
    expect([q.status, q.reason]).toEqual(['skipped', `${q.labelled} labelled records in the window, fewer than --min-records 350`]);
  });
});

describe('baseline', () => {
  const baselineDir = path.join(results.baseline.dir, 'baseline');

  test('baseline.json holds each feature\'s type and the reference the tests need', () => {
    const b = readJson(path.join(baselineDir, 'baseline.json'));
    expect(b.features.map((f: any) => [f.name, f.type, f.type === 'numerical' ? f.sample.length : Object.keys(f.categories).sort()])).toEqual([
      ['x1', 'numerical', 500], ['x2', 'numerical', 500], ['x3', 'numerical', 500], ['color', 'categorical', ['blue', 'green', 'red']],
    ]);
  });

  test('statistics.json has Model Monitor\'s shape', () => {
    const st = readJson(path.join(baselineDir, 'statistics.json'));
    expect([st.version, st.dataset.item_count, st.features.map((f: any) => f.inferred_type)]).toEqual([0, 500, ['Fractional', 'Fractional', 'Fractional', 'String']]);
  });

  test('constraints.json has Model Monitor\'s shape, with the category domain', () => {
    const c = readJson(path.join(baselineDir, 'constraints.json'));
    expect([c.version, c.features[3].string_constraints.domains.sort(), c.monitoring_config.emit_metrics]).toEqual([0, ['blue', 'green', 'red'], 'Enabled']);
  });

  test('headerless CSV names the features feature_<i>', () => {
    const { runs, dir } = results.headerless;
    expect([runs[0].exit, readJson(path.join(dir, 'baseline', 'baseline.json')).features.map((f: any) => f.name)]).toEqual([0, ['feature_0', 'feature_1']]);
  });

  test('integers with at most 10 values are categories, as Evidently infers them', () => {
    expect(readJson(path.join(results.integers.dir, 'baseline', 'baseline.json')).features.map((f: any) => f.type)).toEqual(['numerical', 'categorical']);
  });
});
