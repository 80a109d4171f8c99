import * as fc from 'fast-check';
import { runAsl, SdkMock } from './asl';
import { guardDefinition } from '../../src/monitoring/private/retraining';
import { runnerDefinition, RunnerInputs } from '../../src/monitoring/private/runner';
import { propertyParameters } from '../property';

const sdk = (action: string, service = 'sagemaker') => `arn:aws:states:::aws-sdk:${service}:${action}`;
const HOUR = 3_600_000;

function inputs(extra: Partial<RunnerInputs> = {}): RunnerInputs {
  return {
    endpointName: 'churn',
    variantName: 'AllTraffic',
    pipelineName: 'churn-monitor',
    captureBucketName: 'captures',
    captureVariantPrefix: 'data-capture/churn/AllTraffic/',
    baselineS3Uri: 's3://baselines/churn-v3/',
    servedBaseline: false,
    groundTruth: { bucketName: 'labels', prefix: 'ground-truth/' },
    windowMillis: HOUR,
    captureDelayMillis: 15 * 60_000,
    namespace: 'CdkSageMakerGitHub/ModelMonitor',
    partition: 'aws',
    ...extra,
  };
}

/** S3 with one capture and one label, and an endpoint that serves version 3 of `churn`. */
function world(baselineUri = 's3://baselines/churn-v3/abc/statistics.json', captures = 1): SdkMock {
  return (resource, args) => {
    switch (resource) {
      case sdk('listObjectsV2', 's3'): return { KeyCount: args.Bucket === 'captures' ? captures : 1 };
      case sdk('describeEndpoint'): return { EndpointConfigName: 'config-1' };
      case sdk('describeEndpointConfig'): return { ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'model-1' }] };
      case sdk('describeModel'): return { PrimaryContainer: { ModelPackageName: 'arn:aws:sagemaker:us-east-1:1:model-package/churn/3' } };
      case sdk('describeModelPackage'): return { DriftCheckBaselines: { ModelDataQuality: { Statistics: { S3Uri: baselineUri } } } };
      default: return {};
    }
  };
}

/** The hourly folder of an instant, as SageMaker names capture folders. */
function folder(millis: number): string {
  const d = new Date(millis);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCHours())}/`;
}

describe('the runner, evaluated with the JSONata engine', () => {
  test('every window: the right ISO times, a prefix that holds every hour of the window and no more levels than needed, a valid token', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2034, 11, 31) }),
      fc.integer({ min: 5, max: 7 * 24 * 60 }),
      fc.integer({ min: 0, max: 24 * 60 }),
      async (scheduled, windowMinutes, delayMinutes) => {
        const w = windowMinutes * 60_000;
        const definition = runnerDefinition(inputs({ windowMillis: w, captureDelayMillis: delayMinutes * 60_000 }));
        const run = await runAsl(definition, { scheduledTime: new Date(scheduled).toISOString() }, { Execution: { StartTime: '2020-01-01T00:00:00Z' } }, world());
        const end = scheduled - delayMinutes * 60_000;
        const start = end - w;
        expect(run.variables.windowEnd).toBe(new Date(end).toISOString());
        expect(run.variables.windowStart).toBe(new Date(start).toISOString());
        const prefix: string = run.variables.captureKeyPrefix.slice('data-capture/churn/AllTraffic/'.length);
        for (let t = start; t < end; t += HOUR) {
          expect(folder(t).startsWith(prefix)).toBe(true);
        }
        expect(folder(end - 1).startsWith(prefix)).toBe(true);
        // The longest common yyyy/, yyyy/mm/, yyyy/mm/dd/ or yyyy/mm/dd/hh/ of the first and last hour.
        const [a, b] = [folder(start), folder(end - 1)];
        const longest = [13, 10, 7, 4].map((n) => a.slice(0, n + 1)).find((p) => b.startsWith(p)) ?? '';
        expect(prefix).toBe(longest);
        const start3 = run.calls.find((c) => c.resource === sdk('startPipelineExecution'))!;
        const token: string = start3.args.ClientRequestToken;
        expect(token.length).toBeGreaterThanOrEqual(32);
        expect(token.length).toBeLessThanOrEqual(128);
        expect(start3.args.PipelineParameters).toEqual([
          { Name: 'BaselineUri', Value: 's3://baselines/churn-v3/' },
          { Name: 'CaptureUri', Value: `s3://captures/data-capture/churn/AllTraffic/${prefix}` },
          { Name: 'WindowStart', Value: new Date(start).toISOString() },
          { Name: 'WindowEnd', Value: new Date(end).toISOString() },
          { Name: 'GroundTruthUri', Value: expect.stringMatching(/^s3:\/\/labels\/ground-truth\//) },
          { Name: 'HasGroundTruth', Value: 'true' },
        ]);
      },
    ), propertyParameters(40));
  });

  test('the same window gives the same token (a duplicate start runs once); another window another token', async () => {
    const definition = runnerDefinition(inputs());
    const token = async (input: any) => (await runAsl(definition, input, { Execution: {} }, world()))
      .calls.find((c) => c.resource === sdk('startPipelineExecution'))!.args.ClientRequestToken;
    const t = '2026-12-01T12:00:00Z';
    expect(await token({ scheduledTime: t })).toBe(await token({ scheduledTime: t }));
    expect(await token({ scheduledTime: t })).not.toBe(await token({ scheduledTime: '2026-12-01T13:00:00Z' }));
    expect(await token({ windowEnd: '2026-12-01T11:45:00Z' })).toBe(await token({ scheduledTime: t }));
  });

  test('a manual run without input checks the window that ended at the execution\'s start, less the delay', async () => {
    const run = await runAsl(runnerDefinition(inputs()), {}, { Execution: { StartTime: '2026-12-01T12:15:00.000Z' } }, world());
    expect([run.variables.windowStart, run.variables.windowEnd]).toEqual(['2026-12-01T11:00:00.000Z', '2026-12-01T12:00:00.000Z']);
    expect(run.variables.captureKeyPrefix).toBe('data-capture/churn/AllTraffic/2026/12/01/11/');
  });

  test('no captures in the window: skipped, published, and the check is not started', async () => {
    const run = await runAsl(runnerDefinition(inputs()), { scheduledTime: '2026-12-01T12:15:00Z' }, { Execution: {} }, world(undefined, 0));
    expect(run.path.slice(-2)).toEqual(['HasCaptures', 'PublishSkipped']);
    expect(run.calls.map((c) => c.resource)).not.toContain(sdk('startPipelineExecution'));
    expect(run.calls.at(-1)!.args.MetricData[0]).toEqual({ MetricName: 'Skipped', Dimensions: [{ Name: 'EndpointName', Value: 'churn' }], Value: 1, Unit: 'Count' });
  });

  test('the served version\'s baseline: the folder of its statistics.json', async () => {
    const definition = runnerDefinition(inputs({ servedBaseline: true }));
    const run = await runAsl(definition, { scheduledTime: '2026-12-01T12:15:00Z' }, { Execution: {} }, world());
    expect(run.calls.slice(0, 4).map((c) => c.args)).toEqual([
      { EndpointName: 'churn' }, { EndpointConfigName: 'config-1' }, { ModelName: 'model-1' },
      { ModelPackageName: 'arn:aws:sagemaker:us-east-1:1:model-package/churn/3' },
    ]);
    expect(run.variables.baseline).toBe('s3://baselines/churn-v3/abc/');
  });

  test('a served version without a baseline, or with one outside the readable prefix, fails with the reason', async () => {
    const definition = runnerDefinition(inputs({ servedBaseline: true }));
    const none = await runAsl(definition, { scheduledTime: '2026-12-01T12:15:00Z' }, { Execution: {} }, (r, a) =>
      (r === sdk('describeModelPackage') ? {} : world()(r, a)));
    expect(none.end).toEqual(expect.objectContaining({ type: 'Fail', error: 'ModelMonitor.NoBaseline' }));
    expect(none.end.cause).toContain('the served model version arn:aws:sagemaker:us-east-1:1:model-package/churn/3 has no DriftCheckBaselines');
    const foreign = await runAsl(definition, { scheduledTime: '2026-12-01T12:15:00Z' }, { Execution: {} }, world('s3://elsewhere/x/statistics.json'));
    expect(foreign.end).toEqual(expect.objectContaining({ type: 'Fail', error: 'ModelMonitor.ForeignBaseline' }));
    const unpackaged = await runAsl(definition, { scheduledTime: '2026-12-01T12:15:00Z' }, { Execution: {} }, (r, a) =>
      (r === sdk('describeModel') ? { PrimaryContainer: { Image: 'x' } } : world()(r, a)));
    expect(unpackaged.end.error).toBe('ModelMonitor.NoModelPackage');
    expect(unpackaged.end.cause).toContain('serves the model model-1, which is no model package version');
  });
});

describe('the retraining guard, evaluated with the JSONata engine', () => {
  const event = { id: '7bf73129-1428-4cd3-a780-95db273d1602', detail: { alarmName: 'churn-drift' } };
  const guard = guardDefinition({ pipelineName: 'churn-training', coolDownMillis: 6 * HOUR, parameters: { TrainingDataUri: 's3://d/' }, partition: 'aws' });
  const lister = (recent: any[], latest: any[]): SdkMock => (resource, args) =>
    (resource === sdk('listPipelineExecutions') ? { PipelineExecutionSummaries: args.CreatedAfter ? recent : latest } : {});

  test('nothing running, nothing recent: starts once, with the event id as the token', async () => {
    const run = await runAsl(guard, event, {}, lister([], [{ PipelineExecutionStatus: 'Succeeded' }, { PipelineExecutionStatus: 'Failed' }]));
    const start = run.calls.at(-1)!;
    expect(start.resource).toBe(sdk('startPipelineExecution'));
    expect(start.args).toEqual({
      PipelineName: 'churn-training',
      ClientRequestToken: event.id,
      PipelineExecutionDescription: 'Retraining: the alarm churn-drift is in ALARM',
      PipelineParameters: [{ Name: 'TrainingDataUri', Value: 's3://d/' }],
    });
    // The cool-down's cut-off: six hours before now, as an ISO time.
    const cutOff = Date.parse(run.calls[0].args.CreatedAfter);
    expect(Math.abs(Date.now() - 6 * HOUR - cutOff)).toBeLessThan(60_000);
  });

  test('an execution within the cool-down, or one running or stopping: no start', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.constantFrom('Executing', 'Stopping', 'Succeeded', 'Failed', 'Stopped'), { maxLength: 10 }),
      fc.boolean(),
      async (statuses, recent) => {
        const run = await runAsl(guard, event, {}, lister(recent ? [{ PipelineExecutionStatus: 'Succeeded' }] : [],
          statuses.map((s) => ({ PipelineExecutionStatus: s }))));
        const started = run.calls.some((c) => c.resource === sdk('startPipelineExecution'));
        expect(started).toBe(!recent && !statuses.some((s) => s === 'Executing' || s === 'Stopping'));
        if (!started) {
          expect(run.end.type).toBe('Succeed');
        }
      },
    ), propertyParameters(40));
  });
});
