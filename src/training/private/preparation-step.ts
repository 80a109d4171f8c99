import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { scriptInput } from './script';
import { JobNetworkOptions, PipelineValue, ProcessingJobInput, ProcessingJobOptions, ProcessingStep } from '../../pipeline';
import { checkProcessingJob } from '../../pipeline/private/processing-job';
import { PreparationOptions } from '../preparation';

const PROCESSING = '/opt/ml/processing';
/** `ProcessingInput.InputName` and `ProcessingOutput.OutputName`: the pipeline step-name pattern fits both folders and references. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** What the preparation step is built from. */
export interface PreparationStepInputs {
  readonly scope: Construct;
  readonly options: PreparationOptions;
  readonly role: iam.IRole;
  readonly image: PipelineValue;
  /** The S3 URI an output goes to (per execution). */
  readonly outputS3Uri: (outputName: string) => PipelineValue;
  readonly locationUri: (location: { bucket: any; prefix?: string }) => string;
  /** The channel names of the training job, and whether the pipeline has test data to feed. */
  readonly channelNames: string[];
  readonly encryptionKey?: kms.IKey;
  readonly network?: JobNetworkOptions;
}

/** Checks the preparation options against the channels; throws with the property named. */
export function checkPreparation(o: PreparationOptions, channelNames: string[]): void {
  const p = 'trainingPipeline preparation';
  if (!Array.isArray(o.inputs) || o.inputs.length === 0) {
    throw new Error(`${p} inputs must list at least one input, got ${JSON.stringify(o.inputs ?? null)}: give { inputName, bucket, prefix } for the raw data`);
  }
  if (!Array.isArray(o.outputs) || o.outputs.length === 0) {
    throw new Error(`${p} outputs must list at least one output, got ${JSON.stringify(o.outputs ?? null)}: name the training channel each output feeds`);
  }
  if ((o.command === undefined) === (o.script === undefined)) {
    throw new Error(`${p} needs exactly one of command and script, got ${o.command === undefined ? 'neither' : 'both'}: `
      + "give command (the image's program) or script (a local file)");
  }
  if (o.interpreter !== undefined && o.script === undefined) {
    throw new Error(`${p} interpreter is given without script: the interpreter runs the script; drop it, or give script`);
  }
  const names = new Set<string>();
  for (const [kind, name] of [...o.inputs.map((i) => ['inputs inputName', i?.inputName]), ...o.outputs.map((x) => ['outputs outputName', x?.outputName])]) {
    if (typeof name !== 'string' || !NAME.test(name) || name === 'code') {
      throw new Error(`${p} ${kind} must be 1 to 64 letters, digits, '-' or '_' (and not 'code'), got ${JSON.stringify(name)}: e.g. 'raw'`);
    }
    if (names.has(`${kind}:${name}`)) {
      throw new Error(`${p} ${kind} '${name}' is used twice: give each its own name`);
    }
    names.add(`${kind}:${name}`);
  }
  const fed = new Set<string>();
  let test = 0;
  for (const out of o.outputs) {
    if (out.channelName === undefined && !out.testData) {
      throw new Error(`${p} outputs '${out.outputName}' names no channelName and is not testData: every output feeds a `
        + `training channel (${channelNames.join(', ')}) or the test data; name one, or drop the output`);
    }
    if (out.channelName !== undefined && out.testData) {
      throw new Error(`${p} outputs '${out.outputName}' has both channelName and testData: an output feeds one thing; split it in two`);
    }
    if (out.channelName !== undefined) {
      if (!channelNames.includes(out.channelName)) {
        throw new Error(`${p} outputs '${out.outputName}' channelName '${out.channelName}' is not a training channel `
          + `(${channelNames.join(', ')}): name trainingData's channel or one of training.extraChannels`);
      }
      if (fed.has(out.channelName)) {
        throw new Error(`${p} outputs channelName '${out.channelName}' is fed by two outputs: a channel reads one prefix`);
      }
      fed.add(out.channelName);
    }
    if (out.testData) test++;
  }
  if (test > 1) {
    throw new Error(`${p} outputs testData is set on ${test} outputs: the evaluation reads one test prefix`);
  }
}

/** The Prepare step: raw data in, training channels and test data out. */
export function buildPreparationStep(inputs: PreparationStepInputs): ProcessingStep {
  const o = inputs.options;
  checkPreparation(o, inputs.channelNames);
  const jobInputs: ProcessingJobInput[] = o.inputs.map((i) => ({
    inputName: i.inputName,
    s3Uri: PipelineValue.fromString(inputs.locationUri(i)),
    localPath: `${PROCESSING}/input/${i.inputName}`,
  }));
  let entrypoint = o.command;
  if (o.script !== undefined) {
    const script = scriptInput(inputs.scope, 'PreparationScript', 'trainingPipeline preparation script', o.script, o.interpreter ?? ['python3'], inputs.role);
    entrypoint = script.entrypoint;
    jobInputs.push(script.input);
  }
  const job: ProcessingJobOptions = {
    image: inputs.image,
    role: inputs.role,
    entrypoint,
    containerArguments: o.arguments,
    environment: o.environment,
    inputs: jobInputs,
    outputs: o.outputs.map((out) => ({ outputName: out.outputName, s3Uri: inputs.outputS3Uri(out.outputName), localPath: `${PROCESSING}/output/${out.outputName}` })),
    instanceType: o.instanceType,
    instanceCount: o.instanceCount,
    volumeSize: o.volumeSize,
    maxRuntime: o.maxRuntime,
    encryptionKey: inputs.encryptionKey,
    network: inputs.network,
  };
  checkProcessingJob('trainingPipeline preparation', job);
  return new ProcessingStep({
    name: 'Prepare',
    description: 'Prepares the raw data: writes the training channels and the test data',
    job,
  });
}
