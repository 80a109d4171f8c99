import { Aws, Duration, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
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
  checkInteger('modelEndpoint alarms evaluationPeriods', evaluationPeriods, 1, 60);
  const latency = options.modelLatencyThreshold ?? Duration.seconds(1);
  const period = Duration.minutes(1);
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
    alarmDescription: `p99 model latency of ${scope.node.path} at or above ${latency.toHumanString()}; rolls back a deployment in progress`,
    // ModelLatency is published in microseconds.
    metric: endpoint.metricModelLatency({ statistic: 'p99', period }),
    threshold: latency.isUnresolved() ? latency.toMilliseconds() * 1000 : latency.toMilliseconds({ integral: false }) * 1000,
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
  }
  return [errors, slow];
}
