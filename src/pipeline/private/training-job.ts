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
  const maxWait = job.spot ? (job.maxWaitTime ?? Duration.seconds(maxRuntime.toSeconds() * 2)) : undefined;
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
    KeepAlivePeriodInSeconds: job.keepAlivePeriod?.toSeconds(),
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
        },
      },
      ContentType: c.contentType,
      InputMode: c.inputMode,
    })),
    OutputDataConfig: { S3OutputPath: job.outputS3Uri, KmsKeyId: job.encryptionKey?.keyArn },
    ResourceConfig: resourceConfig,
    StoppingCondition: {
      MaxRuntimeInSeconds: runtimeSeconds(`${property} maxRuntime`, maxRuntime, 2_419_200, 'give a Duration of at most 28 days'),
      MaxWaitTimeInSeconds: maxWait?.toSeconds(),
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
    checkInteger(`${p} keepAlivePeriod (seconds)`, job.keepAlivePeriod.toSeconds(), 1, 3600, 'warm pools keep instances for at most one hour');
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
  }
  const hyperparameters = Object.entries(job.hyperparameters ?? {});
  // CreateTrainingJob HyperParameters: at most 100 entries, keys up to 256 characters, values up to 2500.
  if (hyperparameters.length > 100) {
    throw new Error(`${p} hyperparameters has ${hyperparameters.length} entries: SageMaker accepts at most 100; pass the rest in a channel or environment`);
  }
  for (const [key, value] of hyperparameters) {
    if (key.length > 256) {
      throw new Error(`${p} hyperparameter key '${key.slice(0, 32)}...' is ${key.length} characters: SageMaker accepts at most 256`);
    }
    if (!Token.isUnresolved(value) && value.length > 2500) {
      throw new Error(`${p} hyperparameter '${key}' has a value of ${value.length} characters: SageMaker accepts at most 2500; `
        + 'pass large values in a channel instead');
    }
  }
  for (const m of job.metricDefinitions ?? []) {
    checkMetricDefinition(`${p} metricDefinitions`, m);
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
