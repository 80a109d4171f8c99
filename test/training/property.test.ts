/**
 * Property-based checks of TrainingPipeline (fast-check, fixed seed): valid
 * training options synthesize, the spot wait is never shorter than the
 * runtime, no physical names appear unless asked, and invalid values give an
 * Error that names the property.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { newPipeline } from './helpers';
import { TrainingInstanceType } from '../../src/pipeline';
import { TrainingOptions } from '../../src/training';
import { pipelineDefinition, stepNamed } from '../pipeline/definition-helper';
import { propertyParameters } from '../property';

jest.setTimeout(60_000);

const validTraining: fc.Arbitrary<TrainingOptions> = fc.record({
  instanceType: fc.constantFrom(TrainingInstanceType.ML_M5_XLARGE, TrainingInstanceType.of('ml.g5.2xlarge'), TrainingInstanceType.of('ml.c5.4xlarge')),
  instanceCount: fc.integer({ min: 1, max: 8 }),
  maxRuntime: fc.integer({ min: 1, max: 2_419_200 }).map((s) => Duration.seconds(s)),
  spot: fc.boolean(),
  hyperparameters: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/), fc.string({ maxLength: 40 }), { maxKeys: 5 }),
  environment: fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/), fc.string({ maxLength: 40 }), { maxKeys: 5 }),
}, { requiredKeys: [] });

test('valid training options synthesize, and the spot wait is at least the runtime', () => {
  fc.assert(fc.property(validTraining, (training) => {
    const stack = new Stack(new App(), 'Stack');
    newPipeline(stack, { training });
    const stop = stepNamed(pipelineDefinition(stack), 'Train').Arguments.StoppingCondition;
    expect(stop.MaxRuntimeInSeconds).toBe(training.maxRuntime?.toSeconds() ?? 86_400);
    if (training.spot ?? true) {
      expect(stop.MaxWaitTimeInSeconds).toBeGreaterThanOrEqual(stop.MaxRuntimeInSeconds);
    } else {
      expect(stop.MaxWaitTimeInSeconds).toBeUndefined();
    }
  }), propertyParameters(8));
});

test('no physical names unless asked: buckets, roles and the model package group are named by CloudFormation', () => {
  fc.assert(fc.property(validTraining, (training) => {
    const stack = new Stack(new App(), 'Stack');
    newPipeline(stack, { training });
    const template = Template.fromStack(stack);
    for (const bucket of Object.values<any>(template.findResources('AWS::S3::Bucket'))) expect(bucket.Properties?.BucketName).toBeUndefined();
    for (const role of Object.values<any>(template.findResources('AWS::IAM::Role'))) expect(role.Properties?.RoleName).toBeUndefined();
  }), propertyParameters(6));
});

const invalid: fc.Arbitrary<[string, TrainingOptions]> = fc.oneof(
  fc.integer({ max: 0 }).map((n): [string, TrainingOptions] => ['instanceCount', { instanceCount: n }]),
  fc.integer({ min: 2_419_201, max: 10_000_000 }).map((s): [string, TrainingOptions] => ['maxRuntime', { maxRuntime: Duration.seconds(s) }]),
  fc.integer({ min: 2, max: 1000 }).map((s): [string, TrainingOptions] => ['maxWaitTime', { maxRuntime: Duration.seconds(s), maxWaitTime: Duration.seconds(s - 1) }]),
  fc.stringMatching(/^[0-9-][A-Za-z0-9-]{0,10}$/).map((k): [string, TrainingOptions] => ['environment', { environment: { [k]: 'x' } }]),
  fc.integer({ min: 2501, max: 4000 }).map((n): [string, TrainingOptions] => ['hyperparameter', { hyperparameters: { big: 'x'.repeat(n) } }]),
  fc.integer({ min: 3601, max: 100_000 }).map((s): [string, TrainingOptions] => ['keepAlivePeriod', { spot: false, keepAlivePeriod: Duration.seconds(s) }]),
);

test('invalid training options give an Error that names the property', () => {
  fc.assert(fc.property(invalid, ([property, training]) => {
    const stack = new Stack(new App(), 'Stack');
    let error: unknown;
    try {
      newPipeline(stack, { training });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('Error');
    expect((error as Error).message).toContain(property);
    expect((error as Error).message).toMatch(/^trainingPipeline training /);
  }), propertyParameters(40));
});
