import { spawnSync } from 'child_process';
import * as path from 'path';

// bench/phases.js puts each sample of a `node --cpu-prof` profile in exactly one phase; these
// profiles are made by hand: a tree of call frames, and samples of 1 ms on chosen frames.
const PHASES_JS = path.join(__dirname, '..', '..', 'bench', 'phases.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { phasesOf, PHASES } = require(PHASES_JS);

const LOADER = 'node:internal/modules/cjs/loader';
const CDK = '/app/node_modules/aws-cdk-lib/core/lib';

interface Frame { readonly name: string; readonly url?: string; readonly children?: Frame[]; readonly samples?: number }

/** A profile of `root`'s tree: every frame with `samples` is sampled that many times, 1 ms each. */
function profile(root: Frame) {
  const nodes: any[] = [];
  const samples: number[] = [];
  const add = (frame: Frame): number => {
    const id = nodes.length + 1;
    const node = { id, callFrame: { functionName: frame.name, url: frame.url ?? '/app/app.js' }, children: [] as number[] };
    nodes.push(node);
    for (let i = 0; i < (frame.samples ?? 0); i++) samples.push(id);
    node.children = (frame.children ?? []).map(add);
    return id;
  };
  add(root);
  return { nodes, samples, timeDeltas: samples.map(() => 1000) };
}

/** node's own frames around an app's file: the main module runs under one Module._load. */
function mainModule(...children: Frame[]): Frame {
  return { name: '(root)', children: [{ name: 'Module._load', url: LOADER, children: [{ name: '', children }] }, { name: '(garbage collector)', samples: 2 }] };
}

const require_ = (...children: Frame[]): Frame => ({ name: 'Module._load', url: LOADER, children });

test('each sample lands in one phase, and the phases add up to the whole profile', () => {
  const phases = phasesOf(profile(mainModule(
    require_({ name: 'compile', samples: 3 }),
    { name: 'ModelEndpoint', samples: 4 },
    {
      name: 'synthesize',
      url: `${CDK}/private/synthesis.js`,
      samples: 1,
      children: [
        { name: 'resolveReferences', url: `${CDK}/private/refs.js`, samples: 5 },
        { name: '_synthesizeTemplate', url: `${CDK}/stack.js`, samples: 6 },
        { name: '_synthesizeTree', url: `${CDK}/private/tree-metadata.js`, samples: 7 },
      ],
    },
  )));
  expect(phases).toEqual({ 'gc': 2, 'loading': 3, 'references': 5, 'template': 6, 'tree': 7, 'synth, rest': 1, 'construct': 4, 'other': 0 });
  expect(Object.keys(phases)).toEqual(PHASES);
});

test('a require during the synth is loading, not the pass it happens in', () => {
  const phases = phasesOf(profile(mainModule({
    name: 'synthesize',
    url: `${CDK}/private/synthesis.js`,
    children: [
      { name: 'resolveReferences', url: `${CDK}/private/refs.js`, samples: 1, children: [require_({ name: 'compile', samples: 2 })] },
    ],
  })));
  expect(phases.loading).toBe(2);
  expect(phases.references).toBe(1);
});

test('the main module\'s own Module._load is not loading: the app\'s code is construct', () => {
  const phases = phasesOf(profile(mainModule({ name: 'add', samples: 3 })));
  expect(phases.construct).toBe(3);
  expect(phases.loading).toBe(0);
});

test('a function of the same name in another file is not the phase', () => {
  const phases = phasesOf(profile(mainModule({ name: 'resolveReferences', url: '/app/lib/other.js', samples: 2 })));
  expect(phases.references).toBe(0);
  expect(phases.construct).toBe(2);
});

describe('a bad command line is refused before anything runs, naming the option and the fix', () => {
  const phases = (...args: string[]) => spawnSync(process.execPath, [PHASES_JS, ...args], { encoding: 'utf8' });

  test.each([
    [['--runs', '0'], "bench: phases: --runs must be a whole number of at least 1, got '0'; give for example --runs 5"],
    [['--n', 'many'], "bench: phases: --n must be a whole number of at least 1, got 'many'; give for example --n 5"],
    [['--n'], "bench: phases: --n must be a whole number of at least 1, got ''; give for example --n 5"],
    [['--fast'], 'bench: phases: unknown option --fast (options: --kind K, --n N, --runs R, --lib DIR, --smoke)'],
    [['--lib', 'no-such-build'], `bench: phases: ${path.resolve('no-such-build', 'index.js')} is missing: compile first (npx projen compile) or give --lib`],
  ])('%j', (args, message) => {
    const result = phases(...args);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
  });

  test('an unknown kind fails with the app\'s usage, which lists the kinds', () => {
    const result = phases('--kind', 'streaming', '--n', '1', '--runs', '1');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('bench: phases: node ');
    expect(result.stderr).toContain('usage: node bench/app.js <realtime|realtime-lean|realtime-shared|serverless|asynchronous|batch|training>');
  });
});
