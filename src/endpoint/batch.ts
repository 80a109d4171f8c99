import { Size } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { InferenceInstanceType } from '../pipeline/instance-type';

/**
 * How a batch transform splits each input file into records (`SplitType`).
 */
export enum TransformSplitType {
  /** Each file is one request. */
  NONE = 'None',
  /** One record per line (CSV, JSON Lines). */
  LINE = 'Line',
  /** RecordIO records. */
  RECORD_IO = 'RecordIO',
  /** TFRecord records. */
  TF_RECORD = 'TFRecord',
}

/**
 * How many records go into one request (`BatchStrategy`).
 */
export enum TransformBatchStrategy {
  /** One record per request. */
  SINGLE_RECORD = 'SingleRecord',
  /** As many records as fit in `maxPayload`. */
  MULTI_RECORD = 'MultiRecord',
}

/**
 * Batch transform: no endpoint, a SageMaker Pipeline with one Transform step
 * that scores everything under an S3 prefix, started by GitHub, a schedule or
 * newly arrived input.
 */
export interface BatchModeOptions {
  /**
   * The bucket of the input (and, unless `outputBucket` is given, the output).
   */
  readonly inputBucket: s3.IBucket;

  /**
   * The key prefix of the input objects (the pipeline parameter `InputS3Uri` defaults to it).
   *
   * @default 'batch-input'
   */
  readonly inputPrefix?: string;

  /**
   * The bucket of the output.
   *
   * @default - `inputBucket`
   */
  readonly outputBucket?: s3.IBucket;

  /**
   * The key prefix of the output (the pipeline parameter `OutputS3Uri` defaults to it).
   *
   * @default 'batch-output'
   */
  readonly outputPrefix?: string;

  /**
   * The key that encrypts the output.
   *
   * @default - the output bucket's default encryption
   */
  readonly outputEncryptionKey?: kms.IKey;

  /**
   * The key that encrypts the instances' storage volumes.
   *
   * @default - an AWS-managed key
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * The instance type.
   *
   * @default InferenceInstanceType.ML_M5_LARGE
   */
  readonly instanceType?: InferenceInstanceType;

  /**
   * The instances (input files are spread across them).
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The MIME type of the input (`ContentType` of each request).
   *
   * @default 'text/csv'
   */
  readonly contentType?: string;

  /**
   * The MIME type the model answers with (`Accept`).
   *
   * @default - the container's default
   */
  readonly accept?: string;

  /**
   * How input files are split into records.
   *
   * @default TransformSplitType.LINE
   */
  readonly splitType?: TransformSplitType;

  /**
   * How many records go into one request.
   *
   * @default TransformBatchStrategy.MULTI_RECORD
   */
  readonly batchStrategy?: TransformBatchStrategy;

  /**
   * The largest request (0–100 MB; 0 streams the file, without splitting).
   *
   * @default Size.mebibytes(6)
   */
  readonly maxPayload?: Size;

  /**
   * Requests in flight per instance.
   *
   * @default - SageMaker chooses (from the container's execution parameters)
   */
  readonly maxConcurrentTransforms?: number;

  /**
   * Write each prediction next to its input record (`JoinSource: Input`).
   *
   * @default false
   */
  readonly joinSource?: boolean;

  /**
   * Run the transform on a schedule.
   *
   * @default - no schedule
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * Run the transform when objects arrive under `inputPrefix`. The input
   * bucket must send its events to EventBridge (`eventBridgeEnabled: true`).
   *
   * @default false
   */
  readonly runOnNewInput?: boolean;

  /**
   * The topic failed runs are published to.
   *
   * @default - a topic is created (encrypted, TLS only)
   */
  readonly failureTopic?: sns.ITopic;
}
