#!/usr/bin/env node
// The benchmark of issue 15 (`npx projen bench`; `npx projen bench:smoke` in the test task).
//
// For each kind of construct (the four endpoint modes and the training pipeline) and each N, it
// synthesizes the library app (bench/app.js, from the compiled lib/), writes the floor (an app
// that emits the same templates with raw CfnResource constructs, bench/floor.js), proves that
// the floor's templates equal the library's, then runs both as whole processes, in pairs, in
// alternating order, and reports the spread of the paired ratios. It also counts the resources
// one construct adds, how many fit in one stack (and proves it: one more is refused by the CDK's
// limit), and times the import of the package against the import of aws-cdk-lib alone.
//
//   node bench/run.js [--smoke] [--runs R] [--n 1,10,50,100] [--kinds realtime,...] [--out FILE] [--lib DIR]
//
// --smoke: N = 1, one pair, every kind; checks the harness (the floor equals the library, the
// comparison finds a difference it must find) and writes nothing. Fails on any broken step.
'use strict';
const { spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { floorSource, stacksOf, templateDifferences } = require('./floor');
const { median } = require('./stats');

const ROOT = path.join(__dirname, '..');
const CDK = path.dirname(require.resolve('aws-cdk-lib/package.json', { paths: [ROOT] }));
const APP = path.join(__dirname, 'app.js');
const MEASURE = path.join(__dirname, 'measure.js');
const CONTEXT = require('./context');
const KINDS = ['realtime', 'realtime-lean', 'realtime-shared', 'serverless', 'asynchronous', 'batch', 'training'];
/** The props of the lean row (bench/app.js `realtime-lean`): issue 15's "capture and alarms off". */
const LEAN_PROPS = '`EndpointMode.realtime({ autoScaling: { maxCapacity: 4 }, dataCapture: { enabled: false } })`, `alarms: { enabled: false }`';
const FULL_NS = [1, 10, 50, 100];
/** CloudFormation's limit, which the CDK enforces at synth (`TooManyResourcesInStack`). */
const MAX_RESOURCES = 500;
const TARGETS = { realtimeResources: 9, realtimeLeanResources: 7, endpointsPerStack: 55, synthRatioAt50: 1.25, importRatio: 1.5 };

const args = parseArgs(process.argv.slice(2));
/** The compiled library under test (--lib, for comparing two builds). */
const LIB = args.lib;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-sagemaker-github-bench-'));
try {
  main();
} finally {
  if (!process.env.BENCH_KEEP) {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main() {
  if (!fs.existsSync(path.join(LIB, 'index.js'))) {
    throw new Error('bench: lib/index.js is missing: compile first (npx projen compile)');
  }
  const started = new Date();
  const loadBefore = os.loadavg();
  log(`bench: ${args.smoke ? 'smoke' : 'full'} run, kinds ${args.kinds.join(',')}, N ${args.ns.join(',')}, ${args.runs} pair(s) each, work dir ${work}`);

  // The smoke checks the harness only: no footprints, which take a synth of a full stack per kind.
  const footprints = {};
  // The lean row of the targets is counted whenever realtime is measured.
  const footprintKinds = args.kinds.includes('realtime') && !args.kinds.includes('realtime-lean') ? [...args.kinds, 'realtime-lean'] : args.kinds;
  for (const kind of args.smoke ? [] : footprintKinds) {
    footprints[kind] = footprint(kind);
    log(`footprint ${kind}: ${footprints[kind].perConstruct} per construct, ${footprints[kind].fit} per stack (proved)`);
  }
  const imports = rounds(args.runs, {
    library: () => measure(['-e', `require(${JSON.stringify(LIB)})`]),
    floor: () => measure(['-e', `require(${JSON.stringify(CDK)})`]),
  });
  log(`import: ${summary(imports)}`);
  // The entry point is lazy: the import alone loads nothing. What a user's first use costs.
  const firstUse = rounds(args.runs, {
    library: () => measure(['-e', `require(${JSON.stringify(LIB)}).ModelEndpoint`]),
    floor: () => measure(['-e', `require(${JSON.stringify(CDK)}).Stack`]),
  });
  log(`first use: ${summary(firstUse)}`);

  const synths = [];
  const planned = args.ns.length * args.kinds.length;
  for (const n of args.ns) {
    for (const kind of args.kinds) {
      const row = synthPairs(kind, n, footprints[kind]?.fit ?? n);
      synths.push(row);
      log(`synth ${kind} N=${n}: ${row.resources} resources in ${row.stacks} stack(s); ${summary(row.pairs)}`);
      if (!args.smoke && synths.length < planned) {
        // A long run that is stopped still leaves what it measured, marked as partial.
        const partial = { started, finished: new Date(), loadBefore, loadAfter: os.loadavg(), footprints, imports, firstUse, synths, partial: `${synths.length} of ${planned} rows` };
        fs.writeFileSync(args.out, results(partial));
      }
    }
  }
  checkTheComparison(path.join(work, 'synth', `${args.kinds[0]}-${args.ns[0]}`, 'library.out'));
  if (args.smoke) {
    log('bench: smoke passed (the floor and the typed floor equal the library for every kind; the comparison finds a planted difference)');
    return;
  }
  const finished = new Date();
  const report = results({ started, finished, loadBefore, loadAfter: os.loadavg(), footprints, imports, firstUse, synths });
  fs.writeFileSync(args.out, report);
  log(`bench: wrote ${path.relative(ROOT, args.out)}`);
}

/** The comparison must see a difference where there is one, or "equal" would prove nothing. */
function checkTheComparison(assembly) {
  const copy = path.join(work, 'planted');
  fs.cpSync(assembly, copy, { recursive: true });
  const [stack] = stacksOf(copy);
  const file = path.join(copy, `${stack.id}.template.json`);
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  const [first] = Object.values(template.Resources);
  first.Properties = { ...first.Properties, Planted: 'difference' };
  fs.writeFileSync(file, JSON.stringify(template));
  const found = templateDifferences(assembly, copy);
  if (found.length !== 1 || !found[0].includes('Planted')) {
    throw new Error(`bench: the template comparison missed a planted difference (found: ${JSON.stringify(found)})`);
  }
}

/**
 * Resources a second construct adds, what a stack holds besides them, and how many fit in one
 * stack: the most that synthesize in one stack, proved by synthesizing them and by the CDK's
 * refusal of one more. (Constructs that share resources, like endpoints of one model, do not
 * all add the same: the fit is searched for, not computed.)
 */
function footprint(kind) {
  const one = resourcesOf(synthLibrary(kind, 1, 1, path.join(work, 'fp', kind, '1')));
  const two = resourcesOf(synthLibrary(kind, 2, 2, path.join(work, 'fp', kind, '2')));
  const perConstruct = two.total - one.total;
  const shared = one.total - perConstruct;
  const byType = {};
  for (const type of Object.keys(two.byType)) {
    const count = two.byType[type] - (one.byType[type] ?? 0);
    if (count > 0) {
      byType[type] = count;
    }
  }
  /** The resources of `n` constructs in one stack, or undefined when the CDK refuses them (> 500). */
  const tried = new Map();
  const attempt = (n) => {
    if (!tried.has(n)) {
      const outdir = path.join(work, 'fp', kind, `n${n}`);
      const child = spawnSync(process.execPath, [APP, kind, String(n), outdir, String(n), LIB], { encoding: 'utf8' });
      if (child.status !== 0 && !/greater than allowed maximum of 500/.test(child.stderr)) {
        throw new Error(`bench: ${n} ${kind} constructs failed to synthesize (exit ${child.status}): ${child.stderr.slice(0, 500)}`);
      }
      const result = child.status === 0 ? resourcesOf(outdir) : undefined;
      if (result && (result.stacks !== 1 || result.total > MAX_RESOURCES)) {
        throw new Error(`bench: ${n} ${kind} constructs should fit one stack, got ${result.total} resources in ${result.stacks} stack(s)`);
      }
      tried.set(n, result);
    }
    return tried.get(n);
  };
  // Exact when every construct adds the same; otherwise the start of the search.
  let fit = Math.floor((MAX_RESOURCES - shared) / perConstruct);
  if (attempt(fit)) {
    while (attempt(fit + 1)) {
      fit++;
    }
  } else {
    let fits = 1;
    while (fits + 1 < fit) {
      const mid = Math.floor((fits + fit) / 2);
      if (attempt(mid)) {
        fits = mid;
      } else {
        fit = mid;
      }
    }
    fit = fits;
  }
  if (!attempt(fit) || attempt(fit + 1)) {
    throw new Error(`bench: the fit of ${kind} is not proved: ${fit} should synthesize in one stack and ${fit + 1} be refused`);
  }
  const atFit = attempt(fit).total;
  return { one: one.total, perConstruct, shared, byType, fit, atFit, average: (atFit - shared) / fit };
}

/**
 * Rounds of the library app, its floor and its typed floor for one kind and N (with `perStack`
 * per stack). The first round runs the library first: the floors are generated from its output,
 * and their templates must equal the library's before any later round runs.
 */
function synthPairs(kind, n, perStack) {
  const dir = path.join(work, 'synth', `${kind}-${n}`);
  const libOut = path.join(dir, 'library.out');
  const checked = new Set();
  /** A floor app of `variant` ('floor' or 'typed'), written from the library's output and checked against it once. */
  const floorRun = (variant) => () => {
    const app = path.join(dir, `${variant}.js`);
    const out = path.join(dir, `${variant}.out`);
    if (!fs.existsSync(app)) {
      const source = floorSource(libOut, CDK, CONTEXT, { typed: variant === 'typed' });
      // Every type the library creates has an L1 class: a raw resource in the typed floor is a harness fault.
      const raw = variant === 'typed' ? source.split('\n').filter((line) => line.startsWith('r = new CfnResource(')) : [];
      if (raw.length > 0) {
        throw new Error(`bench: the typed floor of ${kind} N=${n} left ${raw.length} resource(s) raw, e.g. ${raw[0].slice(0, 200)}`);
      }
      fs.writeFileSync(app, source);
    }
    const measured = fresh(out, () => measure([app, out]));
    if (!checked.has(variant)) {
      const differences = templateDifferences(libOut, out);
      if (differences.length > 0) {
        throw new Error(`bench: the ${variant === 'typed' ? 'typed floor' : 'floor'} of ${kind} N=${n} does not emit the library's templates:\n  ${differences.slice(0, 20).join('\n  ')}`);
      }
      checked.add(variant);
    }
    return measured;
  };
  const result = rounds(args.runs, {
    library: () => fresh(libOut, () => measure([APP, kind, String(n), libOut, String(perStack), LIB])),
    floor: floorRun('floor'),
    typed: floorRun('typed'),
  });
  const { total, stacks } = resourcesOf(libOut);
  return { kind, n, stacks, resources: total, pairs: result };
}

/**
 * `runs` rounds of one run of each of `apps` (library first in the first round: the floors are
 * written from its output), the order rotating so that each goes first in turn and drift in the
 * load cancels out.
 */
function rounds(runs, apps) {
  const names = Object.keys(apps);
  const out = [];
  for (let i = 0; i < runs; i++) {
    const round = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      round[name] = apps[name]();
    }
    out.push(round);
  }
  return out;
}

function fresh(outdir, fn) {
  fs.rmSync(outdir, { recursive: true, force: true });
  return fn();
}

function synthLibrary(kind, n, perStack, outdir) {
  run([APP, kind, String(n), outdir, String(perStack), LIB]);
  return outdir;
}

function run(argv) {
  const child = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) {
    throw new Error(`bench: node ${argv.join(' ')} failed (exit ${child.status}):\n${child.stderr}`);
  }
}

/** One whole process: wall time from outside; CPU time and peak memory from the process itself. */
function measure(argv) {
  const file = path.join(work, `measure-${process.pid}.json`);
  fs.rmSync(file, { force: true });
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-r', MEASURE, ...argv], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, BENCH_MEASURE_FILE: file },
  });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0 || !fs.existsSync(file)) {
    throw new Error(`bench: node ${argv.join(' ')} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return { wallSeconds, ...JSON.parse(fs.readFileSync(file, 'utf8')) };
}

function resourcesOf(outdir) {
  const byType = {};
  let total = 0;
  const stacks = stacksOf(outdir);
  for (const { template } of stacks) {
    for (const resource of Object.values(template.Resources ?? {})) {
      byType[resource.Type] = (byType[resource.Type] ?? 0) + 1;
      total++;
    }
  }
  return { total, byType, stacks: stacks.length };
}

// ---- statistics and the report ----

/** Per round, `side`'s `key` over `over`'s (the library over the floor unless given). */
function ratios(runs, key, side = 'library', over = 'floor') {
  return runs.map((p) => p[side][key] / p[over][key]);
}

function spread(values, digits = 2) {
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

function summary(runs) {
  const seconds = (side) => median(runs.map((p) => p[side].wallSeconds)).toFixed(2);
  const typed = runs[0].typed ? `; vs the typed floor (${seconds('typed')} s) ${spread(ratios(runs, 'wallSeconds', 'library', 'typed'))}` : '';
  return `wall ratio ${spread(ratios(runs, 'wallSeconds'))}, CPU ratio ${spread(ratios(runs, 'cpuSeconds'))}`
    + `, library ${seconds('library')} s vs floor ${seconds('floor')} s${typed}`;
}

function results({ started, finished, loadBefore, loadAfter, footprints, imports, firstUse, synths, partial }) {
  const cdkVersion = require(path.join(CDK, 'package.json')).version;
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = LIB !== path.join(ROOT, 'lib') ? ' (the library from a build given with --lib)'
    // The report itself is written after each row (a partial one): it is not a change to what was measured.
    : git(['status', '--porcelain', '--', 'src', 'bench', `:(exclude)${path.relative(ROOT, args.out)}`]) ? ' (with uncommitted changes in src/ or bench/)' : '';
  const cpus = os.cpus();
  const realtime = footprints.realtime;
  const lean = footprints['realtime-lean'];
  const at50 = synths.find((s) => s.kind === 'realtime' && s.n === 50);
  const subset = args.kinds.length !== KINDS.length || args.ns.join(',') !== FULL_NS.join(',');
  // The command as run, without the options that name paths of this machine (--lib, --out).
  const shown = process.argv.slice(2).filter((a, i, all) => !['--lib', '--out'].includes(a) && !['--lib', '--out'].includes(all[i - 1]));
  const command = `node bench/run.js ${shown.join(' ')}`.trim();
  const importWall = median(ratios(imports, 'wallSeconds'));
  const lines = [];
  const verdict = (ok) => (ok ? 'met' : '**not met**');
  lines.push(
    '# Benchmark results',
    '',
    ...(partial ? [`**Partial: the run was stopped after ${partial}.**`, ''] : []),
    ...(subset ? [`**A subset of the full benchmark: kinds ${args.kinds.join(', ')}; N = ${args.ns.join(', ')}; ${args.runs} pair(s) per row. `
      + 'Rows and targets not listed were not run; the full run is `npx projen bench`.**', ''] : []),
    `Written by \`${command}\`; do not edit by hand. Reproduce with \`npx projen compile && ${command}\``,
    '(the full run: `npx projen compile && npx projen bench`).',
    '',
    `- date: ${started.toISOString()} to ${finished.toISOString()}`,
    `- machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}`,
    `- load average (1 min) before/after: ${loadBefore[0].toFixed(2)} / ${loadAfter[0].toFixed(2)} (other work shared the machine: the ratios of paired runs are what to read)`,
    `- node ${process.version}, aws-cdk-lib ${cdkVersion}, commit ${commit}${dirty}`,
    `- runs: ${args.runs} rounds per row, the apps taking turns to go first; whole processes of compiled JavaScript (\`lib/\`)`,
    '- the floor: an app generated from the library\'s synthesized templates that recreates every resource, output, parameter,',
    '  condition and mapping with raw `CfnResource`/`CfnOutput`/... constructs; the harness checks its templates equal the library\'s',
    '  before it times anything. Both synthesize with path metadata and version reporting off (bench/context.js).',
    '- the typed floor: the same templates from aws-cdk-lib\'s typed L1 classes (`CfnModel`, `CfnRole`, ...) with their properties',
    '  written out, as a hand-written L1 app emits them; also checked equal. It is what the L1 classes cost over raw `CfnResource`,',
    '  which the library cannot avoid while its resources are typed L1s (see bench/README.md); it is not the target\'s floor.',
    '',
    '## Targets',
    '',
    '| target | goal | measured | |',
    '|---|---|---|---|',
    `| resources of a default realtime endpoint (capture, guardrail alarms, autoscaling) | ≤ ${TARGETS.realtimeResources} | ${realtime?.perConstruct ?? '–'} | ${verdict(realtime && realtime.perConstruct <= TARGETS.realtimeResources)} |`,
    `| the same, lean (capture and alarms off: ${LEAN_PROPS}) | ≤ ${TARGETS.realtimeLeanResources} | ${lean?.perConstruct ?? 'not run'} | ${lean ? verdict(lean.perConstruct <= TARGETS.realtimeLeanResources) : ''} |`,
    `| default realtime endpoints in one stack | ≥ ${TARGETS.endpointsPerStack} | ${realtime?.fit ?? '–'} | ${verdict(realtime && realtime.fit >= TARGETS.endpointsPerStack)} |`,
    at50
      ? `| synth of 50 realtime endpoints vs the floor (median wall ratio; CPU ratio beside it) | ≤ ${TARGETS.synthRatioAt50} | ${spread(ratios(at50.pairs, 'wallSeconds'))}; CPU ${spread(ratios(at50.pairs, 'cpuSeconds'))} | ${verdict(median(ratios(at50.pairs, 'wallSeconds')) <= TARGETS.synthRatioAt50)} |`
      : '| synth of 50 realtime endpoints vs the floor | ≤ 1.25 | not run | |',
    `| import of the package vs aws-cdk-lib alone (median wall ratio) | ≤ ${TARGETS.importRatio} | ${spread(ratios(imports, 'wallSeconds'))} | ${verdict(importWall <= TARGETS.importRatio)} |`,
    '',
    'Ratios: median of the paired runs, with the lowest and highest pair in brackets. Where the synth time goes: bench/README.md.',
    ...(at50 ? [
      '',
      `For the synth target: the typed floor alone is ${spread(ratios(at50.pairs, 'wallSeconds', 'typed', 'floor'))} of the floor at N = 50 `
        + `(typed L1 classes, nothing of the library), and the library is ${spread(ratios(at50.pairs, 'wallSeconds', 'library', 'typed'))} of the typed floor.`,
    ] : []),
    '',
    '## Resources per construct',
    '',
    '| kind | what a second construct adds | shared per stack (with the image repository) | fit in one stack | resources at that fit | what the second adds |',
    '|---|---|---|---|---|---|',
  );
  for (const [kind, f] of Object.entries(footprints)) {
    const types = Object.entries(f.byType).map(([type, count]) => `${type.replace(/^AWS::/, '')} ${count}`).join(', ');
    const average = Math.abs(f.average - f.perConstruct) > 1e-9 ? ` (${f.average.toFixed(2)} on average at the fit)` : '';
    lines.push(`| ${kind} | ${f.perConstruct}${average} | ${f.shared} | ${f.fit} | ${f.atFit} (one more is refused: > ${MAX_RESOURCES}) | ${types} |`);
  }
  lines.push(
    '',
    '## Import',
    '',
    'Whole `node -e` processes, paired:',
    '',
    '| wall s / CPU s / peak MiB (medians) | package | aws-cdk-lib | wall ratio | CPU ratio |',
    '|---|---|---|---|---|',
    `| \`require(package)\` vs \`require('aws-cdk-lib')\` | ${stats(imports, 'library')} | ${stats(imports, 'floor')} | ${spread(ratios(imports, 'wallSeconds'))} | ${spread(ratios(imports, 'cpuSeconds'))} |`,
    `| first use: \`require(package).ModelEndpoint\` vs \`require('aws-cdk-lib').Stack\` | ${stats(firstUse, 'library')} | ${stats(firstUse, 'floor')} | ${spread(ratios(firstUse, 'wallSeconds'))} | ${spread(ratios(firstUse, 'cpuSeconds'))} |`,
    '',
    'The entry point is lazy (each name is a getter that loads its file on first use), so the import alone loads',
    'nothing; the first use of a construct loads its files and the aws-cdk-lib modules they use.',
    '',
    '## Synth against the same-template floor',
    '',
    'Each cell: median over the rounds. Library, floor and typed floor: wall s / CPU s / peak MiB. The ratios are the library\'s',
    'over the floor\'s, except the last two columns: the typed floor over the floor, and the library over the typed floor (wall).',
    '',
    '| kind | N | stacks | resources | library | floor | typed floor | wall ratio | CPU ratio | peak memory ratio | typed / floor | library / typed |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  const ordered = [...synths].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.n - b.n);
  for (const s of ordered) {
    lines.push(`| ${s.kind} | ${s.n} | ${s.stacks} | ${s.resources} | ${stats(s.pairs, 'library')} | ${stats(s.pairs, 'floor')} | ${stats(s.pairs, 'typed')} `
      + `| ${spread(ratios(s.pairs, 'wallSeconds'))} | ${spread(ratios(s.pairs, 'cpuSeconds'))} | ${spread(ratios(s.pairs, 'maxRssMiB'))} `
      + `| ${spread(ratios(s.pairs, 'wallSeconds', 'typed', 'floor'))} | ${spread(ratios(s.pairs, 'wallSeconds', 'library', 'typed'))} |`);
  }
  lines.push('');
  return lines.join('\n');
}

function stats(runs, side) {
  const m = (key) => median(runs.map((p) => p[side][key]));
  return `${m('wallSeconds').toFixed(2)} / ${m('cpuSeconds').toFixed(2)} / ${m('maxRssMiB').toFixed(0)}`;
}

function git(argv) {
  try {
    return execFileSync('git', argv, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function log(line) {
  process.stdout.write(`${line}\n`);
}

function parseArgs(argv) {
  const out = { smoke: false, runs: 5, ns: FULL_NS, kinds: KINDS, out: path.join(__dirname, 'RESULTS.md'), lib: path.join(ROOT, 'lib') };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (argv[i + 1] === undefined) {
        throw new Error(`bench: ${argv[i]} needs a value`);
      }
      return argv[++i];
    };
    switch (argv[i]) {
      case '--smoke': out.smoke = true; break;
      case '--runs': out.runs = Number(value()); break;
      case '--n': out.ns = value().split(',').map(Number); break;
      case '--kinds': out.kinds = value().split(','); break;
      case '--out': out.out = path.resolve(value()); break;
      case '--lib': out.lib = path.resolve(value()); break;
      default: throw new Error(`bench: unknown option ${argv[i]} (options: --smoke, --runs R, --n 1,10,50,100, --kinds ${KINDS.join(',')}, --out FILE, --lib DIR)`);
    }
  }
  if (out.smoke) {
    out.runs = 1;
    out.ns = [1];
  }
  if (!(out.runs >= 1) || out.ns.some((n) => !(n >= 1)) || out.kinds.some((k) => !KINDS.includes(k))) {
    throw new Error(`bench: --runs and every --n must be >= 1 and every kind one of ${KINDS.join(', ')}, got runs ${out.runs}, n ${out.ns}, kinds ${out.kinds}`);
  }
  return out;
}
