import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { InstanceVariantOptions } from './instance-variant-options';

/**
 * Autoscaling of an asynchronous endpoint on its backlog, down to zero instances.
 */
export interface AsynchronousAutoScalingOptions {
  /**
   * The fewest instances; 0 lets an idle endpoint cost nothing but storage.
   *
   * With 0, a second, step-scaling policy on `HasBacklogWithoutCapacity` adds an
   * instance as soon as a request waits with none running (target tracking on
   * a per-instance metric cannot scale up from zero).
   *
   * @default 0
   */
  readonly minCapacity?: number;

  /**
   * The most instances.
   */
  readonly maxCapacity: number;

  /**
   * The queued requests per instance that autoscaling keeps (`ApproximateBacklogSizePerInstance`).
   *
   * @default 5
   */
  readonly targetBacklogPerInstance?: number;

  /**
   * The wait after a scale-in before the next.
   *
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * The wait after a scale-out before the next (also of the scale-up-from-zero step).
   *
   * @default Duration.minutes(5)
   */
  readonly scaleOutCooldown?: Duration;
}

/**
 * An asynchronous endpoint: requests are queued, read from S3 and answered in
 * S3 (payloads up to 1 GB, processing up to an hour), with SNS notifications;
 * it can scale to zero.
 */
export interface AsynchronousModeOptions extends InstanceVariantOptions {
  /**
   * The bucket of requests, responses and failures.
   *
   * @default - without `encryptionKey`, the stack's one request bucket (created by its first
   * asynchronous endpoint, construct id `ModelEndpointAsyncBucket`), where each endpoint works
   * under prefixes of its own; with `encryptionKey`, a bucket of the endpoint's own, encrypted with
   * that key. Either is encrypted, TLS only, private, versioned and retained.
   */
  readonly bucket?: s3.IBucket;

  /**
   * Where callers upload requests; the execution role reads them.
   *
   * @default - 'async-input/<the endpoint's construct path in its stack>' in the stack's shared
   * request bucket (e.g. 'async-input/Scoring'); 'async-input' in a given bucket or one of the endpoint's own
   */
  readonly inputPrefix?: string;

  /**
   * Where SageMaker writes responses (`S3OutputPath`).
   *
   * @default - 'async-output/<the endpoint's construct path in its stack>' in the stack's shared
   * request bucket (e.g. 'async-output/Scoring'); 'async-output' in a given bucket or one of the endpoint's own
   */
  readonly outputPrefix?: string;

  /**
   * Where SageMaker writes failures (`S3FailurePath`).
   *
   * @default - 'async-failures/<the endpoint's construct path in its stack>' in the stack's shared
   * request bucket (e.g. 'async-failures/Scoring'); 'async-failures' in a given bucket or one of the endpoint's own
   */
  readonly failurePrefix?: string;

  /**
   * The key SageMaker encrypts responses with. Without `bucket`, the endpoint gets a bucket of its
   * own with this key as its default encryption, so that callers' uploads are encrypted with it too.
   *
   * @default - the bucket's default encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Whether SNS topics announce each success and error.
   *
   * @default true
   */
  readonly notifications?: boolean;

  /**
   * The topic of successful requests.
   *
   * @default - a topic is created (encrypted, TLS only) when `notifications` is on
   */
  readonly successTopic?: sns.ITopic;

  /**
   * The topic of failed requests.
   *
   * @default - a topic is created (encrypted, TLS only) when `notifications` is on
   */
  readonly errorTopic?: sns.ITopic;

  /**
   * The most requests SageMaker sends one instance at a time (1–1000).
   *
   * @default - SageMaker chooses
   */
  readonly maxConcurrentInvocationsPerInstance?: number;

  /**
   * Autoscaling on the backlog, down to zero.
   *
   * @default - no autoscaling: the instance count stays `initialInstanceCount`
   */
  readonly autoScaling?: AsynchronousAutoScalingOptions;
}
