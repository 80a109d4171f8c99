import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * Start the pipeline when new objects land in S3.
 *
 * The bucket must send its events to EventBridge (`s3.Bucket` prop
 * `eventBridgeEnabled: true`, or the bucket's notification settings): this
 * construct does not change the bucket, since doing so for a bucket of the
 * stack takes a Lambda-backed custom resource.
 */
export interface NewDataTrigger {
  /** The bucket that receives the data. */
  readonly bucket: s3.IBucket;

  /**
   * Only objects whose key starts with this prefix start the pipeline.
   *
   * @default - every object of the bucket
   */
  readonly prefix?: string;

  /**
   * Pipeline parameters the execution gets (name → value).
   *
   * @default - the parameters' defaults
   */
  readonly parameters?: { [name: string]: string };
}

/**
 * What starts a pipeline besides `StartPipelineExecution` calls: a schedule, new data in S3.
 */
export interface PipelineTriggers {
  /**
   * Run the pipeline on a schedule (EventBridge Scheduler).
   *
   * @default - no schedule
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * Pipeline parameters that scheduled executions get (name → value).
   *
   * @default - the parameters' defaults
   */
  readonly scheduleParameters?: { [name: string]: string };

  /**
   * Run the pipeline when new data lands in S3.
   *
   * Several objects (or several events for one object) start several
   * executions: the pipeline's steps must be idempotent.
   *
   * @default - no trigger
   */
  readonly newData?: NewDataTrigger;
}

/**
 * Where a pipeline reports its failed executions.
 */
export interface PipelineNotifications {
  /**
   * Publish failed executions to an SNS topic. A topic is created (TLS only,
   * encrypted with the stack's one failure-topic KMS key, which the first such
   * pipeline of the stack creates and which EventBridge may use for the stack's
   * failure rules only) unless `failureTopic` is given.
   *
   * @default - true when `failureTopic` is given, else false
   */
  readonly notifyOnFailure?: boolean;

  /**
   * The topic failed executions are published to. The pipeline adds a
   * statement to its policy that lets `events.amazonaws.com` publish for the
   * failure rule only (`aws:SourceArn`); a topic of another stack or account
   * (whose policy this app cannot change) needs that statement, and its KMS
   * key, if any, must let `events.amazonaws.com` use it.
   *
   * @default - a new topic when `notifyOnFailure` is true
   */
  readonly failureTopic?: sns.ITopic;
}

/**
 * What every pipeline construct takes: naming, parallelism, triggers, notifications.
 */
export interface SageMakerPipelineOptions {
  /**
   * The pipeline's name: up to 256 letters, digits and `-`, starting and ending with a letter or digit.
   *
   * @default - a unique lowercase name generated from the construct path
   */
  readonly pipelineName?: string;

  /**
   * What the pipeline does.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * How many steps may run at once.
   *
   * @default - SageMaker's default (50)
   */
  readonly maxParallelExecutionSteps?: number;

  /**
   * What starts the pipeline: a schedule, new data in S3.
   *
   * @default - only `StartPipelineExecution` calls (GitHub Actions, the console, your own triggers)
   */
  readonly triggers?: PipelineTriggers;

  /**
   * Where failed executions are reported.
   *
   * @default - nowhere
   */
  readonly notifications?: PipelineNotifications;
}
