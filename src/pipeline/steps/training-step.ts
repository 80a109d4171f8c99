import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { grantJobType } from './grants';
import { JobStep, JobStepOptions } from './job';
import { TrainingJobOptions } from '../jobs/training-job';
import { grantPassJobRole, requestOf } from '../private/job-step';
import { checkTrainingJobOptions } from '../private/props';
import { renderTrainingJob } from '../private/training-job';
import { PipelineValue } from '../values';

/**
 * What a training step takes: the typed job, or its raw request.
 */
export interface TrainingStepProps extends JobStepOptions {
  /**
   * The training job.
   *
   * @default - `arguments` must be given
   */
  readonly job?: TrainingJobOptions;

  /**
   * Escape hatch: the raw `CreateTrainingJob` request (PascalCase, without
   * `TrainingJobName`), for fields `job` does not cover. Raw JSON on purpose.
   *
   * @default - rendered from `job`
   */
  readonly arguments?: { [key: string]: any };
}

/**
 * A training job (`CreateTrainingJob`). Added to a pipeline, it grants the
 * execution role `CreateTrainingJob`, `DescribeTrainingJob`, `StopTrainingJob`
 * and `AddTags` on the training jobs of the account and region.
 *
 * @example
 * declare const role: iam.IRole;
 * const train = new TrainingStep({
 *   name: 'Train',
 *   job: {
 *     image: PipelineValue.fromString('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1'),
 *     role,
 *     channels: [{ channelName: 'train', s3Uri: PipelineValue.fromString('s3://bucket/train/') }],
 *     outputS3Uri: 's3://bucket/models',
 *   },
 * });
 * const modelUri = train.modelArtifactsS3Uri;
 */
export class TrainingStep extends JobStep {
  private readonly jobRole?: iam.IRole;

  constructor(props: TrainingStepProps) {
    super('Training', props, requestOf('trainingStep', props, "{ name: 'Train', job: { image, role, channels, outputS3Uri } }",
      checkTrainingJobOptions, renderTrainingJob));
    this.jobRole = props.job?.role;
  }

  /** The S3 URI of the model archive (`ModelArtifacts.S3ModelArtifacts`). */
  public get modelArtifactsS3Uri(): PipelineValue {
    return this.property('ModelArtifacts.S3ModelArtifacts');
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    grantJobType(scope, executionRole, 'training-job',
      ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob']);
    grantPassJobRole(this.jobRole, executionRole);
  }
}
