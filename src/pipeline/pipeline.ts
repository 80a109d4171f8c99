import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A SageMaker Pipeline that CI, a schedule or an event can start.
 *
 * Training (`TrainingPipeline`) and batch transform run as executions of an
 * `AWS::SageMaker::Pipeline`, since CloudFormation has no resource for a
 * training or a transform job.
 */
export interface ISageMakerPipeline {
  /** The pipeline's name. */
  readonly pipelineName: string;

  /** The pipeline's ARN. */
  readonly pipelineArn: string;

  /**
   * The name of the pipeline parameter that takes the container image URI,
   * so that CI can run the image it has just pushed.
   *
   * @default - the pipeline takes no image parameter
   */
  readonly imageUriParameterName?: string;

  /**
   * Grants starting, describing and stopping executions of this pipeline.
   */
  grantStartExecution(grantee: iam.IGrantable): iam.Grant;
}
