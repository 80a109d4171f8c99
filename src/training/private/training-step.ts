import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { renderDistribution } from './distribution';
import { CODE_CHANNEL } from './script';
import {
  JobNetworkOptions, PipelineParameter, PipelineValue, TrainingInputMode, TrainingInstanceType, TrainingJobOptions, TrainingStep,
} from '../../pipeline';
import { checkTrainingJob } from '../../pipeline/private/training-job';
import { isGpuInstanceType } from '../../private/instance-type';
import { checkInteger } from '../../private/validate';
import { TrainingChannel } from '../data';
import { TrainingOptions } from '../options';

/**
 * A channel of the training job: a `TrainingChannel`, or a channel that only a preparation output
 * feeds (then it has no location of its own).
 */
export type StepChannel = Omit<TrainingChannel, 'bucket'> & { readonly bucket?: TrainingChannel['bucket'] };

/** What the training step is built from. */
export interface TrainingStepInputs {
  readonly scope: Construct;
  readonly options: TrainingOptions;
  /** Every channel of the job, the main channel first. */
  readonly channels: StepChannel[];
  readonly role: iam.IRole;
  readonly image: PipelineValue;
  /** The S3 URI of each channel: a parameter, a literal location, or a preparation output. */
  readonly channelUri: (channel: StepChannel, index: number) => PipelineValue;
  readonly outputS3Uri: string;
  readonly checkpointS3Uri: PipelineValue;
  readonly encryptionKey?: kms.IKey;
  readonly network?: JobNetworkOptions;
  /** Declares a pipeline parameter (instance type and count are parameters). */
  readonly addParameter: (parameter: PipelineParameter) => PipelineParameter;
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
  const typeName = (o.instanceType ?? TrainingInstanceType.ML_M5_XLARGE).name;
  let instanceType: PipelineValue | undefined;
  let instanceCount: PipelineValue | undefined;
  if (!o.instanceGroups) {
    if (o.distribution) {
      // The launcher is checked against the cluster and reads the instance type: both are fixed.
      instanceType = PipelineValue.fromString(typeName);
      instanceCount = PipelineValue.fromNumber(o.instanceCount ?? 1);
    } else {
      instanceType = inputs.addParameter(PipelineParameter.stringParameter('TrainingInstanceType', typeName,
        { description: 'training instance type' })).value;
      instanceCount = inputs.addParameter(PipelineParameter.integerParameter('TrainingInstanceCount', o.instanceCount ?? 1,
        { description: 'training instance count (more than 1 is a distributed job)' })).value;
    }
  }

  const managed: { [name: string]: string } = {};
  const codeConfig = o.code?.bind(inputs.scope, inputs.role);
  Object.assign(managed, codeConfig?.hyperparameters ?? {});
  if (o.distribution) {
    Object.assign(managed, renderDistribution(p, o.distribution, {
      instanceType: o.instanceGroups ? undefined : typeName,
      instanceCount: o.instanceGroups ? undefined : o.instanceCount ?? 1,
      instanceGroups: o.instanceGroups,
    }));
  }
  for (const key of Object.keys(o.hyperparameters ?? {})) {
    if (key in managed) {
      throw new Error(`${p} hyperparameters '${key}' is set by ${o.code && key in (codeConfig?.hyperparameters ?? {}) ? 'training.code' : 'training.distribution'}: `
        + 'drop it from hyperparameters, the library writes it');
    }
  }

  const channels = inputs.channels;
  if (codeConfig?.codeS3Uri && channels.some((c) => c.channelName === CODE_CHANNEL)) {
    throw new Error(`${p} channelName '${CODE_CHANNEL}' is taken by training.code (the uploaded script): rename the channel`);
  }
  const hosts = hostCount(o);
  const gpu = o.instanceGroups ? o.instanceGroups.some((g) => isGpuInstanceType(g.instanceType.name)) : isGpuInstanceType(typeName);
  if (spot && gpu && hosts !== undefined && hosts > 1) {
    Annotations.of(inputs.scope).addWarningV2('cdk-sagemaker-github:training-spot-multinode-gpu',
      `${p} runs ${hosts} GPU hosts on spot capacity: a spot interruption of any host stops the whole job, and large GPU `
      + 'clusters (p4d, p5) are rarely available as spot; set training.spot to false for multi-node GPU training');
  }
  if (checkpoints && (hosts === undefined || hosts > 1)) {
    Annotations.of(inputs.scope).addWarningV2('cdk-sagemaker-github:training-shared-checkpoints',
      `${p} syncs /opt/ml/checkpoints of every host to one S3 prefix: hosts that write the same file names overwrite each `
      + "other's checkpoints; write checkpoints from the leader (algo-1) only, or under a folder named by the host (current_host in resourceconfig.json)");
  }

  const job: TrainingJobOptions = {
    image: inputs.image,
    role: inputs.role,
    inputMode: channels[0].inputMode ?? TrainingInputMode.FILE,
    channels: [
      ...channels.map((c, i) => ({
        channelName: c.channelName,
        s3Uri: inputs.channelUri(c, i),
        contentType: c.contentType,
        inputMode: c.inputMode,
        distribution: c.distribution,
        instanceGroupNames: c.instanceGroupNames,
      })),
      ...(codeConfig?.codeS3Uri
        ? [{ channelName: CODE_CHANNEL, s3Uri: PipelineValue.fromString(codeConfig.codeS3Uri), inputMode: TrainingInputMode.FILE }]
        : []),
    ],
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
    hyperparameters: Object.keys(managed).length > 0 || o.hyperparameters ? { ...(o.hyperparameters ?? {}), ...managed } : undefined,
    environment: o.environment,
    metricDefinitions: o.metricDefinitions,
    network: inputs.network,
  };
  checkTrainingJob(p, job);
  if (o.maxRuntime?.isUnresolved() && spot && !o.maxWaitTime) {
    Annotations.of(inputs.scope).addWarningV2('cdk-sagemaker-github:training-token-runtime',
      `${p} maxRuntime is a token and maxWaitTime is not given: the spot wait is the runtime itself (it cannot be doubled at synth time); `
      + 'give maxWaitTime to wait longer for spot capacity');
  }
  return new TrainingStep({
    name: 'Train',
    description: o.code ? `Trains the model (the sagemaker-training toolkit runs ${o.code.entryPoint})` : 'Trains the model (docker run IMAGE train)',
    job,
  });
}

/** The hosts of the cluster, when known at synth time. */
function hostCount(o: TrainingOptions): number | undefined {
  if (o.instanceGroups) {
    const counts = o.instanceGroups.map((g) => g.instanceCount ?? 1);
    return counts.some((c) => Token.isUnresolved(c)) ? undefined : counts.reduce((a, b) => a + b, 0);
  }
  const count = o.instanceCount ?? 1;
  return Token.isUnresolved(count) ? undefined : count;
}
