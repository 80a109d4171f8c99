/**
 * The starter honours several hosts: two containers of the built image on one
 * Docker network, named and configured as SageMaker names the hosts of a
 * two-instance job (algo-1, algo-2, resourceconfig.json), train together to
 * one model, which the leader alone writes; it matches the model one host
 * trains on the same data.
 */
import * as fs from 'fs';
import { docker, IMAGE } from './stage';
import { linearRows, MlRoot, smallNoise, TRUE_BIAS, TRUE_WEIGHTS } from '../container/harness';

jest.setTimeout(180_000);

const NETWORK = `stage-two-hosts-${process.pid}`;
const HYPERPARAMETERS = { epochs: '300', learning_rate: '0.1', checkpoint_every: '100', log_every: '100' };

function hostRoot(host: string, hosts: string[]): MlRoot {
  const root = new MlRoot();
  root.writeJson('input/config/hyperparameters.json', HYPERPARAMETERS);
  root.writeJson('input/config/inputdataconfig.json', { train: { TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' } });
  root.writeJson('input/config/resourceconfig.json', { current_host: host, hosts, network_interface_name: 'eth0' });
  root.writeCsv('input/data/train/part-1.csv', linearRows(80, smallNoise));
  for (const dir of ['model', 'output', 'checkpoints']) fs.mkdirSync(root.path(dir), { recursive: true });
  return root;
}

function mounts(root: MlRoot): string[] {
  return ['-v', `${root.path('input')}:/opt/ml/input:ro`, '-v', `${root.path('model')}:/opt/ml/model`,
    '-v', `${root.path('output')}:/opt/ml/output`, '-v', `${root.path('checkpoints')}:/opt/ml/checkpoints`];
}

describe('the starter on two hosts', () => {
  const hosts = ['algo-1', 'algo-2'];
  const roots: MlRoot[] = [];
  beforeAll(() => {
    docker(['network', 'rm', NETWORK]);
    expect(docker(['network', 'create', NETWORK]).status).toBe(0);
  });
  afterAll(() => {
    for (const host of [...hosts, 'algo-solo']) docker(['rm', '-f', `${NETWORK}-${host}`]);
    docker(['network', 'rm', NETWORK]);
    roots.forEach((r) => r.remove());
  });

  test('algo-1 and algo-2 train together to one model, written by the leader only', () => {
    const [leader, worker] = hosts.map((h) => hostRoot(h, hosts));
    roots.push(leader, worker);
    for (const [host, root] of [[hosts[0], leader], [hosts[1], worker]] as const) {
      const started = docker(['run', '-d', '--name', `${NETWORK}-${host}`, '--hostname', host, '--network', NETWORK, '--network-alias', host,
        '--read-only', '--tmpfs', '/tmp', ...mounts(root), IMAGE, 'train']);
      expect(started.status).toBe(0);
    }
    for (const host of hosts) {
      const waited = docker(['wait', `${NETWORK}-${host}`], 120_000);
      const logs = docker(['logs', `${NETWORK}-${host}`]);
      expect({ host, exit: waited.stdout.trim(), stderr: logs.stderr }).toEqual({ host, exit: '0', stderr: '' });
    }
    const leaderLog = docker(['logs', `${NETWORK}-algo-1`]).stdout;
    expect(leaderLog).toContain('data parallel: rank=0; world_size=2; rows=40; sharded=False');
    expect(docker(['logs', `${NETWORK}-algo-2`]).stdout).toContain('data parallel: rank=1; world_size=2; rows=40; sharded=False');

    const model = leader.readJson('model/model.json');
    expect(model.epoch).toBe(300);
    expect(model.weights[0]).toBeCloseTo(TRUE_WEIGHTS[0], 1);
    expect(model.weights[1]).toBeCloseTo(TRUE_WEIGHTS[1], 1);
    expect(model.bias).toBeCloseTo(TRUE_BIAS, 1);
    expect(fs.readdirSync(worker.path('model'))).toEqual([]);
    expect(fs.readdirSync(worker.path('checkpoints'))).toEqual([]);
    expect(leader.exists('checkpoints/checkpoint.json')).toBe(true);

    // One host on the same rows: the same model (the sums are the same, in another order).
    const solo = hostRoot('algo-1', ['algo-1']);
    roots.push(solo);
    const run = docker(['run', '--name', `${NETWORK}-algo-solo`, '--network', 'none', '--read-only', '--tmpfs', '/tmp', ...mounts(solo), IMAGE, 'train']);
    expect(run.status).toBe(0);
    const single = solo.readJson('model/model.json');
    model.weights.forEach((w: number, i: number) => expect(w).toBeCloseTo(single.weights[i], 9));
    expect(model.bias).toBeCloseTo(single.bias, 9);
  });
});
