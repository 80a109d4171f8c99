import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { scriptInput } from './script';
import { JobNetworkOptions, PipelineValue, ProcessingJobOptions, ProcessingStep, TrainingStep } from '../../pipeline';
import { checkProcessingJob } from '../../pipeline/private/processing-job';
import { EvaluationKind, EvaluationMethod } from '../evaluation';
import { EvaluationOptions } from '../options';

const PROCESSING = '/opt/ml/processing';
const CONTRACT_ARGUMENTS = ['--model-dir', `${PROCESSING}/model`, '--test-dir', `${PROCESSING}/test`, '--output-dir', `${PROCESSING}/evaluation`];

/** What the evaluation step is built from. */
export interface EvaluationStepInputs {
  readonly scope: Construct;
  readonly options: EvaluationOptions;
  readonly role: iam.IRole;
  /** The evaluation image: the options' own, or the pipeline's image parameter. */
  readonly image: PipelineValue;
  readonly trainingStep: TrainingStep;
  readonly testDataUri: PipelineValue;
  readonly reportS3Uri: PipelineValue;
  readonly encryptionKey?: kms.IKey;
  readonly network?: JobNetworkOptions;
}

/** The evaluation method of the options, after checking that they do not contradict each other. */
export function evaluationMethod(o: EvaluationOptions): EvaluationMethod {
  const p = 'trainingPipeline evaluation';
  const method = o.method ?? EvaluationMethod.contract(o.command);
  if (o.command !== undefined && o.method !== undefined) {
    throw new Error(`${p} command is given with method ${o.method.kind}: command is the contract's entrypoint; `
      + 'give EvaluationMethod.contract(command) or EvaluationMethod.command({ command }), not both');
  }
  if (o.command !== undefined && (!Array.isArray(o.command) || o.command.length === 0)) {
    throw new Error(`${p} command must be a non-empty list, got ${JSON.stringify(o.command)}: e.g. ['evaluate']`);
  }
  if (method.kind === EvaluationKind.NONE) {
    const set = (['image', 'instanceType', 'instanceCount', 'volumeSize', 'maxRuntime', 'environment'] as const).filter((k) => o[k] !== undefined);
    if (set.length > 0) {
      throw new Error(`${p} method is EvaluationMethod.none() but ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} given: `
        + 'there is no evaluation job to configure; drop them, or choose an evaluation method');
    }
  }
  return method;
}

/** The Evaluate step: scores the model on the test data and writes `evaluation.json` (property file `Evaluation`). */
export function buildEvaluationStep(inputs: EvaluationStepInputs): ProcessingStep {
  const o = inputs.options;
  const method = evaluationMethod(o);
  let entrypoint = method.entrypoint;
  let containerArguments = method.arguments ?? CONTRACT_ARGUMENTS;
  const codeInputs = [];
  if (method.kind === EvaluationKind.SCRIPT) {
    const script = scriptInput(inputs.scope, 'EvaluationScript', 'trainingPipeline evaluation method script path', method.scriptPath!,
      method.entrypoint, inputs.role);
    entrypoint = script.entrypoint;
    codeInputs.push(script.input);
  } else if (method.kind === EvaluationKind.COMMAND) {
    containerArguments = method.arguments ?? [];
  }
  const job: ProcessingJobOptions = {
    image: inputs.image,
    role: inputs.role,
    entrypoint,
    containerArguments: containerArguments.length > 0 ? containerArguments : undefined,
    environment: o.environment,
    inputs: [
      { inputName: 'model', s3Uri: inputs.trainingStep.modelArtifactsS3Uri, localPath: `${PROCESSING}/model` },
      { inputName: 'test', s3Uri: inputs.testDataUri, localPath: `${PROCESSING}/test` },
      ...codeInputs,
    ],
    outputs: [{ outputName: 'evaluation', s3Uri: inputs.reportS3Uri, localPath: `${PROCESSING}/evaluation` }],
    instanceType: o.instanceType,
    instanceCount: o.instanceCount ?? 1,
    volumeSize: o.volumeSize,
    maxRuntime: o.maxRuntime,
    encryptionKey: inputs.encryptionKey,
    network: inputs.network,
  };
  checkProcessingJob('trainingPipeline evaluation', job);
  return new ProcessingStep({
    name: 'Evaluate',
    description: 'Scores the trained model on the test data and writes evaluation.json',
    job,
    propertyFiles: [{ name: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' }],
  });
}
