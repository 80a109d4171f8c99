/**
 * Issue #14 and #12 for TrainingPipeline: tokens survive derived values,
 * missing or mistyped props give an Error naming the property, and the
 * pipeline publishes what a notebook needs.
 */
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { build, newPipeline } from './helpers';
import { CustomTrainingImage } from '../../src/image';
import { EvaluationMethod, Hyperparameter, ModelPackageGroup, QualityGate, TrainingCode, TrainingPipeline } from '../../src/training';
import { expectError } from '../errors';
import { stepNamed } from '../pipeline/definition-helper';

/** The raw definition body (intrinsics kept), so a CfnParameter's Ref can be found in it. */
function definitionBody(stack: Stack): string {
  const pipeline = Object.values<any>(Template.fromStack(stack).findResources('AWS::SageMaker::Pipeline'))[0];
  return JSON.stringify(pipeline.Properties.PipelineDefinition.PipelineDefinitionBody);
}

describe('tokens in the training job', () => {
  test('a maxRuntime from a CfnParameter survives as the runtime and as the default spot wait (never a doubled token)', () => {
    const stack = new Stack(new App(), 'Stack');
    const hours = new CfnParameter(stack, 'MaxRuntimeSeconds', { type: 'Number', default: 3600 });
    newPipeline(stack, { training: { maxRuntime: Duration.seconds(hours.valueAsNumber) } });
    const body = definitionBody(stack);
    const refs = body.match(/\{\\"Ref\\":\\"MaxRuntimeSeconds\\"\}|"Ref":"MaxRuntimeSeconds"/g) ?? [];
    expect(refs.length).toBe(2);
    expect(body).not.toMatch(/-\d\.\d+e\+\d+/);
    Annotations.fromStack(stack).hasWarning('/Stack/Training', Match.stringLikeRegexp('maxRuntime is a token and maxWaitTime is not given'));
  });

  test('without a token, the spot wait is twice the runtime', () => {
    const { definition } = build({ training: { maxRuntime: Duration.hours(3) } });
    expect(stepNamed(definition, 'Train').Arguments.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 10800, MaxWaitTimeInSeconds: 21600 });
  });

  test('a token runtime given in hours cannot be converted', () => {
    const stack = new Stack(new App(), 'Stack');
    const hours = new CfnParameter(stack, 'Hours', { type: 'Number' });
    expectError(() => newPipeline(stack, { training: { maxRuntime: Duration.hours(hours.valueAsNumber) } }),
      { construct: 'TrainingPipeline', property: 'training.maxRuntime', value: 'Duration.hours(<token>)' },
      'trainingPipeline training maxRuntime must be given with Duration.seconds() when its value is a token');
  });
});

describe('missing or mistyped props (JavaScript callers, null from other languages)', () => {
  const stack = () => new Stack(new App(), 'Stack');
  const image = (s: Stack) => new CustomTrainingImage(s, 'Image', { imageTag: 'abc' });
  const bucket = (s: Stack) => (s.node.tryFindChild('Data') as s3.IBucket | undefined) ?? s3.Bucket.fromBucketName(s, 'Data', 'my-data');

  test('no props at all', () => {
    expectError(() => new TrainingPipeline(stack(), 'T', undefined as any), { construct: 'TrainingPipeline', property: 'props', value: 'undefined' },
      'trainingPipeline props must be an object, got null: give image, trainingData and testData (or a preparation that makes them)');
  });

  test('no image', () => {
    const s = stack();
    expectError(() => new TrainingPipeline(s, 'T', { trainingData: { channelName: 'train', bucket: bucket(s) }, testData: { bucket: bucket(s) } } as any),
      { construct: 'TrainingPipeline', property: 'image', value: 'undefined' },
      'trainingPipeline image must be an ISageMakerImage, got nothing');
  });

  test('trainingData null', () => {
    const s = stack();
    expectError(() => new TrainingPipeline(s, 'T', { image: image(s), trainingData: null, testData: { bucket: bucket(s) } } as any),
      { construct: 'TrainingPipeline', property: 'trainingData', value: 'null' },
      "trainingPipeline trainingData must be a data location, got null and there is no preparation to feed it: give { channelName: 'train', bucket, prefix: 'train/' }, "
      + "or a preparation output that names the main channel ({ outputName: 'train', channelName: 'train' })");
  });

  test('trainingData without a bucket', () => {
    const s = stack();
    expectError(() => new TrainingPipeline(s, 'T', { image: image(s), trainingData: { channelName: 'train' }, testData: { bucket: bucket(s) } } as any),
      { construct: 'TrainingPipeline', property: 'trainingData.bucket', value: 'undefined' },
      'trainingPipeline trainingData.bucket must be an s3.IBucket, got nothing');
  });

  test('a bucket name where a bucket belongs', () => {
    const s = stack();
    expectError(() => new TrainingPipeline(s, 'T', { image: image(s), trainingData: { channelName: 'train', bucket: 'my-data' }, testData: { bucket: bucket(s) } } as any),
      { construct: 'TrainingPipeline', property: 'trainingData.bucket', value: "'my-data'" },
      'trainingPipeline trainingData.bucket must be an s3.IBucket, got string "my-data"');
  });

  test('a numeric channel name', () => {
    const s = stack();
    expectError(() => new TrainingPipeline(s, 'T', { image: image(s), trainingData: { channelName: 7, bucket: bucket(s) }, testData: { bucket: bucket(s) } } as any),
      { construct: 'TrainingPipeline', property: 'trainingData.channelName', value: '7' },
      'trainingPipeline trainingData.channelName must be a string, got number 7');
  });

  test('testData missing', () => {
    const s = stack();
    expectError(() => new TrainingPipeline(s, 'T', { image: image(s), trainingData: { channelName: 'train', bucket: bucket(s) } } as any),
      { construct: 'TrainingPipeline', property: 'testData', value: 'undefined' },
      "trainingPipeline testData must be a data location, got nothing: the evaluation scores the model on test data; give testData: { bucket, prefix: 'test/' }, "
      + 'mark a preparation output testData: true, or choose evaluation.method EvaluationMethod.none()');
  });

  test('an extra channel that is null', () => {
    expectError(() => build({ training: { extraChannels: [null as any] } }),
      { construct: 'TrainingPipeline', property: 'training.extraChannels', value: '[null]' },
      'trainingPipeline training.extraChannels[0] must be a data location, got null');
  });

  test('an environment value that is a number', () => {
    expectError(() => build({ training: { environment: { EPOCHS: 3 as any } } }),
      { construct: 'TrainingPipeline', property: 'training.environment', value: '{ EPOCHS: 3 }' },
      "trainingPipeline training environment 'EPOCHS' must be a string, got 3: write numbers and booleans as text");
  });

  test('an environment key SageMaker refuses', () => {
    expectError(() => build({ training: { environment: { 'MY-VAR': 'x' } } }),
      { construct: 'TrainingPipeline', property: 'training.environment', value: "{ 'MY-VAR': 'x' }" },
      "trainingPipeline training environment key 'MY-VAR' is not a valid variable name");
  });

  test('an evaluation environment value over 256 characters', () => {
    expectError(() => build({ evaluation: { environment: { LONG: 'x'.repeat(257) } } }),
      { construct: 'TrainingPipeline', property: 'evaluation.environment', value: "{ LONG: 'x' × 257 }" },
      "trainingPipeline evaluation environment 'LONG' has a value of 257 characters: SageMaker accepts at most 256");
  });

  test('more than 40 metric definitions', () => {
    const metricDefinitions = Array.from({ length: 41 }, (_, i) => ({ name: `m${i}`, regex: `m${i}=([0-9.]+)` }));
    expectError(() => build({ training: { metricDefinitions } }),
      { construct: 'TrainingPipeline', property: 'training.metricDefinitions', value: '41 definitions' },
      'trainingPipeline training metricDefinitions has 41 metrics: SageMaker accepts at most 40');
  });
});

describe('publishNames', () => {
  test('writes what a notebook needs to start a run and find its results', () => {
    const stack = new Stack(new App(), 'Stack');
    const pipeline = newPipeline(stack);
    pipeline.publishNames({ outputPrefix: 'Churn' });
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual([
      'ChurnArtifactsBucketName', 'ChurnEvaluationReportsPrefix', 'ChurnExecutionRoleArn', 'ChurnModelArtifactsPrefix',
      'ChurnModelPackageGroupName', 'ChurnPipelineArn', 'ChurnPipelineName',
    ]);
    expect(outputs.ChurnModelArtifactsPrefix.Value).toBe('models/');
    expect(outputs.ChurnArtifactsBucketName.Value).toEqual({ Ref: expect.stringMatching(/^TrainingArtifactsBucket/) });
    expect(outputs.ChurnModelPackageGroupName.Value).toBe(pipeline.modelPackageGroup.modelPackageGroupName);
  });

  test('without an evaluation there is no evaluation prefix', () => {
    const stack = new Stack(new App(), 'Stack');
    newPipeline(stack, { qualityGate: undefined, evaluation: { method: EvaluationMethod.none() } }).publishNames();
    expect(Object.keys(Template.fromStack(stack).toJSON().Outputs)).not.toContain('TrainingEvaluationReportsPrefix');
  });

  test('errors name the training pipeline', () => {
    const stack = new Stack(new App(), 'Stack');
    expectError(() => newPipeline(stack).publishNames({ outputPrefix: '9x' }),
      { construct: 'TrainingPipeline.publishNames', property: 'outputPrefix', value: "'9x'" },
      "trainingPipeline publishNames outputPrefix must be letters and digits starting with a letter (at most 200), got '9x'");
  });
});

describe('the factories of the training values from plain JavaScript (missing, null, another kind)', () => {
  const js = (value: unknown): any => value;

  test('Hyperparameter values', () => {
    expectError(() => Hyperparameter.fromNumber(js(undefined)), { construct: 'Hyperparameter.fromNumber', property: 'value', value: 'undefined' },
      'hyperparameter.fromNumber value is required: give a number, e.g. 0.1');
    expectError(() => Hyperparameter.fromNumber(NaN), { construct: 'Hyperparameter.fromNumber', property: 'value', value: 'NaN' },
      'hyperparameter.fromNumber value must be a finite number, got NaN: give e.g. 0.1');
    expectError(() => Hyperparameter.fromBoolean(js('yes')), { construct: 'Hyperparameter.fromBoolean', property: 'value', value: "'yes'" },
      "hyperparameter.fromBoolean value must be true or false, got 'yes': give e.g. true");
    expectError(() => Hyperparameter.fromJson(undefined), { construct: 'Hyperparameter.fromJson', property: 'value', value: 'undefined' },
      'hyperparameter.fromJson value is required: give a value JSON can hold (null, a number, a string, a list or an object), e.g. { layers: [64, 32] }');
    expectError(() => Hyperparameter.fromJson(BigInt(1)), { construct: 'Hyperparameter.fromJson', property: 'value', value: '1n' },
      /^hyperparameter\.fromJson value cannot be written as JSON, got 1 \(.*\): give a value JSON can hold/);
    expect(Hyperparameter.fromJson(null)).toBe('null');
  });

  test('ModelPackageGroup.fromModelPackageGroupName name', () => {
    const W = 'ModelPackageGroup.fromModelPackageGroupName';
    const stack = new Stack(new App(), 'Stack');
    expectError(() => ModelPackageGroup.fromModelPackageGroupName(stack, 'A', js(undefined)), { construct: W, property: 'modelPackageGroupName', value: 'undefined' },
      "modelPackageGroup.fromModelPackageGroupName modelPackageGroupName is required: give a string, e.g. 'churn'");
    expectError(() => ModelPackageGroup.fromModelPackageGroupName(stack, 'B', 'bad_name'), { construct: W, property: 'modelPackageGroupName', value: "'bad_name'" },
      "modelPackageGroup.fromModelPackageGroupName modelPackageGroupName 'bad_name' is invalid: use up to 63 letters, digits and '-'");
    expect(ModelPackageGroup.fromModelPackageGroupName(stack, 'C', new CfnParameter(stack, 'Group').valueAsString).modelPackageGroupName)
      .toMatch(/^\$\{Token/);
  });

  test('TrainingCode.fromAsset directory', () => {
    expectError(() => TrainingCode.fromAsset(js(null), 'train.py'), { construct: 'TrainingCode.fromAsset', property: 'directory', value: 'null' },
      "trainingCode.fromAsset directory is required, got null: give a string (the local folder of the code), e.g. 'training/src'");
  });

  test('QualityGate metricPath and comparison', () => {
    expectError(() => QualityGate.lessThan(js(42), 0.25), { construct: 'QualityGate.lessThan', property: 'metricPath', value: '42' },
      "qualityGate metricPath must be a string (the metric's dotted path inside evaluation.json), got 42: give e.g. 'regression_metrics.mse.value'");
    expectError(() => QualityGate.onTrainingMetric('validation:rmse', js(undefined), 1),
      { construct: 'QualityGate.onTrainingMetric', property: 'comparison', value: 'undefined' },
      'qualityGate comparison is required: give a ConditionOperator, e.g. ConditionOperator.LESS_THAN');
  });

  test('EvaluationMethod.command and script: left-out options are named as options', () => {
    expectError(() => EvaluationMethod.command(js(undefined)), { construct: 'EvaluationMethod.command', property: 'options', value: 'undefined' },
      "evaluationMethod.command options must be an object such as { command: ['python3', '/opt/program/score.py'] }, got nothing");
    expectError(() => EvaluationMethod.script(js(null)), { construct: 'EvaluationMethod.script', property: 'options', value: 'null' },
      "evaluationMethod.script options must be an object such as { path: 'evaluation/evaluate.py' }, got null");
  });
});
