import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { standInDir } from './stand-in';

// scripts/integ-synth-once.js in its app mode, as integ-runner calls it, over a
// stand-in app that counts its runs and writes its context and a lock file
// into CDK_OUTDIR (the toolkit's lock files are never copied).
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
