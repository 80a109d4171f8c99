import { Duration, Token } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { EndpointModeKind, IModelEndpoint, ModelEndpoint } from '../../endpoint';
import {
  checkList, checkOptional, checkRequired, checkStruct, isBoolean, isBucket, isDuration, isKey, isMap, isNumber, isString, isTopic,
} from '../../image/private/input';
import { ProcessingInstanceType } from '../../pipeline';
import { checkInteger } from '../../private/validate';
import type { ModelMonitorProps } from '../model-monitor';
import { ModelQualityMetric, ModelQualityThreshold, ProblemType } from '../options';

const C = 'modelMonitor';

/** The quality metrics of each problem type, and whether lower values are better. */
export const QUALITY_METRICS: { [type: string]: ModelQualityMetric[] } = {
  [ProblemType.REGRESSION]: [ModelQualityMetric.MAE, ModelQualityMetric.RMSE, ModelQualityMetric.R2],
  [ProblemType.BINARY_CLASSIFICATION]: [ModelQualityMetric.ACCURACY, ModelQualityMetric.PRECISION, ModelQualityMetric.RECALL,
    ModelQualityMetric.F1, ModelQualityMetric.AUC],
  [ProblemType.MULTICLASS_CLASSIFICATION]: [ModelQualityMetric.ACCURACY, ModelQualityMetric.PRECISION, ModelQualityMetric.RECALL,
    ModelQualityMetric.F1],
};
export const LOWER_IS_BETTER = [ModelQualityMetric.MAE, ModelQualityMetric.RMSE];

/** An `IModelEndpoint`: a construct with the endpoint's name and grants. */
const isEndpoint = (v: any): boolean => typeof v?.endpointName === 'string' && typeof v?.grantInvoke === 'function' && v?.node !== undefined;
/** A `MonitorBaseline` (or a subclass of another language): it binds. */
const isBaseline = (v: any): boolean => typeof v?.bind === 'function';
/** An `ISageMakerPipeline`. */
const isPipeline = (v: any): boolean => typeof v?.pipelineName === 'string' && typeof v?.grantStartExecution === 'function';
const isOneOf = (values: object) => (v: unknown): boolean => (Object.values(values) as unknown[]).includes(v);

/**
 * What a `ModelMonitor` is given, checked before anything is built, for every language's callers:
 * required values there and of the right kind, optional ones left out or of the right kind. The
 * limits of the values (window, schedule, thresholds) are checked by the functions below.
 */
export function checkMonitorProps(props: ModelMonitorProps): void {
  checkStruct(`${C} props`, props, false, '{ endpoint, baseline }');
  checkRequired(`${C} endpoint`, props.endpoint, isEndpoint, 'an IModelEndpoint (a realtime endpoint with data capture)', 'served.endpoint');
  checkRequired(`${C} baseline`, props.baseline, isBaseline, 'a MonitorBaseline', 'MonitorBaseline.fromTrainingPipeline(training)');
  checkOptional(`${C} schedule`, props.schedule, (v) => typeof v?.expressionString === 'string', 'a ScheduleExpression',
    'ScheduleExpression.rate(Duration.hours(1))');
  checkOptional(`${C} window`, props.window, isDuration, 'a Duration', 'Duration.hours(1)');
  checkOptional(`${C} captureDelay`, props.captureDelay, isDuration, 'a Duration', 'Duration.minutes(15)');
  checkOptional(`${C} minRecords`, props.minRecords, isNumber, 'a number', '100');
  checkStruct(`${C} groundTruth`, props.groundTruth, true, '{ problemType: ProblemType.BINARY_CLASSIFICATION }');
  if (props.groundTruth) {
    const g = props.groundTruth;
    checkRequired(`${C} groundTruth.problemType`, g.problemType, isOneOf(ProblemType), 'a ProblemType', 'ProblemType.BINARY_CLASSIFICATION');
    checkOptional(`${C} groundTruth.bucket`, g.bucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Labels', 'labels')");
    checkOptional(`${C} groundTruth.prefix`, g.prefix, isString, 'a string', "'ground-truth'");
  }
  checkStruct(`${C} alarms`, props.alarms, true, '{ topic }');
  if (props.alarms) {
    const a = props.alarms;
    checkOptional(`${C} alarms.enabled`, a.enabled, isBoolean, 'true or false', 'false');
    checkOptional(`${C} alarms.driftShareThreshold`, a.driftShareThreshold, isNumber, 'a number', '0.5');
    checkList(`${C} alarms.modelQuality`, a.modelQuality, isMap, 'a ModelQualityThreshold', '{ metric: ModelQualityMetric.F1, threshold: 0.7 }');
    (a.modelQuality ?? []).forEach((q, i) => {
      checkRequired(`${C} alarms.modelQuality[${i}].metric`, q.metric, isOneOf(ModelQualityMetric), 'a ModelQualityMetric', 'ModelQualityMetric.F1');
      checkRequired(`${C} alarms.modelQuality[${i}].threshold`, q.threshold, isNumber, 'a number', '0.7');
    });
    checkList(`${C} alarms.features`, a.features, isString, 'a feature name', "'tenure'");
    checkOptional(`${C} alarms.topic`, a.topic, isTopic, 'an sns.ITopic', "sns.Topic.fromTopicArn(this, 'Alerts', arn)");
    checkOptional(`${C} alarms.silentAfter`, a.silentAfter, isDuration, 'a Duration', 'Duration.hours(2)');
  }
  checkStruct(`${C} retraining`, props.retraining, true, '{ pipeline: training }');
  if (props.retraining) {
    const r = props.retraining;
    checkRequired(`${C} retraining.pipeline`, r.pipeline, isPipeline, 'an ISageMakerPipeline', 'training (a TrainingPipeline)');
    checkOptional(`${C} retraining.coolDown`, r.coolDown, isDuration, 'a Duration', 'Duration.days(1)');
    checkOptional(`${C} retraining.parameters`, r.parameters, isMap, 'a map of strings', "{ Reason: 'drift' }");
  }
  checkOptional(`${C} bucket`, props.bucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Reports', 'reports')");
  checkOptional(`${C} metricNamespace`, props.metricNamespace, isString, 'a string', "'MyTeam/ModelMonitor'");
  checkOptional(`${C} image`, props.image, (v) => typeof v?.bind === 'function', 'an ISageMakerImage', 'SageMakerImage.fromDeepLearningContainer(...)');
  checkOptional(`${C} instanceType`, props.instanceType, (v) => v instanceof ProcessingInstanceType, 'a ProcessingInstanceType',
    'ProcessingInstanceType.ML_M5_LARGE');
  checkOptional(`${C} encryptionKey`, props.encryptionKey, isKey, 'a kms.IKey', "kms.Key.fromKeyArn(this, 'Key', arn)");
  checkStruct(`${C} notifications`, props.notifications, true, '{ failureTopic }');
  checkOptional(`${C} serverAccessLogsBucket`, props.serverAccessLogsBucket, isBucket, 'an s3.IBucket',
    "s3.Bucket.fromBucketName(this, 'Logs', 'access-logs')");
}

/**
 * The endpoint's data capture, or an error that says why there is none: serverless
 * endpoints have no data capture (Developer Guide, Serverless Inference, feature
 * exclusions); asynchronous capture is not documented.
 */
export function checkCapture(endpoint: IModelEndpoint): NonNullable<IModelEndpoint['dataCapture']> {
  const owner = endpoint.node.scope;
  const kind = owner instanceof ModelEndpoint ? owner.mode.kind : undefined;
  if (kind === EndpointModeKind.SERVERLESS || kind === EndpointModeKind.ASYNCHRONOUS) {
    throw new Error(`${C} endpoint must capture its requests, got the ${kind} endpoint ${owner!.node.path}: `
      + `SageMaker ${kind === EndpointModeKind.SERVERLESS ? 'has no data capture for serverless endpoints' : 'documents no data capture for asynchronous endpoints'}; `
      + 'monitor a realtime endpoint (EndpointMode.realtime, capture on by default)');
  }
  const capture = endpoint.dataCapture;
  if (!capture) {
    throw new Error(`${C} endpoint must capture its requests, got ${endpoint.node.path} without dataCapture: `
      + 'turn data capture on (EndpointMode.realtime dataCapture), or import the endpoint with fromEndpointAttributes and its dataCaptureBucket');
  }
  const config = owner?.node.children.find((c): c is sagemaker.CfnEndpointConfig => c instanceof sagemaker.CfnEndpointConfig);
  const rendered = config?.dataCaptureConfig as sagemaker.CfnEndpointConfig.DataCaptureConfigProperty | undefined;
  if (rendered && rendered.enableCapture === false) {
    throw new Error(`${C} endpoint must capture its requests, got ${owner!.node.path} with dataCapture enabled: false: `
      + 'set dataCapture enabled to true (or leave it out)');
  }
  return capture;
}

/** The period of a schedule, for the default window and the alarms; refuses one-off and too rare or frequent schedules. */
export function schedulePeriod(schedule: scheduler.ScheduleExpression, window: Duration | undefined): Duration | undefined {
  const expression = schedule.expressionString;
  if (Token.isUnresolved(expression)) {
    return window;
  }
  if (expression.startsWith('at(')) {
    throw new Error(`${C} schedule must repeat, got ${expression}: give ScheduleExpression.rate(Duration.hours(1)) or a cron expression`);
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const period = rate[2].startsWith('minute') ? Duration.minutes(n) : rate[2].startsWith('hour') ? Duration.hours(n) : Duration.days(n);
    // Hourly to daily, as SageMaker Model Monitor schedules (Developer Guide, "Schedule expressions for monitoring schedules"):
    // a run takes minutes to start, and the alarms evaluate one period of at most a day (CloudWatch PutMetricAlarm).
    if (period.toSeconds() < 3600 || period.toSeconds() > 86_400) {
      throw new Error(`${C} schedule must run every 1 to 24 hours, got ${expression}: give e.g. ScheduleExpression.rate(Duration.hours(1))`);
    }
    return period;
  }
  if (!window) {
    throw new Error(`${C} window is required with the schedule ${expression}: a cron schedule has no period to derive it from; `
      + 'give window, e.g. Duration.hours(1)');
  }
  return window;
}

/** A duration of whole minutes within [min, max]. */
export function checkMinutes(property: string, value: Duration | undefined, min: Duration, max: Duration): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const seconds = value.toSeconds({ integral: false });
  if (seconds % 60 !== 0 || seconds < min.toSeconds() || seconds > max.toSeconds()) {
    throw new Error(`${C} ${property} must be whole minutes from ${min.toHumanString()} to ${max.toHumanString()}, got ${value.toHumanString()}`);
  }
}

/** Checks the alarm options against the problem type. */
export function checkAlarmOptions(driftShare: number, quality: ModelQualityThreshold[], features: string[], problemType?: ProblemType): void {
  if (!Token.isUnresolved(driftShare) && !(driftShare > 0 && driftShare <= 1)) {
    throw new Error(`${C} alarms.driftShareThreshold must be above 0 and at most 1, got ${driftShare}: e.g. 0.5 (half the features drift)`);
  }
  if (quality.length > 0 && problemType === undefined) {
    throw new Error(`${C} alarms.modelQuality needs ground truth, got ${quality.map((q) => q.metric).join(', ')} without groundTruth: `
      + 'give groundTruth with its problemType, or drop alarms.modelQuality');
  }
  const seen = new Set<string>();
  for (const { metric, threshold } of quality) {
    const allowed = QUALITY_METRICS[problemType!];
    if (!allowed.includes(metric)) {
      throw new Error(`${C} alarms.modelQuality metric ${metric} does not apply to ${problemType} problems: give one of ${allowed.join(', ')}`);
    }
    if (seen.has(metric)) {
      throw new Error(`${C} alarms.modelQuality metric ${metric} is given twice: give one threshold per metric`);
    }
    seen.add(metric);
    if (Token.isUnresolved(threshold)) {
      continue;
    }
    const bounded = !LOWER_IS_BETTER.includes(metric) && metric !== ModelQualityMetric.R2;
    if (!Number.isFinite(threshold) || (bounded && (threshold < 0 || threshold > 1)) || (LOWER_IS_BETTER.includes(metric) && threshold < 0)
      || (metric === ModelQualityMetric.R2 && threshold > 1)) {
      const range = bounded ? 'from 0 to 1' : metric === ModelQualityMetric.R2 ? 'at most 1' : 'at least 0';
      throw new Error(`${C} alarms.modelQuality threshold of ${metric} must be a number ${range}, got ${threshold}`);
    }
  }
  const names = new Set<string>();
  // A dimension value is 1 to 1024 characters (CloudWatch API reference, Dimension); each feature costs an alarm.
  if (features.length > 50) {
    throw new Error(`${C} alarms.features lists ${features.length} features, more than 50: alarm on the features that matter, `
      + 'and watch the others through driftShareThreshold');
  }
  for (const feature of features) {
    if (Token.isUnresolved(feature)) {
      continue;
    }
    if (feature.trim() === '' || feature.length > 1024) {
      throw new Error(`${C} alarms.features entry '${feature}' must be a feature name of 1 to 1024 characters, as in the baseline`);
    }
    if (names.has(feature)) {
      throw new Error(`${C} alarms.features lists '${feature}' twice: give each feature once`);
    }
    names.add(feature);
  }
}

/** A CloudWatch namespace the monitor may publish to. */
export function checkNamespace(namespace: string): void {
  if (Token.isUnresolved(namespace)) {
    return;
  }
  // Namespace: 1-255 characters, no leading ':'; AWS/ is reserved for AWS services (CloudWatch API reference, PutMetricData).
  if (namespace.length < 1 || namespace.length > 255 || namespace.startsWith(':') || namespace.startsWith('AWS/') || !/^[\x21-\x7e ]+$/.test(namespace)) {
    throw new Error(`${C} metricNamespace must be 1 to 255 printable ASCII characters, not starting with ':' or 'AWS/', got '${namespace}': `
      + "e.g. 'MyTeam/ModelMonitor'");
  }
}

/** The minimum number of records a run needs. */
export function checkMinRecords(value: number): void {
  checkInteger(`${C} minRecords`, value, 1, 10_000_000, 'a window with fewer records is skipped, never "no drift"');
}
