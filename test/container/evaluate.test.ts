import { linearRows, MlRoot, run, TRUE_BIAS, TRUE_WEIGHTS } from './harness';

// examples/container/evaluate, as a pipeline's evaluation processing step runs it.
describe('evaluate', () => {
  let root: MlRoot;
  const dirs = (model: string): string[] => [
    '--model-dir', root.path(model),
    '--test-dir', root.path('processing/test'),
    '--output-dir', root.path('processing/evaluation'),
  ];

  beforeEach(() => {
    root = new MlRoot();
    // Targets off by exactly +0.5 / -0.5 from the true function: mse 0.25, residual deviation 0.5.
    root.writeCsv('processing/test/test.csv', linearRows(20, (i) => (i % 2 === 0 ? 0.5 : -0.5)), ['x1', 'x2', 'y']);
    root.writeJson('trained/model.json', { weights: TRUE_WEIGHTS, bias: TRUE_BIAS, epoch: 100 });
  });

  afterEach(() => {
    root.remove();
  });

  test('scores the model.tar.gz of a training job and writes evaluation.json in the documented shape', () => {
    root.tarModel('trained', 'processing/model');

    const result = run('evaluate', root, dirs('processing/model'));

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = root.readJson('processing/evaluation/evaluation.json');
    expect(Object.keys(report)).toEqual(['regression_metrics']);
    expect(report.regression_metrics.mse.value).toBeCloseTo(0.25, 9);
    expect(report.regression_metrics.mse.standard_deviation).toBeCloseTo(0.5, 9);
    expect(result.stdout).toMatch(/test_mse=0\.25; rows=20;/);
  });

  test('also reads a plain model.json', () => {
    const result = run('evaluate', root, dirs('trained'));

    expect(result.status).toBe(0);
    expect(root.readJson('processing/evaluation/evaluation.json').regression_metrics.mse.value).toBeCloseTo(0.25, 9);
  });

  test('train then evaluate on held-out rows gives a small mse', () => {
    root.configureTraining({ epochs: '300' });
    root.writeCsv('input/data/train/data.csv', linearRows(40));
    expect(run('train', root).status).toBe(0);
    root.tarModel('model', 'processing/model');
    root.writeCsv('processing/test/test.csv', linearRows(10, () => 0, 200)); // replaces the offset rows

    const result = run('evaluate', root, dirs('processing/model'));

    expect(result.status).toBe(0);
    const mse = root.readJson('processing/evaluation/evaluation.json').regression_metrics.mse.value;
    expect(mse).toBeGreaterThanOrEqual(0);
    expect(mse).toBeLessThan(1e-6);
  });

  test('no model fails with a non-zero exit and an exit message naming the directory', () => {
    const result = run('evaluate', root, dirs('empty'));

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/evaluation failed: no model in .*empty: expected model\.json or model\.tar\.gz/);
    expect(root.read('output/message')).toMatch(/no model in/);
    expect(root.exists('processing/evaluation/evaluation.json')).toBe(false);
  });

  test('test data with the wrong number of features fails', () => {
    root.writeCsv('processing/test/test.csv', [[1, 2, 3, 4]]);

    const result = run('evaluate', root, dirs('trained'));

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/row 1 has 3 values, the model expects 2 features/);
  });

  test('defaults to the processing job paths', () => {
    const result = run('evaluate', root, ['--help']);

    expect(result.status).toBe(0);
    for (const dir of ['/opt/ml/processing/model', '/opt/ml/processing/test', '/opt/ml/processing/evaluation']) {
      expect(result.stdout).toContain(dir);
    }
  });
});
