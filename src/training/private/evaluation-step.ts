import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { JobNetworkOptions, PipelineValue, ProcessingJobOptions, ProcessingStep, TrainingStep } from '../../pipeline';
import { checkProcessingJob } from '../../pipeline/private/processing-job';
import { EvaluationOptions } from '../options';

const PROCESSING = '/opt/ml/processing';

/** What the evaluation step is built from. */
export interface EvaluationStepInputs {
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

/** The Evaluate step: scores the model on the test data and writes `evaluation.json` (property file `Evaluation`). */
export function buildEvaluationStep(inputs: EvaluationStepInputs): ProcessingStep {
  const o = inputs.options;
  const job: ProcessingJobOptions = {
    image: inputs.image,
    role: inputs.role,
    entrypoint: o.command ?? ['evaluate'],
    containerArguments: ['--model-dir', `${PROCESSING}/model`, '--test-dir', `${PROCESSING}/test`, '--output-dir', `${PROCESSING}/evaluation`],
    environment: o.environment,
    inputs: [
      { inputName: 'model', s3Uri: inputs.trainingStep.modelArtifactsS3Uri, localPath: `${PROCESSING}/model` },
      { inputName: 'test', s3Uri: inputs.testDataUri, localPath: `${PROCESSING}/test` },
    ],
    outputs: [{ outputName: 'evaluation', s3Uri: inputs.reportS3Uri, localPath: `${PROCESSING}/evaluation` }],
    instanceType: o.instanceType,
    instanceCount: 1,
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
