import { AsynchronousModeOptions } from './asynchronous';
import { BatchModeOptions } from './batch';
import { AsynchronousMode } from './private/asynchronous';
import { BatchMode } from './private/batch';
import { EndpointModeImpl, ModeBinding, ModeContext } from './private/mode';
import { RealtimeMode } from './private/realtime';
import { ServerlessMode } from './private/serverless';
import { RealtimeModeOptions } from './realtime';
import { ServerlessModeOptions } from './serverless';

/**
 * The kinds of `EndpointMode`.
 */
export enum EndpointModeKind {
  /** Instances that answer `InvokeEndpoint` synchronously. */
  REALTIME = 'realtime',
  /** Serverless inference, billed per request. */
  SERVERLESS = 'serverless',
  /** Requests and responses in S3, autoscaling down to zero. */
  ASYNCHRONOUS = 'asynchronous',
  /** No endpoint: a pipeline that runs batch transforms. */
  BATCH = 'batch',
}

/**
 * How a `ModelEndpoint` serves its model. Each mode takes only its own
 * options, checks them when it is created, and renders its own part of the
 * endpoint config and endpoint. A mode keeps no state: one mode object may
 * serve several endpoints.
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
    return new EndpointMode(EndpointModeKind.REALTIME, new RealtimeMode(options));
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
    return new EndpointMode(EndpointModeKind.SERVERLESS, new ServerlessMode(options));
  }

  /**
   * Asynchronous inference: requests and responses in S3, SNS notifications,
   * autoscaling on the backlog down to zero.
   *
   * @param options instances, S3 locations, topics, autoscaling
   */
  public static asynchronous(options: AsynchronousModeOptions = {}): EndpointMode {
    return new EndpointMode(EndpointModeKind.ASYNCHRONOUS, new AsynchronousMode(options));
  }

  /**
   * No endpoint: the model plus a SageMaker Pipeline with a Transform step
   * that scores an S3 prefix, started by GitHub, a
   * schedule or newly arrived input; failed runs go to an SNS topic. The
   * `ModelEndpoint` then has a `transformPipeline` and no `endpoint`.
   *
   * @param options input and output, instances, splitting and batching, triggers
   */
  public static batch(options: BatchModeOptions): EndpointMode {
    return new EndpointMode(EndpointModeKind.BATCH, new BatchMode(options));
  }

  /** Which mode this is. */
  public readonly kind: EndpointModeKind;

  private readonly impl: EndpointModeImpl;

  private constructor(kind: EndpointModeKind, impl: EndpointModeImpl) {
    this.kind = kind;
    this.impl = impl;
  }

  /**
   * Whether SageMaker can run the model of this mode with network isolation.
   *
   * @internal
   */
  public get _supportsNetworkIsolation(): boolean {
    return this.impl.supportsNetworkIsolation;
  }

  /**
   * Renders the mode's parts for one endpoint; may create buckets, topics and
   * a pipeline in the endpoint's scope, and grant its role.
   *
   * @internal
   */
  public _bind(ctx: ModeContext): ModeBinding {
    return this.impl.bind(ctx);
  }
}
