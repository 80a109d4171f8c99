import { Aws, CfnResource, Duration, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { checkOptional, isDuration } from '../../image/private/input';
import { addComplianceSuppression } from '../../private/nag';
import { checkInteger } from '../../private/validate';
import { EndpointAlarmOptions } from '../alarm-options';
import { IModelEndpoint } from '../model-endpoint-base';

/** The names of an endpoint's own alarms. */
export interface OwnAlarmNames {
  readonly errors: string;
  readonly latency: string;
}

/**
 * The names of the alarms of the endpoint `scope` creates: known before the endpoint
 * exists, since its rollback configuration names them.
 */
export function ownAlarmNames(scope: Construct): OwnAlarmNames {
  return { errors: alarmName(scope, 'Invocation5XXErrors'), latency: alarmName(scope, 'ModelLatency') };
}

/**
 * A name unique in the account and region (stack name + path). Alarm names have at most 255
 * characters (CloudWatch PutMetricAlarm AlarmName) and stack names at most 128 (CloudFormation
 * CreateStack StackName), so the path part gets what is left after the longest stack name, two
 * hyphens and the metric name.
 */
function alarmName(scope: Construct, metricName: string): string {
  const maxLength = 255 - 128 - 2 - metricName.length;
  return `${Aws.STACK_NAME}-${Names.uniqueResourceName(scope, { maxLength, separator: '-' })}-${metricName}`;
}

/** The endpoint's error and latency alarms, in `scope`. */
export function createAlarms(scope: Construct, endpoint: IModelEndpoint, names: OwnAlarmNames, options: EndpointAlarmOptions): cloudwatch.Alarm[] {
  const threshold = options.invocation5XXErrorsThreshold ?? 1;
  checkInteger('modelEndpoint alarms invocation5XXErrorsThreshold', threshold, 1, Number.MAX_SAFE_INTEGER);
  const evaluationPeriods = options.evaluationPeriods ?? 2;
  checkInteger('modelEndpoint alarms evaluationPeriods', evaluationPeriods, 1, 1440);
  const latency = options.modelLatencyThreshold ?? Duration.seconds(1);
  checkOptional('modelEndpoint alarms modelLatencyThreshold', options.modelLatencyThreshold, isDuration, 'a Duration', 'Duration.millis(500)');
  const period = Duration.minutes(1);
  const latencyAlarm = latencyThreshold(endpoint, latency, period);
  const errors = new cloudwatch.Alarm(scope, 'ErrorAlarm', {
    alarmName: names.errors,
    alarmDescription: `5xx answers of ${scope.node.path}; rolls back a deployment in progress`,
    metric: endpoint.metricInvocation5XXErrors({ period }),
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const slow = new cloudwatch.Alarm(scope, 'LatencyAlarm', {
    alarmName: names.latency,
    alarmDescription: `p99 model latency of ${scope.node.path} at or above ${latencyAlarm.description}; rolls back a deployment in progress`,
    metric: latencyAlarm.metric,
    threshold: latencyAlarm.threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  if (options.topic) {
    const action = new cwactions.SnsAction(options.topic);
    for (const alarm of [errors, slow]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  } else {
    for (const alarm of [errors, slow]) {
      addComplianceSuppression(alarm.node.defaultChild as CfnResource, 'CloudWatchAlarmAction',
        'the alarm acts through the endpoint\'s deployment guardrail, which rolls an update back while it fires; '
        + 'give ModelEndpoint alarms.topic to notify people as well');
    }
  }
  return [errors, slow];
}

/** Microseconds per unit of a Duration: ModelLatency is published in microseconds. */
const MICROS: Record<string, number> = { millis: 1e3, seconds: 1e6, minutes: 6e7, hours: 3.6e9, days: 8.64e10 };

/**
 * The latency alarm's metric and threshold. A literal threshold becomes microseconds, the
 * metric's unit. A token (a CfnParameter) cannot be multiplied in CloudFormation, so the
 * threshold stays the token in its own unit and the metric is divided instead, with metric math.
 */
function latencyThreshold(endpoint: IModelEndpoint, latency: Duration, period: Duration)
  : { metric: cloudwatch.IMetric; threshold: number; description: string } {
  const p99 = endpoint.metricModelLatency({ statistic: 'p99', period });
  if (!latency.isUnresolved()) {
    const millis = latency.toMilliseconds({ integral: false });
    if (!Number.isFinite(millis) || millis <= 0) {
      throw new Error(`modelEndpoint alarms modelLatencyThreshold must be a positive finite Duration, got ${millis} milliseconds: `
        + 'give e.g. Duration.millis(500)');
    }
    return { metric: p99, threshold: latency.toMilliseconds({ integral: false }) * 1000, description: latency.toHumanString() };
  }
  const unit = latency.unitLabel();
  const amount = unit === 'millis' ? latency.toMilliseconds() : unit === 'seconds' ? latency.toSeconds()
    : unit === 'minutes' ? latency.toMinutes() : unit === 'hours' ? latency.toHours() : latency.toDays();
  return {
    metric: new cloudwatch.MathExpression({
      expression: `latency / ${MICROS[unit]}`,
      usingMetrics: { latency: p99 },
      label: `p99 ModelLatency in ${unit}`,
      period,
    }),
    threshold: amount,
    description: `the deploy-time threshold (${unit})`,
  };
}
