import { Duration, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { JobNetworkOptions } from './common';
import { S3DataDistribution } from './training-job';
import { ProcessingInstanceType } from '../instance-type';
import { PipelineValue } from '../values';

/**
 * An input of a processing job: an S3 prefix copied to a local path.
 */
export interface ProcessingJobInput {
  /** The input's name, unique in the job. */
  readonly inputName: string;
  /** The S3 prefix the input reads. */
  readonly s3Uri: PipelineValue;
  /** Where the job sees it, under `/opt/ml/processing/`. */
  readonly localPath: string;
  /**
   * How the objects are spread over the instances.
   *
   * @default S3DataDistribution.FULLY_REPLICATED
   */
  readonly distribution?: S3DataDistribution;
}

/**
 * An output of a processing job: a local path uploaded to S3 when the job ends.
 */
export interface ProcessingJobOutput {
  /** The output's name, unique in the job (what `ProcessingStep.outputS3Uri` and property files name). */
  readonly outputName: string;
  /** Where the output goes in S3. */
  readonly s3Uri: PipelineValue;
  /** The local path the job writes, under `/opt/ml/processing/`. */
  readonly localPath: string;
}

/**
 * A processing job (`CreateProcessingJob`), typed.
 */
export interface ProcessingJobOptions {
  /** The image the job runs. */
  readonly image: PipelineValue;
  /** The role the job runs as. */
  readonly role: iam.IRole;
  /**
   * The entrypoint of the container.
   *
   * @default - the image's entrypoint
   */
  readonly entrypoint?: string[];
  /**
   * The arguments of the entrypoint.
   *
   * @default - none
   */
  readonly containerArguments?: string[];
  /**
   * Environment variables of the container.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * The inputs.
   *
   * @default - none
   */
  readonly inputs?: ProcessingJobInput[];
  /**
   * The outputs.
   *
   * @default - none
   */
  readonly outputs?: ProcessingJobOutput[];
  /**
   * The instance type.
   *
   * @default ProcessingInstanceType.ML_M5_LARGE
   */
  readonly instanceType?: ProcessingInstanceType;
  /**
   * The number of instances (1 to 100).
   *
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * The storage volume of each instance (1 to 16384 GiB).
   *
   * @default Size.gibibytes(30)
   */
  readonly volumeSize?: Size;
  /**
   * How long the job may run (at most 5 days).
   *
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;
  /**
   * The KMS key of the volumes and the outputs.
   *
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The job's network.
   *
   * @default - SageMaker's network, no isolation
   */
  readonly network?: JobNetworkOptions;
}
