import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { standInDir } from './stand-in';

// scripts/integ-synth-once.js in its app mode, as integ-runner calls it (the run
// mode is the describe at the end), over a stand-in app that counts its runs and
// writes its context and a lock file into CDK_OUTDIR (the toolkit's lock files
// are never copied).
const script = path.join(__dirname, '..', '..', 'scripts', 'integ-synth-once.js');
const standIn = [
  "const fs = require('fs'); const path = require('path');",
  "fs.appendFileSync(process.env.RUNS, 'x');",
  "if (process.env.CDK_CONTEXT_JSON === 'fail') process.exit(3);",
  "fs.mkdirSync(path.join(process.env.CDK_OUTDIR, 'nested'), { recursive: true });",
  "fs.writeFileSync(path.join(process.env.CDK_OUTDIR, 'nested', 'S.template.json'), process.env.CDK_CONTEXT_JSON);",
  "fs.writeFileSync(path.join(process.env.CDK_OUTDIR, 'synth.lock'), 'lock');",
].join('\n');

const tempDir = standInDir('integ-synth-once', { 'integ.app.js': standIn, 'memo/.keep': '' });

function synth(outdir: string, context = '{"a":1}', memo = true) {
  const env: Record<string, string | undefined> = {
    ...process.env, CDK_OUTDIR: path.join(tempDir(), outdir), CDK_CONTEXT_JSON: context, RUNS: path.join(tempDir(), 'runs'),
  };
  if (memo) env.INTEG_SYNTH_ONCE = path.join(tempDir(), 'memo'); else delete env.INTEG_SYNTH_ONCE;
  const result = spawnSync('node', [script, 'app', 'integ.app.js'], { cwd: tempDir(), encoding: 'utf8', env });
  const runs = fs.existsSync(path.join(tempDir(), 'runs')) ? fs.readFileSync(path.join(tempDir(), 'runs'), 'utf8').length : 0;
  return { status: result.status, runs, err: result.stderr };
}
const template = (outdir: string) => fs.readFileSync(path.join(tempDir(), outdir, 'nested', 'S.template.json'), 'utf8');

test('a second run with the same context gets a copy of the first output and does not run the app', () => {
  expect(synth('out1')).toMatchObject({ status: 0, runs: 1 });
  expect(synth('out2')).toMatchObject({ status: 0, runs: 1 });
  expect(template('out2')).toBe('{"a":1}');
  expect(fs.existsSync(path.join(tempDir(), 'out2', 'synth.lock'))).toBe(false);
});

test('other context runs the app again', () => {
  synth('out1');
  expect(synth('out2', '{"a":2}')).toMatchObject({ status: 0, runs: 2 });
  expect(template('out2')).toBe('{"a":2}');
});

test('a failed run is not remembered, and its exit code is passed on', () => {
  expect(synth('out1', 'fail')).toMatchObject({ status: 3, runs: 1 });
  expect(synth('out2', 'fail')).toMatchObject({ status: 3, runs: 2 });
});

test('without INTEG_SYNTH_ONCE (integ:update, or an app run by hand) every run synthesizes', () => {
  synth('out1', '{"a":1}', false);
  expect(synth('out2', '{"a":1}', false)).toMatchObject({ status: 0, runs: 2 });
  expect(fs.readdirSync(path.join(tempDir(), 'memo'))).toEqual(['.keep']);
});

test('a bad mode or a missing app is an error', () => {
  const mode = spawnSync('node', [script, 'synth'], { encoding: 'utf8' });
  expect(mode.status).toBe(2);
  expect(mode.stderr).toContain("integ-synth-once: the mode must be 'run' or 'app', got 'synth'");
  const missing = spawnSync('node', [script, 'app', 'integ/integ.nothing.ts'], { encoding: 'utf8' });
  expect(missing.status).toBe(2);
  expect(missing.stderr).toContain("integ-synth-once: app 'integ/integ.nothing.ts' does not exist; give the integ app's path");
});

// The run mode, from a copy of the script beside a stand-in integ-runner in its
// node_modules/.bin: the stand-in synthesizes the app twice through the --app it
// is given, as integ-runner does to verify a snapshot, and records what it got.
describe('run', () => {
  const standInRunner = [
    '#!/usr/bin/env node',
    "const { execSync } = require('child_process'); const fs = require('fs'); const path = require('path');",
    'const args = process.argv.slice(2);',
    'const memo = process.env.INTEG_SYNTH_ONCE;',
    "fs.writeFileSync('runner.json', JSON.stringify({ args, memo, memoExists: !!memo && fs.existsSync(memo) }));",
    "for (const out of ['out1', 'out2']) {",
    "  execSync(args[args.indexOf('--app') + 1].replace('{filePath}', 'integ.app.js'), { stdio: 'inherit',",
    "    env: { ...process.env, CDK_OUTDIR: path.resolve(out), CDK_CONTEXT_JSON: '{\"a\":1}', RUNS: path.resolve('runs') } });",
    '}',
    'process.exit(Number(process.env.RUNNER_EXIT));',
  ].join('\n');
  const runDir = standInDir('integ-synth-once-run', {
    'integ.app.js': standIn,
    'scripts/integ-synth-once.js': fs.readFileSync(script, 'utf8'),
    'node_modules/.bin/integ-runner': standInRunner,
  });

  function run(exit: number) {
    fs.chmodSync(path.join(runDir(), 'node_modules', '.bin', 'integ-runner'), 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, RUNNER_EXIT: String(exit) };
    delete env.INTEG_SYNTH_ONCE;
    const result = spawnSync('node', ['scripts/integ-synth-once.js', 'run', '--directory', 'integ'], { cwd: runDir(), encoding: 'utf8', env });
    const runner = JSON.parse(fs.readFileSync(path.join(runDir(), 'runner.json'), 'utf8'));
    const runs = fs.readFileSync(path.join(runDir(), 'runs'), 'utf8').length;
    return { status: result.status, runs, runner, err: result.stderr };
  }

  test('hands integ-runner its arguments, the app mode as --app and a memo directory; two synths run the app once', () => {
    const { status, runs, runner } = run(0);
    expect(status).toBe(0);
    expect(runner.args).toEqual(['--directory', 'integ', '--app', 'node scripts/integ-synth-once.js app {filePath}']);
    expect(runner.memoExists).toBe(true);
    expect(runs).toBe(1);
    expect(fs.readFileSync(path.join(runDir(), 'out2', 'nested', 'S.template.json'), 'utf8')).toBe('{"a":1}');
  });

  test('removes the memo directory after the run, and passes on the exit code of integ-runner', () => {
    const { status, runner } = run(4);
    expect(status).toBe(4);
    expect(fs.existsSync(runner.memo)).toBe(false);
  });

  test('an integ-runner that cannot be run is an error', () => {
    fs.rmSync(path.join(runDir(), 'node_modules'), { recursive: true });
    const result = spawnSync('node', ['scripts/integ-synth-once.js', 'run'], { cwd: runDir(), encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^integ-synth-once: could not run integ-runner: spawnSync .*integ-runner ENOENT$/m);
  });
});
