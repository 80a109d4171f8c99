#!/usr/bin/env node
/**
 * Runs a template scanner (cfn-lint, checkov) only over the templates it has
 * not already passed, the way eslint's cache skips unchanged files (issue 15:
 * the fast loop is CPU-bound on two cores, and the scanners re-read about a
 * hundred unchanged templates on every run).
 *
 *   node scripts/scan-cache.js <tool> <version> <file-flag|-> <command> [args...] --files <file>...
 *
 * A template is skipped when the same tool, at the same version, with the same
 * command and arguments, exited 0 over the same path with the same bytes. That
 * is all a scanner's verdict depends on here (neither reads a config file from
 * the repository). Only a clean scan is remembered: a finding fails every run
 * until it is fixed. The files left are passed to the command as `<file-flag>
 * <file>` each, or appended as they are when the flag is `-`. The cache lives in
 * node_modules/.cache/scan-cache/<tool>/, so a fresh clone (CI) scans
 * everything; SCAN_CACHE=0 scans everything here too (SCAN_CACHE_DIR moves the
 * cache, for its tests).
 */
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

function usage(message) {
  console.error(`scan-cache: ${message}`);
  console.error('usage: node scripts/scan-cache.js <tool> <version> <file-flag|-> <command> [args...] --files <file>...');
  process.exit(2);
}

const argv = process.argv.slice(2);
const filesAt = argv.indexOf('--files');
if (filesAt < 0) usage('no --files given');
const [tool, version, fileFlag, ...command] = argv.slice(0, filesAt);
const files = argv.slice(filesAt + 1);
if (!tool || !fileFlag || command.length === 0) usage('tool, version, file flag and command are all required');
if (!version) usage(`the version of ${tool} is empty: is ${tool} installed? (the task reads it with ${tool} --version)`);
if (!/^[a-z0-9-]+$/.test(tool)) usage(`tool must be lowercase letters, digits and dashes, got '${tool}'`);
if (files.length === 0) usage(`no templates for ${tool}; run npx projen example first`);
for (const file of files) {
  if (!fs.existsSync(file)) usage(`template '${file}' does not exist (an unmatched glob?); run npx projen example first`);
}

const enabled = process.env.SCAN_CACHE !== '0';
const dir = path.join(process.env.SCAN_CACHE_DIR ?? path.join(__dirname, '..', 'node_modules', '.cache', 'scan-cache'), tool);
const commandKey = JSON.stringify([tool, version, fileFlag, command]);
const keyOf = (file) => crypto.createHash('sha256')
  .update(commandKey).update('\0').update(file).update('\0').update(fs.readFileSync(file))
  .digest('hex');
const keys = new Map(files.map((file) => [file, keyOf(file)]));
const passed = (file) => enabled && fs.existsSync(path.join(dir, keys.get(file)));
const todo = files.filter((file) => !passed(file));
const skipped = files.length - todo.length;

if (todo.length === 0) {
  console.log(`${tool}: all ${files.length} templates unchanged since their last clean scan (SCAN_CACHE=0 scans them again)`);
  process.exit(0);
}
if (skipped > 0) console.log(`${tool}: ${skipped} of ${files.length} templates unchanged since their last clean scan; scanning ${todo.length}`);

const args = [...command.slice(1), ...todo.flatMap((file) => (fileFlag === '-' ? [file] : [fileFlag, file]))];
const result = spawnSync(command[0], args, { stdio: 'inherit' });
if (result.error) {
  console.error(`scan-cache: could not run ${command[0]}: ${result.error.message}`);
  process.exit(1);
}
const status = result.status ?? 1;
if (status === 0 && enabled) {
  fs.mkdirSync(dir, { recursive: true });
  const current = new Set(keys.values());
  for (const entry of fs.readdirSync(dir)) {
    if (!current.has(entry)) fs.rmSync(path.join(dir, entry), { force: true });
  }
  for (const file of todo) fs.writeFileSync(path.join(dir, keys.get(file)), `${file}\n`);
}
process.exit(status);
