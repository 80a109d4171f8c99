import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TrainingInstanceType } from '../pipeline/instance-type';

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
 * Data under an S3 prefix.
 */
export interface DataLocation {
  /** The bucket. Its region must be the pipeline's. */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix, without the bucket and without a leading `/`
   * (e.g. `datasets/churn/train/`).
   *
   * @default - the whole bucket
   */
  readonly prefix?: string;
}

/**
 * An input channel of the training job: data at `/opt/ml/input/data/<channelName>`.
 */
export interface TrainingChannel extends DataLocation {
  /**
   * The channel's name: letters, digits, `.`, `-` and `_`, at most 64 characters.
   */
  readonly channelName: string;

  /**
   * The MIME type of the data, passed to the container.
   *
   * @default - none
   */
  readonly contentType?: string;

  /**
   * How the job reads the channel.
   *
   * @default TrainingInputMode.FILE
   */
  readonly inputMode?: TrainingInputMode;

  /**
   * How the objects are spread over the instances.
   *
   * @default S3DataDistribution.FULLY_REPLICATED
   */
  readonly distribution?: S3DataDistribution;
}

/**
 * A metric the training job prints, that SageMaker sends to CloudWatch
 * (`/aws/sagemaker/TrainingJobs`) and shows with the job.
 */
export interface MetricDefinition {
  /** The metric's name, e.g. `train:loss`. */
  readonly name: string;

  /**
   * A regular expression over the job's log whose first group captures the
   * value, e.g. `train_loss=([0-9\\.]+);`.
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
 * Helpers that turn typed values into the strings SageMaker passes as hyperparameters.
 *
 * @example
 * const hyperparameters = {
 *   'epochs': Hyperparameter.fromNumber(10),
 *   'use-amp': Hyperparameter.fromBoolean(true),
 *   'layers': Hyperparameter.fromJson([64, 32]),
 * };
 */
export class Hyperparameter {
  /** A number, as text. */
  public static fromNumber(value: number): string {
    return Token.isUnresolved(value) ? Token.asString(value) : String(value);
  }

  /** `true` or `false`. */
  public static fromBoolean(value: boolean): string {
    return value ? 'true' : 'false';
  }

  /** Any JSON value, serialized. */
  public static fromJson(value: any): string {
    return JSON.stringify(value);
  }

  private constructor() {}
}
