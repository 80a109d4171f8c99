import { linearRows, metricValues, MlRoot, run, Running, smallNoise, TRUE_BIAS, TRUE_WEIGHTS } from './harness';

// The SageMaker training contract of examples/container/train, run on a temporary /opt/ml.
describe('train', () => {
  let root: MlRoot;

  beforeEach(() => {
    root = new MlRoot();
  });

  afterEach(() => {
    root.remove();
  });

  test('learns the generating function, writes model.json and prints metric lines', () => {
    root.configureTraining({ epochs: '400', learning_rate: '0.1' }, ['train', 'validation']);
    // Two files, one with a header row: a channel holds whatever S3 objects were under its prefix.
    const rows = linearRows(60, smallNoise);
    root.writeCsv('input/data/train/part-1.csv', rows.slice(0, 30), ['x1', 'x2', 'y']);
    root.writeCsv('input/data/train/nested/part-2.csv', rows.slice(30));
    root.writeCsv('input/data/validation/validation.csv', linearRows(10, smallNoise, 100));

    const result = run('train', root);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const model = root.readJson('model/model.json');
    expect(model.epoch).toBe(400);
    expect(model.weights).toHaveLength(2);
    expect(model.weights[0]).toBeCloseTo(TRUE_WEIGHTS[0], 1);
    expect(model.weights[1]).toBeCloseTo(TRUE_WEIGHTS[1], 1);
    expect(model.bias).toBeCloseTo(TRUE_BIAS, 1);

    const trainLoss = metricValues(result.stdout, 'train_loss');
    expect(trainLoss.length).toBeGreaterThanOrEqual(2);
    expect(trainLoss.every(Number.isFinite)).toBe(true);
    expect(trainLoss[trainLoss.length - 1]).toBeLessThan(1e-3);
    expect(trainLoss[trainLoss.length - 1]).toBeLessThan(trainLoss[0]);
    const validationLoss = metricValues(result.stdout, 'validation_loss');
    expect(validationLoss).toHaveLength(1);
    expect(validationLoss[0]).toBeLessThan(1e-3);
    expect(root.exists('output/failure')).toBe(false);
  });

  test('hyperparameters arrive as strings and are honoured', () => {
    // Each run gets its own /opt/ml, so no checkpoint carries over.
    const finalLoss = (epochs: string): number => {
      const own = new MlRoot();
      try {
        own.configureTraining({ epochs, learning_rate: '0.05', log_every: '1' });
        own.writeCsv('input/data/train/data.csv', linearRows(40));
        const result = run('train', own);
        expect(result.status).toBe(0);
        expect(own.readJson('model/model.json')).toMatchObject({ epoch: Number(epochs), learning_rate: 0.05 });
        // log_every=1: one line per epoch before the last, then the final line.
        expect(result.stdout.match(/^epoch=\d+; train_loss=/gm)).toHaveLength(Number(epochs) - 1);
        expect(result.stdout).toMatch(new RegExp(`^final: epoch=${epochs}; train_loss=`, 'm'));
        const trainLoss = metricValues(result.stdout, 'train_loss');
        return trainLoss[trainLoss.length - 1];
      } finally {
        own.remove();
      }
    };

    expect(finalLoss('300')).toBeLessThan(finalLoss('3') / 100);
  });

  test('a hyperparameter that is not a number fails the job with its name', () => {
    root.configureTraining({ epochs: 'ten' });
    root.writeCsv('input/data/train/data.csv', linearRows(10));

    const result = run('train', root);

    expect(result.status).toBe(1);
    expect(root.read('output/failure')).toMatch(/hyperparameter epochs must be a number, got 'ten'/);
    expect(root.exists('model/model.json')).toBe(false);
  });

  test('a learning rate that makes training diverge fails the job with advice', () => {
    root.configureTraining({ epochs: '200', learning_rate: '5' });
    root.writeCsv('input/data/train/data.csv', linearRows(20));

    const result = run('train', root);

    expect(result.status).toBe(1);
    expect(root.read('output/failure')).toMatch(/training diverged at epoch \d+; lower learning_rate \(now 5\.0\)/);
  });

  test('a missing train channel fails the job with a failure file that names the channel', () => {
    root.configureTraining({ epochs: '5' }, ['validation']);
    root.writeCsv('input/data/validation/data.csv', linearRows(10));

    const result = run('train', root);

    expect(result.status).not.toBe(0);
    const failure = root.read('output/failure');
    expect(failure).toMatch(/'train' channel is missing/);
    expect(failure).toMatch(/validation/);
    expect(result.stderr).toMatch(/training failed: .*'train' channel/);
    expect(root.exists('model/model.json')).toBe(false);
  });

  test('a malformed CSV row fails the job, naming the file and the line', () => {
    root.configureTraining({ epochs: '5' });
    root.write('input/data/train/data.csv', '1,2,3\n4,5,6\n7,oops,9\n');

    const result = run('train', root);

    expect(result.status).toBe(1);
    expect(root.read('output/failure')).toMatch(/data\.csv line 3: not a row of numbers/);
  });

  test('on several hosts the leader waits for its peers, and fails naming the ones that never connect', () => {
    root.configureTraining({ epochs: '5', peer_timeout: '1' });
    root.writeJson('input/config/resourceconfig.json', { current_host: 'algo-1', hosts: ['algo-1', 'algo-2'] });
    root.writeCsv('input/data/train/data.csv', linearRows(10));

    const result = run('train', root);

    expect(result.status).toBe(1);
    expect(root.read('output/failure')).toBe("hosts ['algo-2'] did not connect to algo-1:7777 within 1 s\n");
  });

  test('a host that is not one of the hosts fails with a reason', () => {
    root.configureTraining({ epochs: '5' });
    root.writeJson('input/config/resourceconfig.json', { current_host: 'algo-3', hosts: ['algo-1', 'algo-2'] });
    root.writeCsv('input/data/train/data.csv', linearRows(10));

    const result = run('train', root);

    expect(result.status).toBe(1);
    expect(root.read('output/failure')).toContain("current_host 'algo-3' is not one of hosts ['algo-1', 'algo-2']");
  });

  test('saves a checkpoint every checkpoint_every epochs', () => {
    root.configureTraining({ epochs: '25', checkpoint_every: '10' });
    root.writeCsv('input/data/train/data.csv', linearRows(20));

    const result = run('train', root);

    expect(result.status).toBe(0);
    const checkpoint = root.readJson('checkpoints/checkpoint.json');
    expect(checkpoint.epoch).toBe(20);
    expect(checkpoint.weights).toHaveLength(2);
    expect(root.readJson('model/model.json').epoch).toBe(25);
  });

  test('SIGTERM (spot interruption) saves a checkpoint and exits; the next run resumes from it', async () => {
    // Effectively endless, and no periodic checkpoint: only SIGTERM can write one.
    root.configureTraining({ epochs: '1000000000', checkpoint_every: '1000000000', log_every: '1000000000' });
    root.writeCsv('input/data/train/data.csv', linearRows(20));

    const first = new Running('train', root);
    let stopped;
    try {
      await first.waitFor(/starting at epoch 0/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      first.signal('SIGTERM');
      stopped = await first.exit(5_000);
    } finally {
      await first.stop();
    }

    expect(stopped).toEqual({ code: 143, signal: null });
    expect(first.stdout).toMatch(/stopped by signal 15 at epoch \d+; checkpoint saved/);
    expect(root.exists('output/failure')).toBe(false);
    const checkpoint = root.readJson('checkpoints/checkpoint.json');
    expect(checkpoint.epoch).toBeGreaterThan(0);
    // The model so far is saved too: StopTrainingJob still uploads /opt/ml/model.
    expect(root.readJson('model/model.json')).toMatchObject({ epoch: checkpoint.epoch, stopped: true });

    // The restarted job finds the synced checkpoint and trains only the remaining epochs.
    root.configureTraining({ epochs: String(checkpoint.epoch + 50), log_every: '10' });
    const second = run('train', root);

    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`resumed from checkpoint at epoch ${checkpoint.epoch}`);
    expect(second.stdout).toContain(`starting at epoch ${checkpoint.epoch}`);
    // Only the remaining epochs ran: every logged epoch (multiples of 10) lies after the checkpoint.
    const logged = [...second.stdout.matchAll(/^epoch=(\d+);/gm)].map((m) => Number(m[1]));
    expect(logged.length).toBeGreaterThanOrEqual(4);
    expect(Math.min(...logged)).toBeGreaterThan(checkpoint.epoch);
    expect(Math.max(...logged)).toBeLessThan(checkpoint.epoch + 50);
    const model = root.readJson('model/model.json');
    expect(model.epoch).toBe(checkpoint.epoch + 50);
    expect(model.stopped).toBeUndefined();
  });
});
