#!/usr/bin/env node
/**
 * integ-runner, with each integ app synthesized once per run instead of twice
 * (issue 15: the integ lane was the largest CPU cost after jest).
 *
 * To verify a snapshot, integ-runner synthesizes the app once to read its test
 * manifest and then again to diff (a FIXME in its snapshot runner says the first
 * output cannot be trusted, and it removes it). Both runs get the same app, the
 * same context and the same environment, so the second is served here from a
 * copy of the first: integ-runner still synthesizes, reads and diffs exactly the
 * bytes the app writes. A run with other context or environment (another key)
 * synthesizes again. The copies live in a temporary directory for one run of
 * integ-runner and are removed after it: nothing is remembered across runs.
 *
 *   node scripts/integ-synth-once.js run [integ-runner arguments...]
 *       runs integ-runner with --app "node scripts/integ-synth-once.js app {filePath}"
 *   node scripts/integ-synth-once.js app <integ/integ.x.ts>
 *       what integ-runner runs as the app; it synthesizes with ts-node --swc
 *       (node for a .js file), or copies the output of an earlier identical run
 *       when INTEG_SYNTH_ONCE names a directory; without it, it always synthesizes.
 */
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const [mode, ...rest] = process.argv.slice(2);

if (mode === 'run') {
  const memo = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-synth-once-'));
  const app = `node ${path.relative(process.cwd(), __filename) || __filename} app {filePath}`;
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'integ-runner'), [...rest, '--app', app], {
    stdio: 'inherit',
    env: { ...process.env, INTEG_SYNTH_ONCE: memo },
  });
  fs.rmSync(memo, { recursive: true, force: true });
  if (result.error) {
    console.error(`integ-synth-once: could not run integ-runner: ${result.error.message}`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
} else if (mode === 'app') {
  process.exit(app(rest[0]));
} else {
  console.error(`integ-synth-once: the mode must be 'run' or 'app', got '${mode ?? ''}'`);
  process.exit(2);
}

function app(file) {
  if (!file || !fs.existsSync(file)) {
    console.error(`integ-synth-once: app '${file ?? ''}' does not exist; give the integ app's path`);
    return 2;
  }
  const outdir = process.env.CDK_OUTDIR;
  const memo = process.env.INTEG_SYNTH_ONCE;
  const key = memo && outdir ? keyOf(file) : undefined;
  const saved = key ? path.join(memo, key) : undefined;
  if (saved && fs.existsSync(saved)) {
    fs.mkdirSync(outdir, { recursive: true });
    fs.cpSync(saved, outdir, { recursive: true });
    return 0;
  }
  const command = file.endsWith('.js')
    ? [process.execPath, [file]]
    : [path.join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--swc', '--prefer-ts-exts', file]];
  const result = spawnSync(command[0], command[1], { stdio: 'inherit', env: process.env });
  if (result.error) {
    console.error(`integ-synth-once: could not run ${command[0]}: ${result.error.message}`);
    return 1;
  }
  const status = result.status ?? 1;
  if (status === 0 && saved) {
    // Copy what the app wrote, not the toolkit's lock files, then rename into place.
    const partial = `${saved}.${process.pid}.partial`;
    fs.cpSync(outdir, partial, { recursive: true, filter: (src) => !src.endsWith('.lock') });
    try {
      fs.renameSync(partial, saved);
    } catch {
      fs.rmSync(partial, { recursive: true, force: true }); // an identical run saved it first
    }
  }
  return status;
}

/** The app, its context (with any overflow) and every CDK_ variable but the output directory. */
function keyOf(file) {
  const env = Object.keys(process.env).filter((k) => k.startsWith('CDK_') && k !== 'CDK_OUTDIR').sort()
    .map((k) => [k, process.env[k]]);
  const overflow = process.env.CONTEXT_OVERFLOW_LOCATION_ENV;
  return crypto.createHash('sha256').update(JSON.stringify({
    file: path.resolve(file),
    env,
    overflow: overflow && fs.existsSync(overflow) ? fs.readFileSync(overflow, 'utf8') : null,
  })).digest('hex');
}
