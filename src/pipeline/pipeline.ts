import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';

/**
 * The status of a pipeline execution (`PipelineExecutionStatus` in the
 * SageMaker API reference, and `currentPipelineExecutionStatus` of the
 * EventBridge event `SageMaker Model Building Pipeline Execution Status Change`).
 */
export enum PipelineExecutionStatus {
  /** The execution is running. */
  EXECUTING = 'Executing',
  /** A stop was requested; running steps are being stopped. */
  STOPPING = 'Stopping',
  /** The execution was stopped. */
  STOPPED = 'Stopped',
  /** The execution failed. */
  FAILED = 'Failed',
  /** The execution succeeded. */
  SUCCEEDED = 'Succeeded',
}

/**
 * Options of `onExecutionStatusChange`.
 */
export interface PipelineExecutionStatusChangeOptions extends events.OnEventOptions {
  /**
   * Only executions that reach one of these statuses.
   *
   * @default - every status change
   */
  readonly statuses?: PipelineExecutionStatus[];
}

/**
 * A SageMaker Pipeline that CI, a schedule or an event can start: one this
 * app creates (`SageMakerPipeline`, `TrainingPipeline`) or one imported with
 * `SageMakerPipeline.fromPipelineName`.
 *
 * Training (`TrainingPipeline`) and batch transform run as executions of an
 * `AWS::SageMaker::Pipeline`, since CloudFormation has no resource for a
 * training or a transform job.
 *
 * It is aws-cdk-lib's `sagemaker.IPipeline` too, so that it is a target of
 * `aws-scheduler-targets`' `SageMakerStartPipelineExecution`: its
 * `grantStartPipelineExecution` grants what `grantStartExecution` grants.
 */
export interface ISageMakerPipeline extends sagemaker.IPipeline {
  // pipelineName and pipelineArn come from sagemaker.IPipeline (jsii: a member may not be re-declared).

  /**
   * The name of the pipeline parameter that takes the container image URI,
   * so that CI can run the image it has just pushed.
   *
   * @default - the pipeline takes no image parameter
   */
  readonly imageUriParameterName?: string;

  /**
   * Grants `sagemaker:StartPipelineExecution` on this pipeline only (what
   * EventBridge and EventBridge Scheduler need).
   */
  grantStartExecution(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants starting executions of this pipeline, and describing, listing the
   * steps of and stopping them: what a CI job that starts a run, polls it and
   * stops it on cancel needs.
   */
  grantManageExecutions(grantee: iam.IGrantable): iam.Grant;

  /**
   * A metric of this pipeline in `AWS/Sagemaker/ModelBuildingPipeline`.
   *
   * @param metricName e.g. `ExecutionFailed`
   * @param props options (the statistic defaults to Sum)
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Executions started (`ExecutionStarted`, Sum). */
  metricExecutionStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Executions that failed (`ExecutionFailed`, Sum). */
  metricExecutionFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Executions that succeeded (`ExecutionSucceeded`, Sum). */
  metricExecutionSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Executions that were stopped (`ExecutionStopped`, Sum). */
  metricExecutionStopped(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** How long executions took, in milliseconds (`ExecutionDuration`, Average). */
  metricExecutionDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * An EventBridge rule on the executions of this pipeline that change status
   * (event `SageMaker Model Building Pipeline Execution Status Change`).
   *
   * @param id the rule's construct id
   * @param options the statuses, the target and the rule's options
   */
  onExecutionStatusChange(id: string, options?: PipelineExecutionStatusChangeOptions): events.Rule;
}
