/**
 * The suite each language's consumer app runs (test/polyglot/<language>/<language>.test.ts):
 * install the package built into dist/, synthesize the reference app, and
 * compare its templates and workflows with the TypeScript reference app's.
 *
 * These suites run only in the polyglot stage (`npx projen polyglot`), after
 * the packages are built; the unit-test run ignores test/polyglot/<language>/.
 * Nothing here skips: a missing package, toolchain or reference output fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compareOutdirs, formatDifferences } from '../../scripts/polyglot/compare';
import { consumerOutdir, Language, REFERENCE_OUTDIR, ROOT, runConsumer, StageTimings } from '../../scripts/polyglot/consumers';

/** The step that sets up each language in the deploy job (`deploy.app`, the app's own language). */
const SETUP_STEP: Record<Language, string> = { python: 'Set up Python', java: 'Set up Java', go: 'Set up Go' };

/** The deploy job of a synthesized workflow (its lines, up to the next job). */
export function deployJob(workflow: string): string {
  const lines = workflow.split('\n');
  const start = lines.indexOf('  deploy:');
  if (start < 0) {
    throw new Error('the workflow has no deploy job');
  }
  const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Installing the CDK and compiling against it, cold, takes minutes; never more than this. */
const SYNTH_TIMEOUT_MS = 20 * 60 * 1000;

export function describeConsumer(language: Language): void {
  describe(`${language} consumer app (test/polyglot/${language})`, () => {
    let timings: StageTimings | undefined;
    let failure: Error | undefined;

    beforeAll(() => {
      if (!fs.existsSync(path.join(REFERENCE_OUTDIR, 'manifest.json'))) {
        failure = new Error(`${path.relative(ROOT, REFERENCE_OUTDIR)} is missing: run \`npx projen example\` first`);
        return;
      }
      try {
        timings = runConsumer(language, (line) => process.stderr.write(`[polyglot] ${line}\n`));
      } catch (e) {
        failure = e as Error;
      }
    }, SYNTH_TIMEOUT_MS);

    test('installs the package built into dist/ and synthesizes the reference app', () => {
      if (failure) {
        throw failure;
      }
      expect(timings?.stages.synth).toBeDefined();
    });

    test('templates and generated workflows equal the TypeScript reference app', () => {
      if (failure) {
        throw new Error(`not compared: ${language} did not synthesize`);
      }
      const diffs = compareOutdirs(REFERENCE_OUTDIR, consumerOutdir(language));
      if (diffs.length > 0) {
        throw new Error(`${language} differs from the TypeScript reference app: `
          + formatDifferences(diffs, { reference: 'typescript', consumer: language }));
      }
    });

    test(`the deploy job sets up and installs the ${language} app, not a Node.js one`, () => {
      if (failure) {
        throw new Error(`not checked: ${language} did not synthesize`);
      }
      const job = deployJob(fs.readFileSync(path.join(consumerOutdir(language), 'workflows', 'sagemaker.yml'), 'utf8'));
      expect(job).toContain(`      - name: ${SETUP_STEP[language]}\n`);
      expect(job).toContain('      - name: Install the AWS CDK CLI\n');
      expect(job).not.toMatch(/npm ci|cache: npm|npx cdk/);
    });
  });
}
