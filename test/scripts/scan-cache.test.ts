import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { standInDir } from './stand-in';

// scripts/scan-cache.js, run as the cfn-lint and checkov tasks run it, over a
// stand-in scanner that records the files it was given and fails on any file
// holding the word FINDING.
const script = path.join(__dirname, '..', '..', 'scripts', 'scan-cache.js');
const scanner = [
  "const fs = require('fs');",
  'const files = process.argv.slice(2).filter((a) => a !== \'-f\');',
  "fs.writeFileSync(process.env.SCANNED, process.argv.slice(2).join(' '));",
  "process.exit(files.some((f) => fs.readFileSync(f, 'utf8').includes('FINDING')) ? 1 : 0);",
].join('\n');

const tempDir = standInDir('scan-cache', {
  'scanner.js': scanner,
  ...Object.fromEntries(['a', 'b', 'c'].map((name) => [`${name}.template.json`, `{"name":"${name}"}`])),
});

function scan(opts: { version?: string; flag?: string; env?: Record<string, string>; files?: string[] } = {}) {
  const scanned = path.join(tempDir(), 'scanned.txt');
  fs.rmSync(scanned, { force: true });
  const files = opts.files ?? ['a', 'b', 'c'].map((n) => `${n}.template.json`);
  const result = spawnSync('node', [script, 'stand-in', opts.version ?? '1.0', opts.flag ?? '-', 'node', 'scanner.js', '--files', ...files], {
    cwd: tempDir(),
    encoding: 'utf8',
    env: { ...process.env, SCAN_CACHE_DIR: path.join(tempDir(), 'cache'), SCANNED: scanned, SCAN_CACHE: '1', ...opts.env },
  });
  const raw = fs.existsSync(scanned) ? fs.readFileSync(scanned, 'utf8') : '';
  const seen = raw.split(' ').filter((a) => a !== '' && a !== '-f');
  return { status: result.status, seen, raw, out: result.stdout + result.stderr };
}

test('a second run over the same templates scans none of them', () => {
  expect(scan()).toMatchObject({ status: 0, seen: ['a.template.json', 'b.template.json', 'c.template.json'] });
  const again = scan();
  expect(again).toMatchObject({ status: 0, seen: [] });
  expect(again.out).toContain('stand-in: all 3 templates unchanged since their last clean scan');
});

test('only a changed template is scanned again', () => {
  scan();
  fs.writeFileSync(path.join(tempDir(), 'b.template.json'), '{"name":"b2"}');
  const again = scan();
  expect(again).toMatchObject({ status: 0, seen: ['b.template.json'] });
  expect(again.out).toContain('2 of 3 templates unchanged');
});

test('a finding fails every run until it is fixed, and its clean neighbours are not remembered with it', () => {
  fs.writeFileSync(path.join(tempDir(), 'c.template.json'), '{"FINDING":true}');
  expect(scan().status).toBe(1);
  expect(scan()).toMatchObject({ status: 1, seen: ['a.template.json', 'b.template.json', 'c.template.json'] });
  fs.writeFileSync(path.join(tempDir(), 'c.template.json'), '{"name":"c"}');
  expect(scan().status).toBe(0);
  expect(scan().seen).toEqual([]);
});

test('another version of the tool, or other arguments, scan everything again', () => {
  scan();
  expect(scan({ version: '1.1' }).seen).toHaveLength(3);
  expect(scan({ flag: '-f' }).seen).toHaveLength(3);
});

test('the file flag goes before each file; without one the files are appended', () => {
  expect(scan({ flag: '-f' }).raw).toBe('-f a.template.json -f b.template.json -f c.template.json');
  expect(scan({ env: { SCAN_CACHE: '0' } }).raw).toBe('a.template.json b.template.json c.template.json');
});

test('SCAN_CACHE=0 scans everything every time', () => {
  scan();
  expect(scan({ env: { SCAN_CACHE: '0' } }).seen).toHaveLength(3);
});

test('a template that does not exist is an error, not a clean scan', () => {
  const result = scan({ files: ['a.template.json', 'examples/out/*.template.json'] });
  expect(result.status).toBe(2);
  expect(result.out).toContain("scan-cache: template 'examples/out/*.template.json' does not exist (an unmatched glob?); run npx projen example first");
  expect(result.seen).toEqual([]);
});

test('an empty version (the scanner is not installed) is an error', () => {
  const result = spawnSync('node', [script, 'cfn-lint', '', '-', 'cfn-lint', '--files', 'a.template.json'], { cwd: tempDir(), encoding: 'utf8' });
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('scan-cache: the version of cfn-lint is empty: is cfn-lint installed?');
});

test('the cache holds one entry per template: a changed template replaces its old entry', () => {
  scan();
  fs.writeFileSync(path.join(tempDir(), 'b.template.json'), '{"name":"b2"}');
  scan();
  expect(fs.readdirSync(path.join(tempDir(), 'cache', 'stand-in'))).toHaveLength(3);
});

test.each([
  [['stand-in', '1.0', '-', 'node', 'scanner.js', 'a.template.json'], 'scan-cache: no --files given'],
  [['stand-in', '1.0', '--files', 'a.template.json'], 'scan-cache: tool, version, file flag and command are all required'],
  [['Stand In', '1.0', '-', 'node', '--files', 'a.template.json'], "scan-cache: tool must be lowercase letters, digits and dashes, got 'Stand In'"],
  [['stand-in', '1.0', '-', 'node', '--files'], 'scan-cache: no templates for stand-in; run npx projen example first'],
])('a bad command line is an error: %j', (args, message) => {
  const result = spawnSync('node', [script, ...args], { cwd: tempDir(), encoding: 'utf8' });
  expect(result.status).toBe(2);
  expect(result.stderr).toContain(message);
});
