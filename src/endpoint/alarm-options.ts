import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * The endpoint's ready-made CloudWatch alarms, which also roll back an
 * update (real-time, serverless or asynchronous) during its baking period by default.
 */
export interface EndpointAlarmOptions {
  /**
   * Whether to create the alarms.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The `Invocation5XXErrors` per minute at which the error alarm fires.
   *
   * @default 1
   */
  readonly invocation5XXErrorsThreshold?: number;

  /**
   * The p99 `ModelLatency` at which the latency alarm fires.
   *
   * @default Duration.seconds(1)
   */
  readonly modelLatencyThreshold?: Duration;

  /**
   * How many consecutive minutes over the threshold fire an alarm.
   *
   * @default 2
   */
  readonly evaluationPeriods?: number;

  /**
   * The topic the alarms notify when they fire and when they return to OK
   * (an alarm action on each, as cdk-nag's NIST 800-53 and HIPAA packs ask).
   * CloudWatch publishes as the account; a topic encrypted with a customer
   * managed key must let `cloudwatch.amazonaws.com` use that key.
   *
   * @default - the alarms notify nobody: they still roll back deployments
   */
  readonly topic?: sns.ITopic;
}
