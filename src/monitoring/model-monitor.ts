import { Duration, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { MonitorBaseline } from './monitor-baseline';
import { GroundTruthOptions, ModelQualityMetric, MonitorAlarmOptions, RetrainingOptions } from './options';
import { IModelEndpoint } from '../endpoint';
import { ISageMakerImage } from '../image';
import { PipelineNotifications, ProcessingInstanceType, PublishNamesOptions, SageMakerPipeline } from '../pipeline';
import { createMonitorAlarms } from './private/alarms';
import { checkStep, grantJobData } from './private/check-job';
import { checkAlarmOptions, checkCapture, checkMinRecords, checkMinutes, checkMonitorProps, checkNamespace, schedulePeriod } from './private/checks';
import { GroundTruthLocation, MonitorContext } from './private/context';
import { createRetraining, createRunner } from './private/machines';
import { MonitorMachines } from './private/state-machines';
import { createDataBucket } from '../private/buckets';
import { PublishedName, publishNames } from '../private/outputs';
import { grantPrefixRead, grantPrefixWrite } from '../private/s3';
import { keyPrefix } from '../private/validate';

/** The namespace of the checker's metrics unless one is given. */
export const DEFAULT_METRIC_NAMESPACE = 'CdkSageMakerGitHub/ModelMonitor';

/**
 * Properties of a `ModelMonitor`.
 */
export interface ModelMonitorProps {
  /** The endpoint to watch: a realtime endpoint with data capture on. */
  readonly endpoint: IModelEndpoint;

  /** What captured traffic is compared against. */
  readonly baseline: MonitorBaseline;

  /**
   * When the check runs (EventBridge Scheduler): a rate of 1 to 24 hours, or a cron expression (then give `window`).
   *
   * @default ScheduleExpression.rate(Duration.hours(1))
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * The span of traffic each run checks, ending at the scheduled time less `captureDelay` (5 minutes to 7 days, whole minutes).
   *
   * @default - the schedule's period
   */
  readonly window?: Duration;

  /**
   * How long after a request its capture is sure to be in S3 (SageMaker delivers captures minutes late).
   *
   * @default Duration.minutes(15)
   */
  readonly captureDelay?: Duration;

  /**
   * The fewest captured records a run checks; a window with fewer is reported as skipped.
   *
   * @default 100
   */
  readonly minRecords?: number;

  /**
   * Labels of served predictions, for model-quality metrics.
   *
   * @default - no ground truth: drift only
   */
  readonly groundTruth?: GroundTruthOptions;

  /**
   * The alarms.
   *
   * @default - dataset drift, drift share 0.5 and silent alarms, without notifications
   */
  readonly alarms?: MonitorAlarmOptions;

  /**
   * Start a pipeline (normally the training pipeline) when drift or quality alarms fire, guarded.
   *
   * @default - no retraining
   */
  readonly retraining?: RetrainingOptions;

  /**
   * The bucket of the reports (and of the ground truth, unless `groundTruth.bucket` is given).
   *
   * @default - a bucket is created (encrypted, TLS only, private, versioned, retained)
   */
  readonly bucket?: s3.IBucket;

  /**
   * The CloudWatch namespace of the checker's metrics.
   *
   * @default 'CdkSageMakerGitHub/ModelMonitor'
   */
  readonly metricNamespace?: string;

  /**
   * The image the checker runs on; it must have Python 3.11+, numpy, scipy, pandas, scikit-learn and boto3.
   *
   * @default - the SageMaker scikit-learn 1.4-2 (Python 3.12) image
   */
  readonly image?: ISageMakerImage;

  /**
   * The instance type of the check job.
   *
   * @default ProcessingInstanceType.ML_M5_LARGE
   */
  readonly instanceType?: ProcessingInstanceType;

  /**
   * The key of the job's volume and report, and of a created bucket and log group.
   *
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Where failed runs of the monitor pipeline are reported, as for any `SageMakerPipeline`.
   *
   * @default - nowhere (the silent alarm still fires)
   */
  readonly notifications?: PipelineNotifications;

  /**
   * The bucket that receives the server access logs of a created bucket.
   *
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * Drift and model-quality checks of an endpoint's captured traffic, their
 * alarms, and guarded retraining, without Lambda and without SageMaker Model
 * Monitor (closed to new customers).
 *
 * ```
 * Scheduler ─► Runner (Step Functions) ─► monitor pipeline: Processing step (checker, scikit-learn image)
 *   window, served baseline, captures?      │ report.json/html → S3, metrics → CloudWatch
 *                                            ▼
 *                   alarms (drift, drift share, features, quality, silent) → SNS
 *                                            │ any drift or quality alarm (composite)
 *                                            ▼
 *   EventBridge ─► Guard (Step Functions): not running, not within the cool-down ─► StartPipelineExecution(token = event id)
 * ```
 *
 * @example
 * declare const served: ModelEndpoint;
 * declare const training: TrainingPipeline;
 * const monitor = new ModelMonitor(this, 'Monitor', {
 *   endpoint: served.endpoint!,
 *   baseline: MonitorBaseline.fromTrainingPipeline(training),
 *   groundTruth: { problemType: ProblemType.BINARY_CLASSIFICATION },
 *   alarms: { modelQuality: [{ metric: ModelQualityMetric.F1, threshold: 0.7 }] },
 *   retraining: { pipeline: training, coolDown: Duration.days(1) },
 * });
 * declare const labeller: iam.IRole;
 * monitor.grantWriteGroundTruth(labeller);
 */
export class ModelMonitor extends Construct {
  /** The endpoint watched. */
  public readonly endpoint: IModelEndpoint;
  /** The pipeline that runs the checker on one window (started by the runner). */
  public readonly pipeline: SageMakerPipeline;
  /** The state machine the schedule starts: it fixes the window, finds the baseline and starts `pipeline`. */
  public readonly runner: sfn.StateMachine;
  /** The schedule. */
  public readonly schedule: scheduler.Schedule;
  /** The bucket of the reports. */
  public readonly bucket: s3.IBucket;
  /** Where the reports go: `<reportsS3Uri><execution id>/report.json` and `report.html`. */
  public readonly reportsS3Uri: string;
  /** The CloudWatch namespace of the checker's metrics. */
  public readonly metricNamespace: string;
  /**
   * Where labels go: `<groundTruthS3Uri>yyyy/mm/dd/hh/<any name>.jsonl`.
   *
   * @default - none without `groundTruth`
   */
  public readonly groundTruthS3Uri?: string;
  /**
   * The alarm on dataset drift.
   *
   * @default - none when alarms are disabled
   */
  public readonly datasetDriftAlarm?: cloudwatch.IAlarm;
  /**
   * The alarm on the share of drifting features.
   *
   * @default - none when alarms are disabled
   */
  public readonly driftShareAlarm?: cloudwatch.IAlarm;
  /**
   * The alarm that fires when no report arrives (missing data breaches).
   *
   * @default - none when alarms are disabled
   */
  public readonly silentAlarm?: cloudwatch.IAlarm;
  /** The alarms of `alarms.features`, in order. */
  public readonly featureDriftAlarms: cloudwatch.IAlarm[];
  /** The alarms of `alarms.modelQuality`, in order. */
  public readonly modelQualityAlarms: cloudwatch.IAlarm[];
  /**
   * The composite alarm (any drift or quality alarm) that starts retraining, so that several firing alarms start one.
   *
   * @default - none without retraining
   */
  public readonly retrainingAlarm?: cloudwatch.IAlarm;
  /**
   * The state machine that starts retraining, guarded.
   *
   * @default - none without retraining
   */
  public readonly retrainingGuard?: sfn.StateMachine;

  private readonly groundTruthLocation?: GroundTruthLocation;

  constructor(scope: Construct, id: string, props: ModelMonitorProps) {
    super(scope, id);
    checkMonitorProps(props);
    const machines = new MonitorMachines(this, props.encryptionKey);
    const capture = checkCapture(props.endpoint);
    this.endpoint = props.endpoint;
    const schedule = props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1));
    checkMinutes('window', props.window, Duration.minutes(5), Duration.days(7));
    const period = schedulePeriod(schedule, props.window) ?? Duration.hours(1);
    const window = props.window ?? period;
    const captureDelay = props.captureDelay ?? Duration.minutes(15);
    checkMinutes('captureDelay', captureDelay, Duration.minutes(0), Duration.days(1));
    const minRecords = props.minRecords ?? 100;
    checkMinRecords(minRecords);
    this.metricNamespace = props.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
    checkNamespace(this.metricNamespace);
    const alarmOptions = props.alarms ?? {};
    const alarmsOn = alarmOptions.enabled ?? true;
    const problemType = props.groundTruth?.problemType;
    checkAlarmOptions(alarmOptions.driftShareThreshold ?? 0.5, alarmOptions.modelQuality ?? [], alarmOptions.features ?? [], problemType);
    const silentAfter = alarmOptions.silentAfter ?? Duration.seconds(Math.min(2 * period.toSeconds(), 86_400));
    checkMinutes('alarms.silentAfter', alarmOptions.silentAfter, period, Duration.days(1));
    if (props.retraining && !alarmsOn) {
      throw new Error('modelMonitor retraining is set but alarms.enabled is false: retraining starts on the alarms; '
        + 'turn the alarms on or drop retraining');
    }

    this.bucket = props.bucket ?? createDataBucket(this, 'Bucket', {
      encryptionKey: props.encryptionKey,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: `${Names.uniqueResourceName(this, { maxLength: 200 })}/`,
      withoutAccessLogsReason: 'only the monitor\'s pipeline role writes reports and the granted labellers write ground truth; '
        + 'pass serverAccessLogsBucket to turn server access logs on',
    });
    const reportsPrefix = 'reports/';
    this.reportsS3Uri = `s3://${this.bucket.bucketName}/${reportsPrefix}`;
    if (props.groundTruth) {
      const prefix = keyPrefix('modelMonitor groundTruth.prefix', props.groundTruth.prefix ?? 'ground-truth', 'ground-truth');
      this.groundTruthLocation = { bucket: props.groundTruth.bucket ?? this.bucket, prefix: `${prefix}/` };
      this.groundTruthS3Uri = `s3://${this.groundTruthLocation.bucket.bucketName}/${this.groundTruthLocation.prefix}`;
    }

    this.pipeline = new SageMakerPipeline(this, 'Pipeline', {
      description: `Checks the captured traffic of ${props.endpoint.endpointName} for drift${problemType ? ' and model quality' : ''}`,
      notifications: props.notifications,
    });
    const role = this.pipeline.role;
    machines.addRole(role);
    const baseline = props.baseline.bind(role);
    const context: MonitorContext = {
      scope: this,
      pipeline: this.pipeline,
      machines,
      bucket: this.bucket,
      reportsS3Uri: this.reportsS3Uri,
      metricNamespace: this.metricNamespace,
      groundTruth: this.groundTruthLocation,
    };
    grantJobData(context, role, props.endpoint, reportsPrefix);
    this.pipeline.addStep(checkStep(context, props, role, baseline.servedModelVersion, baseline.s3Uri, minRecords));
    this.runner = createRunner(context, props.endpoint, capture, baseline, window, captureDelay);
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule,
      description: `Starts the model monitor of ${props.endpoint.endpointName}`,
      target: new schedulerTargets.StepFunctionsStartExecution(this.runner, {
        role: machines.serviceRole('ScheduleRole', 'scheduler.amazonaws.com', 'Lets EventBridge Scheduler start the monitor\'s runner'),
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
      }),
    });

    this.featureDriftAlarms = [];
    this.modelQualityAlarms = [];
    if (alarmsOn) {
      const alarms = createMonitorAlarms(this, {
        datasetDrift: (p) => this.metricDatasetDrift(p),
        driftShare: (p) => this.metricDriftShare(p),
        reportPublished: (p) => this.metricReportPublished(p),
        featureDrift: (f, p) => this.metricFeatureDrift(f, p),
        modelQuality: (m, p) => this.metricModelQuality(m, p),
      }, {
        what: props.endpoint.endpointName,
        period,
        silentAfter,
        driftShareThreshold: alarmOptions.driftShareThreshold ?? 0.5,
        features: alarmOptions.features ?? [],
        quality: alarmOptions.modelQuality ?? [],
        topic: alarmOptions.topic,
      });
      this.datasetDriftAlarm = alarms.datasetDrift;
      this.driftShareAlarm = alarms.driftShare;
      this.silentAlarm = alarms.silent;
      this.featureDriftAlarms = alarms.features;
      this.modelQualityAlarms = alarms.quality;
      if (props.retraining) {
        const triggers = [alarms.datasetDrift, alarms.driftShare, ...alarms.features, ...alarms.quality];
        this.retrainingAlarm = new cloudwatch.CompositeAlarm(this, 'RetrainingAlarm', {
          alarmRule: cloudwatch.AlarmRule.anyOf(...triggers.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
          alarmDescription: `Any drift or quality alarm of ${props.endpoint.endpointName}: starts the retraining guard`,
        });
        this.retrainingGuard = createRetraining(context, props.retraining, this.retrainingAlarm);
      }
    }
    // After every grant of the constructor, so that each role's one policy exists.
    machines.explainPolicies();
  }

  /**
   * A metric of the checker in the monitor's namespace, dimension `EndpointName`.
   *
   * @param metricName e.g. `DatasetDrift`
   * @param props statistic, period and the rest (the statistic defaults to Maximum)
   */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName,
      statistic: 'Maximum',
      ...props,
      dimensionsMap: { EndpointName: this.endpoint.endpointName, ...props.dimensionsMap },
    });
  }

  /** 1 when at least half of the features drift, else 0 (`DatasetDrift`, Maximum). */
  public metricDatasetDrift(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DatasetDrift', props);
  }

  /** The share of drifting features, 0 to 1 (`DriftShare`, Maximum). */
  public metricDriftShare(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DriftShare', props);
  }

  /** The records a run checked (`Records`, Sum). */
  public metricRecords(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Records', { statistic: 'Sum', ...props });
  }

  /** 1 for a run with too few records (`Skipped`, Maximum). */
  public metricSkipped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Skipped', props);
  }

  /** 1 for every run that reported (`ReportPublished`, Sum): what the silent alarm watches. */
  public metricReportPublished(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReportPublished', { statistic: 'Sum', ...props });
  }

  /**
   * 1 when one feature drifts (`FeatureDrift`, dimensions `EndpointName` and `Feature`, Maximum).
   *
   * @param feature the feature's name, as in the baseline
   */
  public metricFeatureDrift(feature: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('FeatureDrift', { ...props, dimensionsMap: { Feature: feature, ...props.dimensionsMap } });
  }

  /**
   * The drift score of one feature: a p-value or a distance, per the test the checker chose
   * (`FeatureDriftScore`, dimensions `EndpointName` and `Feature`, Maximum).
   *
   * @param feature the feature's name, as in the baseline
   */
  public metricFeatureDriftScore(feature: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('FeatureDriftScore', { ...props, dimensionsMap: { Feature: feature, ...props.dimensionsMap } });
  }

  /**
   * A model-quality metric on the ground truth (Average).
   *
   * @param metric e.g. `ModelQualityMetric.F1`
   */
  public metricModelQuality(metric: ModelQualityMetric, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(metric, { statistic: 'Average', ...props });
  }

  /**
   * Grants writing labels under the ground-truth prefix (`s3:PutObject`, and the bucket's key).
   *
   * @param grantee the labelling job, application or role
   */
  public grantWriteGroundTruth(grantee: iam.IGrantable): iam.Grant {
    const location = this.groundTruthLocation;
    if (!location) {
      throw new Error(`modelMonitor grantWriteGroundTruth needs groundTruth, got ${this.node.path} without it: give groundTruth with its problemType`);
    }
    return grantPrefixWrite(grantee, location.bucket, location.prefix, {
      list: false,
      reason: `labels are written under ${location.prefix}yyyy/mm/dd/hh/ with names the writer chooses`,
    });
  }

  /**
   * Grants reading the reports (`report.json`, `report.html`) and listing them.
   *
   * @param grantee the reader
   */
  public grantReadReports(grantee: iam.IGrantable): iam.Grant {
    return grantPrefixRead(grantee, this.bucket, 'reports/', { reason: 'each run writes its report under reports/<execution id>/' });
  }

  /**
   * Grants starting the runner by hand, e.g. with `{"windowEnd": "2026-12-01T12:00:00Z"}` to check one past window.
   *
   * @param grantee the caller
   */
  public grantStartRun(grantee: iam.IGrantable): iam.Grant {
    return this.runner.grantStartExecution(grantee);
  }

  /**
   * Publishes the names a client needs as stack outputs `<prefix>PipelineName`,
   * `<prefix>RunnerArn`, `<prefix>ReportsUri` (and `<prefix>GroundTruthUri`),
   * and optionally as SSM parameters. Call it once.
   *
   * @param options output prefix and SSM path
   */
  public publishNames(options: PublishNamesOptions = {}): void {
    const names: PublishedName[] = [
      { name: 'PipelineName', value: this.pipeline.pipelineName, description: `The monitor pipeline of ${this.node.path}` },
      { name: 'RunnerArn', value: this.runner.stateMachineArn, description: `The state machine that starts a check of ${this.node.path}` },
      { name: 'ReportsUri', value: this.reportsS3Uri, description: `Where ${this.node.path} writes its reports` },
      ...(this.groundTruthS3Uri ? [{ name: 'GroundTruthUri', value: this.groundTruthS3Uri, description: `Where labels for ${this.node.path} go` }] : []),
    ];
    publishNames(this, 'modelMonitor', names, options);
  }
}
