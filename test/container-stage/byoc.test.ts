/**
 * Bring your own container, for real: four fixture containers (one per shape
 * of test/fixtures/containers) built in Docker, each given a rendered
 * TrainingPipeline's Training step exactly as SageMaker lays it out under
 * /opt/ml (hyperparameters, channels, resource config, the code channel's
 * archive), and run as `docker run IMAGE train`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { BASE_IMAGE, docker } from './stage';
import { TrainingInstanceType } from '../../src/pipeline';
import { Distribution, TrainingCode, TrainingPipelineProps } from '../../src/training';
import { MlRoot } from '../container/harness';
import { pipelineDefinition, stepNamed } from '../pipeline/definition-helper';
import { newPipeline } from '../training/helpers';

jest.setTimeout(180_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'containers');
const TAG = (name: string) => `cdk-sagemaker-github-fixture-${name}:stage`;

function build(name: string, buildArgs: Record<string, string>): string {
  const args = Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  const result = docker(['build', '-q', ...args, '-t', TAG(name), path.join(FIXTURES, name)], 300_000);
  if (result.status !== 0) throw new Error(`docker build of ${name} failed: ${result.stderr}`);
  return TAG(name);
}

const images: Record<string, string> = {};
beforeAll(() => {
  images.plain = build('plain-train', { BASE_IMAGE });
  images.toolkit = build('toolkit', { BASE_IMAGE });
  images.baked = build('toolkit-baked', { TOOLKIT_IMAGE: images.toolkit });
  images.dlc = build('dlc-user-script', { TOOLKIT_IMAGE: images.toolkit });
});

interface Rendered {
  readonly args: any;
  /** The synthesized app's folder (assets). */
  readonly outdir: string;
}

/** The Training step of a TrainingPipeline with these props, and the app's assembly. */
function render(props: Partial<TrainingPipelineProps>): Rendered {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  newPipeline(stack, props);
  const args = stepNamed(pipelineDefinition(stack), 'Train').Arguments;
  return { args, outdir: app.synth().directory };
}

/**
 * /opt/ml as SageMaker writes it for the rendered step on host `host`: the config files from the
 * step's own fields, a CSV in every data channel, and the code channel's archive under its key's name.
 */
function layOut(root: MlRoot, rendered: Rendered, host = 'algo-1'): void {
  const { args } = rendered;
  const count = args.ResourceConfig.InstanceCount;
  const hosts = Array.from({ length: typeof count === 'number' ? count : 1 }, (_, i) => `algo-${i + 1}`);
  root.writeJson('input/config/hyperparameters.json', args.HyperParameters ?? {});
  root.writeJson('input/config/resourceconfig.json', { current_host: host, hosts, network_interface_name: 'eth0' });
  root.writeJson('input/config/inputdataconfig.json', Object.fromEntries(args.InputDataConfig.map((c: any) => [c.ChannelName, {
    TrainingInputMode: c.InputMode ?? args.AlgorithmSpecification.TrainingInputMode,
    S3DistributionType: c.DataSource.S3DataSource.S3DataDistributionType,
    RecordWrapperType: 'None',
  }])));
  for (const c of args.InputDataConfig) {
    const uri: string = c.DataSource.S3DataSource.S3Uri;
    if (c.ChannelName === 'code') {
      // An S3Prefix channel of one object: the object lands under its key's last part.
      const key = uri.split('/').pop()!;
      const hash = key.replace(/\..*$/, '');
      const staged = fs.readdirSync(rendered.outdir).find((f) => f.startsWith(`asset.${hash}`));
      if (!staged) throw new Error(`no staged asset ${hash} in ${rendered.outdir}`);
      fs.mkdirSync(root.path('input/data/code'), { recursive: true });
      fs.copyFileSync(path.join(rendered.outdir, staged), root.path('input/data/code', key));
    } else {
      root.writeCsv(`input/data/${c.ChannelName}/part-1.csv`, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    }
  }
  for (const dir of ['model', 'output']) fs.mkdirSync(root.path(dir), { recursive: true });
}

function run(image: string, root: MlRoot): ReturnType<typeof docker> {
  return docker(['run', '--rm', '--network', 'none', '--tmpfs', '/tmp',
    '-v', `${root.path('input')}:/opt/ml/input:ro`, '-v', `${root.path('model')}:/opt/ml/model`, '-v', `${root.path('output')}:/opt/ml/output`,
    image, 'train']);
}

describe('each container shape accepts the Training step rendered for it', () => {
  let root: MlRoot;
  beforeEach(() => { root = new MlRoot(); });
  afterEach(() => root.remove());

  test('a plain train entry point: string hyperparameters, the channels, the resource config', () => {
    const rendered = render({ training: { hyperparameters: { epochs: '3' }, spot: false } });
    layOut(root, rendered);
    const result = run(images.plain, root);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(root.readJson('model/model.json')).toEqual({ shape: 'plain', rows: { train: 3 }, hyperparameters: { epochs: '3' }, host: 'algo-1' });
  });

  test('script mode with the code baked into the image: the toolkit runs sagemaker_program from /opt/ml/code', () => {
    const rendered = render({ training: { code: TrainingCode.fromImage('train.py'), spot: false } });
    layOut(root, rendered);
    const result = run(images.baked, root);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('rows=3;');
    expect(root.readJson('model/model.json')).toEqual({ rows: 3, hosts: ['algo-1'] });
  });

  test('script mode with the code uploaded from the repository: the code channel\'s archive is the submit directory', () => {
    const rendered = render({ training: { code: TrainingCode.fromAsset(path.join(FIXTURES, 'script-mode-code'), 'train.py'), spot: false } });
    layOut(root, rendered);
    expect(fs.readdirSync(root.path('input/data/code'))).toHaveLength(1);
    const result = run(images.toolkit, root);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(root.readJson('model/model.json')).toEqual({ rows: 3, hosts: ['algo-1'] });
  });

  test('a framework container with a user script, launched by torchrun on every host of a two-host job', () => {
    const rendered = render({
      training: {
        instanceType: TrainingInstanceType.of('ml.g5.2xlarge'),
        instanceCount: 2,
        spot: false,
        checkpoints: false,
        distribution: Distribution.torchrun(),
        hyperparameters: { epochs: '2' },
      },
    });
    layOut(root, rendered, 'algo-1');
    const leader = run(images.dlc, root);
    expect(leader.status).toBe(0);
    expect(leader.stdout).toContain('rank=0; world_size=2; epochs=2;');
    expect(root.readJson('model/model.json')).toEqual({ launcher: 'torchrun', world_size: 2, epochs: 2, instance_type: 'ml.g5.2xlarge', master: 'algo-1' });

    const worker = new MlRoot();
    try {
      layOut(worker, rendered, 'algo-2');
      const second = run(images.dlc, worker);
      expect(second.status).toBe(0);
      expect(second.stdout).toContain('rank=1; world_size=2;');
      expect(worker.exists('model/model.json')).toBe(false);
    } finally {
      worker.remove();
    }
  });

  test('the toolkit shape fails with a reason when the step gives it no program', () => {
    const rendered = render({ training: { spot: false } });
    layOut(root, rendered);
    const result = run(images.toolkit, root);
    expect(result.status).toBe(1);
    expect(root.read('output/failure')).toContain('no sagemaker_program hyperparameter and no SAGEMAKER_PROGRAM');
  });
});
