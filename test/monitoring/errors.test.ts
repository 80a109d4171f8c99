import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { buildMonitor, monitorFixture } from './fixtures';
import { EndpointMode, ModelEndpoint } from '../../src/endpoint';
import { ModelMonitor, ModelQualityMetric, MonitorBaseline, ProblemType } from '../../src/monitoring';
import { expectError } from '../errors';

const C = 'ModelMonitor';

describe('ModelMonitor bad input', () => {
  test('a serverless endpoint (SageMaker captures nothing there)', () => {
    expectError(() => buildMonitor({}, monitorFixture(EndpointMode.serverless())), { construct: C, property: 'endpoint', value: 'a serverless endpoint' },
      /^modelMonitor endpoint must capture its requests, got the serverless endpoint Test\/Endpoint: SageMaker has no data capture for serverless endpoints; monitor a realtime endpoint/);
  });

  test('an asynchronous endpoint', () => {
    expectError(() => buildMonitor({}, monitorFixture(EndpointMode.asynchronous())), { construct: C, property: 'endpoint', value: 'an asynchronous endpoint' },
      'got the asynchronous endpoint Test/Endpoint: SageMaker documents no data capture for asynchronous endpoints');
  });

  test('a realtime endpoint with capture off', () => {
    expectError(() => buildMonitor({}, monitorFixture(EndpointMode.realtime({ dataCapture: { enabled: false } }))),
      { construct: C, property: 'endpoint', value: 'dataCapture: { enabled: false }' },
      'got Test/Endpoint/Endpoint without dataCapture: turn data capture on (EndpointMode.realtime dataCapture)');
  });

  test('an imported endpoint without its capture bucket', () => {
    const f = monitorFixture();
    const endpoint = ModelEndpoint.fromEndpointName(f.stack, 'Imported', 'churn');
    expectError(() => new ModelMonitor(f.stack, 'M', { endpoint, baseline: MonitorBaseline.fromS3(f.baselines, 'b') }),
      { construct: C, property: 'endpoint', value: "ModelEndpoint.fromEndpointName(scope, id, 'churn')" },
      'import the endpoint with fromEndpointAttributes and its dataCaptureBucket');
  });

  test('a one-off schedule', () => {
    expectError(() => buildMonitor({ schedule: scheduler.ScheduleExpression.at(new Date(Date.UTC(2027, 0, 1))) }),
      { construct: C, property: 'schedule', value: 'ScheduleExpression.at(2027-01-01)' },
      'modelMonitor schedule must repeat, got at(2027-01-01T00:00:00): give ScheduleExpression.rate(Duration.hours(1)) or a cron expression');
  });

  test('a schedule more frequent than hourly', () => {
    expectError(() => buildMonitor({ schedule: scheduler.ScheduleExpression.rate(Duration.minutes(15)) }),
      { construct: C, property: 'schedule', value: 'rate(15 minutes)' },
      'modelMonitor schedule must run every 1 to 24 hours, got rate(15 minutes)');
  });

  test('a schedule rarer than daily', () => {
    expectError(() => buildMonitor({ schedule: scheduler.ScheduleExpression.rate(Duration.days(2)) }),
      { construct: C, property: 'schedule', value: 'rate(2 days)' }, 'must run every 1 to 24 hours, got rate(2 days)');
  });

  test('a cron schedule without a window', () => {
    expectError(() => buildMonitor({ schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '6' }) }),
      { construct: C, property: 'window', value: 'undefined with a cron schedule' },
      'modelMonitor window is required with the schedule cron(0 6 * * ? *): a cron schedule has no period to derive it from');
  });

  test('a window that is not whole minutes, or too short or long', () => {
    expectError(() => buildMonitor({ window: Duration.seconds(90) }), { construct: C, property: 'window', value: 'Duration.seconds(90)' },
      'modelMonitor window must be whole minutes from 5 minutes to 7 days, got 1 minute 30 seconds');
    expectError(() => buildMonitor({ window: Duration.days(8) }), { construct: C, property: 'window', value: 'Duration.days(8)' },
      'got 8 days');
  });

  test('a capture delay over a day', () => {
    expectError(() => buildMonitor({ captureDelay: Duration.hours(25) }), { construct: C, property: 'captureDelay', value: 'Duration.hours(25)' },
      'modelMonitor captureDelay must be whole minutes from 0 minutes to 1 day, got 1 day 1 hour');
  });

  test('minRecords below 1', () => {
    expectError(() => buildMonitor({ minRecords: 0 }), { construct: C, property: 'minRecords', value: '0' },
      'modelMonitor minRecords must be a whole number from 1 to 10000000, got 0: a window with fewer records is skipped');
  });

  test('a drift share outside (0, 1]', () => {
    expectError(() => buildMonitor({ alarms: { driftShareThreshold: 1.5 } }), { construct: C, property: 'alarms.driftShareThreshold', value: '1.5' },
      'modelMonitor alarms.driftShareThreshold must be above 0 and at most 1, got 1.5: e.g. 0.5');
  });

  test('quality thresholds without ground truth', () => {
    expectError(() => buildMonitor({ alarms: { modelQuality: [{ metric: ModelQualityMetric.F1, threshold: 0.7 }] } }),
      { construct: C, property: 'alarms.modelQuality', value: '[{ metric: F1 }] without groundTruth' },
      'modelMonitor alarms.modelQuality needs ground truth, got F1 without groundTruth: give groundTruth with its problemType');
  });

  test('a quality metric of another problem type', () => {
    expectError(() => buildMonitor({
      groundTruth: { problemType: ProblemType.REGRESSION },
      alarms: { modelQuality: [{ metric: ModelQualityMetric.AUC, threshold: 0.8 }] },
    }), { construct: C, property: 'alarms.modelQuality', value: 'AUC on a regression' },
    'modelMonitor alarms.modelQuality metric Auc does not apply to regression problems: give one of Mae, Rmse, R2');
    expectError(() => buildMonitor({
      groundTruth: { problemType: ProblemType.MULTICLASS_CLASSIFICATION },
      alarms: { modelQuality: [{ metric: ModelQualityMetric.AUC, threshold: 0.8 }] },
    }), { construct: C, property: 'alarms.modelQuality', value: 'AUC on a multiclass model' }, 'give one of Accuracy, Precision, Recall, F1');
  });

  test('a quality threshold out of range, or twice', () => {
    expectError(() => buildMonitor({
      groundTruth: { problemType: ProblemType.BINARY_CLASSIFICATION },
      alarms: { modelQuality: [{ metric: ModelQualityMetric.ACCURACY, threshold: 80 }] },
    }), { construct: C, property: 'alarms.modelQuality threshold', value: '80' },
    'modelMonitor alarms.modelQuality threshold of Accuracy must be a number from 0 to 1, got 80');
    expectError(() => buildMonitor({
      groundTruth: { problemType: ProblemType.REGRESSION },
      alarms: { modelQuality: [{ metric: ModelQualityMetric.MAE, threshold: -1 }] },
    }), { construct: C, property: 'alarms.modelQuality threshold', value: '-1' }, 'threshold of Mae must be a number at least 0, got -1');
    expectError(() => buildMonitor({
      groundTruth: { problemType: ProblemType.REGRESSION },
      alarms: { modelQuality: [{ metric: ModelQualityMetric.R2, threshold: 0.5 }, { metric: ModelQualityMetric.R2, threshold: 0.6 }] },
    }), { construct: C, property: 'alarms.modelQuality', value: 'R2 twice' }, 'modelMonitor alarms.modelQuality metric R2 is given twice');
  });

  test('a feature list with an empty name, a duplicate or too many features', () => {
    expectError(() => buildMonitor({ alarms: { features: [''] } }), { construct: C, property: 'alarms.features', value: "['']" },
      "modelMonitor alarms.features entry '' must be a feature name of 1 to 1024 characters");
    expectError(() => buildMonitor({ alarms: { features: ['age', 'age'] } }), { construct: C, property: 'alarms.features', value: "['age', 'age']" },
      "modelMonitor alarms.features lists 'age' twice");
    expectError(() => buildMonitor({ alarms: { features: Array.from({ length: 51 }, (_, i) => `f${i}`) } }),
      { construct: C, property: 'alarms.features', value: '51 features' }, 'modelMonitor alarms.features lists 51 features, more than 50');
  });

  test('a silent alarm shorter than the schedule', () => {
    expectError(() => buildMonitor({ alarms: { silentAfter: Duration.minutes(30) } }), { construct: C, property: 'alarms.silentAfter', value: 'Duration.minutes(30)' },
      'modelMonitor alarms.silentAfter must be whole minutes from 1 hour to 1 day, got 30 minutes');
  });

  test('a reserved or malformed metric namespace', () => {
    expectError(() => buildMonitor({ metricNamespace: 'AWS/SageMaker' }), { construct: C, property: 'metricNamespace', value: "'AWS/SageMaker'" },
      "modelMonitor metricNamespace must be 1 to 255 printable ASCII characters, not starting with ':' or 'AWS/', got 'AWS/SageMaker'");
  });

  test('retraining without alarms', () => {
    const f = monitorFixture();
    expectError(() => buildMonitor({ alarms: { enabled: false }, retraining: { pipeline: f.training } }, f),
      { construct: C, property: 'retraining', value: 'with alarms.enabled: false' },
      'modelMonitor retraining is set but alarms.enabled is false: retraining starts on the alarms');
  });

  test('a cool-down over 30 days', () => {
    const f = monitorFixture();
    expectError(() => buildMonitor({ retraining: { pipeline: f.training, coolDown: Duration.days(31) } }, f),
      { construct: C, property: 'retraining.coolDown', value: 'Duration.days(31)' },
      'modelMonitor retraining.coolDown must be whole minutes from 0 minutes to 30 days, got 31 days');
  });

  test('grantWriteGroundTruth without ground truth', () => {
    const { monitor, stack } = buildMonitor();
    const role = new iam.Role(stack, 'Labeller', { assumedBy: new iam.AccountRootPrincipal() });
    expectError(() => monitor.grantWriteGroundTruth(role), { construct: C, property: 'grantWriteGroundTruth', value: 'without groundTruth' },
      'modelMonitor grantWriteGroundTruth needs groundTruth, got Test/Monitor without it');
  });

  test('a ground-truth prefix that starts with /', () => {
    expectError(() => buildMonitor({ groundTruth: { problemType: ProblemType.REGRESSION, prefix: '/labels' } }),
      { construct: C, property: 'groundTruth.prefix', value: "'/labels'" },
      "modelMonitor groundTruth.prefix '/labels' must be a key prefix that does not start with '/'");
  });

  test('a baseline prefix that starts with /', () => {
    const f = monitorFixture();
    expectError(() => MonitorBaseline.fromS3(f.baselines, '/b'), { construct: 'MonitorBaseline.fromS3', property: 'prefix', value: "'/b'" },
      "monitorBaseline.fromS3 prefix '/b' must be a key prefix that does not start with '/'");
  });
});

describe('ModelMonitor and MonitorBaseline from plain JavaScript (missing, null, another kind)', () => {
  const js = (value: unknown): any => value;

  test('props, endpoint and baseline are checked before anything is built', () => {
    const f = monitorFixture();
    const baseline = MonitorBaseline.fromS3(f.baselines, 'b');
    expectError(() => new ModelMonitor(f.stack, 'M1', js(undefined)), { construct: C, property: 'props', value: 'undefined' },
      'modelMonitor props must be an object such as { endpoint, baseline }, got nothing');
    expectError(() => new ModelMonitor(f.stack, 'M2', js({ baseline })), { construct: C, property: 'endpoint', value: 'undefined' },
      'modelMonitor endpoint is required: give an IModelEndpoint (a realtime endpoint with data capture), e.g. served.endpoint');
    expectError(() => new ModelMonitor(f.stack, 'M3', js({ endpoint: f.endpoint, baseline: null })), { construct: C, property: 'baseline', value: 'null' },
      'modelMonitor baseline is required, got null: give a MonitorBaseline, e.g. MonitorBaseline.fromTrainingPipeline(training)');
    expectError(() => new ModelMonitor(f.stack, 'M4', js({ endpoint: f.endpoint, baseline, retraining: {} })),
      { construct: C, property: 'retraining.pipeline', value: 'undefined' }, 'modelMonitor retraining.pipeline is required: give an ISageMakerPipeline');
    // Nothing of a refused monitor was built.
    expect(['M1', 'M2', 'M3', 'M4'].map((id) => f.stack.node.findChild(id).node.children.length)).toEqual([0, 0, 0, 0]);
  });

  test('MonitorBaseline.fromS3 bucket and prefix', () => {
    const f = monitorFixture();
    expectError(() => MonitorBaseline.fromS3(js(undefined), 'b'), { construct: 'MonitorBaseline.fromS3', property: 'bucket', value: 'undefined' },
      "monitorBaseline.fromS3 bucket is required: give an s3.IBucket, e.g. s3.Bucket.fromBucketName(this, 'Baselines', 'my-baselines')");
    expectError(() => MonitorBaseline.fromS3(f.baselines, js(42)), { construct: 'MonitorBaseline.fromS3', property: 'prefix', value: '42' },
      "monitorBaseline.fromS3 prefix must be a string (the folder of baseline.json), got 42: give e.g. 'baselines/churn-v3'");
  });

  test('MonitorBaseline.fromServedModelVersion options and bucket', () => {
    const W = 'MonitorBaseline.fromServedModelVersion';
    expectError(() => MonitorBaseline.fromServedModelVersion(js(null)), { construct: W, property: 'options', value: 'null' },
      'monitorBaseline.fromServedModelVersion options must be an object such as { bucket: training.artifactsBucket }, got null');
    expectError(() => MonitorBaseline.fromServedModelVersion(js({})), { construct: W, property: 'bucket', value: 'undefined' },
      'monitorBaseline.fromServedModelVersion bucket is required: give an s3.IBucket (where the baselines are), e.g. training.artifactsBucket');
  });
});
