import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appDir, consumerOutdir, ROOT } from '../../../scripts/polyglot/consumers';
import { describeConsumer } from '../consumer-suite';

describeConsumer('python');

describe("the Python consumer's workflow", () => {
  test('deploys from a virtual environment with requirements.txt, and installs no npm package of the app', () => {
    const workflow = fs.readFileSync(path.join(consumerOutdir('python'), 'workflows', 'sagemaker.yml'), 'utf8');
    expect(workflow).not.toMatch(/npm ci|cache: npm/);
    expect(workflow).toContain("python -m pip install --quiet --requirement 'requirements.txt'");
    expect(workflow).toContain('source .venv/bin/activate');
  });
});

/**
 * README's Python quick start: its code block holds the `# [quick-start]`
 * region of app.py (imports, AccountSetupStack, ModelStack) and a few lines
 * that wire them into an app; the block runs as it is, in the venv above.
 * POLYGLOT_README checks another file (a README section before it is merged).
 */
describe("README's Python quick start", () => {
  const readme = process.env.POLYGLOT_README ?? path.join(ROOT, 'README.md');

  test('is the code of the Python consumer app, and runs', () => {
    const app = fs.readFileSync(path.join(appDir('python'), 'app.py'), 'utf8');
    const region = /^# \[quick-start\]\n([\s\S]*?)^# \[\/quick-start\]$/m.exec(app);
    expect(region).not.toBeNull();
    const snippet = region![1].trim();
    const block = [...fs.readFileSync(readme, 'utf8').matchAll(/^```python\n([\s\S]*?)^```$/gm)]
      .map((m) => m[1])
      .find((b) => b.includes(snippet));
    if (!block) {
      throw new Error(`${path.relative(ROOT, readme)} has no \`\`\`python block containing the quick-start region of `
        + `test/polyglot/python/app.py; paste it from there:\n\n${snippet}`);
    }

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quick-start-'));
    fs.writeFileSync(path.join(dir, 'app.py'), block);
    const result = spawnSync(path.join(appDir('python'), '.venv', 'bin', 'python'), ['app.py'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CDK_OUTDIR: path.join(dir, 'cdk.out') },
    });
    if (result.status !== 0) {
      throw new Error(`the quick start failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`);
    }
    expect(fs.readdirSync(path.join(dir, 'cdk.out')).filter((f) => f.endsWith('.template.json')).sort())
      .toEqual(['SageMakerGitHubAccountSetup.template.json', 'SageMakerGitHubReference.template.json']);
    expect(fs.existsSync(path.join(dir, '.github', 'workflows', 'sagemaker.yml'))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
