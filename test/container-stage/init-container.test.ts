/**
 * The starter that `cdk-sagemaker-github init-container` writes, proved by running its own
 * tests (test/container) against the written copy. It needs no Docker engine, but it runs the
 * starter's whole suite a second time (about 10 s of CPU), so it belongs to the stage that proves
 * the starter by running it; the unit suite (test/cli/init-container.test.ts) checks that the
 * copy holds every file byte for byte, with its modes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initContainer } from '../../src/cli/init-container';

const ROOT = path.join(__dirname, '..', '..');

let tree: string;
beforeAll(() => {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'init-container-'));
});
afterAll(() => fs.rmSync(tree, { recursive: true, force: true }));

/**
 * The starter's tests and their harness are copied beside the written copy, so that the
 * harness's `examples/container` is the copy, and nothing else of this repository is there.
 */
test("the written container passes the starter's own tests", () => {
  const quiet = { out: () => undefined, err: () => undefined };
  expect(initContainer({ directory: path.join('examples', 'container'), force: false, help: false }, quiet, tree)).toBe(0);
  fs.mkdirSync(path.join(tree, 'test', 'container'), { recursive: true });
  const suites = fs.readdirSync(path.join(ROOT, 'test', 'container')).filter((f) => f.endsWith('.ts'));
  for (const file of suites) {
    fs.copyFileSync(path.join(ROOT, 'test', 'container', file), path.join(tree, 'test', 'container', file));
  }
  const config = {
    rootDir: tree,
    testMatch: ['<rootDir>/test/container/*.test.ts'],
    // The transform of the unit suites (package.json), types stripped per file.
    transform: { '^.+\\.ts$': [require.resolve('@swc/jest'), { swcrc: false, jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  };
  const result = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci', '--runInBand', '--json'], {
    cwd: tree,
    encoding: 'utf-8',
    timeout: 240_000,
    env: process.env,
  });
  const report = JSON.parse(result.stdout);
  const failed = report.testResults.flatMap((r: any) => r.assertionResults.filter((a: any) => a.status !== 'passed').map((a: any) => a.fullName));
  expect(failed).toEqual([]);
  expect(report.numTotalTestSuites).toBe(suites.filter((f) => f.endsWith('.test.ts')).length);
  expect(report.numPassedTests).toBeGreaterThan(10);
  expect(result.status).toBe(0);
}, 300_000);
