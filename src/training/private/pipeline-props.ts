import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { BASELINES_PREFIX } from './baseline';
import { StepChannel } from './training-step';
import { checkStruct } from '../../image/private/input';
import { JobNetworkOptions } from '../../pipeline';
import { checkChannelSettings } from '../../pipeline/private/props';
import { grantPrefixRead, grantPrefixWrite } from '../../private/s3';
import { renderVpcConfig } from '../../private/vpc';
import { DataLocation, TrainingChannel } from '../data';
import { TrainingNetworkOptions } from '../options';
import { PreparationOutput } from '../preparation';
import type { TrainingPipelineProps } from '../training-pipeline';

/**
 * The artifacts bucket's prefixes: models, checkpoints, evaluation reports and prepared data (per execution);
 * drift baselines (per execution) are under BASELINES_PREFIX, where MonitorBaseline.fromTrainingPipeline reads them.
 */
export const MODELS = 'models/';
export const CHECKPOINTS = 'checkpoints/';
export const EVALUATION = 'evaluation/';
export const PREPARED = 'prepared/';

/**
 * The training job's channels, the main one first: `trainingData` and `training.extraChannels`; without
 * `trainingData`, the channels that preparation outputs name and no extra channel declares (in the
 * outputs' order, the first being the main channel), then the extra channels.
 */
export function trainingChannels(props: TrainingPipelineProps): StepChannel[] {
  const extra = props.training?.extraChannels ?? [];
  const given = props.trainingData !== undefined && props.trainingData !== null;
  const declared = new Map<string, string>(extra.map((c) => [c?.channelName, 'training.extraChannels']));
  if (given) {
    declared.set(props.trainingData!.channelName, 'trainingData');
  }
  const outputs = Array.isArray(props.preparation?.outputs) ? props.preparation!.outputs : [];
  for (const out of outputs) {
    checkOutputChannel(out, declared);
  }
  if (given) {
    return [props.trainingData!, ...extra];
  }
  const fed: StepChannel[] = [];
  for (const out of outputs) {
    const name = out?.channelName;
    if (typeof name === 'string' && !declared.has(name) && !fed.some((c) => c.channelName === name)) {
      fed.push({ ...out.channel, channelName: name });
    }
  }
  if (fed.length === 0) {
    const got = props.trainingData === null ? 'null' : 'nothing';
    const why = props.preparation
      ? `no preparation output names a channel of its own${declared.size > 0 ? ` (training.extraChannels declares ${[...declared.keys()].join(', ')})` : ''}`
      : 'there is no preparation to feed it';
    throw new Error(`trainingPipeline trainingData must be a data location, got ${got} and ${why}: give { channelName: 'train', bucket, prefix: 'train/' }, `
      + "or a preparation output that names the main channel ({ outputName: 'train', channelName: 'train' })");
  }
  return [...fed, ...extra];
}

/** A preparation output's `channel`: an object, for a channel the output creates (not one that is declared with settings of its own). */
function checkOutputChannel(out: PreparationOutput | undefined, declared: Map<string, string>): void {
  if (out?.channel === undefined) {
    return;
  }
  const what = `trainingPipeline preparation outputs '${out.outputName}' channel`;
  checkStruct(what, out.channel, true, "{ contentType: 'text/csv' }");
  checkChannelSettings(what, out.channel);
  if (out.channelName === undefined) {
    throw new Error(`${what} is set, but the output names no channelName: channel holds the settings of the channel an output feeds; `
      + 'name the channel, or drop channel');
  }
  const owner = declared.get(out.channelName);
  if (owner) {
    throw new Error(`${what} is set, but ${owner} declares the channel '${out.channelName}', whose settings apply: `
      + `set contentType, inputMode, distribution or instanceGroupNames on ${owner}, or drop channel`);
  }
}

export function locationUri(location: DataLocation): string {
  return `s3://${location.bucket.bucketName}/${location.prefix ?? ''}`;
}

/** The jobs' network: a VPC's security groups and subnets (and the EC2 grants SageMaker needs there). */
export function renderTrainingNetwork(scope: IConstruct, role: iam.IRole, network: TrainingNetworkOptions | undefined):
{ network?: JobNetworkOptions; securityGroups?: ec2.ISecurityGroup[] } {
  if (!network) {
    return {};
  }
  const isolation = { networkIsolation: network.networkIsolation, interContainerTrafficEncryption: network.interContainerTrafficEncryption };
  if (!network.vpc) {
    return { network: isolation };
  }
  const rendered = renderVpcConfig(scope, role, {
    vpc: network.vpc,
    vpcSubnets: network.vpcSubnets,
    securityGroups: network.securityGroups,
    securityGroupDescription: `SageMaker jobs of the pipeline ${scope.node.path}`,
  });
  // renderVpcConfig selects the same subnets (private with egress unless vpcSubnets says otherwise).
  const subnets = network.vpc.selectSubnets(network.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
  return { network: { ...isolation, securityGroups: rendered.securityGroups, subnets }, securityGroups: rendered.securityGroups };
}

/** Which steps the pipeline has, for the grants of its artifacts bucket. */
export interface TrainingDataGrants {
  /** The test data is not read from its own location (preparation writes it, or nothing evaluates). */
  readonly testDataUnread: boolean;
  /** An evaluation step writes reports. */
  readonly evaluates: boolean;
  /** A baseline step writes drift baselines. */
  readonly baselines: boolean;
}

/** Reads of the data locations and writes of the artifacts bucket, on their prefixes only. */
export function grantTrainingData(role: iam.IRole, artifactsBucket: s3.IBucket, props: TrainingPipelineProps, channels: StepChannel[],
  prepared: Map<string, string>, steps: TrainingDataGrants): void {
  const reason = 'object keys under the prefix are chosen at execution time (the data, SageMaker\'s job names), '
    + 'so the objects are granted by prefix';
  // A channel that no preparation output feeds has a location (trainingChannels).
  const read = channels.filter((c) => !prepared.has(c.channelName)) as TrainingChannel[];
  const test = steps.testDataUnread || !props.testData ? [] : [props.testData];
  const locations: DataLocation[] = [...read, ...(props.preparation?.inputs ?? []), ...test];
  for (const location of locations) {
    grantPrefixRead(role, location.bucket, location.prefix ?? '', { reason });
  }
  // The training job writes models and checkpoints (and lists checkpoints to resume); evaluation
  // reads the model and writes its report, which the pipeline reads for the quality gate.
  // The baseline step writes its statistics, which the register step records.
  const artifacts = [MODELS, CHECKPOINTS, ...(steps.evaluates ? [EVALUATION] : []), ...(props.preparation ? [PREPARED] : []),
    ...(steps.baselines ? [BASELINES_PREFIX] : [])];
  grantPrefixRead(role, artifactsBucket, artifacts, { reason });
  grantPrefixWrite(role, artifactsBucket, artifacts, { reason });
}
