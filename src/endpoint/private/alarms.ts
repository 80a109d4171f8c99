import { ArnFormat, Aws, Duration, Names } from 'aws-cdk-lib';
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
export function createAlarms(scope: Construct, endpoint: IModelEndpoint, names: OwnAlarmNames, options: EndpointAlarmOptions): cloudwatch.IAlarm[] {
  const threshold = options.invocation5XXErrorsThreshold ?? 1;
  checkInteger('modelEndpoint alarms invocation5XXErrorsThreshold', threshold, 1, Number.MAX_SAFE_INTEGER);
  const evaluationPeriods = options.evaluationPeriods ?? 2;
  checkInteger('modelEndpoint alarms evaluationPeriods', evaluationPeriods, 1, 1440);
  const latency = options.modelLatencyThreshold ?? Duration.seconds(1);
  checkOptional('modelEndpoint alarms modelLatencyThreshold', options.modelLatencyThreshold, isDuration, 'a Duration', 'Duration.millis(500)');
  const period = Duration.minutes(1);
  const common = {
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  const dimensions = [{ name: 'EndpointName', value: endpoint.endpointName }, { name: 'VariantName', value: endpoint.variantName }];
  const errors = new EndpointAlarm(scope, 'ErrorAlarm', {
    ...common,
    alarmName: names.errors,
    alarmDescription: `5xx answers of ${scope.node.path}; rolls back a deployment in progress`,
    namespace: 'AWS/SageMaker',
    metricName: 'Invocation5XXErrors',
    dimensions,
    period: period.toSeconds(),
    statistic: 'Sum',
    threshold,
  });
  let slow: cloudwatch.Alarm | EndpointAlarm;
  if (!latency.isUnresolved()) {
    const millis = latency.toMilliseconds({ integral: false });
    if (!Number.isFinite(millis) || millis <= 0) {
      throw new Error(`modelEndpoint alarms modelLatencyThreshold must be a positive finite Duration, got ${millis} milliseconds: `
        + 'give e.g. Duration.millis(500)');
    }
    slow = new EndpointAlarm(scope, 'LatencyAlarm', {
      ...common,
      alarmName: names.latency,
      alarmDescription: `p99 model latency of ${scope.node.path} at or above ${latency.toHumanString()}; rolls back a deployment in progress`,
      namespace: 'AWS/SageMaker',
      metricName: 'ModelLatency',
      dimensions,
      period: period.toSeconds(),
      extendedStatistic: 'p99',
      // ModelLatency is published in microseconds.
      threshold: millis * 1000,
    });
  } else {
    const tokenLatency = tokenLatencyThreshold(endpoint, latency, period);
    slow = new cloudwatch.Alarm(scope, 'LatencyAlarm', {
      ...common,
      alarmName: names.latency,
      alarmDescription: `p99 model latency of ${scope.node.path} at or above ${tokenLatency.description}; rolls back a deployment in progress`,
      metric: tokenLatency.metric,
      threshold: tokenLatency.threshold,
    });
  }
  const resources = [errors, slow].map((alarm) => alarm.node.defaultChild as cloudwatch.CfnAlarm);
  if (options.topic) {
    const action = new cwactions.SnsAction(options.topic);
    for (const alarm of [errors, slow]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  } else {
    for (const resource of resources) {
      addComplianceSuppression(resource, 'CloudWatchAlarmAction',
        'the alarm acts through the endpoint\'s deployment guardrail, which rolls an update back while it fires; '
        + 'give ModelEndpoint alarms.topic to notify people as well');
    }
  }
  return [errors, slow];
}

/** What an endpoint alarm on one metric of `AWS/SageMaker` renders. */
interface EndpointAlarmProps {
  readonly alarmName: string;
  readonly alarmDescription: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: cloudwatch.CfnAlarm.DimensionProperty[];
  readonly period: number;
  readonly statistic?: string;
  readonly extendedStatistic?: string;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

/**
 * An alarm on one metric, as `cloudwatch.Alarm` renders it (the same construct path, logical
 * ID, properties, name and ARN attributes and actions), with the metric rendered here: the L2's
 * metric objects and their rendering cost synth time at every endpoint and add nothing to a
 * fixed metric of the endpoint (issue 15).
 */
class EndpointAlarm extends cloudwatch.AlarmBase {
  public readonly alarmArn: string;
  public readonly alarmName: string;
  private readonly resource: cloudwatch.CfnAlarm;

  constructor(scope: Construct, id: string, props: EndpointAlarmProps) {
    super(scope, id, { physicalName: props.alarmName });
    const alarm = new cloudwatch.CfnAlarm(this, 'Resource', {
      alarmDescription: props.alarmDescription,
      alarmName: this.physicalName,
      comparisonOperator: props.comparisonOperator,
      threshold: props.threshold,
      evaluationPeriods: props.evaluationPeriods,
      treatMissingData: props.treatMissingData,
      dimensions: props.dimensions,
      namespace: props.namespace,
      metricName: props.metricName,
      period: props.period,
      statistic: props.statistic,
      extendedStatistic: props.extendedStatistic,
    });
    this.alarmArn = this.getResourceArnAttribute(alarm.attrArn, {
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: this.physicalName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.alarmName = this.getResourceNameAttribute(alarm.ref);
    this.resource = alarm;
  }

  // The actions are set on the resource as they are added, instead of through three lazy lists
  // resolved at every pass over the template.
  public addAlarmAction(...actions: cloudwatch.IAlarmAction[]): void {
    super.addAlarmAction(...actions);
    this.resource.alarmActions = this.alarmActionArns;
  }

  public addOkAction(...actions: cloudwatch.IAlarmAction[]): void {
    super.addOkAction(...actions);
    this.resource.okActions = this.okActionArns;
  }

  public addInsufficientDataAction(...actions: cloudwatch.IAlarmAction[]): void {
    super.addInsufficientDataAction(...actions);
    this.resource.insufficientDataActions = this.insufficientDataActionArns;
  }
}

/** Microseconds per unit of a Duration: ModelLatency is published in microseconds. */
const MICROS: Record<string, number> = { millis: 1e3, seconds: 1e6, minutes: 6e7, hours: 3.6e9, days: 8.64e10 };

/**
 * The latency alarm's metric and threshold for a threshold that is a token (a CfnParameter): it
 * cannot be multiplied into microseconds in CloudFormation, so the threshold stays the token in
 * its own unit and the metric is divided instead, with metric math.
 */
function tokenLatencyThreshold(endpoint: IModelEndpoint, latency: Duration, period: Duration)
  : { metric: cloudwatch.IMetric; threshold: number; description: string } {
  const p99 = endpoint.metricModelLatency({ statistic: 'p99', period });
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
