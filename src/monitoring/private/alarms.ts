import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { LOWER_IS_BETTER } from './checks';
import { addComplianceSuppression } from '../../private/nag';
import { ModelQualityMetric, ModelQualityThreshold } from '../options';

/** The metrics the alarms watch, made by the monitor. */
export interface AlarmMetrics {
  datasetDrift(props: cloudwatch.MetricOptions): cloudwatch.Metric;
  driftShare(props: cloudwatch.MetricOptions): cloudwatch.Metric;
  reportPublished(props: cloudwatch.MetricOptions): cloudwatch.Metric;
  featureDrift(feature: string, props: cloudwatch.MetricOptions): cloudwatch.Metric;
  modelQuality(metric: ModelQualityMetric, props: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** The monitor's alarms. */
export interface MonitorAlarms {
  readonly datasetDrift: cloudwatch.Alarm;
  readonly driftShare: cloudwatch.Alarm;
  readonly silent: cloudwatch.Alarm;
  readonly features: cloudwatch.Alarm[];
  readonly quality: cloudwatch.Alarm[];
}

/** What the alarms are made of. */
export interface AlarmInputs {
  readonly what: string;
  readonly period: Duration;
  readonly silentAfter: Duration;
  readonly driftShareThreshold: number;
  readonly features: string[];
  readonly quality: ModelQualityThreshold[];
  readonly topic?: sns.ITopic;
}

/**
 * One factory, one scheme: one period of the schedule, one evaluation; missing data
 * does not breach a drift or quality alarm (a skipped run or no run is not drift) and
 * does breach the silent one.
 */
export function createMonitorAlarms(scope: Construct, metrics: AlarmMetrics, inputs: AlarmInputs): MonitorAlarms {
  const period = inputs.period;
  const common = { evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
  const alarms: cloudwatch.Alarm[] = [];
  const alarm = (id: string, props: cloudwatch.AlarmProps) => {
    const created = new cloudwatch.Alarm(scope, id, props);
    alarms.push(created);
    return created;
  };
  const datasetDrift = alarm('DatasetDriftAlarm', {
    ...common,
    alarmDescription: `Dataset drift in the traffic of ${inputs.what}: at least half of the features drift (Evidently's dataset drift)`,
    metric: metrics.datasetDrift({ period, statistic: 'Maximum' }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  const driftShare = alarm('DriftShareAlarm', {
    ...common,
    alarmDescription: `At least ${inputs.driftShareThreshold} of the features of ${inputs.what} drift`,
    metric: metrics.driftShare({ period, statistic: 'Maximum' }),
    threshold: inputs.driftShareThreshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  const silent = alarm('SilentAlarm', {
    evaluationPeriods: 1,
    alarmDescription: `No drift report for ${inputs.what} in ${inputs.silentAfter.toHumanString()}: the monitor did not run or failed`,
    metric: metrics.reportPublished({ period: inputs.silentAfter, statistic: 'Sum' }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
  const features = inputs.features.map((feature, i) => alarm(`FeatureDriftAlarm${i}`, {
    ...common,
    alarmDescription: `The feature ${feature} of ${inputs.what} drifts`,
    metric: metrics.featureDrift(feature, { period, statistic: 'Maximum' }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  }));
  const quality = inputs.quality.map(({ metric, threshold }) => {
    const lower = LOWER_IS_BETTER.includes(metric);
    return alarm(`${metric}Alarm`, {
      ...common,
      alarmDescription: `${metric} of ${inputs.what} on its ground truth is ${lower ? 'above' : 'below'} ${threshold}`,
      metric: metrics.modelQuality(metric, { period, statistic: 'Average' }),
      threshold,
      comparisonOperator: lower ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD : cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
  });
  if (inputs.topic) {
    const action = new cwactions.SnsAction(inputs.topic);
    for (const a of alarms) {
      a.addAlarmAction(action);
      a.addOkAction(action);
    }
  } else {
    for (const a of alarms) {
      addComplianceSuppression(a.node.defaultChild as cloudwatch.CfnAlarm, 'CloudWatchAlarmAction', 'the alarm notifies when '
        + 'ModelMonitor alarms.topic is given; retraining listens to its state changes through EventBridge, which needs no alarm action');
    }
  }
  return { datasetDrift, driftShare, silent, features, quality };
}
