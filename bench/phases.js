#!/usr/bin/env node
// Where the synth time goes: the library app of bench/app.js, its floor and its typed floor
// (bench/floor.js, checked to emit the library's templates), each run under `node --cpu-prof`,
// and every sample of each profile put in exactly one phase. The figures behind "where the synth
// time goes" in bench/README.md; `npx projen bench:smoke` runs it at N = 1 to check that the
// phases are still found in aws-cdk-lib.
//
//   node bench/phases.js [--kind realtime] [--n 50] [--runs 3] [--lib DIR] [--smoke]
//
// The phases, in the order a sample is tested against them (the first that matches takes it):
//   gc           V8's garbage collector
//   loading      under a `require` (Module._load below the one that runs the app's own file),
//                wherever it happens
//   references   under aws-cdk-lib's resolveReferences: prepareApp's search for references, the
//                first pass over every resource's properties
//   template     under Stack._synthesizeTemplate: the template pass
//   tree         under TreeMetadata._synthesizeTree: tree.json, with every typed L1's properties
//   synth, rest  the rest of app.synth() (aspects, validation, writing the assembly)
//   construct    everything else: the app's own code building the constructs
//   other        samples outside JavaScript (the program, idle)
// Each cell is the median over the runs of the milliseconds of the samples in it (sampled every
// 100 µs). A sample stands for the time since the one before, so on a busy machine the figures
// grow with the time the process waited for a core; on a quiet one they are its CPU time. A
// profiled process runs about a tenth slower than an unprofiled one.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { floorSource, templateDifferences } = require('./floor');
const { median } = require('./stats');

const ROOT = path.join(__dirname, '..');
const CDK = path.dirname(require.resolve('aws-cdk-lib/package.json', { paths: [ROOT] }));
const APP = path.join(__dirname, 'app.js');
const CONTEXT = require('./context');
const SIDES = ['library', 'typed', 'floor'];
const PHASES = ['gc', 'loading', 'references', 'template', 'tree', 'synth, rest', 'construct', 'other'];
/** The phases that are functions of aws-cdk-lib or node: [phase, function name, the end of its file's path]. */
const MARKERS = [
  ['loading', 'Module._load', 'node:internal/modules/cjs/loader'],
  ['references', 'resolveReferences', 'core/lib/private/refs.js'],
  ['template', '_synthesizeTemplate', 'core/lib/stack.js'],
  ['tree', '_synthesizeTree', 'core/lib/private/tree-metadata.js'],
  ['synth, rest', 'synthesize', 'core/lib/private/synthesis.js'],
];
/**
 * The phases the library's profile must have: a missing one means aws-cdk-lib or node renamed a
 * function above. Only the library's: a floor's tree.json pass can take less than one sample
 * (a raw CfnResource writes no properties there).
 */
const REQUIRED = ['loading', 'references', 'template', 'tree', 'synth, rest', 'construct'];

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-sagemaker-github-phases-'));
  try {
    const result = measurePhases({ ...args, work });
    console.log(report(result));
    if (args.smoke) {
      console.log(`bench: phases smoke passed (every phase found in the library's profile of ${args.kind} N=${args.n})`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Runs the three apps `runs` times each (the order rotating) and returns each side's phases per run. */
function measurePhases({ kind, n, runs, lib, work }) {
  const apps = {
    library: [APP, kind, String(n), path.join(work, 'library.out'), String(n), lib],
  };
  run(apps.library);
  for (const side of ['typed', 'floor']) {
    const source = path.join(work, `${side}.js`);
    fs.writeFileSync(source, floorSource(apps.library[3], CDK, CONTEXT, { typed: side === 'typed' }));
    apps[side] = [source, path.join(work, `${side}.out`)];
    run(apps[side]);
    const differences = templateDifferences(apps.library[3], apps[side][1]);
    if (differences.length > 0) {
      throw new Error(`bench: phases: the ${side === 'typed' ? 'typed floor' : 'floor'} of ${kind} N=${n} does not emit the library's templates:\n  ${differences.slice(0, 20).join('\n  ')}`);
    }
  }
  const bySide = Object.fromEntries(SIDES.map((side) => [side, []]));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < SIDES.length; k++) {
      const side = SIDES[(i + k) % SIDES.length];
      const dir = path.join(work, 'profiles', `${side}-${i}`);
      const argv = apps[side];
      fs.rmSync(side === 'library' ? argv[3] : argv[1], { recursive: true, force: true });
      run(['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir, ...argv]);
      const [file] = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
      if (!file) {
        throw new Error(`bench: phases: node --cpu-prof wrote no profile for the ${side} into ${dir}`);
      }
      const phases = phasesOf(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
      const missing = side === 'library' ? REQUIRED.filter((phase) => !(phases[phase] > 0)) : [];
      if (missing.length > 0) {
        throw new Error(`bench: phases: no sample in ${missing.join(', ')} in the profile of the ${side} (${kind} N=${n}): `
          + 'aws-cdk-lib or node renamed a function of MARKERS in bench/phases.js; find its new name and update MARKERS');
      }
      bySide[side].push(phases);
    }
  }
  return { kind, n, runs, bySide };
}

/** Milliseconds per phase of one `.cpuprofile`: each sample in the first phase that matches it. */
function phasesOf(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parents.set(child, node.id);
  }
  const out = Object.fromEntries(PHASES.map((phase) => [phase, 0]));
  const memo = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    let phase = memo.get(id);
    if (phase === undefined) {
      phase = phaseOf(id, nodes, parents);
      memo.set(id, phase);
    }
    out[phase] += (profile.timeDeltas[i] ?? 0) / 1000;
  }
  return out;
}

function phaseOf(id, nodes, parents) {
  const own = nodes.get(id).callFrame.functionName;
  if (own === '(garbage collector)') return 'gc';
  if (own === '(program)' || own === '(idle)' || own === '(root)') return 'other';
  const found = new Map();
  for (let cur = id; cur !== undefined; cur = parents.get(cur)) {
    const { functionName, url } = nodes.get(cur).callFrame;
    for (const [phase, name, file] of MARKERS) {
      if (functionName === name && url.endsWith(file)) found.set(phase, (found.get(phase) ?? 0) + 1);
    }
  }
  // node runs the app's own file through Module._load too: a require is a second one below it.
  if ((found.get('loading') ?? 0) < 2) found.delete('loading');
  return MARKERS.map(([phase]) => phase).find((phase) => found.has(phase)) ?? 'construct';
}

/** A markdown table: the median of each phase per side, and what the library adds to the typed floor and the typed floor to the floor. */
function report({ kind, n, runs, bySide }) {
  const med = (side, phase) => median(bySide[side].map((p) => p[phase]));
  const total = (side) => median(bySide[side].map((p) => PHASES.reduce((sum, phase) => sum + p[phase], 0)));
  const ms = (v) => v.toFixed(0);
  const signed = (v) => {
    const r = Math.round(v);
    return r === 0 ? '0' : `${r > 0 ? '+' : '−'}${Math.abs(r)}`;
  };
  const lines = [
    `${kind}, N = ${n}: ms of samples in each phase (CPU time on a quiet machine), median of ${runs} profiled run(s) of each app (node ${process.version})`,
    '',
    '| phase | library | typed floor | floor | library − typed | typed − floor |',
    '|---|--:|--:|--:|--:|--:|',
  ];
  for (const phase of [...PHASES, 'total']) {
    const [l, t, f] = SIDES.map((side) => (phase === 'total' ? total(side) : med(side, phase)));
    lines.push(`| ${phase} | ${ms(l)} | ${ms(t)} | ${ms(f)} | ${signed(l - t)} | ${signed(t - f)} |`);
  }
  return lines.join('\n');
}

function run(argv) {
  const child = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) {
    throw new Error(`bench: phases: node ${argv.join(' ')} failed (exit ${child.status}):\n${child.stderr}`);
  }
}

function parseArgs(argv) {
  const out = { kind: 'realtime', n: 50, runs: 3, lib: path.join(ROOT, 'lib'), smoke: false };
  const given = { n: '50', runs: '3' };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--kind': out.kind = value; i++; break;
      case '--n': given.n = value; out.n = Number(value); i++; break;
      case '--runs': given.runs = value; out.runs = Number(value); i++; break;
      case '--lib': out.lib = path.resolve(value ?? ''); i++; break;
      case '--smoke': out.smoke = true; break;
      default: throw new Error(`bench: phases: unknown option ${argv[i]} (options: --kind K, --n N, --runs R, --lib DIR, --smoke)`);
    }
  }
  if (out.smoke) {
    out.n = 1;
    out.runs = 1;
  }
  for (const option of ['n', 'runs']) {
    if (!(Number.isInteger(out[option]) && out[option] >= 1)) {
      throw new Error(`bench: phases: --${option} must be a whole number of at least 1, got '${given[option] ?? ''}'; give for example --${option} 5`);
    }
  }
  if (!fs.existsSync(path.join(out.lib, 'index.js'))) {
    throw new Error(`bench: phases: ${path.join(out.lib, 'index.js')} is missing: compile first (npx projen compile) or give --lib`);
  }
  return out;
}

module.exports = { phasesOf, PHASES };
