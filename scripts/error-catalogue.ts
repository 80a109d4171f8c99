/**
 * Writes docs/errors.md, the catalogue of every error message the library
 * gives for a bad input, from the cases the unit tests recorded through
 * test/errors.ts (`expectError`) in test-reports/errors/*.jsonl.
 *
 *   npx projen errors:catalogue   (runs after jest in the test task)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface Entry { construct: string; property: string; value: string; message: string }

const root = path.join(__dirname, '..');
const dir = path.join(root, 'test-reports', 'errors');
const out = path.join(root, 'docs', 'errors.md');

const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
if (files.length === 0) {
  console.error('errors:catalogue: no recorded cases in test-reports/errors (run jest first)');
  process.exit(1);
}
const byKey = new Map<string, Entry>();
for (const file of files) {
  for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean)) {
    const entry = anonymous(JSON.parse(line) as Entry);
    byKey.set(`${entry.construct}\u0000${entry.property}\u0000${entry.value}\u0000${entry.message}`, entry);
  }
}
/**
 * Messages of the CLI and the checker name the files they were given: a test's temporary
 * directory or this checkout. The catalogue shows them as `<temp>/…` and `./…`, so it is
 * the same on every machine and holds no machine's paths. A message that shows an unresolved
 * token shows its number, which depends on what the test process created before; the
 * catalogue writes it as `<n>`, so that it is the same after every run.
 */
function anonymous(entry: Entry): Entry {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // The checkout first: it may itself lie in the temporary directory.
  const message = entry.message
    .replace(new RegExp(`${escape(root)}/`, 'g'), './')
    .replace(new RegExp(`${escape(fs.realpathSync(os.tmpdir()))}/[^/\\s]+`, 'g'), '<temp>')
    .replace(new RegExp(`${escape(os.tmpdir())}/[^/\\s]+`, 'g'), '<temp>')
    .replace(/(\$\{Token\[[^\]]*?\.)\d+\]\}/g, '$1<n>]}');
  return { ...entry, message };
}

const entries = [...byKey.values()].sort((a, b) =>
  a.construct.localeCompare(b.construct) || a.property.localeCompare(b.property)
  || a.value.localeCompare(b.value) || a.message.localeCompare(b.message));

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const lines = [
  '# Error catalogue',
  '',
  'Every message the library gives at synth for a bad input, produced from the unit tests',
  '(`test/errors.ts`): search it for the words of the error you got. The message names the',
  'property, shows the value and, after the colon, says the fix. Regenerate with',
  '`npx projen test` (or `npx projen errors:catalogue` after jest).',
  '',
];
let construct = '';
for (const e of entries) {
  if (e.construct !== construct) {
    construct = e.construct;
    lines.push('', `## ${construct}`, '', '| property | bad value | message |', '|---|---|---|');
  }
  lines.push(`| \`${cell(e.property)}\` | \`${cell(e.value)}\` | ${cell(e.message)} |`);
}
lines.push('', `${entries.length} cases.`, '');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, lines.join('\n'));
console.log(`errors:catalogue: ${entries.length} cases written to ${path.relative(root, out)}`);
