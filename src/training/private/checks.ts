import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PREPARATION_INPUT_PARAMETER } from './preparation-step';
import { StepChannel } from './training-step';
import { DataLocation } from '../data';
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
