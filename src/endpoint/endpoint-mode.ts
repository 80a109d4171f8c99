import { AsynchronousModeOptions } from './asynchronous';
import { BatchModeOptions } from './batch';
import { AsynchronousMode } from './private/asynchronous';
import { BatchMode } from './private/batch';
import { EndpointModeImpl } from './private/mode';
import { RealtimeMode } from './private/realtime';
import { ServerlessMode } from './private/serverless';
import { RealtimeModeOptions } from './realtime';
import { ServerlessModeOptions } from './serverless';

/**
 * How a `ModelEndpoint` serves its model. Each mode takes only its own
 * options, checks them when it is created, and renders its own part of the
 * endpoint config and endpoint.
 *
 * | mode | for | idle cost |
 * |---|---|---|
 * | `realtime` | steady, latency-sensitive traffic | the instances |
 * | `serverless` | intermittent traffic that tolerates cold starts | none (or provisioned concurrency) |
 * | `asynchronous` | large payloads, long processing, bursts | none when scaled to zero |
 * | `batch` | scoring whole datasets in S3 | none: instances run per transform |
 *
 * @example
 * declare const model: ModelSource;
 *
 * new ModelEndpoint(this, 'Endpoint', {
 *   model,
 *   mode: EndpointMode.realtime({
 *     instanceType: InferenceInstanceType.ML_M5_XLARGE,
 *     initialInstanceCount: 2,
 *     autoScaling: { maxCapacity: 6 },
 *     deployment: { trafficShifting: TrafficShifting.canary({ canarySize: CapacitySize.percent(25) }) },
 *   }),
 * });
 */
export class EndpointMode {
  /**
   * Instances that answer `InvokeEndpoint` synchronously: autoscaling, data
   * capture (on by default) and blue/green deployment guardrails.
   *
   * @param options instance type and count, autoscaling, data capture, guardrails
   */
  public static realtime(options: RealtimeModeOptions = {}): EndpointMode {
    return new EndpointMode(new RealtimeMode(options));
  }

  /**
   * Serverless inference: memory size and concurrency, billed per request.
   *
   * The container image may be at most 10 GB (10737418240 bytes; Developer Guide,
   * "Serverless Inference", container support). Pushed images cannot be measured at
   * synth time, so a larger one fails only when the endpoint is created or updated,
   * with "Image size ... is greater than supported size 10737418240": keep serving
   * images slim (a CPU base image, no training dependencies), or use `realtime`.
   * Updates are blue/green all at once, with a baking period in which the endpoint's
   * own alarms roll them back.
   *
   * @param options memory, max and provisioned concurrency
   */
  public static serverless(options: ServerlessModeOptions = {}): EndpointMode {
    return new EndpointMode(new ServerlessMode(options));
  }

  /**
   * Asynchronous inference: requests and responses in S3, SNS notifications,
   * autoscaling on the backlog down to zero.
   *
   * @param options instances, S3 locations, topics, autoscaling
   */
  public static asynchronous(options: AsynchronousModeOptions = {}): EndpointMode {
    return new EndpointMode(new AsynchronousMode(options));
  }

  /**
   * No endpoint: the model plus a SageMaker Pipeline with a Transform step
   * that scores an S3 prefix, started by GitHub (`grantStartExecution`), a
   * schedule or newly arrived input; failed runs go to an SNS topic.
   *
   * @param options input and output, instances, splitting and batching, triggers
   */
  public static batch(options: BatchModeOptions): EndpointMode {
    return new EndpointMode(new BatchMode(options));
  }

  /** `realtime`, `serverless`, `asynchronous` or `batch`. */
  public readonly kind: string;

  /** @internal */
  public readonly _impl: EndpointModeImpl;

  private constructor(impl: EndpointModeImpl) {
    this.kind = impl.kind;
    this._impl = impl;
  }
}
