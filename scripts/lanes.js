#!/usr/bin/env node
/**
 * Runs projen tasks in lanes side by side: the tasks of one lane one after the
 * other, the lanes at the same time. Most checks after jest are one process on
 * one core (eslint, tsc, integ-runner, cfn-lint, checkov, the notebook), so two
 * or three lanes keep both cores of the CI machine busy (issue 15).
 *
 *   node scripts/lanes.js 'eslint typecheck' 'integ' 'example cfn-lint checkov'
 *
 * Every line a task prints is prefixed with its name; at the end each task's
 * wall time is listed (and written to test-reports/lanes-<name>.json). Exits
 * non-zero when any task failed; the other lanes still run to the end, so one
 * run shows every failure. Set LANES=1 to run the lanes one after the other.
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const lanes = process.argv.slice(2).map((lane) => lane.split(/\s+/).filter(Boolean)).filter((l) => l.length > 0);
if (lanes.length === 0) {
  console.error('lanes: no lanes given: node scripts/lanes.js "task task" "task" ...');
  process.exit(2);
}
const width = Math.max(...lanes.flat().map((t) => t.length));
const timings = [];

function runTask(task) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npx', ['projen', task], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const prefix = `[${task.padEnd(width)}] `;
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) process.stdout.write(prefix + line + '\n');
      });
      stream.on('end', () => { if (rest) process.stdout.write(prefix + rest + '\n'); });
    }
    child.on('close', (code, signal) => {
      const seconds = (Date.now() - started) / 1000;
      const status = code === 0 ? 0 : (code ?? 1);
      timings.push({ task, seconds, status, signal: signal ?? undefined });
      process.stdout.write(`${prefix}${status === 0 ? 'done' : `FAILED (exit ${code ?? signal})`} in ${seconds.toFixed(1)} s\n`);
      resolve(status);
    });
  });
}

async function runLane(lane) {
  let failed = 0;
  for (const task of lane) {
    if ((await runTask(task)) !== 0) failed++;
  }
  return failed;
}

async function main() {
  const started = Date.now();
  let failures;
  if (process.env.LANES === '1') {
    failures = [];
    for (const lane of lanes) failures.push(await runLane(lane));
  } else {
    failures = await Promise.all(lanes.map(runLane));
  }
  const total = (Date.now() - started) / 1000;
  console.log(`lanes: ${lanes.map((l) => l.join(' → ')).join(' ‖ ')}: ${total.toFixed(1)} s`);
  for (const t of timings) console.log(`  ${t.task.padEnd(width)} ${t.seconds.toFixed(1).padStart(7)} s${t.status === 0 ? '' : '  FAILED'}`);
  const reports = path.join(process.cwd(), 'test-reports');
  fs.mkdirSync(reports, { recursive: true });
  const name = lanes.flat().join('-').replace(/[^A-Za-z0-9-]+/g, '_').slice(0, 80);
  fs.writeFileSync(path.join(reports, `lanes-${name}.json`), JSON.stringify({ total, timings }, null, 2) + '\n');
  process.exit(failures.some((f) => f > 0) ? 1 : 0);
}

main();
