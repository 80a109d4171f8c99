import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { fixture } from './util';
import { EndpointMode, ModelEndpoint, TransformSplitType } from '../../src/endpoint';
import { InferenceInstanceType } from '../../src/pipeline';
import { propertyParameters } from '../property';

/** A valid mode, described as data so that each run can say what it expects. */
type ModeSpec =
  | { kind: 'realtime'; count: number; maxCapacity?: number; capture: boolean; sampling: number; latencyMs: number }
  | { kind: 'serverless'; memory: number; maxConcurrency: number; provisioned?: number }
  | { kind: 'asynchronous'; count: number; minCapacity?: number; notifications: boolean }
  | { kind: 'batch'; count: number; payload: number; split: TransformSplitType };

const id = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,11}$/);
const spec: fc.Arbitrary<ModeSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('realtime' as const),
    count: fc.integer({ min: 1, max: 8 }),
    maxCapacity: fc.option(fc.integer({ min: 8, max: 20 }), { nil: undefined }),
    capture: fc.boolean(),
    sampling: fc.integer({ min: 0, max: 100 }),
    latencyMs: fc.integer({ min: 1, max: 60_000 }),
  }),
  fc.integer({ min: 1, max: 200 }).chain((maxConcurrency) => fc.record({
    kind: fc.constant('serverless' as const),
    memory: fc.constantFrom(1024, 2048, 3072, 4096, 5120, 6144),
    maxConcurrency: fc.constant(maxConcurrency),
    provisioned: fc.option(fc.integer({ min: 1, max: maxConcurrency }), { nil: undefined }),
  })),
  fc.record({
    kind: fc.constant('asynchronous' as const),
    count: fc.integer({ min: 1, max: 4 }),
    minCapacity: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    notifications: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('batch' as const),
    count: fc.integer({ min: 1, max: 10 }),
    payload: fc.integer({ min: 1, max: 100 }),
    split: fc.constantFrom(TransformSplitType.LINE, TransformSplitType.RECORD_IO, TransformSplitType.TF_RECORD),
  }),
);

function build(s: ModeSpec, endpointId: string) {
  const f = fixture();
  let mode: EndpointMode;
  let alarms;
  switch (s.kind) {
    case 'realtime':
      mode = EndpointMode.realtime({
        initialInstanceCount: s.count,
        autoScaling: s.maxCapacity === undefined ? undefined : { maxCapacity: s.maxCapacity },
        dataCapture: { enabled: s.capture, samplingPercentage: s.sampling },
      });
      alarms = { modelLatencyThreshold: Duration.millis(s.latencyMs) };
      break;
    case 'serverless':
      mode = EndpointMode.serverless({ memorySizeMiB: s.memory, maxConcurrency: s.maxConcurrency, provisionedConcurrency: s.provisioned });
      break;
    case 'asynchronous':
      mode = EndpointMode.asynchronous({
        initialInstanceCount: s.count,
        notifications: s.notifications,
        autoScaling: s.minCapacity === undefined ? undefined : { minCapacity: s.minCapacity, maxCapacity: 4 },
      });
      break;
    case 'batch':
      mode = EndpointMode.batch({
        inputBucket: s3.Bucket.fromBucketName(f.stack, 'Input', 'input-bucket'),
        instanceCount: s.count,
        maxPayload: Size.mebibytes(s.payload),
        splitType: s.split,
        instanceType: InferenceInstanceType.ML_C5_XLARGE,
      });
      break;
  }
  const endpoint = new ModelEndpoint(f.stack, endpointId, { model: f.model, mode, alarms });
  return { ...f, endpoint };
}

/** The resources one endpoint of `s` creates, as test/endpoint/footprint.test.ts counts them (without the image repository). */
function expectedCount(s: ModeSpec): number {
  switch (s.kind) {
    case 'realtime':
      // role, policy, model, config, endpoint, 2 alarms; scaling target and policy; the stack's capture bucket and its policy
      return 7 + (s.maxCapacity !== undefined ? 2 : 0) + (s.capture ? 2 : 0);
    case 'serverless':
      return 7;
    case 'asynchronous':
      // + request bucket and policy; two topics and their policies; scaling target and tracking policy, and from zero a step policy and its alarm
      return 7 + 2 + (s.notifications ? 4 : 0) + (s.minCapacity === undefined ? 0 : 2 + (s.minCapacity === 0 ? 2 : 0));
    case 'batch':
      return 10;
  }
}

const NAME_PROPERTIES: { [type: string]: string } = {
  'AWS::SageMaker::Model': 'ModelName',
  'AWS::SageMaker::EndpointConfig': 'EndpointConfigName',
  'AWS::SageMaker::Endpoint': 'EndpointName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::Policy': 'PolicyName_',
};

describe('valid props of every mode synthesize and keep the invariants', () => {
  test('no physical names, the footprint per mode, captures under the endpoint\'s own prefix', () => {
    fc.assert(fc.property(spec, id, (s, endpointId) => {
      const { stack } = build(s, endpointId);
      const resources = Object.values<any>(Template.fromStack(stack).toJSON().Resources).filter((r) => r.Type !== 'AWS::ECR::Repository');
      expect(resources).toHaveLength(expectedCount(s));
      for (const r of resources) {
        const name = NAME_PROPERTIES[r.Type];
        if (name) {
          expect(r.Properties?.[name]).toBeUndefined();
        }
      }
      const config = resources.find((r) => r.Type === 'AWS::SageMaker::EndpointConfig');
      const capture = config?.Properties.DataCaptureConfig;
      if (s.kind === 'realtime' && s.capture) {
        expect(JSON.stringify(capture.DestinationS3Uri)).toContain(`/data-capture/${endpointId}"`);
        expect(capture.InitialSamplingPercentage).toBe(s.sampling);
      } else {
        expect(capture).toBeUndefined();
      }
    }), propertyParameters(12));
  });

  test('a sampled template passes cfn-lint', () => {
    // One template per run (cfn-lint takes seconds to start); the seed picks the mode.
    const [sample] = fc.sample(spec, { seed: propertyParameters().seed, numRuns: 1 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endpoint-property-'));
    try {
      const file = path.join(dir, `${sample.kind}.json`);
      fs.writeFileSync(file, JSON.stringify(Template.fromStack(build(sample, 'Sampled').stack).toJSON()));
      execFileSync('cfn-lint', ['--non-zero-exit-code', 'error', '--', file], { stdio: 'pipe' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A bad value for one prop, as a careless caller of any language would pass it. */
const junk = fc.oneof(
  fc.constant(null), fc.constant(NaN), fc.constant(Infinity), fc.constant(-1), fc.constant(1.5), fc.constant(''),
  fc.constant('ml.m5.large'), fc.constant([]), fc.constant({}), fc.constant(true), fc.integer({ min: 100_000, max: 1e9 }),
);

const MODE_PROPS: { [mode: string]: string[] } = {
  realtime: ['instanceType', 'initialInstanceCount', 'volumeSize', 'volumeEncryptionKey', 'modelDataDownloadTimeout', 'containerStartupHealthCheckTimeout', 'autoScaling', 'dataCapture', 'deployment'],
  serverless: ['memorySizeMiB', 'maxConcurrency', 'provisionedConcurrency'],
  asynchronous: ['instanceType', 'initialInstanceCount', 'bucket', 'inputPrefix', 'outputPrefix', 'failurePrefix', 'encryptionKey', 'notifications', 'successTopic', 'errorTopic', 'maxConcurrentInvocationsPerInstance', 'autoScaling'],
  batch: ['inputBucket', 'inputPrefix', 'outputBucket', 'outputPrefix', 'instanceType', 'instanceCount', 'contentType', 'accept', 'splitType', 'batchStrategy', 'maxPayload', 'maxConcurrentTransforms', 'joinSource', 'schedule', 'failureTopic'],
};
const ENDPOINT_PROPS = ['model', 'mode', 'environment', 'vpc', 'vpcSubnets', 'securityGroups', 'networkIsolation', 'role', 'endpointName', 'variantName', 'alarms', 'serverAccessLogsBucket'];

/** What a bad value may legitimately be: some junk is valid for some props (true for a flag, '' for nothing...). */
function attempt(run: () => unknown): Error | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

/** Junk that is a valid value of some props: {} for an options struct, [] for a list, true for a flag. */
function mayBeValid(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value !== '') || Array.isArray(value) || (value !== null && typeof value === 'object' && Object.keys(value).length === 0)
    || (typeof value === 'number' && Number.isInteger(value) && value > 0);
}

function expectNamedError(error: Error | undefined, property: string, value: unknown): void {
  if (error === undefined) {
    // Only junk that can be valid for some prop may pass.
    expect(mayBeValid(value)).toBe(true);
    return;
  }
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('Error');
  expect(error.message).toContain(property);
  expect(error.message).not.toMatch(/\bundefined\b|\[object Object\]/);
}

describe('invalid props throw an Error naming the property, never a TypeError', () => {
  test('a bad value in one option of a mode', () => {
    const modes = Object.keys(MODE_PROPS);
    const arb = fc.constantFrom(...modes).chain((mode) => fc.tuple(fc.constant(mode), fc.constantFrom(...MODE_PROPS[mode]), junk));
    fc.assert(fc.property(arb, ([mode, property, value]) => {
      const f = fixture();
      const base = mode === 'batch' ? { inputBucket: s3.Bucket.fromBucketName(f.stack, 'Input', 'input-bucket') } : {};
      const options = { ...base, [property]: value } as any;
      const error = attempt(() => {
        const m = (EndpointMode as any)[mode](options);
        new ModelEndpoint(f.stack, 'Endpoint', { model: f.model, mode: m });
        Template.fromStack(f.stack);
      });
      expectNamedError(error, property, value);
    }), propertyParameters(60));
  });

  test('a bad value in one prop of the endpoint', () => {
    fc.assert(fc.property(fc.constantFrom(...ENDPOINT_PROPS), junk, (property, value) => {
      const f = fixture();
      const props = { model: f.model, mode: EndpointMode.serverless(), alarms: { enabled: false }, [property]: value } as any;
      const error = attempt(() => {
        new ModelEndpoint(f.stack, 'Endpoint', props);
        Template.fromStack(f.stack);
      });
      expectNamedError(error, property, value);
    }), propertyParameters(60));
  });
});
