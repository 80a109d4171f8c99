import { Duration, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { JobNetworkOptions } from './common';
import { TrainingInstanceType } from '../instance-type';
import { PipelineValue } from '../values';

/**
 * How a training job reads a channel (`TrainingInputMode`).
 */
export enum TrainingInputMode {
  /** Copy the data to the instance's volume before training starts. */
  FILE = 'File',
  /** Stream the data from S3 on demand, presented as files (no copy up front). */
  FAST_FILE = 'FastFile',
  /** Stream the data through a Unix pipe. */
  PIPE = 'Pipe',
}

/**
 * How the objects of a channel are spread over the instances (`S3DataDistributionType`).
 */
export enum S3DataDistribution {
  /** Every instance gets every object. */
  FULLY_REPLICATED = 'FullyReplicated',
  /** Each instance gets a share of the objects (by key). */
  SHARDED_BY_S3_KEY = 'ShardedByS3Key',
}

/**
 * A metric the training job prints, that SageMaker sends to CloudWatch
 * (`/aws/sagemaker/TrainingJobs`) and shows with the job.
 */
export interface MetricDefinition {
  /** The metric's name, 1 to 255 characters, e.g. `train:loss`. */
  readonly name: string;

  /**
   * A regular expression over the job's log whose first group captures the
   * value, e.g. `train_loss=([0-9\\.]+);`; 1 to 500 characters.
   *
   * SageMaker evaluates it with Python's `re` module; the synth-time check
   * compiles it as a JavaScript regex (after rewriting `(?P<name>` to
   * `(?<name>`), so it catches syntax errors and a missing group, not every
   * difference between the two dialects.
   */
  readonly regex: string;
}

/**
 * One group of a heterogeneous training cluster.
 */
export interface TrainingInstanceGroup {
  /** The group's name, as the container sees it in `resourceconfig.json`. */
  readonly groupName: string;
  /** The group's instance type. */
  readonly instanceType: TrainingInstanceType;
  /**
   * The group's instance count.
   *
   * @default 1
   */
  readonly instanceCount?: number;
}

/**
 * An input channel of a training job: data at `/opt/ml/input/data/<channelName>`.
 */
export interface TrainingJobChannel {
  /** The channel's name: letters, digits, `.`, `-` and `_`, at most 64 characters. */
  readonly channelName: string;
  /** The S3 prefix the channel reads (`s3://bucket/prefix`). */
  readonly s3Uri: PipelineValue;
  /**
   * The MIME type of the data, passed to the container.
   *
   * @default - none
   */
  readonly contentType?: string;
  /**
   * How the job reads the channel.
   *
   * @default - the job's `inputMode`
   */
  readonly inputMode?: TrainingInputMode;
  /**
   * How the objects are spread over the instances.
   *
   * @default S3DataDistribution.FULLY_REPLICATED
   */
  readonly distribution?: S3DataDistribution;
  /**
   * In a heterogeneous cluster, the instance groups that get this channel
   * (`S3DataSource.InstanceGroupNames`, at most 5).
   *
   * @default - every instance
   */
  readonly instanceGroupNames?: string[];
}

/**
 * A training job (`CreateTrainingJob`), typed.
 */
export interface TrainingJobOptions {
  /** The training image (`docker run IMAGE train`). */
  readonly image: PipelineValue;
  /** The role the job runs as. */
  readonly role: iam.IRole;
  /** The input channels. */
  readonly channels: TrainingJobChannel[];
  /** Where the job writes `<job name>/output/model.tar.gz` (an S3 URI, may hold tokens). */
  readonly outputS3Uri: string;
  /**
   * How channels are read unless they say otherwise.
   *
   * @default TrainingInputMode.FILE
   */
  readonly inputMode?: TrainingInputMode;
  /**
   * The instance type; a `PipelineValue` so that a parameter may set it.
   *
   * @default - ml.m5.xlarge
   */
  readonly instanceType?: PipelineValue;
  /**
   * The number of instances; a `PipelineValue` so that a parameter may set it.
   *
   * @default - 1
   */
  readonly instanceCount?: PipelineValue;
  /**
   * A heterogeneous cluster (1 to 5 groups), instead of `instanceType` and `instanceCount`.
   *
   * @default - one group of `instanceCount` × `instanceType`
   */
  readonly instanceGroups?: TrainingInstanceGroup[];
  /**
   * The storage volume of each instance.
   *
   * @default Size.gibibytes(30)
   */
  readonly volumeSize?: Size;
  /**
   * The KMS key of the volumes and the output.
   *
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long the job may run (at most 28 days).
   *
   * @default Duration.hours(24)
   */
  readonly maxRuntime?: Duration;
  /**
   * Train on managed spot capacity.
   *
   * @default false
   */
  readonly spot?: boolean;
  /**
   * With spot: how long the job may take in all, waiting included; at least `maxRuntime`.
   *
   * @default - twice `maxRuntime` with spot
   */
  readonly maxWaitTime?: Duration;
  /**
   * The S3 prefix `/opt/ml/checkpoints` is synced with.
   *
   * @default - no checkpoints
   */
  readonly checkpointS3Uri?: PipelineValue;
  /**
   * Keep the instances in a warm pool this long after the job (at most one hour).
   *
   * @default - no warm pool
   */
  readonly keepAlivePeriod?: Duration;
  /**
   * Hyperparameters (`hyperparameters.json`): at most 100, keys up to 256
   * characters, values up to 2500; `Hyperparameter` writes typed values.
   *
   * @default - none
   */
  readonly hyperparameters?: { [name: string]: string };
  /**
   * Environment variables of the container.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * Metrics parsed from the log.
   *
   * @default - none
   */
  readonly metricDefinitions?: MetricDefinition[];
  /**
   * The job's network.
   *
   * @default - SageMaker's network, no isolation
   */
  readonly network?: JobNetworkOptions;
}
