import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { show } from '../../src/image/private/input';
import {
  ConditionOperator, ConditionStep, CreateModelStep, FailStep, InferenceInstanceType, PipelineCondition, PipelineParameter, PipelineValue,
  ProcessingInstanceType, ProcessingStep, RegisterModelStep, SageMakerPipeline, TrainingInstanceType, TrainingStep, TransformStep,
} from '../../src/pipeline';
import { expectError } from '../errors';

/**
 * The pipeline core from plain JavaScript (or a jsii language passing null): each required
 * value left out, null, or of another kind is an Error naming it, thrown before anything is built.
 */

const role = () => iam.Role.fromRoleArn(new Stack(), 'R', 'arn:aws:iam::111122223333:role/jobs');
const value = (s: string) => PipelineValue.fromString(s);
const fail = () => new FailStep({ name: 'Stop', errorMessage: value('stop') });
const condition = () => PipelineCondition.lessThan(value('a'), PipelineValue.fromNumber(1));

/** A copy of `props` with `path` (dotted, list indexes as numbers) set to `v`, or removed when `v` is undefined. */
function withValue(props: any, path: string, v: unknown): any {
  const [head, ...rest] = path.split('.');
  const copy: any = Array.isArray(props) ? [...props] : { ...props };
  if (rest.length > 0) {
    copy[head] = withValue(props[head], rest.join('.'), v);
  } else if (v === undefined && !Array.isArray(copy)) {
    delete copy[head];
  } else {
    copy[head] = v;
  }
  return copy;
}

/**
 * The property as the user spells it: `job.channels.0.s3Uri` is `job.channels[0].s3Uri`; an entry of a
 * list checked as a whole (`conditions.0`) is the list, whose message says "entry 0".
 */
const propertyOf = (path: string) => path.replace(/\.\d+$/, '').replace(/\.(\d+)/g, '[$1]');

interface Case {
  readonly construct: string;
  readonly build: (props: any) => unknown;
  readonly valid: () => any;
  /** Required paths and a value of another kind for each. */
  readonly required: Array<[string, unknown]>;
  /** Optional paths and a value of another kind for each. */
  readonly optional?: Array<[string, unknown]>;
}

const trainingJob = () => ({
  image: value('image:1'), role: role(), channels: [{ channelName: 'train', s3Uri: value('s3://bucket/train/') }], outputS3Uri: 's3://bucket/models',
});
const CASES: Case[] = [
  {
    construct: 'TrainingStep',
    build: (p) => new TrainingStep(p),
    valid: () => ({ name: 'Train', job: trainingJob() }),
    required: [
      ['name', 42], ['job.image', 'image:1'], ['job.role', 'arn:aws:iam::111122223333:role/jobs'], ['job.channels', 'train'],
      ['job.channels.0', 'train'], ['job.channels.0.channelName', 1], ['job.channels.0.s3Uri', 's3://bucket/train/'], ['job.outputS3Uri', 7],
    ],
    optional: [
      ['description', 1], ['dependsOn', 'Prepare'], ['cacheExpireAfter', 3600], ['job.instanceType', 'ml.m5.xlarge'],
      ['job.instanceCount', 2], ['job.volumeSize', 30], ['job.maxRuntime', 3600], ['job.spot', 'yes'], ['job.environment', 'A=1'],
      ['job.hyperparameters', 'epochs=1'], ['job.metricDefinitions', 'loss'], ['job.network', 'vpc'], ['job.encryptionKey', 'arn:aws:kms:key'],
      ['job.instanceGroups', 'gpus'], ['job.inputMode', 'Stream'], ['job.channels.0.inputMode', 'Stream'],
      ['job.channels.0.distribution', 'Sharded'],
    ],
  },
  {
    construct: 'ProcessingStep',
    build: (p) => new ProcessingStep(p),
    valid: () => ({
      name: 'Evaluate',
      job: { image: value('image:1'), role: role(), inputs: [{ inputName: 'model', s3Uri: value('s3://b/m'), localPath: '/opt/ml/processing/model' }] },
      propertyFiles: [{ name: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' }],
    }),
    required: [
      ['name', true], ['job.image', 'image:1'], ['job.role', {}], ['job.inputs.0.inputName', 1], ['job.inputs.0.s3Uri', 's3://b/m'],
      ['job.inputs.0.localPath', 5], ['propertyFiles.0.name', 1], ['propertyFiles.0.outputName', 2], ['propertyFiles.0.filePath', 3],
    ],
    optional: [
      ['job.entrypoint', 'evaluate'], ['job.instanceType', 'ml.m5.large'], ['job.instanceCount', '1'], ['job.maxRuntime', 60],
      ['job.inputs', 'model'], ['job.outputs', 'evaluation'], ['propertyFiles', 'Evaluation'], ['arguments', 'raw'],
    ],
  },
  {
    construct: 'TransformStep',
    build: (p) => new TransformStep(p),
    valid: () => ({ name: 'Score', job: { modelName: value('m'), inputS3Uri: value('s3://b/in'), outputS3Uri: value('s3://b/out') } }),
    required: [['name', 1], ['job.modelName', 'm'], ['job.inputS3Uri', 's3://b/in'], ['job.outputS3Uri', 's3://b/out']],
    optional: [['job.instanceType', 'ml.m5.large'], ['job.instanceCount', '1'], ['job.contentType', 1]],
  },
  {
    construct: 'CreateModelStep',
    build: (p) => new CreateModelStep(p),
    valid: () => ({ name: 'CreateModel', arguments: { ExecutionRoleArn: 'arn', PrimaryContainer: { Image: 'image:1' } } }),
    required: [['name', 1], ['arguments', 'CreateModel']],
  },
  {
    construct: 'RegisterModelStep',
    build: (p) => new RegisterModelStep(p),
    valid: () => ({ name: 'Register', arguments: { ModelPackageGroupName: 'models' } }),
    required: [['name', 1], ['arguments', ['models']]],
  },
  {
    construct: 'FailStep',
    build: (p) => new FailStep(p),
    valid: () => ({ name: 'Stop', errorMessage: value('stop') }),
    required: [['name', 1], ['errorMessage', 'stop']],
  },
  {
    construct: 'ConditionStep',
    build: (p) => new ConditionStep(p),
    valid: () => ({ name: 'Gate', conditions: [condition()], ifSteps: [fail()] }),
    required: [['name', 1], ['conditions', condition()], ['conditions.0', 'a < 1']],
    optional: [['ifSteps', fail()], ['elseSteps', ['Stop']]],
  },
  {
    construct: 'SageMakerPipeline',
    build: (p) => new SageMakerPipeline(new Stack(new App(), 'Stack'), 'Pipeline', p),
    valid: () => ({ parameters: [PipelineParameter.stringParameter('ImageUri', 'image:1')], steps: [fail()] }),
    required: [],
    optional: [
      ['pipelineName', 1], ['description', 2], ['maxParallelExecutionSteps', '4'], ['parameters', 'ImageUri'], ['parameters.0', 'ImageUri'],
      ['steps', fail()], ['steps.0', 'Stop'], ['imageUriParameterName', 1], ['triggers', 'daily'], ['triggers.schedule', 'rate(1 day)'],
      ['triggers.scheduleParameters', 'A=b'], ['triggers.newData', 'landing'], ['notifications', true], ['notifications.notifyOnFailure', 'yes'],
      ['notifications.failureTopic', 'arn:aws:sns:us-east-1:111122223333:alerts'],
    ],
  },
];

describe.each(CASES)('$construct from plain JavaScript', ({ construct, build, valid, required, optional }) => {
  test('the valid props build', () => {
    expect(build(valid())).toBeDefined();
  });

  test('props that are not an object', () => {
    for (const props of [null, 'Train', 3]) {
      expectError(() => build(props), { construct, property: 'props', value: JSON.stringify(props) }, /props must be (left out or )?an object such as/);
    }
  });

  if (required.length > 0) {
    test.each(required)('%s left out, null, or of another kind', (path, wrong) => {
      const property = propertyOf(path);
      expectError(() => build(withValue(valid(), path, undefined)), { construct, property, value: 'nothing' },
        /is required: give .*, e\.g\. |must be .*, got nothing: give/);
      expectError(() => build(withValue(valid(), path, null)), { construct, property, value: 'null' }, /null/);
      expectError(() => build(withValue(valid(), path, wrong)), { construct, property, value: show(wrong) }, /must be .*, got .*: give/);
    });
  }

  if (optional) {
    test.each(optional)('%s of another kind, or null', (path, wrong) => {
      const property = propertyOf(path);
      if (/\.\d+$/.test(path)) {
        // An entry of an optional list is still required to be there.
        expectError(() => build(withValue(valid(), path, undefined)), { construct, property, value: 'nothing' }, /got nothing: give/);
      } else {
        expect(build(withValue(valid(), path, undefined))).toBeDefined();
      }
      expectError(() => build(withValue(valid(), path, null)), { construct, property, value: 'null' }, /null/);
      expectError(() => build(withValue(valid(), path, wrong)), { construct, property, value: show(wrong) }, /must be .*, got .*: give/);
    });
  }
});

describe('the factories from plain JavaScript', () => {
  const cases: Array<[string, string, () => unknown, RegExp]> = [
    ['PipelineValue.fromString', 'value', () => (PipelineValue as any).fromString(), /pipelineValue.fromString value is required: give a string/],
    ['PipelineValue.fromString', 'value', () => (PipelineValue as any).fromString(5), /pipelineValue.fromString value must be a string, got 5/],
    ['PipelineValue.fromNumber', 'value', () => (PipelineValue as any).fromNumber('0.5'), /pipelineValue.fromNumber value must be a number, got '0.5'/],
    ['PipelineValue.fromBoolean', 'value', () => (PipelineValue as any).fromBoolean(null), /pipelineValue.fromBoolean value is required, got null/],
    ['PipelineValue.parameter', 'name', () => (PipelineValue as any).parameter(), /pipeline parameter name must be a string, got nothing/],
    ['PipelineValue.stepProperty', 'stepName', () => (PipelineValue as any).stepProperty(null, 'Outcome'), /pipelineValue.stepProperty stepName is required, got null/],
    ['PipelineValue.stepProperty', 'path', () => (PipelineValue as any).stepProperty('Train', 1), /pipelineValue.stepProperty path must be a string, got 1/],
    ['PipelineValue.join', 'values', () => (PipelineValue as any).join('a'), /pipelineValue.join values must be a list of PipelineValues, got 'a'/],
    ['PipelineValue.join', 'values', () => (PipelineValue as any).join(['a']), /pipelineValue.join values entry 0 must be a PipelineValue, got 'a'/],
    ['PipelineValue.join', 'separator', () => (PipelineValue as any).join([], null), /pipelineValue.join separator is required, got null/],
    ['PipelineValue.jsonGet', 'propertyFileName', () => (PipelineValue as any).jsonGet('Evaluate', undefined, 'a.b'), /pipelineValue.jsonGet propertyFileName is required: give a string/],
    ['PipelineValue.jsonGet', 'path', () => (PipelineValue as any).jsonGet('Evaluate', 'Evaluation', 3), /pipelineValue.jsonGet path must be a string, got 3/],
    ['PipelineParameter.stringParameter', 'name', () => (PipelineParameter as any).stringParameter(), /pipeline parameter name must be a string, got nothing/],
    ['PipelineParameter.stringParameter', 'defaultValue', () => (PipelineParameter as any).stringParameter('Uri', 5), /stringParameter defaultValue must be a string or left out, got 5/],
    ['PipelineParameter.integerParameter', 'defaultValue', () => (PipelineParameter as any).integerParameter('N', '2'), /integerParameter defaultValue must be a number or left out, got '2'/],
    ['PipelineParameter.floatParameter', 'defaultValue', () => (PipelineParameter as any).floatParameter('T', null), /floatParameter defaultValue must be a number or left out, got null/],
    ['PipelineParameter.booleanParameter', 'defaultValue', () => (PipelineParameter as any).booleanParameter('B', 'true'), /booleanParameter defaultValue must be true or false or left out, got 'true'/],
    ['PipelineParameter.stringParameter', 'options', () => (PipelineParameter as any).stringParameter('Uri', 'x', null), /pipelineParameter options must be an object such as/],
    ['PipelineParameter.stringParameter', 'options.description', () => (PipelineParameter as any).stringParameter('Uri', 'x', { description: 1 }), /pipelineParameter options description must be a string or left out, got 1/],
    ['PipelineCondition.lessThan', 'left', () => (PipelineCondition as any).lessThan(undefined, PipelineValue.fromNumber(1)), /pipelineCondition left is required: give a PipelineValue/],
    ['PipelineCondition.equalTo', 'right', () => (PipelineCondition as any).equalTo(PipelineValue.fromNumber(1), 1), /pipelineCondition right must be a PipelineValue, got 1/],
    ['PipelineCondition.compare', 'comparison', () => (PipelineCondition as any).compare(value('a'), 'Like', value('b')), /pipelineCondition comparison must be a ConditionOperator, got 'Like'/],
    ['TrainingInstanceType.of', 'instanceType', () => (TrainingInstanceType as any).of(), /trainingInstanceType.of instanceType is required: give a string/],
    ['ProcessingInstanceType.of', 'name', () => (ProcessingInstanceType as any).of(4), /processingInstanceType.of name must be a string, got 4/],
    ['InferenceInstanceType.of', 'name', () => (InferenceInstanceType as any).of(null), /inferenceInstanceType.of name is required, got null/],
  ];
  test.each(cases)('%s %s', (construct, property, build, expected) => {
    expectError(build, { construct, property, value: 'a value of another kind, or none' }, expected);
  });

  test('the valid calls still work', () => {
    expect(PipelineCondition.compare(value('a'), ConditionOperator.EQUALS, value('b')).comparison).toBe('Equals');
    expect(PipelineValue.join([value('a'), PipelineValue.executionId()], '/')._toJson()).toEqual({ 'Std:Join': { On: '/', Values: ['a', { Get: 'Execution.PipelineExecutionId' }] } });
    expect(PipelineParameter.booleanParameter('B').defaultValue).toBeUndefined();
  });

  test('a step and a trigger bucket of another kind', () => {
    const stack = new Stack(new App(), 'Stack');
    expectError(() => new SageMakerPipeline(stack, 'P', { steps: [fail()], triggers: { newData: { bucket: 'landing' as any } } }),
      { construct: 'SageMakerPipeline', property: 'triggers.newData.bucket', value: "'landing'" },
      "sageMakerPipeline triggers.newData.bucket must be an s3.IBucket, got 'landing': give e.g. s3.Bucket.fromBucketName(this, 'Landing', 'landing')");
    const landing = s3.Bucket.fromBucketName(stack, 'L', 'landing');
    expect(new SageMakerPipeline(stack, 'Q', {
      steps: [fail()], triggers: { newData: { bucket: landing }, schedule: scheduler.ScheduleExpression.rate(Duration.days(1)) },
    }).schedule).toBeDefined();
  });
});
