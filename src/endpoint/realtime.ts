import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DeploymentOptions } from './deployment';
import { InstanceVariantOptions } from './instance-variant-options';

/**
 * Autoscaling of a real-time endpoint on invocations per instance.
 */
export interface RealtimeAutoScalingOptions {
  /**
   * The fewest instances.
   *
   * @default - the initial instance count
   */
  readonly minCapacity?: number;

  /**
   * The most instances.
   */
  readonly maxCapacity: number;

  /**
   * The invocations per instance per minute that autoscaling keeps
   * (`SageMakerVariantInvocationsPerInstance`). Load-test the model to find it.
   *
   * @default 70
   */
  readonly targetInvocationsPerInstance?: number;

  /**
   * The wait after a scale-in before the next.
   *
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * The wait after a scale-out before the next.
   *
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;
}

/**
 * Data capture: the requests and responses that the endpoint saves to S3, the
 * input of drift and quality checks.
 */
export interface DataCaptureOptions {
  /**
   * Whether capture is on.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The percentage of requests captured.
   *
   * @default 100
   */
  readonly samplingPercentage?: number;

  /**
   * The bucket the captures go to.
   *
   * @default - the stack's one capture bucket, created by its first endpoint that captures
   * (encrypted, TLS only, private, versioned and retained), each endpoint under its own prefix
   */
  readonly bucket?: s3.IBucket;

  /**
   * The key prefix; captures land under `<prefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/`.
   *
   * @default - 'data-capture/<construct path in the stack>' in the stack's capture bucket,
   * 'data-capture' in a given `bucket`
   */
  readonly prefix?: string;

  /**
   * The key SageMaker encrypts the captures with (SSE-KMS, object by object).
   *
   * @default - the bucket's default encryption (S3-managed keys in the stack's capture bucket)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Content types captured as CSV text (others are base64-encoded).
   *
   * @default ['text/csv']
   */
  readonly csvContentTypes?: string[];

  /**
   * Content types captured as JSON text (others are base64-encoded).
   *
   * @default ['application/json']
   */
  readonly jsonContentTypes?: string[];
}

/**
 * A real-time endpoint: instances that answer `InvokeEndpoint` in milliseconds.
 */
export interface RealtimeModeOptions extends InstanceVariantOptions {
  /**
   * Autoscaling on invocations per instance; refused on burstable `ml.t*` types.
   *
   * @default - no autoscaling: the instance count stays `initialInstanceCount`
   */
  readonly autoScaling?: RealtimeAutoScalingOptions;

  /**
   * Data capture.
   *
   * @default - on: every request and response, to the stack's one capture bucket
   */
  readonly dataCapture?: DataCaptureOptions;

  /**
   * Deployment guardrails for updates.
   *
   * @default - blue/green, all at once, rolled back by the endpoint's own error and latency alarms
   */
  readonly deployment?: DeploymentOptions;
}
