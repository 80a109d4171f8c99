import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { scriptInput } from './script';
import { JobNetworkOptions, PipelineParameter, PipelineValue, ProcessingJobInput, ProcessingJobOptions, ProcessingStep } from '../../pipeline';
import { checkProcessingJob } from '../../pipeline/private/processing-job';
import { PreparationOptions } from '../preparation';

const PROCESSING = '/opt/ml/processing';
/** `ProcessingInput.InputName` and `ProcessingOutput.OutputName`: the pipeline step-name pattern fits both folders and references. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** The longest pipeline parameter name the library declares (`PipelineParameter`). */
const MAX_PARAMETER_NAME = 64;

/**
 * The pipeline parameter of a preparation input's S3 URI: `Preparation<InputName>DataUri`, the input
 * name in PascalCase (`raw-events` → `PreparationRawEventsDataUri`). The prefix keeps it apart from
 * `TrainingDataUri` and `TestDataUri` whatever the input is called.
 */
export function preparationInputParameterName(inputName: string): string {
  const pascal = inputName.split(/[-_]+/).filter((w) => w !== '').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return `Preparation${pascal}DataUri`;
}

/** Names of the preparation inputs' parameters, as trigger parameters may give them. */
export const PREPARATION_INPUT_PARAMETER = /^Preparation[A-Za-z0-9]*DataUri$/;

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
  /**
   * Declares an input's S3 URI as a pipeline parameter; undefined when the inputs are fixed in the
   * definition (with auto-approval, when the preparation writes the test data).
   */
  readonly addParameter?: (parameter: PipelineParameter) => PipelineParameter;
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
  const parameters = new Map<string, string>();
  for (const input of o.inputs) {
    const parameter = preparationInputParameterName(input.inputName);
    const other = parameters.get(parameter);
    if (other !== undefined) {
      throw new Error(`${p} inputs inputName '${input.inputName}' and '${other}' both become the pipeline parameter ${parameter}: `
        + "rename one (names that differ only in '-' and '_' collide)");
    }
    if (parameter.length > MAX_PARAMETER_NAME) {
      throw new Error(`${p} inputs inputName '${input.inputName}' makes the pipeline parameter ${parameter}, `
        + `${parameter.length} characters (at most ${MAX_PARAMETER_NAME}): shorten the input name to ${MAX_PARAMETER_NAME - 'PreparationDataUri'.length} characters or fewer`);
    }
    parameters.set(parameter, input.inputName);
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
  // Like TrainingDataUri: an execution may point an input at other data, under a prefix the role may read.
  const addParameter = inputs.addParameter;
  const jobInputs: ProcessingJobInput[] = o.inputs.map((i) => ({
    inputName: i.inputName,
    s3Uri: addParameter
      ? addParameter(PipelineParameter.stringParameter(preparationInputParameterName(i.inputName), inputs.locationUri(i), {
        description: `S3 URI of the preparation input '${i.inputName}'`,
      })).value
      : PipelineValue.fromString(inputs.locationUri(i)),
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
