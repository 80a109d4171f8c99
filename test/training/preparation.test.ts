/**
 * Data preparation before training: prep → train → evaluate → gate → register,
 * its outputs feeding the channels and the test data by reference.
 */
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from './helpers';
import { PreparationOptions } from '../../src/training';
import { expectError } from '../errors';
import { stepNamed } from '../pipeline/definition-helper';

const SCRIPT = path.join(__dirname, '..', 'fixtures', 'containers', 'prep-script', 'prepare.py');

function withPrep(overrides: Partial<PreparationOptions> = {}) {
  const probe = build();
  const preparation: PreparationOptions = {
    inputs: [{ inputName: 'raw', bucket: probe.data, prefix: 'churn/raw/' }],
    outputs: [{ outputName: 'train', channelName: 'train' }, { outputName: 'test', testData: true }],
    script: SCRIPT,
    ...overrides,
  };
  return build({ preparation });
}

describe('preparation', () => {
  test('the pipeline is prep → train → evaluate → gate → register', () => {
    const { definition } = withPrep();
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Prepare', 'Train', 'Evaluate', 'Baseline', 'QualityGate']);
    expect(stepNamed(definition, 'QualityGate').Arguments.IfSteps.map((s: any) => s.Name)).toEqual(['RegisterModel']);
  });

  test('training reads the prepared channel by reference to the Prepare step, never a retyped S3 path', () => {
    const { definition } = withPrep();
    const channel = stepNamed(definition, 'Train').Arguments.InputDataConfig.find((c: any) => c.ChannelName === 'train');
    expect(channel.DataSource.S3DataSource.S3Uri).toEqual({ Get: "Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" });
  });

  test('the evaluation reads the prepared test data by reference', () => {
    const { definition } = withPrep();
    const test = stepNamed(definition, 'Evaluate').Arguments.ProcessingInputs.find((i: any) => i.InputName === 'test');
    expect(test.S3Input.S3Uri).toEqual({ Get: "Steps.Prepare.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri" });
  });

  test('fed locations are no parameters any more', () => {
    const names = withPrep().definition.Parameters.map((p: any) => p.Name);
    expect(names).not.toContain('TrainingDataUri');
    expect(names).not.toContain('TestDataUri');
  });

  test('inputs at /opt/ml/processing/input/<name>, outputs per execution under prepared/ of the artifacts bucket', () => {
    const args = stepNamed(withPrep().definition, 'Prepare').Arguments;
    expect(args.ProcessingInputs[0]).toMatchObject({ InputName: 'raw', S3Input: { S3Uri: 's3://my-data/churn/raw/', LocalPath: '/opt/ml/processing/input/raw' } });
    const out = args.ProcessingOutputConfig.Outputs[0];
    expect(out.S3Output.LocalPath).toBe('/opt/ml/processing/output/train');
    expect(JSON.stringify(out.S3Output.S3Uri)).toContain('prepared/');
    expect(JSON.stringify(out.S3Output.S3Uri)).toContain('Execution.PipelineExecutionId');
    expect(args.AppSpecification.ContainerEntrypoint[0]).toBe('python3');
  });

  test('a command in the pipeline image instead of a script', () => {
    const args = stepNamed(withPrep({ script: undefined, command: ['prepare'], arguments: ['--split', '0.2'] }).definition, 'Prepare').Arguments;
    expect(args.AppSpecification).toMatchObject({ ImageUri: { Get: 'Parameters.ImageUri' }, ContainerEntrypoint: ['prepare'], ContainerArguments: ['--split', '0.2'] });
  });

  test('the role reads the raw prefix and writes prepared/, and no longer reads the fed locations', () => {
    const { stack } = withPrep();
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('churn/raw/*');
    expect(policy).toContain('prepared/*');
    expect(policy).not.toContain('churn/train/*');
    expect(policy).not.toContain('churn/test/*');
  });
});

describe('preparation errors', () => {
  test('an output that names no channel', () => {
    expectError(() => withPrep({ outputs: [{ outputName: 'extra' }] }),
      { construct: 'TrainingPipeline', property: 'preparation.outputs.channelName', value: "{ outputName: 'extra' }" },
      "trainingPipeline preparation outputs 'extra' names no channelName and is not testData: every output feeds a training channel (train) or the test data");
  });

  test('an output that names a channel the job does not have', () => {
    expectError(() => withPrep({ outputs: [{ outputName: 'train', channelName: 'training' }] }),
      { construct: 'TrainingPipeline', property: 'preparation.outputs.channelName', value: "'training'" },
      "trainingPipeline preparation outputs 'train' channelName 'training' is not a training channel (train)");
  });

  test('both command and script, or neither', () => {
    expectError(() => withPrep({ command: ['prepare'] }), { construct: 'TrainingPipeline', property: 'preparation.command', value: 'command and script' },
      'trainingPipeline preparation needs exactly one of command and script, got both');
    expectError(() => withPrep({ script: undefined }), { construct: 'TrainingPipeline', property: 'preparation.command', value: 'neither command nor script' },
      'trainingPipeline preparation needs exactly one of command and script, got neither');
  });

  test('no inputs', () => {
    expectError(() => withPrep({ inputs: [] }), { construct: 'TrainingPipeline', property: 'preparation.inputs', value: '[]' },
      'trainingPipeline preparation inputs must list at least one input, got []');
  });

  test('an output both channel and test data', () => {
    expectError(() => withPrep({ outputs: [{ outputName: 'x', channelName: 'train', testData: true }] }),
      { construct: 'TrainingPipeline', property: 'preparation.outputs.testData', value: "channelName 'train' and testData: true" },
      "trainingPipeline preparation outputs 'x' has both channelName and testData");
  });

  test('an input name with a slash', () => {
    const probe = build();
    expectError(() => withPrep({ inputs: [{ inputName: 'raw/a', bucket: probe.data }] }),
      { construct: 'TrainingPipeline', property: 'preparation.inputs.inputName', value: "'raw/a'" },
      "trainingPipeline preparation inputs inputName must be 1 to 64 letters, digits, '-' or '_' (and not 'code'), got \"raw/a\"");
  });

  test('an interpreter without a script', () => {
    expectError(() => withPrep({ script: undefined, command: ['prepare'], interpreter: ['python3'] }),
      { construct: 'TrainingPipeline', property: 'preparation.interpreter', value: "['python3'] with command" },
      'trainingPipeline preparation interpreter is given without script');
  });
});
