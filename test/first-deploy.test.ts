/**
 * A team's first deploy, from an empty account, with exactly the commands the
 * README gives: the stacks of the first `cdk deploy` need no value that does
 * not exist yet (no model version before the first training), and create no
 * endpoint; the stacks that serve a model are deployed by the GitHub deploy
 * job, which passes the approved version.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildReferenceApp } from '../examples/reference-app';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

interface Template {
  Parameters?: Record<string, { Default?: unknown }>;
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
}

/** The stacks (and parameters) of the `cdk deploy` in the bash block after `<!-- first-deploy NAME -->`. */
function firstDeploy(name: string): { stacks: string[]; parameters: string[] } {
  const marker = `<!-- first-deploy ${name} -->`;
  const at = README.indexOf(marker);
  if (at < 0) {
    throw new Error(`README.md has no ${marker} before the bash block of the first deploy`);
  }
  const block = /```bash\n([\s\S]*?)```/.exec(README.slice(at))![1];
  const command = block.split('\n').find((line) => /^npx cdk deploy /.test(line));
  if (!command) {
    throw new Error(`the block after ${marker} has no line starting with 'npx cdk deploy'`);
  }
  const words = command.replace(/#.*$/, '').trim().split(/\s+/).slice(3);
  const parameters = words.flatMap((w, i) => (words[i - 1] === '--parameters' ? [w.split('=')[0]] : []));
  const stacks = words.filter((w, i) => !w.startsWith('-') && words[i - 1] !== '--parameters');
  return { stacks, parameters };
}

/** Checks the first deploy of `templates` (stack name → template) and returns the stacks left for the deploy job. */
function expectDeployableFirst(templates: Record<string, Template>, name: string): string[] {
  const { stacks, parameters } = firstDeploy(name);
  expect(stacks.length).toBeGreaterThan(0);
  for (const stack of stacks) {
    expect(Object.keys(templates)).toContain(stack);
    const template = templates[stack];
    // Every parameter has a default or is passed by the command.
    const needed = Object.entries(template.Parameters ?? {})
      .filter(([id, p]) => p.Default === undefined && !parameters.includes(id))
      .map(([id]) => `${stack}.${id}`);
    expect(needed).toEqual([]);
    // Nothing serves a model: there is none before the first training.
    const serving = Object.entries(template.Resources ?? {})
      .filter(([, r]) => ['AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint'].includes(r.Type))
      .map(([id]) => `${stack}.${id}`);
    expect(serving).toEqual([]);
  }
  return Object.keys(templates).filter((s) => !stacks.includes(s));
}

describe('the README quick start', () => {
  const source = fs.readFileSync(path.join(ROOT, 'examples', 'quick-start', 'app.ts'), 'utf8');
  const region = /^\/\/ \[quick-start\]\n([\s\S]*?)^\/\/ \[\/quick-start\]$/m.exec(source)![1];

  test('is the runnable app examples/quick-start/app.ts', () => {
    const published = region.replace("from '../../src'", "from 'cdk-sagemaker-github'");
    expect(README).toContain('```ts fixture=quick-start\n' + published + '```');
  });

  test('deploys first without a model, and leaves serving to the deploy job', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'quick-start-'));
    const cwd = process.cwd();
    const previous = process.env.CDK_OUTDIR;
    try {
      process.env.CDK_OUTDIR = outdir;
      process.chdir(outdir); // the workflow is written relative to the app's directory
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => require('../examples/quick-start/app'));
    } finally {
      process.chdir(cwd);
      if (previous === undefined) delete process.env.CDK_OUTDIR; else process.env.CDK_OUTDIR = previous;
    }
    const templates = Object.fromEntries(fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'))
      .map((f) => [f.replace('.template.json', ''), JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8')) as Template]));
    expect(Object.keys(templates).sort()).toEqual(['FraudModel', 'FraudServing']);
    expect(expectDeployableFirst(templates, 'quick-start')).toEqual(['FraudServing']);
    expect(fs.existsSync(path.join(outdir, '.github', 'workflows', 'sagemaker.yml'))).toBe(true);
  });
});

describe('the reference app', () => {
  test('deploys first without a model, and leaves serving to the deploy job', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'reference-')) });
    const stacks = buildReferenceApp(app);
    const assembly = app.synth();
    const templates = Object.fromEntries(stacks.map((s) => [s.stackName, assembly.getStackByName(s.stackName).template as Template]));
    expect(expectDeployableFirst(templates, 'reference-app')).toEqual(['SageMakerGitHubServing']);
  });
});
