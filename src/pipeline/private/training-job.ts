import { Duration, Token } from 'aws-cdk-lib';
import { renderJobVpcConfig, runtimeSeconds, volumeSizeInGb } from './job-common';
import { checkInteger, sortedMap } from '../../private/validate';
import { TrainingInstanceType } from '../instance-type';
import { MetricDefinition, S3DataDistribution, TrainingInputMode, TrainingJobOptions } from '../jobs/training-job';

/** `ChannelName` in the CreateTrainingJob API reference. */
const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9.\-_]{1,64}$/;
const CHECKPOINT_LOCAL_PATH = '/opt/ml/checkpoints';

/** The CreateTrainingJob request (without the job name) of typed options, checked. */
export function renderTrainingJob(property: string, job: TrainingJobOptions): { [key: string]: any } {
  checkTrainingJob(property, job);
  const maxRuntime = job.maxRuntime ?? Duration.hours(24);
  const maxWait = job.spot ? (job.maxWaitTime ?? defaultMaxWait(maxRuntime)) : undefined;
  const volume = {
    VolumeSizeInGB: volumeSizeInGb(`${property} volumeSize`, job.volumeSize, 30, 16_384),
    VolumeKmsKeyId: job.encryptionKey?.keyArn,
  };
  const resourceConfig = job.instanceGroups ? {
    InstanceGroups: job.instanceGroups.map((g) => ({
      InstanceGroupName: g.groupName, InstanceType: g.instanceType.name, InstanceCount: g.instanceCount ?? 1,
    })),
    ...volume,
  } : {
    InstanceType: job.instanceType ?? TrainingInstanceType.ML_M5_XLARGE.name,
    InstanceCount: job.instanceCount ?? 1,
    ...volume,
    KeepAlivePeriodInSeconds: job.keepAlivePeriod ? durationSeconds(`${property} keepAlivePeriod`, job.keepAlivePeriod) : undefined,
  };
  return {
    AlgorithmSpecification: {
      TrainingImage: job.image,
      TrainingInputMode: job.inputMode ?? TrainingInputMode.FILE,
      MetricDefinitions: job.metricDefinitions?.map((m) => ({ Name: m.name, Regex: m.regex })),
    },
    RoleArn: job.role.roleArn,
    InputDataConfig: job.channels.map((c) => ({
      ChannelName: c.channelName,
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          S3Uri: c.s3Uri,
          S3DataDistributionType: c.distribution ?? S3DataDistribution.FULLY_REPLICATED,
          InstanceGroupNames: c.instanceGroupNames,
        },
      },
      ContentType: c.contentType,
      InputMode: c.inputMode,
    })),
    OutputDataConfig: { S3OutputPath: job.outputS3Uri, KmsKeyId: job.encryptionKey?.keyArn },
    ResourceConfig: resourceConfig,
    StoppingCondition: {
      MaxRuntimeInSeconds: runtimeSeconds(`${property} maxRuntime`, maxRuntime, 2_419_200, 'give a Duration of at most 28 days'),
      MaxWaitTimeInSeconds: maxWait ? durationSeconds(`${property} maxWaitTime`, maxWait) : undefined,
    },
    EnableManagedSpotTraining: job.spot,
    CheckpointConfig: job.checkpointS3Uri ? { S3Uri: job.checkpointS3Uri, LocalPath: CHECKPOINT_LOCAL_PATH } : undefined,
    HyperParameters: sortedMap(job.hyperparameters),
    Environment: sortedMap(job.environment),
    VpcConfig: renderJobVpcConfig(`${property} network`, job.network),
    EnableNetworkIsolation: job.network?.networkIsolation,
    EnableInterContainerTrafficEncryption: job.network?.interContainerTrafficEncryption,
  };
}

/**
 * The spot wait when none is given: twice the runtime. A runtime that is a token (a
 * CfnParameter, say) cannot be doubled at synth time, and neither CloudFormation nor
 * the pipeline definition language has arithmetic: the wait is then the runtime itself
 * (MaxWaitTimeInSeconds must be >= MaxRuntimeInSeconds, CreateTrainingJob StoppingCondition),
 * so the token survives and the job stays valid.
 */
export function defaultMaxWait(maxRuntime: Duration): Duration {
  if (maxRuntime.isUnresolved()) {
    return maxRuntime;
  }
  return Duration.seconds(maxRuntime.toSeconds() * 2);
}

/** A Duration in seconds; a token Duration must have been given in seconds (no conversion of a token is possible). */
export function durationSeconds(property: string, duration: Duration): number {
  try {
    return duration.toSeconds();
  } catch {
    throw new Error(`${property} must be given with Duration.seconds() when its value is a token (got a token in another unit): `
      + 'a token cannot be converted between units at synth time; write Duration.seconds(parameter.valueAsNumber)');
  }
}

/** Throws on options CreateTrainingJob would refuse. */
export function checkTrainingJob(p: string, job: TrainingJobOptions): void {
  if (job.instanceGroups) {
    if (job.instanceType || job.instanceCount !== undefined) {
      throw new Error(`${p} instanceGroups cannot be combined with instanceType or instanceCount: describe every instance in a group`);
    }
    if (job.instanceGroups.length === 0 || job.instanceGroups.length > 5) {
      throw new Error(`${p} instanceGroups has ${job.instanceGroups.length} groups: give 1 to 5 (CreateTrainingJob InstanceGroups)`);
    }
    for (const g of job.instanceGroups) {
      checkInteger(`${p} instanceGroups '${g.groupName}' instanceCount`, g.instanceCount, 1, Number.MAX_SAFE_INTEGER);
    }
  }
  const maxRuntime = job.maxRuntime ?? Duration.hours(24);
  runtimeSeconds(`${p} maxRuntime`, maxRuntime, 2_419_200, 'give a Duration of at most 28 days');
  volumeSizeInGb(`${p} volumeSize`, job.volumeSize, 30, 16_384);
  if (job.maxWaitTime && !job.spot) {
    throw new Error(`${p} maxWaitTime applies only to spot training: drop it, or set spot to true`);
  }
  if (job.spot && job.maxWaitTime && !job.maxWaitTime.isUnresolved() && !maxRuntime.isUnresolved()
    && job.maxWaitTime.toSeconds() < maxRuntime.toSeconds()) {
    throw new Error(`${p} maxWaitTime (${job.maxWaitTime.toSeconds()} s) is shorter than maxRuntime (${maxRuntime.toSeconds()} s): `
      + 'spot training needs maxWaitTime >= maxRuntime; raise maxWaitTime or lower maxRuntime');
  }
  if (job.keepAlivePeriod) {
    checkInteger(`${p} keepAlivePeriod (seconds)`, durationSeconds(`${p} keepAlivePeriod`, job.keepAlivePeriod), 1, 3600, 'warm pools keep instances for at most one hour');
    if (job.spot) {
      throw new Error(`${p} keepAlivePeriod (a warm pool) cannot be used with spot training: set spot to false to keep a warm pool`);
    }
    if (job.instanceGroups) {
      throw new Error(`${p} keepAlivePeriod (a warm pool) cannot be used with instanceGroups: use instanceType and instanceCount`);
    }
  }
  const names = new Set<string>();
  for (const c of job.channels) {
    if (!Token.isUnresolved(c.channelName) && !CHANNEL_NAME_PATTERN.test(c.channelName)) {
      throw new Error(`${p} channelName '${c.channelName}' is invalid: SageMaker accepts 1 to 64 letters, digits, '.', '-' and '_'`);
    }
    if (names.has(c.channelName)) {
      throw new Error(`${p} channelName '${c.channelName}' is used twice: give each channel its own name`);
    }
    names.add(c.channelName);
    checkChannelGroups(p, c.channelName, c.instanceGroupNames, job.instanceGroups?.map((g) => g.groupName));
  }
  // CreateTrainingJob InputDataConfig: at most 20 channels.
  if (job.channels.length > 20) {
    throw new Error(`${p} channels has ${job.channels.length} channels: SageMaker accepts at most 20; merge some under one prefix`);
  }
  for (const g of job.instanceGroups ?? []) {
    // CreateTrainingJob InstanceGroupName: 1 to 64 characters, ^.+$.
    if (!Token.isUnresolved(g.groupName) && (typeof g.groupName !== 'string' || g.groupName.length < 1 || g.groupName.length > 64)) {
      throw new Error(`${p} instanceGroups groupName must be 1 to 64 characters, got ${JSON.stringify(g.groupName)}: give each group a short name`);
    }
  }
  const groupNames = (job.instanceGroups ?? []).map((g) => g.groupName);
  if (new Set(groupNames).size !== groupNames.length) {
    throw new Error(`${p} instanceGroups groupName is used twice (${groupNames.join(', ')}): give each group its own name`);
  }
  checkEnvironment(`${p} environment`, job.environment);
  const hyperparameters = Object.entries(job.hyperparameters ?? {});
  // CreateTrainingJob HyperParameters: at most 100 entries, keys up to 256 characters, values up to 2500.
  if (hyperparameters.length > 100) {
    throw new Error(`${p} hyperparameters has ${hyperparameters.length} entries: SageMaker accepts at most 100; pass the rest in a channel or environment`);
  }
  for (const [key, value] of hyperparameters) {
    if (key.length > 256) {
      throw new Error(`${p} hyperparameters key '${key.slice(0, 32)}...' is ${key.length} characters: SageMaker accepts at most 256`);
    }
    if (!Token.isUnresolved(value) && value.length > 2500) {
      throw new Error(`${p} hyperparameters '${key}' has a value of ${value.length} characters: SageMaker accepts at most 2500; `
        + 'pass large values in a channel instead');
    }
  }
  // CreateTrainingJob AlgorithmSpecification MetricDefinitions: at most 40.
  if ((job.metricDefinitions?.length ?? 0) > 40) {
    throw new Error(`${p} metricDefinitions has ${job.metricDefinitions!.length} metrics: SageMaker accepts at most 40; keep the ones you chart or gate on`);
  }
  for (const m of job.metricDefinitions ?? []) {
    checkMetricDefinition(`${p} metricDefinitions`, m);
  }
}

/** Channel → instance group pinning (S3DataSource InstanceGroupNames: at most 5, names of the job's groups). */
function checkChannelGroups(p: string, channel: string, pinned: string[] | undefined, groups: string[] | undefined): void {
  if (pinned === undefined) {
    return;
  }
  if (!groups) {
    throw new Error(`${p} channel '${channel}' instanceGroupNames needs instanceGroups: describe the groups, or drop instanceGroupNames`);
  }
  if (pinned.length === 0 || pinned.length > 5) {
    throw new Error(`${p} channel '${channel}' instanceGroupNames has ${pinned.length} names: give 1 to 5 (S3DataSource InstanceGroupNames)`);
  }
  for (const name of pinned) {
    if (!groups.includes(name)) {
      throw new Error(`${p} channel '${channel}' instanceGroupNames '${name}' is not a group of instanceGroups (${groups.join(', ')}): fix the name`);
    }
  }
}

/**
 * Environment of a training or processing job: CreateTrainingJob and CreateProcessingJob take at
 * most 100 entries, keys matching `[a-zA-Z_][a-zA-Z0-9_]*` up to 512 (training) or 256
 * (processing) characters, values up to 512 (training) or 256 (processing) characters.
 */
export function checkEnvironment(p: string, environment: { [key: string]: string } | undefined,
  limits = { entries: 100, key: 512, value: 512 }): void {
  if (environment === undefined) {
    return;
  }
  if (typeof environment !== 'object' || environment === null) {
    throw new Error(`${p} must be a map of names to strings, got ${JSON.stringify(environment)}: e.g. { LOG_LEVEL: 'info' }`);
  }
  const entries = Object.entries(environment);
  if (entries.length > limits.entries) {
    throw new Error(`${p} has ${entries.length} entries: SageMaker accepts at most ${limits.entries}; pass the rest as hyperparameters or in a channel`);
  }
  for (const [key, value] of entries) {
    if (Token.isUnresolved(key)) {
      continue;
    }
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key) || key.length > limits.key) {
      throw new Error(`${p} key '${key.slice(0, 64)}' is not a valid variable name: use letters, digits and '_', `
        + `not starting with a digit, at most ${limits.key} characters`);
    }
    if (typeof value !== 'string') {
      throw new Error(`${p} '${key}' must be a string, got ${JSON.stringify(value)}: write numbers and booleans as text`);
    }
    if (!Token.isUnresolved(value) && value.length > limits.value) {
      throw new Error(`${p} '${key}' has a value of ${value.length} characters: SageMaker accepts at most ${limits.value}; pass it in a channel`);
    }
  }
}

function checkMetricDefinition(p: string, m: MetricDefinition): void {
  if (!m.name || m.name.length > 255) {
    throw new Error(`${p} name '${m.name}' must be 1 to 255 characters, got ${m.name?.length ?? 0}: shorten it`);
  }
  if (!m.regex || m.regex.length > 500) {
    throw new Error(`${p} '${m.name}' regex must be 1 to 500 characters, got ${m.regex?.length ?? 0}: shorten the expression`);
  }
  let groups: number;
  try {
    // SageMaker uses Python's `re`: rewrite its named-group syntax before compiling as JavaScript.
    groups = new RegExp(`${m.regex.replace(/\(\?P</g, '(?<')}|`).exec('')!.length - 1;
  } catch (e) {
    throw new Error(`${p} '${m.name}' regex '${m.regex}' does not compile (${(e as Error).message}): fix the expression`);
  }
  if (groups < 1) {
    throw new Error(`${p} '${m.name}' regex '${m.regex}' has no capturing group: SageMaker takes the value from the first group, `
      + "e.g. 'train_loss=([0-9\\.]+);'");
  }
}
