import { Duration, Size } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { InferenceInstanceType } from '../pipeline/instance-type';

/**
 * The instances behind an endpoint variant: what the realtime and the
 * asynchronous modes share.
 */
export interface InstanceVariantOptions {
  /**
   * The instance type.
   *
   * @default InferenceInstanceType.ML_M5_LARGE
   */
  readonly instanceType?: InferenceInstanceType;

  /**
   * The instances when the endpoint is created (at least 1). With autoscaling
   * on, updates keep the live count; asynchronous autoscaling may go down to 0.
   *
   * @default 1
   */
  readonly initialInstanceCount?: number;

  /**
   * The storage volume of each instance (1–512 GiB; not on instances with local NVMe storage).
   *
   * @default - SageMaker's default for the instance type
   */
  readonly volumeSize?: Size;

  /**
   * The key that encrypts the instances' storage volumes.
   *
   * @default - an AWS-managed key
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * How long SageMaker may take to download the model data (60–3600 seconds).
   *
   * @default - SageMaker's default
   */
  readonly modelDataDownloadTimeout?: Duration;

  /**
   * How long the container may take to answer its first `GET /ping` (60–3600 seconds).
   *
   * @default - SageMaker's default
   */
  readonly containerStartupHealthCheckTimeout?: Duration;
}
