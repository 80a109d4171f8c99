import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PREPARATION_INPUT_PARAMETER } from './preparation-step';
import { StepChannel } from './training-step';
import { checkChannelSettings } from '../../pipeline/private/props';
import { DataLocation } from '../data';
import { DriftBaselineOptions } from '../options';
import { TrainingPipelineProps } from '../training-pipeline';

/** `ChannelName` in the CreateTrainingJob API reference. */
const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9.\-_]{1,64}$/;
/** `S3Uri` values that an execution may pass for a data location. */
const S3_URI_PATTERN = /^s3:\/\/[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](\/.*)?$/;

/**
 * Checks of the data locations and the trigger parameters (the jobs check their own options).
 * `channels` are the training job's, the main channel first (see `trainingChannels`).
 */
export function checkTrainingPipelineProps(scope: Construct, props: TrainingPipelineProps, channels: StepChannel[]): void {
  const stack = Stack.of(scope);
  const p = 'trainingPipeline';
  const names = new Set<string>();
  for (const c of channels) {
    if (!Token.isUnresolved(c.channelName) && !CHANNEL_NAME_PATTERN.test(c.channelName)) {
      throw new Error(`${p} channelName '${c.channelName}' is invalid: SageMaker accepts 1 to 64 letters, digits, '.', '-' and '_'`);
    }
    if (names.has(c.channelName)) {
      throw new Error(`${p} channelName '${c.channelName}' is used twice: give each channel its own name`);
    }
    names.add(c.channelName);
  }
  const locations: Array<[string, DataLocation]> = [
    ...channels.filter((c): c is StepChannel & DataLocation => c.bucket !== undefined)
      .map((c): [string, DataLocation] => [`channel '${c.channelName}'`, c]),
    ...(props.testData ? [['testData', props.testData] as [string, DataLocation]] : []),
  ];
  for (const [what, location] of locations) {
    checkPrefix(`${p} ${what}`, location.prefix);
    const region = location.bucket.env.region;
    if (!Token.isUnresolved(region) && !Token.isUnresolved(stack.region) && region !== stack.region) {
      throw new Error(`${p} ${what} is in bucket '${location.bucket.bucketName}' of region ${region}, but the pipeline is in `
        + `${stack.region}: SageMaker reads training data only from its own region; copy the data to ${stack.region}`);
    }
  }
  const network = props.network;
  if (network && !network.vpc && (network.vpcSubnets || network.securityGroups)) {
    throw new Error(`${p} network.vpcSubnets and network.securityGroups need network.vpc: give the VPC the jobs run in, or drop them`);
  }
  for (const [name, params] of [['triggers.scheduleParameters', props.triggers?.scheduleParameters], ['triggers.newData parameters', props.triggers?.newData?.parameters]] as const) {
    const keys = ['TrainingDataUri', 'TestDataUri', ...Object.keys(params ?? {}).filter((k) => PREPARATION_INPUT_PARAMETER.test(k))];
    for (const key of keys) {
      const value = params?.[key];
      if (value !== undefined && !Token.isUnresolved(value) && !value.startsWith('<') && !S3_URI_PATTERN.test(value)) {
        throw new Error(`${p} ${name} ${key} '${value}' is not an S3 URI: give s3://<bucket>/<prefix>`);
      }
    }
  }
}

function checkPrefix(what: string, prefix: string | undefined): void {
  if (prefix === undefined || Token.isUnresolved(prefix)) {
    return;
  }
  if (/^s3:\/\//i.test(prefix) || prefix.startsWith('/')) {
    throw new Error(`${what} prefix '${prefix}' must be a key prefix inside the bucket: drop the 's3://<bucket>' part and the leading '/'`);
  }
}

/** Required props that JavaScript callers (and jsii languages with null) may leave out: an Error naming the property, not a TypeError. */
export function checkRequired(props: TrainingPipelineProps): TrainingPipelineProps {
  if (!props || typeof props !== 'object') {
    throw new Error(`trainingPipeline props must be an object, got ${JSON.stringify(props ?? null)}: give image, trainingData and testData (or a preparation that makes them)`);
  }
  if (!props.image || typeof (props.image as any).bind !== 'function') {
    throw new Error(`trainingPipeline image must be an ISageMakerImage, got ${describe(props.image)}: give a CustomTrainingImage or SageMakerImage.fromEcrRepository(...)`);
  }
  // Left out (or null from jsii languages), trainingData and testData may come from the preparation: trainingChannels and the constructor decide.
  if (props.trainingData !== undefined && props.trainingData !== null) {
    checkLocation('trainingData', props.trainingData, true);
    checkChannelSettings('trainingPipeline trainingData', props.trainingData);
  }
  for (const [i, c] of (props.training?.extraChannels ?? []).entries()) {
    checkLocation(`training.extraChannels[${i}]`, c, true);
    checkChannelSettings(`trainingPipeline training.extraChannels[${i}]`, c);
  }
  if (props.testData !== undefined && props.testData !== null) {
    checkLocation('testData', props.testData, false);
  }
  for (const [i, input] of (props.preparation?.inputs ?? []).entries()) {
    checkLocation(`preparation.inputs[${i}]`, input, false);
  }
  return props;
}

/** `driftBaseline`: a struct of a boolean and a column. */
export function checkDriftBaseline(options: DriftBaselineOptions | undefined): DriftBaselineOptions {
  const p = 'trainingPipeline driftBaseline';
  if (options === undefined || options === null) {
    return {};
  }
  if (typeof options !== 'object') {
    throw new Error(`${p} must be an object, got ${describe(options)}: give { targetColumn: 'last' }, or { enabled: false } to turn the baseline off`);
  }
  if (options.enabled !== undefined && options.enabled !== null && typeof options.enabled !== 'boolean') {
    throw new Error(`${p}.enabled must be true or false, got ${describe(options.enabled)}: give enabled: false to turn the baseline off, or leave it out`);
  }
  const column = options.targetColumn;
  if (column === undefined || column === null || Token.isUnresolved(column)) {
    return options;
  }
  if (typeof column !== 'string' || column.trim() === '' || column !== column.trim() || column.length > 256) {
    throw new Error(`${p}.targetColumn must be the label column's header name, 0-based index or 'last', got ${describe(column)}: `
      + "give e.g. targetColumn: 'last' (no surrounding spaces, at most 256 characters), or leave it out when every column is a feature");
  }
  if (/^-/.test(column)) {
    throw new Error(`${p}.targetColumn '${column}' is not a column: give a header name, a 0-based index (0, 1, ...) or 'last'`);
  }
  if (options.enabled === false) {
    throw new Error(`${p}.targetColumn '${column}' is given but driftBaseline.enabled is false: drop targetColumn, or turn the baseline on`);
  }
  return options;
}

function checkLocation(property: string, location: any, channel: boolean): void {
  const fix = channel ? "give { channelName: 'train', bucket, prefix: 'train/' }" : "give { bucket, prefix: 'test/' }";
  if (!location || typeof location !== 'object') {
    throw new Error(`trainingPipeline ${property} must be a data location, got ${describe(location)}: ${fix}`);
  }
  if (!location.bucket || typeof location.bucket.bucketName !== 'string') {
    throw new Error(`trainingPipeline ${property}.bucket must be an s3.IBucket, got ${describe(location.bucket)}: ${fix}`);
  }
  if (location.prefix !== undefined && location.prefix !== null && typeof location.prefix !== 'string') {
    throw new Error(`trainingPipeline ${property}.prefix must be a string, got ${describe(location.prefix)}: ${fix}`);
  }
  if (channel && typeof location.channelName !== 'string') {
    throw new Error(`trainingPipeline ${property}.channelName must be a string, got ${describe(location.channelName)}: ${fix}`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object without the expected members (${Object.keys(value as object).slice(0, 5).join(', ') || 'empty'})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
