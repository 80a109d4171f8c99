import { StepChannel } from './training-step';
import { DataLocation } from '../data';
import { TrainingPipelineProps } from '../training-pipeline';

/**
 * The artifacts bucket's prefixes: models, checkpoints, evaluation reports and prepared data (per execution);
 * drift baselines (per execution) are under BASELINES_PREFIX, where MonitorBaseline.fromTrainingPipeline reads them.
 */
export const MODELS = 'models/';
export const CHECKPOINTS = 'checkpoints/';
export const EVALUATION = 'evaluation/';
export const PREPARED = 'prepared/';

/**
 * The training job's channels, the main one first: `trainingData` and `training.extraChannels`; without
 * `trainingData`, the channels that preparation outputs name and no extra channel declares (in the
 * outputs' order, the first being the main channel), then the extra channels.
 */
export function trainingChannels(props: TrainingPipelineProps): StepChannel[] {
  const extra = props.training?.extraChannels ?? [];
  if (props.trainingData !== undefined && props.trainingData !== null) {
    return [props.trainingData, ...extra];
  }
  const declared = new Set(extra.map((c) => c.channelName));
  const outputs = Array.isArray(props.preparation?.outputs) ? props.preparation!.outputs : [];
  const fed: StepChannel[] = [];
  for (const out of outputs) {
    const name = out?.channelName;
    if (typeof name === 'string' && !declared.has(name) && !fed.some((c) => c.channelName === name)) {
      fed.push({ channelName: name });
    }
  }
  if (fed.length === 0) {
    const got = props.trainingData === null ? 'null' : 'nothing';
    const why = props.preparation
      ? `no preparation output names a channel of its own${declared.size > 0 ? ` (training.extraChannels declares ${[...declared].join(', ')})` : ''}`
      : 'there is no preparation to feed it';
    throw new Error(`trainingPipeline trainingData must be a data location, got ${got} and ${why}: give { channelName: 'train', bucket, prefix: 'train/' }, `
      + "or a preparation output that names the main channel ({ outputName: 'train', channelName: 'train' })");
  }
  return [...fed, ...extra];
}

export function locationUri(location: DataLocation): string {
  return `s3://${location.bucket.bucketName}/${location.prefix ?? ''}`;
}
