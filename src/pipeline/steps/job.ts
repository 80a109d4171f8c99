import { Duration } from 'aws-cdk-lib';
import { PipelineStep, PipelineStepProps } from './base';

/**
 * What every step that runs a SageMaker job takes.
 */
export interface JobStepOptions extends PipelineStepProps {
  /**
   * Reuse the result of an earlier execution whose step had the same
   * arguments, if it ran within this period.
   *
   * @default - no caching: the step runs every time
   */
  readonly cacheExpireAfter?: Duration;
}

/**
 * What a step that takes its job's raw request takes.
 */
export interface JobStepProps extends JobStepOptions {
  /**
   * The request of the job's Create API (`CreateModel`, `CreateModelPackage`,
   * ...), PascalCase as in the API reference, without the job or model name
   * (SageMaker Pipelines names them itself). Raw JSON on purpose: any field
   * of the API may be given; values may be `PipelineValue`s and may hold CDK tokens.
   */
  readonly arguments: { [key: string]: any };
}

/**
 * A step that runs a SageMaker job.
 *
 * @example
 * declare const job: JobStep;
 * const request = job.arguments;
 */
export abstract class JobStep extends PipelineStep {
  /**
   * The job request, before `PipelineValue`s are rendered (raw JSON in the
   * API's spelling, whether it came from typed options or `arguments`).
   */
  public readonly arguments: { [key: string]: any };

  private readonly cacheExpireAfter?: Duration;

  protected constructor(stepType: string, props: JobStepOptions, request: { [key: string]: any }) {
    super(stepType, props);
    this.arguments = request;
    this.cacheExpireAfter = props.cacheExpireAfter;
  }

  protected renderArguments(): any {
    return this.arguments;
  }

  protected renderExtra(): { [key: string]: any } {
    return this.cacheExpireAfter
      ? { CacheConfig: { Enabled: true, ExpireAfter: this.cacheExpireAfter.toIsoString() } }
      : {};
  }
}
