import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  JobNetworkOptions, PipelineParameter, PipelineValue, TrainingInputMode, TrainingInstanceType, TrainingJobOptions, TrainingStep,
} from '../../pipeline';
import { checkTrainingJob } from '../../pipeline/private/training-job';
import { checkInteger } from '../../private/validate';
import { TrainingChannel } from '../data';
import { TrainingOptions } from '../options';

/** What the training step is built from. */
export interface TrainingStepInputs {
  readonly options: TrainingOptions;
  readonly trainingData: TrainingChannel;
  readonly role: iam.IRole;
  readonly image: PipelineValue;
  readonly trainingDataUri: PipelineValue;
  readonly outputS3Uri: string;
  readonly checkpointS3Uri: PipelineValue;
  readonly encryptionKey?: kms.IKey;
  readonly network?: JobNetworkOptions;
  /** Declares a pipeline parameter (instance type and count are parameters). */
  readonly addParameter: (parameter: PipelineParameter) => PipelineParameter;
  readonly locationUri: (channel: TrainingChannel) => string;
}

/** The Train step: the typed training job of the pipeline's `training` options. */
export function buildTrainingStep(inputs: TrainingStepInputs): TrainingStep {
  const o = inputs.options;
  const p = 'trainingPipeline training';
  checkInteger(`${p} instanceCount`, o.instanceCount, 1, Number.MAX_SAFE_INTEGER, 'give 1 for a single instance, more for a distributed job');
  const spot = o.spot ?? true;
  const checkpoints = o.checkpoints ?? spot;
  if (o.instanceGroups && (o.instanceType || o.instanceCount !== undefined)) {
    throw new Error(`${p} instanceGroups cannot be combined with instanceType or instanceCount: describe every instance in a group`);
  }
  let instanceType: PipelineValue | undefined;
  let instanceCount: PipelineValue | undefined;
  if (!o.instanceGroups) {
    instanceType = inputs.addParameter(PipelineParameter.stringParameter('TrainingInstanceType',
      (o.instanceType ?? TrainingInstanceType.ML_M5_XLARGE).name, { description: 'training instance type' })).value;
    instanceCount = inputs.addParameter(PipelineParameter.integerParameter('TrainingInstanceCount', o.instanceCount ?? 1,
      { description: 'training instance count (more than 1 is a distributed job)' })).value;
  }
  const channels = [inputs.trainingData, ...(o.extraChannels ?? [])];
  const job: TrainingJobOptions = {
    image: inputs.image,
    role: inputs.role,
    inputMode: inputs.trainingData.inputMode ?? TrainingInputMode.FILE,
    channels: channels.map((c, i) => ({
      channelName: c.channelName,
      s3Uri: i === 0 ? inputs.trainingDataUri : PipelineValue.fromString(inputs.locationUri(c)),
      contentType: c.contentType,
      inputMode: c.inputMode,
      distribution: c.distribution,
    })),
    outputS3Uri: inputs.outputS3Uri,
    instanceType,
    instanceCount,
    instanceGroups: o.instanceGroups,
    volumeSize: o.volumeSize,
    encryptionKey: inputs.encryptionKey,
    maxRuntime: o.maxRuntime ?? Duration.hours(24),
    spot,
    maxWaitTime: o.maxWaitTime,
    checkpointS3Uri: checkpoints ? inputs.checkpointS3Uri : undefined,
    keepAlivePeriod: o.keepAlivePeriod,
    hyperparameters: o.hyperparameters,
    environment: o.environment,
    metricDefinitions: o.metricDefinitions,
    network: inputs.network,
  };
  checkTrainingJob(p, job);
  return new TrainingStep({
    name: 'Train',
    description: 'Trains the model (docker run IMAGE train)',
    job,
  });
}
