import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ISageMakerPipeline } from '../pipeline';

/**
 * The kind of model the ground truth scores (the checker's `--problem-type`).
 */
export enum ProblemType {
  /** A number is predicted: MAE, RMSE and R². */
  REGRESSION = 'regression',
  /** One of two classes: accuracy, precision, recall, F1 and AUC. */
  BINARY_CLASSIFICATION = 'binary',
  /** One of several classes: accuracy, precision, recall and F1. */
  MULTICLASS_CLASSIFICATION = 'multiclass',
}

/**
 * A model-quality metric the checker publishes when ground truth is given.
 */
export enum ModelQualityMetric {
  /** Share of correct predictions (classification; higher is better). */
  ACCURACY = 'Accuracy',
  /** Precision (classification; higher is better). */
  PRECISION = 'Precision',
  /** Recall (classification; higher is better). */
  RECALL = 'Recall',
  /** F1 score (classification; higher is better). */
  F1 = 'F1',
  /** Area under the ROC curve (binary classification; higher is better). */
  AUC = 'Auc',
  /** Mean absolute error (regression; lower is better). */
  MAE = 'Mae',
  /** Root mean squared error (regression; lower is better). */
  RMSE = 'Rmse',
  /** Coefficient of determination (regression; higher is better). */
  R2 = 'R2',
}

/**
 * An alarm on a model-quality metric: it fires when the metric is worse than
 * the threshold (below it for the metrics where higher is better, above it for
 * MAE and RMSE).
 */
export interface ModelQualityThreshold {
  /** The metric. */
  readonly metric: ModelQualityMetric;
  /** The worst acceptable value. */
  readonly threshold: number;
}

/**
 * Where the labels of served predictions arrive, and what kind of model they score.
 *
 * Each label is one JSON line in a `.jsonl` object under
 * `<prefix>/yyyy/mm/dd/hh/` (the hour the label was collected), in SageMaker
 * Model Monitor's ground-truth format, so existing labelling jobs keep working:
 * `{"groundTruthData": {"data": "1", "encoding": "CSV"}, "eventMetadata": {"eventId": "<inference id>"}, "eventVersion": "0"}`.
 * `eventId` is the `InferenceId` the client sent with the request (or, without
 * one, the capture's `eventId`).
 */
export interface GroundTruthOptions {
  /** What the model predicts: selects the quality metrics. */
  readonly problemType: ProblemType;

  /**
   * The bucket the labels go to.
   *
   * @default - the monitor's bucket
   */
  readonly bucket?: s3.IBucket;

  /**
   * The key prefix of the labels, without a trailing `/`.
   *
   * @default 'ground-truth'
   */
  readonly prefix?: string;
}

/**
 * The monitor's alarms. Drift and quality alarms treat missing data as not
 * breaching (a skipped or missing run is not drift); the silent alarm treats
 * it as breaching.
 */
export interface MonitorAlarmOptions {
  /**
   * Create the alarms.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Alarm when at least this share of the features drift (0 < share ≤ 1).
   *
   * @default 0.5 (Evidently's dataset-drift share)
   */
  readonly driftShareThreshold?: number;

  /**
   * Alarms on model quality, one per threshold (needs `groundTruth`).
   *
   * @default - none
   */
  readonly modelQuality?: ModelQualityThreshold[];

  /**
   * Features that get an alarm of their own on `FeatureDrift`.
   *
   * @default - none
   */
  readonly features?: string[];

  /**
   * The topic that receives the alarms' ALARM and OK notifications.
   *
   * @default - no notifications
   */
  readonly topic?: sns.ITopic;

  /**
   * How long without a published report before the silent alarm fires.
   *
   * @default - twice the schedule's period (at most one day)
   */
  readonly silentAfter?: Duration;
}

/**
 * What the monitor starts when its drift or quality alarms fire.
 */
export interface RetrainingOptions {
  /** The pipeline to start, normally the `TrainingPipeline`. */
  readonly pipeline: ISageMakerPipeline;

  /**
   * No start within this time of the pipeline's last execution (whoever started it).
   *
   * @default Duration.days(1)
   */
  readonly coolDown?: Duration;

  /**
   * Pipeline parameters the retraining execution gets (name → value), e.g.
   * `{ TrainingDataUri: 's3://bucket/train-with-labels/' }`.
   *
   * @default - the parameters' defaults
   */
  readonly parameters?: { [name: string]: string };
}
