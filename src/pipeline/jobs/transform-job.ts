import * as kms from 'aws-cdk-lib/aws-kms';
import { InferenceInstanceType } from '../instance-type';
import { PipelineValue } from '../values';

/**
 * A batch transform job (`CreateTransformJob`), typed.
 */
export interface TransformJobOptions {
  /** The SageMaker model that scores the data (e.g. `CreateModelStep.modelName`). */
  readonly modelName: PipelineValue;
  /** The S3 prefix of the input. */
  readonly inputS3Uri: PipelineValue;
  /** Where the predictions go (`<input key>.out`). */
  readonly outputS3Uri: PipelineValue;
  /**
   * The MIME type of the input.
   *
   * @default - none
   */
  readonly contentType?: string;
  /**
   * The MIME type of the predictions.
   *
   * @default - none
   */
  readonly accept?: string;
  /**
   * The instance type.
   *
   * @default InferenceInstanceType.ML_M5_LARGE
   */
  readonly instanceType?: InferenceInstanceType;
  /**
   * The number of instances.
   *
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * The KMS key of the volumes and the output.
   *
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Environment variables of the container.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };
}
