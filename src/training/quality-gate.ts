import { checkRequired, isString, show } from '../image/private/input';
import { ConditionOperator } from '../pipeline';

/** `MetricDefinition` Name in the CreateTrainingJob API reference: `.+`, at most 255 characters. */
const TRAINING_METRIC_NAME = /^.{1,255}$/;

/**
 * A condition on a metric of the evaluation report (`evaluation.json`) that a
 * model must meet to be registered.
 *
 * @example
 * // mean squared error at most 0.25 (the starter container's report)
 * const gate = QualityGate.lessThanOrEqualTo('regression_metrics.mse.value', 0.25);
 */
export class QualityGate {
  /** metric > threshold */
  public static greaterThan(metricPath: string, threshold: number): QualityGate {
    return new QualityGate(metricPath, ConditionOperator.GREATER_THAN, threshold, '>');
  }

  /** metric ≥ threshold */
  public static greaterThanOrEqualTo(metricPath: string, threshold: number): QualityGate {
    return new QualityGate(metricPath, ConditionOperator.GREATER_THAN_OR_EQUAL_TO, threshold, '>=');
  }

  /** metric < threshold */
  public static lessThan(metricPath: string, threshold: number): QualityGate {
    return new QualityGate(metricPath, ConditionOperator.LESS_THAN, threshold, '<');
  }

  /** metric ≤ threshold */
  public static lessThanOrEqualTo(metricPath: string, threshold: number): QualityGate {
    return new QualityGate(metricPath, ConditionOperator.LESS_THAN_OR_EQUAL_TO, threshold, '<=');
  }

  /** metric = threshold */
  public static equalTo(metricPath: string, threshold: number): QualityGate {
    return new QualityGate(metricPath, ConditionOperator.EQUALS, threshold, '=');
  }

  /**
   * A condition on a metric of the training job (its last value,
   * `FinalMetricDataList['<name>'].Value`), for pipelines without an
   * evaluation step (`EvaluationMethod.none()`), or to gate on a training metric anyway.
   * The metric must be one of `training.metricDefinitions`.
   *
   * @param metricName the metric definition's name, e.g. `validation:loss`
   * @param comparison how the metric is compared with the threshold
   * @param threshold the threshold
   */
  public static onTrainingMetric(metricName: string, comparison: ConditionOperator, threshold: number): QualityGate {
    if (typeof metricName !== 'string' || !TRAINING_METRIC_NAME.test(metricName)) {
      throw new Error(`qualityGate metricName must be the name of a training metric definition (1 to 255 characters), got ${show(metricName)}: `
        + "e.g. 'validation:loss'");
    }
    checkRequired('qualityGate comparison', comparison, (v) => (Object.values(ConditionOperator) as unknown[]).includes(v),
      'a ConditionOperator', 'ConditionOperator.LESS_THAN');
    if (comparison === ConditionOperator.NOT_EQUALS) {
      throw new Error(`qualityGate comparison ${comparison} is not a quality gate: use GreaterThan(OrEqualTo), LessThan(OrEqualTo) or Equals`);
    }
    const symbols: { [op: string]: string } = { GreaterThan: '>', GreaterThanOrEqualTo: '>=', LessThan: '<', LessThanOrEqualTo: '<=', Equals: '=' };
    return new QualityGate(metricName, comparison, threshold, symbols[comparison] ?? comparison, true);
  }

  /** The JSON path of the metric inside `evaluation.json`, e.g. `regression_metrics.mse.value`. */
  public readonly metricPath: string;
  /** How the metric is compared with the threshold. */
  public readonly comparison: ConditionOperator;
  /** The threshold (the default of the pipeline's `QualityThreshold` parameter). */
  public readonly threshold: number;
  /** The comparison as a symbol, for messages. */
  public readonly symbol: string;
  /** Whether the metric is a training metric (`metricPath` is then its name), not a path in `evaluation.json`. */
  public readonly trainingMetric: boolean;

  private constructor(metricPath: string, comparison: ConditionOperator, threshold: number, symbol: string, trainingMetric = false) {
    if (!trainingMetric) {
      checkMetricPath(metricPath);
    }
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
      throw new Error(`qualityGate threshold must be a number, got ${show(threshold)}: e.g. 0.25`);
    }
    this.trainingMetric = trainingMetric;
    this.metricPath = metricPath;
    this.comparison = comparison;
    this.threshold = threshold;
    this.symbol = symbol;
  }
}

function checkMetricPath(path: string): void {
  const fix = "give the metric's dotted path inside evaluation.json, e.g. 'regression_metrics.mse.value'";
  checkRequired('qualityGate metricPath', path, isString, "a string (the metric's dotted path inside evaluation.json)",
    "'regression_metrics.mse.value'");
  if (!path.trim()) {
    throw new Error(`qualityGate metricPath is empty: ${fix}`);
  }
  if (/^[$/]/.test(path) || /evaluation\.json/.test(path)) {
    throw new Error(`qualityGate metricPath '${path}' is not a path inside the evaluation report: ${fix}`);
  }
  if (!/^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+|\[\d+\])*$/.test(path)) {
    throw new Error(`qualityGate metricPath '${path}' is malformed: ${fix}`);
  }
}
