import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { grantJobType } from './grants';
import { JobStep, JobStepOptions } from './job';
import { TransformJobOptions } from '../jobs/transform-job';
import { requestOf } from '../private/job-step';
import { checkTransformJobOptions } from '../private/props';
import { renderTransformJob } from '../private/transform-job';
import { PipelineValue } from '../values';

/**
 * What a transform step takes: the typed job, or its raw request.
 */
export interface TransformStepProps extends JobStepOptions {
  /**
   * The transform job.
   *
   * @default - `arguments` must be given
   */
  readonly job?: TransformJobOptions;

  /**
   * Escape hatch: the raw `CreateTransformJob` request (PascalCase, without
   * `TransformJobName`), for fields `job` does not cover (batch strategy,
   * split type, data processing, ...). Raw JSON on purpose.
   *
   * @default - rendered from `job`
   */
  readonly arguments?: { [key: string]: any };
}

/**
 * A batch transform job (`CreateTransformJob`). Added to a pipeline, it
 * grants the execution role `CreateTransformJob`, `DescribeTransformJob`,
 * `StopTransformJob` and `AddTags` on the transform jobs of the account and region.
 *
 * @example
 * declare const model: CreateModelStep;
 * const transform = new TransformStep({
 *   name: 'Score',
 *   job: {
 *     modelName: model.modelName,
 *     inputS3Uri: PipelineValue.fromString('s3://bucket/input'),
 *     outputS3Uri: PipelineValue.fromString('s3://bucket/output'),
 *     contentType: 'text/csv',
 *   },
 * });
 */
export class TransformStep extends JobStep {
  constructor(props: TransformStepProps) {
    super('Transform', props, requestOf('transformStep', props, "{ name: 'Score', job: { modelName, inputS3Uri, outputS3Uri } }",
      checkTransformJobOptions, renderTransformJob));
  }

  /** Where the job wrote its output (`TransformOutput.S3OutputPath`). */
  public get outputS3Path(): PipelineValue {
    return this.property('TransformOutput.S3OutputPath');
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    grantJobType(scope, executionRole, 'transform-job',
      ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob']);
  }
}
