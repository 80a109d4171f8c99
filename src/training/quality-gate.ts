import { ConditionOperator } from '../pipeline';

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

  /** The JSON path of the metric inside `evaluation.json`, e.g. `regression_metrics.mse.value`. */
  public readonly metricPath: string;
  /** How the metric is compared with the threshold. */
  public readonly comparison: ConditionOperator;
  /** The threshold (the default of the pipeline's `QualityThreshold` parameter). */
  public readonly threshold: number;
  /** The comparison as a symbol, for messages. */
  public readonly symbol: string;

  private constructor(metricPath: string, comparison: ConditionOperator, threshold: number, symbol: string) {
    checkMetricPath(metricPath);
    this.metricPath = metricPath;
    this.comparison = comparison;
    this.threshold = threshold;
    this.symbol = symbol;
  }
}

function checkMetricPath(path: string): void {
  const fix = "give the metric's dotted path inside evaluation.json, e.g. 'regression_metrics.mse.value'";
  if (!path || !path.trim()) {
    throw new Error(`qualityGate metricPath is empty: ${fix}`);
  }
  if (/^[$/]/.test(path) || /evaluation\.json/.test(path)) {
    throw new Error(`qualityGate metricPath '${path}' is not a path inside the evaluation report: ${fix}`);
  }
  if (!/^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+|\[\d+\])*$/.test(path)) {
    throw new Error(`qualityGate metricPath '${path}' is malformed: ${fix}`);
  }
}
