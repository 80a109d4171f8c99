import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CustomTrainingImage } from '../../src/image';
import { QualityGate, TrainingPipeline, TrainingPipelineProps } from '../../src/training';
import { pipelineDefinition } from '../pipeline/definition-helper';
import { expectSoundDefinition } from '../pipeline/structure';

export interface Built {
  readonly stack: Stack;
  readonly pipeline: TrainingPipeline;
  readonly definition: any;
  readonly data: s3.IBucket;
}

/** A stack with a training pipeline; the definition passes the structural check. */
export function build(props: Partial<TrainingPipelineProps> = {}, env?: { account?: string; region?: string }): Built {
  const stack = new Stack(new App(), 'Stack', { env });
  const pipeline = newPipeline(stack, props);
  const definition = pipelineDefinition(stack);
  expectSoundDefinition(definition);
  return { stack, pipeline, definition, data: (pipeline as any)._data };
}

export function newPipeline(stack: Stack, props: Partial<TrainingPipelineProps> = {}): TrainingPipeline {
  const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'abc123' });
  const data = s3.Bucket.fromBucketName(stack, 'Data', 'my-data');
  const pipeline = new TrainingPipeline(stack, 'Training', {
    image,
    trainingData: { channelName: 'train', bucket: data, prefix: 'churn/train/' },
    testData: { bucket: data, prefix: 'churn/test/' },
    qualityGate: QualityGate.lessThanOrEqualTo('regression_metrics.mse.value', 0.25),
    ...props,
  });
  (pipeline as any)._data = data;
  return pipeline;
}
