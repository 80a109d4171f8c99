/**
 * local-run's checks before anything runs: the command line, the assembly,
 * the definition, the data folder. No Docker and no python here (the
 * container stage runs the rest: test/container-stage/).
 */
import * as fs from 'fs';
import * as path from 'path';
import { pipelineTemplate, tempDir, trainingDefinition, writeAssembly } from './fixtures';
import { findPipeline, listPipelines, readAssembly } from '../../src/cli/assembly';
import { localModeProblems, parameterValues, readDefinition, staticValue } from '../../src/cli/definition';
import { containerLog, prepare } from '../../src/cli/local-run';
import { main } from '../../src/cli/main';
import { parseLocalRunArgs } from '../../src/cli/options';
import { expectError } from '../errors';

const io = { out: () => undefined, err: () => undefined, env: {} };
const args = (...a: string[]) => parseLocalRunArgs(a, {});

describe('the command line', () => {
  test('defaults', () => {
    expect(args()).toMatchObject({ app: 'cdk.out', work: '.local-run', region: 'us-east-1', servingPort: 8080, quiet: false, images: [] });
    expect(parseLocalRunArgs([], { AWS_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
    expect(args('--parameter', 'A=1=2', '--stack-parameter=B=x', '--image', 'u=t', '--image=tag').parameters).toEqual({ A: '1=2' });
  });

  test.each([
    [['--nope'], 'unknown option --nope: see cdk-sagemaker-github local-run --help'],
    [['--app'], '--app needs a value, e.g. --app cdk.out'],
    [['--data', '--quiet'], '--data needs a value, e.g. --data ./data'],
    [['--parameter', 'NoEquals'], '--parameter NoEquals: expected NAME=VALUE, e.g. --parameter QualityThreshold=0.5'],
    [['--stack-parameter', '=x'], '--stack-parameter =x: expected NAME=VALUE, e.g. --stack-parameter ImageTag=dev'],
    [['--image', 'uri='], '--image uri=: expected a local image TAG, or URI=TAG, e.g. --image my-model:latest'],
    [['--serving-port', '70000'], '--serving-port 70000: expected a port number from 1 to 65535, e.g. --serving-port 8080'],
  ])('%j is refused: %s', (argv, message) => {
    const value = argv.length > 1 ? JSON.stringify(argv.slice(1).join(' ')) : 'nothing';
    expectError(() => args(...argv), { construct: 'local-run', property: argv[0], value }, message);
  });

  test('main prints usage errors without a stack trace and exits 2', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s) => { written.push(String(s)); return true; });
    try {
      expect(main(['deploy'])).toBe(2);
      expect(main(['local-run', '--app', path.join(tempDir(), 'missing')])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(written[0]).toBe('cdk-sagemaker-github: unknown command deploy: the commands are init-container and local-run (cdk-sagemaker-github --help)\n');
    expect(written[1]).toMatch(/^cdk-sagemaker-github: --app \S+missing is not a synthesized cloud assembly \(no manifest\.json\): run cdk synth first/);
  });
});

describe('finding the pipeline', () => {
  const two = writeAssembly({ A: pipelineTemplate(trainingDefinition()), B: pipelineTemplate(trainingDefinition()) });
  const pipelines = listPipelines(readAssembly(two, { region: 'us-east-1', stackParameters: {} }));

  test('by construct path, logical id after the stack, or pipeline name', () => {
    expect(findPipeline(pipelines, 'A/Pipeline', two).stack.stackName).toBe('A');
    expect(findPipeline(pipelines, 'B/Pipeline', two).stack.stackName).toBe('B');
  });

  test('several, and none chosen: lists them', () => {
    expectError(() => findPipeline(pipelines, undefined, two), { construct: 'local-run', property: '--pipeline', value: 'nothing, with 2 pipelines' }, /has 2 pipelines: choose one with --pipeline <construct path, logical id or name>:\n {2}A\/Pipeline \(logical id Pipeline, pipeline my-pipeline\)\n {2}B\/Pipeline/);
  });

  test('an unknown one: lists those there are', () => {
    expectError(() => findPipeline(pipelines, 'C/Training', two), { construct: 'local-run', property: '--pipeline', value: "'C/Training'" }, /--pipeline C\/Training is not a pipeline of \S+; its pipelines are:\n {2}A\/Pipeline/);
  });

  test('an ambiguous one: asks for a construct path', () => {
    expectError(() => findPipeline(pipelines, 'my-pipeline', two), { construct: 'local-run', property: '--pipeline', value: "'my-pipeline', the name of 2" }, '--pipeline my-pipeline matches 2 pipelines: use a construct path instead');
  });

  test('an app without pipelines says what makes one', () => {
    expectError(() => findPipeline([], undefined, 'cdk.out'), { construct: 'local-run', property: '--app', value: 'an app without pipelines' },
      '--app cdk.out has no AWS::SageMaker::Pipeline: synthesize an app with a TrainingPipeline or a batch ModelEndpoint, or point --app at its cdk.out');
  });

  test('a definition that uses a stack parameter without a default names it', () => {
    const dir = writeAssembly({
      S: {
        Parameters: { Tag: { Type: 'String' } },
        Resources: {
          Pipeline: {
            Type: 'AWS::SageMaker::Pipeline',
            Properties: { PipelineDefinition: { PipelineDefinitionBody: { 'Fn::Join': ['', ['{"Steps":[],"Parameters":[{"Name":"T","DefaultValue":"', { Ref: 'Tag' }, '"}]}']] } } },
          },
        },
      },
    });
    const [pipeline] = listPipelines(readAssembly(dir, { region: 'us-east-1', stackParameters: {} }));
    expectError(() => readDefinition(pipeline), { construct: 'local-run', property: '--stack-parameter', value: 'nothing, for a parameter without a default' }, 'the definition of S/Pipeline uses stack parameter Tag, which has no default: pass --stack-parameter Tag=<value>');
    const [given] = listPipelines(readAssembly(dir, { region: 'us-east-1', stackParameters: { Tag: 'dev' } }));
    expect(readDefinition(given).Parameters![0].DefaultValue).toBe('dev');
  });
});

describe('what local mode cannot run', () => {
  const problems = (change: (d: any) => void, parameters: Record<string, string> = {}) => {
    const d = trainingDefinition();
    change(d);
    return localModeProblems(d, parameterValues(d, parameters));
  };
  const train = (d: any) => d.Steps[0].Arguments;

  test('a definition it can run has no problems', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  test('instance groups', () => {
    expect(problems((d) => {
      train(d).ResourceConfig = { InstanceGroups: [{ InstanceGroupName: 'gpu', InstanceType: 'ml.g5.xlarge', InstanceCount: 2 }] };
    })).toEqual(['step Train uses instance groups (ResourceConfig.InstanceGroups: gpu (2 x ml.g5.xlarge)), which local mode cannot run: '
      + 'for a local run give the training job instanceType and instanceCount instead of instanceGroups']);
  });

  test('pipe mode, for the job and per channel, also through a parameter', () => {
    expect(problems((d) => { train(d).AlgorithmSpecification.TrainingInputMode = 'Pipe'; })).toEqual([
      'step Train uses pipe mode (AlgorithmSpecification.TrainingInputMode: Pipe), which local mode cannot run: use TrainingInputMode.FILE or FAST_FILE',
    ]);
    expect(problems((d) => {
      d.Parameters.push({ Name: 'Mode', Type: 'String', DefaultValue: 'File' });
      train(d).InputDataConfig[0].InputMode = { Get: 'Parameters.Mode' };
    }, { Mode: 'Pipe' })).toEqual([
      "step Train channel 'train' uses pipe mode (InputMode: Pipe), which local mode cannot run: use TrainingInputMode.FILE or FAST_FILE",
    ]);
  });

  test('ShardedByS3Key, for training channels and processing inputs', () => {
    expect(problems((d) => {
      train(d).InputDataConfig[0].DataSource.S3DataSource.S3DataDistributionType = 'ShardedByS3Key';
      d.Steps.push({
        Name: 'Prep',
        Type: 'Processing',
        Arguments: { ProcessingInputs: [{ InputName: 'raw', S3Input: { S3Uri: 's3://b/raw', S3InputMode: 'Pipe', S3DataDistributionType: 'ShardedByS3Key' } }] },
      });
    })).toEqual([
      "step Train channel 'train' uses ShardedByS3Key (S3DataDistributionType: ShardedByS3Key), which local mode cannot run: use S3DataDistribution.FULLY_REPLICATED",
      "step Prep input 'raw' uses pipe mode (S3InputMode: Pipe), which local mode cannot run: use File",
      "step Prep input 'raw' uses ShardedByS3Key (S3DataDistributionType: ShardedByS3Key), which local mode cannot run: use FullyReplicated",
    ]);
  });

  test('step types the SDK cannot run locally, inside condition branches too', () => {
    expect(problems((d) => {
      d.Steps.push({ Name: 'Gate', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [{ Name: 'Notify', Type: 'Lambda', Arguments: {} }], ElseSteps: [] } });
    })).toEqual([
      'step Notify is a Lambda step, which local mode cannot run (it runs Training, Processing, Transform, Model, Condition, Fail, RegisterModel); run this pipeline on SageMaker',
    ]);
  });
});

describe('pipeline parameters', () => {
  const d = trainingDefinition();

  test('given values take the parameter\'s type; the others keep their defaults', () => {
    expect(parameterValues(d, { TrainingInstanceCount: '2', QualityThreshold: '1', Shuffle: 'TRUE' })).toMatchObject({
      TrainingInstanceCount: 2, QualityThreshold: 1, Shuffle: true, TrainingDataUri: 's3://my-data/train/',
    });
    expect(staticValue({ 'Std:Join': { On: '/', Values: [{ Get: 'Parameters.TrainingDataUri' }, 'x'] } }, parameterValues(d, {}))).toBe('s3://my-data/train//x');
    expect(staticValue({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }, {})).toBeUndefined();
  });

  test.each([
    [{ Nope: '1' }, '--parameter Nope: the pipeline has no such parameter; its parameters: ImageUri, TrainingDataUri, TrainingInstanceCount, QualityThreshold, Shuffle'],
    [{ TrainingInstanceCount: 'two' }, '--parameter TrainingInstanceCount=two: TrainingInstanceCount is an Integer parameter; give a whole number such as 2'],
    [{ QualityThreshold: 'low' }, '--parameter QualityThreshold=low: QualityThreshold is a Float parameter; give a number such as 0.25'],
    [{ Shuffle: 'yes' }, '--parameter Shuffle=yes: Shuffle is a Boolean parameter; give true or false'],
  ])('%j is refused', (given, message) => {
    const [name, value] = Object.entries(given)[0];
    expectError(() => parameterValues(d, given), { construct: 'local-run', property: '--parameter', value: `${name}=${value}` }, message);
  });
});

describe('the data folder', () => {
  const app = writeAssembly({ S: pipelineTemplate(trainingDefinition()) });

  test('an input without local data says which folder to fill', () => {
    const data = tempDir();
    fs.mkdirSync(path.join(data, 'my-data', 'other'), { recursive: true });
    fs.writeFileSync(path.join(data, 'my-data', 'other', 'x.csv'), '1,2\n');
    expectError(() => prepare(args('--app', app, '--data', data, '--work', tempDir()), io),
      { construct: 'local-run', property: '--data', value: 'a folder without the channel\'s data' },
      `step Train channel 'train' reads s3://my-data/train/, and there is no local data for it: put its files under ${path.join(data, 'my-data', 'train')} `
      + '(--data DIR stands for S3: DIR/<bucket>/<key> is s3://<bucket>/<key>)');
    expectError(() => prepare(args('--app', app, '--work', tempDir()), io), { construct: 'local-run', property: '--data', value: 'nothing' },
      `put its files under ${path.join('DATA', 'my-data', 'train')} and pass --data DATA`);
  });

  test('a --data that is not a folder, or has loose files, is refused with the layout', () => {
    const file = path.join(tempDir(), 'data.csv');
    fs.writeFileSync(file, '1\n');
    expectError(() => prepare(args('--app', app, '--data', file, '--work', tempDir()), io), { construct: 'local-run', property: '--data', value: 'a file' },
      `--data ${file} is not a folder: make one that holds <bucket>/<key> files, e.g. ${path.join(file, 'my-bucket', 'train', 'data.csv')}`);
    const loose = tempDir();
    fs.writeFileSync(path.join(loose, 'train.csv'), '1\n');
    expectError(() => prepare(args('--app', app, '--data', loose, '--work', tempDir()), io),
      { construct: 'local-run', property: '--data', value: 'a folder with loose files' },
      `--data ${loose} has files at its top (train.csv): its folders are buckets, so put each file under <bucket>/<key>`);
  });

  test('a refused feature stops the run before the data is looked at', () => {
    const d = trainingDefinition();
    d.Steps[0].Arguments.InputDataConfig[0].InputMode = 'Pipe';
    const pipe = writeAssembly({ S: pipelineTemplate(d) });
    // Not a bad flag: a feature of the synthesized pipeline that local-run does not emulate (listed, not catalogued).
    expect(() => prepare(args('--app', pipe, '--work', tempDir()), io)).toThrow(/^local-run cannot run S\/Pipeline:\n {2}- step Train channel 'train' uses pipe mode/);
  });

  test('a batch model that serves a model package needs an approved version in the local registry', () => {
    const template = {
      Parameters: { PackageArn: { Type: 'String' } },
      Resources: {
        Model: { Type: 'AWS::SageMaker::Model', Properties: { Containers: [{ ModelPackageName: { Ref: 'PackageArn' } }] } },
        Pipeline: {
          Type: 'AWS::SageMaker::Pipeline',
          Properties: {
            PipelineDefinition: {
              PipelineDefinitionBody: {
                'Fn::Join': ['', ['{"Parameters":[],"Steps":[{"Name":"Transform","Type":"Transform","Arguments":{"ModelName":"',
                  { 'Fn::GetAtt': ['Model', 'ModelName'] }, '"}}]}']],
              },
            },
          },
        },
      },
    };
    const dir = writeAssembly({ S: template });
    expectError(() => prepare(args('--app', dir, '--work', tempDir()), io),
      { construct: 'local-run', property: '--stack-parameter', value: 'nothing, with no approved version in the local registry' }, new RegExp(
        '^model S-Model-[0-9a-f]{8} serves a model package \\(stack parameter PackageArn\\), and the local registry \\S+registry\\.json has no approved version: '
      + 'run the training pipeline locally first with --approve, or pass --stack-parameter PackageArn='));
  });
});

describe('the container log', () => {
  test('keeps what the containers printed, without compose\'s prefixes and colours', () => {
    const log = 'Creating abc-algo-1 ... done\n\x1b[36mabc-algo-1 |\x1b[0m training failed: bad row\n\x1b[36mabc-algo-1 exited with code 1\n';
    expect(containerLog(log)).toEqual(['training failed: bad row']);
  });
});
