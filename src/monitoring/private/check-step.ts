import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { PipelineValue, ProcessingInstanceType, ProcessingStep } from '../../pipeline';
import { CHECKER_CODE_PATH, CHECKER_ENTRYPOINT } from '../../training/private/baseline';

/** Local paths of the check job (under /opt/ml/processing/, as Processing requires). */
const BASELINE_PATH = '/opt/ml/processing/input/baseline';
const CAPTURES_PATH = '/opt/ml/processing/input/captures';
const LABELS_PATH = '/opt/ml/processing/input/ground-truth';
const REPORT_PATH = '/opt/ml/processing/output/report';

/** What a check step is built from. */
export interface CheckStepInputs {
  readonly name: string;
  readonly description: string;
  readonly image: string;
  readonly role: iam.IRole;
  readonly codeS3Uri: string;
  readonly baselineUri: PipelineValue;
  readonly captureUri: PipelineValue;
  readonly windowStart: PipelineValue;
  readonly windowEnd: PipelineValue;
  readonly minRecords: number;
  readonly endpointName: string;
  readonly namespace: string;
  readonly reportS3Uri: PipelineValue;
  readonly groundTruth?: { readonly uri: PipelineValue; readonly problemType: string };
  readonly instanceType?: ProcessingInstanceType;
  readonly encryptionKey?: kms.IKey;
}

/**
 * The Processing step that runs the checker's `check` command on one window:
 * the baseline, the window's captures (and labels), the report to S3 and the
 * metrics to CloudWatch. Its arguments take pipeline values (the window), so
 * the typed job is rendered first and its container arguments replaced.
 */
export function buildCheckStep(inputs: CheckStepInputs): ProcessingStep {
  const labels = inputs.groundTruth;
  const typed = new ProcessingStep({
    name: inputs.name,
    job: {
      image: PipelineValue.fromString(inputs.image),
      role: inputs.role,
      entrypoint: CHECKER_ENTRYPOINT,
      inputs: [
        { inputName: 'code', s3Uri: PipelineValue.fromString(inputs.codeS3Uri), localPath: CHECKER_CODE_PATH },
        { inputName: 'baseline', s3Uri: inputs.baselineUri, localPath: BASELINE_PATH },
        { inputName: 'captures', s3Uri: inputs.captureUri, localPath: CAPTURES_PATH },
        ...(labels ? [{ inputName: 'ground-truth', s3Uri: labels.uri, localPath: LABELS_PATH }] : []),
      ],
      outputs: [{ outputName: 'report', s3Uri: inputs.reportS3Uri, localPath: REPORT_PATH }],
      instanceType: inputs.instanceType,
      encryptionKey: inputs.encryptionKey,
    },
  });
  const containerArguments: Array<string | PipelineValue> = [
    'check',
    '--baseline', `${BASELINE_PATH}/baseline.json`,
    '--captures', CAPTURES_PATH,
    ...(labels ? ['--ground-truth', LABELS_PATH, '--problem-type', labels.problemType] : []),
    '--start', inputs.windowStart,
    '--end', inputs.windowEnd,
    '--min-records', String(inputs.minRecords),
    '--endpoint', inputs.endpointName,
    '--cloudwatch-namespace', inputs.namespace,
    '--output', REPORT_PATH,
  ];
  return new ProcessingStep({
    name: inputs.name,
    description: inputs.description,
    arguments: {
      ...typed.arguments,
      AppSpecification: { ...typed.arguments.AppSpecification, ContainerArguments: containerArguments },
    },
  });
}
