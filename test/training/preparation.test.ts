/**
 * Data preparation before training: prep → train → evaluate → gate → register,
 * its outputs feeding the channels and the test data by reference.
 */
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { build } from './helpers';
import { S3DataDistribution, TrainingInputMode } from '../../src/pipeline';
import { EvaluationMethod, ModelApproval, PreparationOptions, TrainingPipelineProps } from '../../src/training';
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
    expect(args.ProcessingInputs[0]).toMatchObject({ InputName: 'raw', S3Input: { S3Uri: { Get: 'Parameters.PreparationRawDataUri' }, LocalPath: '/opt/ml/processing/input/raw' } });
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

describe('a prepared pipeline without trainingData or testData', () => {
  const RAW = { inputName: 'raw', prefix: 'churn/raw/' };
  function prepared(preparation: Partial<PreparationOptions> = {}, props: Partial<TrainingPipelineProps> = {}) {
    const probe = build();
    return build({
      trainingData: undefined,
      testData: undefined,
      preparation: {
        inputs: [{ ...RAW, bucket: probe.data }],
        outputs: [{ outputName: 'train', channelName: 'train' }, { outputName: 'test', testData: true }],
        script: SCRIPT,
        ...preparation,
      },
      ...props,
    });
  }
  const channels = (definition: any) => stepNamed(definition, 'Train').Arguments.InputDataConfig.map((c: any) => c.ChannelName);

  test('synthesizes the same template as with the unread trainingData and testData', () => {
    expect(Template.fromStack(prepared().stack).toJSON()).toEqual(Template.fromStack(withPrep().stack).toJSON());
  });

  test('the first output that names a channel is the main channel; every output channel is a channel', () => {
    const { definition } = prepared({
      outputs: [{ outputName: 'fit', channelName: 'training' }, { outputName: 'val', channelName: 'validation' }, { outputName: 'test', testData: true }],
    });
    expect(channels(definition)).toEqual(['training', 'validation']);
    expect(stepNamed(definition, 'Train').Arguments.InputDataConfig[1].DataSource.S3DataSource.S3Uri)
      .toEqual({ Get: "Steps.Prepare.ProcessingOutputConfig.Outputs['val'].S3Output.S3Uri" });
    // The drift baseline describes the main channel.
    const baseline = stepNamed(definition, 'Baseline').Arguments.ProcessingInputs.find((i: any) => i.InputName === 'data');
    expect(baseline.S3Input.S3Uri).toEqual({ Get: "Steps.Prepare.ProcessingOutputConfig.Outputs['fit'].S3Output.S3Uri" });
  });

  test('an output that feeds an extra channel is not the main channel', () => {
    const probe = build();
    const { definition } = prepared(
      { outputs: [{ outputName: 'val', channelName: 'validation' }, { outputName: 'train', channelName: 'train' }, { outputName: 'test', testData: true }] },
      { training: { extraChannels: [{ channelName: 'validation', bucket: probe.data, contentType: 'text/csv' }] } },
    );
    expect(channels(definition)).toEqual(['train', 'validation']);
    expect(stepNamed(definition, 'Train').Arguments.InputDataConfig[1]).toMatchObject({ ContentType: 'text/csv' });
  });

  test('an output sets the settings of the channel it creates (channel): no trainingData needed for them', () => {
    const { definition } = prepared({
      outputs: [
        { outputName: 'train', channelName: 'train', channel: { contentType: 'text/csv', inputMode: TrainingInputMode.FAST_FILE } },
        { outputName: 'val', channelName: 'validation', channel: { distribution: S3DataDistribution.SHARDED_BY_S3_KEY } },
        { outputName: 'test', testData: true },
      ],
    });
    const [train, validation] = stepNamed(definition, 'Train').Arguments.InputDataConfig;
    expect(train).toMatchObject({ ChannelName: 'train', ContentType: 'text/csv', InputMode: 'FastFile' });
    expect(validation).toMatchObject({ ChannelName: 'validation', DataSource: { S3DataSource: { S3DataDistributionType: 'ShardedByS3Key' } } });
    expect(validation.ContentType).toBeUndefined();
    // The main channel's input mode is the job's.
    expect(stepNamed(definition, 'Train').Arguments.AlgorithmSpecification.TrainingInputMode).toBe('FastFile');
  });

  test('no testData with EvaluationMethod.none(): no evaluation, no TestDataUri', () => {
    const { definition } = build({
      testData: undefined,
      evaluation: { method: EvaluationMethod.none() },
      qualityGate: undefined,
    });
    expect(definition.Steps.map((s: any) => s.Name)).not.toContain('Evaluate');
    expect(definition.Parameters.map((p: any) => p.Name)).not.toContain('TestDataUri');
  });

  test('prepared training data and given test data: TestDataUri stays', () => {
    const probe = build();
    const { definition } = prepared({ outputs: [{ outputName: 'train', channelName: 'train' }] }, { testData: { bucket: probe.data, prefix: 'churn/test/' } });
    expect(definition.Parameters).toContainEqual(expect.objectContaining({ Name: 'TestDataUri', DefaultValue: 's3://my-data/churn/test/' }));
    expect(definition.Parameters.map((p: any) => p.Name)).not.toContain('TrainingDataUri');
  });
});

describe('prepared pipeline errors', () => {
  test('no trainingData and no preparation', () => {
    expectError(() => build({ trainingData: undefined }),
      { construct: 'TrainingPipeline', property: 'trainingData', value: 'undefined' },
      "trainingPipeline trainingData must be a data location, got nothing and there is no preparation to feed it: give { channelName: 'train', bucket, prefix: 'train/' }, "
      + "or a preparation output that names the main channel ({ outputName: 'train', channelName: 'train' })");
  });

  test('no trainingData, and the preparation feeds only an extra channel', () => {
    const probe = build();
    expectError(() => build({
      trainingData: undefined,
      training: { extraChannels: [{ channelName: 'validation', bucket: probe.data }] },
      preparation: { inputs: [{ inputName: 'raw', bucket: probe.data }], outputs: [{ outputName: 'val', channelName: 'validation' }], command: ['prepare'] },
    }), { construct: 'TrainingPipeline', property: 'trainingData', value: 'undefined' },
    'trainingPipeline trainingData must be a data location, got nothing and no preparation output names a channel of its own '
      + '(training.extraChannels declares validation): give');
  });

  test('channel settings for a channel trainingData or training.extraChannels declares', () => {
    const probe = build();
    expectError(() => withPrep({ outputs: [{ outputName: 'train', channelName: 'train', channel: { contentType: 'text/csv' } }, { outputName: 'test', testData: true }] }),
      { construct: 'TrainingPipeline', property: 'channel', value: "{ contentType: 'text/csv' } for trainingData's channel" },
      "trainingPipeline preparation outputs 'train' channel is set, but trainingData declares the channel 'train', whose settings apply: "
      + 'set contentType, inputMode, distribution or instanceGroupNames on trainingData, or drop channel');
    expectError(() => build({
      trainingData: undefined,
      training: { extraChannels: [{ channelName: 'validation', bucket: probe.data }] },
      preparation: {
        inputs: [{ inputName: 'raw', bucket: probe.data }],
        outputs: [{ outputName: 'train', channelName: 'train' }, { outputName: 'val', channelName: 'validation', channel: { contentType: 'text/csv' } }],
        command: ['prepare'],
      },
    }), { construct: 'TrainingPipeline', property: 'channel', value: "{ contentType: 'text/csv' } for an extra channel" },
    "trainingPipeline preparation outputs 'val' channel is set, but training.extraChannels declares the channel 'validation', whose settings apply: "
      + 'set contentType, inputMode, distribution or instanceGroupNames on training.extraChannels, or drop channel');
  });

  test('channel settings on an output that feeds no channel, or not an object', () => {
    expectError(() => withPrep({ outputs: [{ outputName: 'train', channelName: 'train' }, { outputName: 'test', testData: true, channel: { contentType: 'text/csv' } }] }),
      { construct: 'TrainingPipeline', property: 'channel', value: "{ contentType: 'text/csv' } without channelName" },
      "trainingPipeline preparation outputs 'test' channel is set, but the output names no channelName: "
      + 'channel holds the settings of the channel an output feeds; name the channel, or drop channel');
    expectError(() => build({
      trainingData: undefined,
      preparation: {
        inputs: [{ inputName: 'raw', bucket: build().data }],
        outputs: [{ outputName: 'train', channelName: 'train', channel: 'text/csv' as any }],
        command: ['prepare'],
      },
    }), { construct: 'TrainingPipeline', property: 'channel', value: "'text/csv'" },
    "trainingPipeline preparation outputs 'train' channel must be left out or an object such as { contentType: 'text/csv' }, got 'text/csv'");
  });

  test('a bad channel setting names where it was given: an output\'s channel, trainingData, an extra channel', () => {
    const data = build().data;
    const prepared = (channel: any) => build({
      trainingData: undefined,
      preparation: { inputs: [{ inputName: 'raw', bucket: data }], outputs: [{ outputName: 'train', channelName: 'train', channel }], command: ['prepare'] },
    });
    expectError(() => prepared({ inputMode: 'Stream' }), { construct: 'TrainingPipeline', property: 'channel.inputMode', value: "'Stream'" },
      "trainingPipeline preparation outputs 'train' channel inputMode must be a TrainingInputMode (File, FastFile, Pipe) or left out, got 'Stream': "
      + 'give e.g. TrainingInputMode.FILE, or leave it out');
    expectError(() => prepared({ instanceGroupNames: 'gpus' }), { construct: 'TrainingPipeline', property: 'channel.instanceGroupNames', value: "'gpus'" },
      "trainingPipeline preparation outputs 'train' channel instanceGroupNames must be a list of strings or left out, got 'gpus': give e.g. ['gpus'], or leave it out");
    expectError(() => build({ trainingData: { channelName: 'train', bucket: data, contentType: 5 as any } }),
      { construct: 'TrainingPipeline', property: 'trainingData.contentType', value: '5' },
      "trainingPipeline trainingData contentType must be a string or left out, got 5: give e.g. 'text/csv', or leave it out");
    expectError(() => build({ training: { extraChannels: [{ channelName: 'extra', bucket: data, distribution: 'x' as any }] } }),
      { construct: 'TrainingPipeline', property: 'training.extraChannels.distribution', value: "'x'" },
      "trainingPipeline training.extraChannels[0] distribution must be an S3DataDistribution (FullyReplicated, ShardedByS3Key) or left out, got 'x': "
      + 'give e.g. S3DataDistribution.SHARDED_BY_S3_KEY, or leave it out');
  });

  test('no testData, and no preparation output is testData', () => {
    const probe = build();
    expectError(() => build({
      testData: undefined,
      preparation: { inputs: [{ inputName: 'raw', bucket: probe.data }], outputs: [{ outputName: 'train', channelName: 'train' }], command: ['prepare'] },
    }), { construct: 'TrainingPipeline', property: 'testData', value: 'undefined' },
    "trainingPipeline testData must be a data location, got nothing: the evaluation scores the model on test data; give testData: { bucket, prefix: 'test/' }, "
      + 'mark a preparation output testData: true, or choose evaluation.method EvaluationMethod.none()');
  });
});

describe('preparation inputs are pipeline parameters', () => {
  test('Preparation<InputName>DataUri, defaulting to the input location; the role reads only that prefix', () => {
    const { definition, stack } = withPrep();
    expect(definition.Parameters).toContainEqual({
      Name: 'PreparationRawDataUri', Type: 'String', DefaultValue: 's3://my-data/churn/raw/', Description: "S3 URI of the preparation input 'raw'",
    });
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('my-data/churn/raw/*');
    expect(policy).not.toContain('my-data/*');
  });

  test('input names in PascalCase: raw-events and holiday_calendar', () => {
    const probe = build();
    const { definition } = withPrep({ inputs: [{ inputName: 'raw-events', bucket: probe.data }, { inputName: 'holiday_calendar', bucket: probe.data, prefix: 'cal/' }] });
    const args = stepNamed(definition, 'Prepare').Arguments;
    expect(args.ProcessingInputs.slice(0, 2).map((i: any) => i.S3Input.S3Uri)).toEqual([
      { Get: 'Parameters.PreparationRawEventsDataUri' }, { Get: 'Parameters.PreparationHolidayCalendarDataUri' },
    ]);
    expect(definition.Parameters).toContainEqual(expect.objectContaining({ Name: 'PreparationHolidayCalendarDataUri', DefaultValue: 's3://my-data/cal/' }));
  });

  test('with auto-approval, inputs that make the test data are fixed', () => {
    const probe = build();
    const { definition } = build({
      registration: { approval: ModelApproval.AUTO },
      preparation: {
        inputs: [{ inputName: 'raw', bucket: probe.data, prefix: 'churn/raw/' }],
        outputs: [{ outputName: 'train', channelName: 'train' }, { outputName: 'test', testData: true }],
        command: ['prepare'],
      },
    });
    expect(definition.Parameters.map((p: any) => p.Name)).not.toContain('PreparationRawDataUri');
    expect(stepNamed(definition, 'Prepare').Arguments.ProcessingInputs[0].S3Input.S3Uri).toBe('s3://my-data/churn/raw/');
  });

  test('with auto-approval, inputs that make only training data stay parameters (as TrainingDataUri does)', () => {
    const probe = build();
    const { definition } = build({
      registration: { approval: ModelApproval.AUTO },
      preparation: { inputs: [{ inputName: 'raw', bucket: probe.data }], outputs: [{ outputName: 'train', channelName: 'train' }], command: ['prepare'] },
    });
    expect(definition.Parameters.map((p: any) => p.Name)).toContain('PreparationRawDataUri');
    expect(definition.Parameters.map((p: any) => p.Name)).not.toContain('TestDataUri');
  });

  test('a schedule can prepare other raw data', () => {
    const { stack } = withPrepAndTriggers({ schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), scheduleParameters: { PreparationRawDataUri: 's3://my-data/churn/raw-2025/' } });
    const schedule = JSON.stringify(Template.fromStack(stack).findResources('AWS::Scheduler::Schedule'));
    expect(schedule).toContain('PreparationRawDataUri');
    expect(schedule).toContain('s3://my-data/churn/raw-2025/');
  });

  test('a trigger parameter for an input that is not an S3 URI', () => {
    expectError(() => withPrepAndTriggers({ schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), scheduleParameters: { PreparationRawDataUri: 'my-data/raw/' } }),
      { construct: 'TrainingPipeline', property: 'triggers.scheduleParameters', value: "{ PreparationRawDataUri: 'my-data/raw/' }" },
      "trainingPipeline triggers.scheduleParameters PreparationRawDataUri 'my-data/raw/' is not an S3 URI: give s3://<bucket>/<prefix>");
  });

  test('two input names that become one parameter', () => {
    const probe = build();
    expectError(() => withPrep({ inputs: [{ inputName: 'raw-data', bucket: probe.data }, { inputName: 'raw_data', bucket: probe.data }] }),
      { construct: 'TrainingPipeline', property: 'preparation.inputs.inputName', value: "'raw-data' and 'raw_data'" },
      "trainingPipeline preparation inputs inputName 'raw_data' and 'raw-data' both become the pipeline parameter PreparationRawDataDataUri: rename one");
  });

  test('an input name too long for its parameter', () => {
    const probe = build();
    const name = 'x'.repeat(50);
    expectError(() => withPrep({ inputs: [{ inputName: name, bucket: probe.data }] }),
      { construct: 'TrainingPipeline', property: 'preparation.inputs.inputName', value: `'${name}'` },
      `trainingPipeline preparation inputs inputName '${name}' makes the pipeline parameter Preparation${'X' + 'x'.repeat(49)}DataUri, 68 characters (at most 64): `
      + 'shorten the input name to 46 characters or fewer');
  });
});

function withPrepAndTriggers(triggers: TrainingPipelineProps['triggers']) {
  const probe = build();
  return build({
    triggers,
    preparation: {
      inputs: [{ inputName: 'raw', bucket: probe.data, prefix: 'churn/raw/' }],
      outputs: [{ outputName: 'train', channelName: 'train' }, { outputName: 'test', testData: true }],
      command: ['prepare'],
    },
  });
}
