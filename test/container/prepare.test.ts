import { linearRows, MlRoot, run } from './harness';

// examples/container/prepare, as a pipeline's Prepare processing step runs it.
describe('prepare', () => {
  let root: MlRoot;
  const dirs = (): string[] => [
    '--input-dir', root.path('processing/input/raw'),
    '--train-dir', root.path('processing/output/train'),
    '--test-dir', root.path('processing/output/test'),
  ];
  beforeEach(() => { root = new MlRoot(); });
  afterEach(() => root.remove());

  test('drops what is not a row of numbers and splits one row in five off as test data', () => {
    root.writeCsv('processing/input/raw/a.csv', linearRows(20), ['x1', 'x2', 'y']);
    root.write('processing/input/raw/b.csv', '1,2,3\n1,oops,3\n\n4,5,6\n7,8,9,10\n');

    const result = run('prepare', root, dirs());

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('prepared: train_rows=18; test_rows=4; dropped_rows=3;');
    const lines = (file: string) => root.read(file).trim().split('\n');
    expect(lines('processing/output/train/train.csv')).toHaveLength(18);
    expect(lines('processing/output/test/test.csv')).toHaveLength(4);
  });

  test('an empty input fails with the reason in output/message', () => {
    root.write('processing/input/raw/a.csv', 'x,y\n');

    const result = run('prepare', root, dirs());

    expect(result.status).toBe(1);
    expect(root.read('output/message')).toContain('no rows of numbers in');
  });
});
