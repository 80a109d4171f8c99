import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { DeepLearningContainer, DlcFramework, DlcScope, ISageMakerImage } from '../../image';
import { JobNetworkOptions, PipelineStep, PipelineValue, ProcessingInstanceType, ProcessingStep } from '../../pipeline';
import { grantObjectRead } from '../../private/s3';

/**
 * The key prefix of drift baselines in a training pipeline's artifacts bucket:
 * `baselines/<execution id>/{baseline,statistics,constraints}.json`.
 */
export const BASELINES_PREFIX = 'baselines/';

/** Where the checker's code is unpacked in a processing container. */
export const CHECKER_CODE_PATH = '/opt/ml/processing/input/code';

/** The checker's output directory in the baseline job. */
const BASELINE_OUTPUT_PATH = '/opt/ml/processing/output/baseline';

/** The baseline job's input: the training data. */
const BASELINE_DATA_PATH = '/opt/ml/processing/input/data';

/** What the checker asset leaves out: all but the `*.py` files, and tests and caches among them. */
export const CHECKER_ASSET_EXCLUDE = ['*', '!*.py', '__pycache__', 'test_*.py', '*_test.py', 'conftest.py'];

/** The construct id of the stack's one checker asset. */
const CHECKER_ASSET_ID = 'CdkSageMakerGitHubModelMonitorChecker';

/**
 * The checker as the processing container runs it. A directory asset reaches
 * the job as one zip file (CDK zips directories; Processing inputs copy objects,
 * they do not unpack them), so the entrypoint unpacks it and runs
 * `model_monitor.py` with the container arguments. Every entrypoint element
 * is at most 256 characters (SageMaker API reference, CreateProcessingJob
 * `ContainerEntrypoint`).
 */
export const CHECKER_ENTRYPOINT: string[] = [
  'python3',
  '-c',
  "import glob,runpy,sys,zipfile as z;d='/tmp/checker';"
    + `z.ZipFile(glob.glob('${CHECKER_CODE_PATH}/*.zip')[0]).extractall(d);`
    + "sys.path.insert(0,d);sys.argv[0]=d+'/model_monitor.py';runpy.run_path(sys.argv[0],run_name='__main__')",
];

/**
 * The stock image the checker runs on: the SageMaker scikit-learn container
 * 1.4-2 on Python 3.12 (scipy, numpy, pandas and scikit-learn inside, no
 * network needed), through the library's image table (region mapping).
 */
export function defaultCheckerImage(): ISageMakerImage {
  return DeepLearningContainer.fromFramework({ framework: DlcFramework.SKLEARN, version: '1.4-2-py312', scope: DlcScope.TRAINING });
}

/**
 * The library's checker (`src/monitoring/checker/`, copied to
 * `lib/monitoring/checker/` by the build) as the stack's one S3 file asset.
 * Only the `*.py` files count, so a test cache or a `__pycache__` beside them
 * does not change the asset.
 */
export function checkerAsset(scope: Construct): s3assets.Asset {
  const stack = Stack.of(scope);
  const found = stack.node.tryFindChild(CHECKER_ASSET_ID) as s3assets.Asset | undefined;
  if (found) {
    return found;
  }
  return new s3assets.Asset(stack, CHECKER_ASSET_ID, {
    path: path.join(__dirname, '..', '..', 'monitoring', 'checker'),
    exclude: CHECKER_ASSET_EXCLUDE,
  });
}

/** What the baseline step is built from. */
export interface BaselineStepInputs {
  /** The role the job runs as (the pipeline's execution role); it is granted reading the code and pulling the image. */
  readonly role: iam.IRole;
  /** The training data the baseline describes (the `TrainingDataUri` parameter's value). */
  readonly trainingDataUri: PipelineValue;
  /** Where the baseline goes: a prefix of its own per execution, e.g. `s3://<artifacts>/baselines/<execution id>`. */
  readonly outputS3Uri: PipelineValue;
  /**
   * The column of the training data that is the label, not a feature (its
   * name, 0-based index or `last`): the endpoint never receives it, so the
   * baseline leaves it out.
   *
   * @default - every column is a feature
   */
  readonly targetColumn?: string;
  /**
   * The image the checker runs on.
   *
   * @default - the SageMaker scikit-learn 1.4-2 (Python 3.12) image
   */
  readonly image?: ISageMakerImage;
  /**
   * The instance type.
   *
   * @default ProcessingInstanceType.ML_M5_LARGE
   */
  readonly instanceType?: ProcessingInstanceType;
  /**
   * The key of the volume and the output.
   *
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The job's network.
   *
   * @default - SageMaker's network
   */
  readonly network?: JobNetworkOptions;
  /**
   * Steps that must finish first.
   *
   * @default - none: the baseline needs only the training data
   */
  readonly dependsOn?: PipelineStep[];
}

/** The baseline step and what the register step records of it. */
export interface BaselineStep {
  /** The Processing step: the checker's `baseline` command on the training data. */
  readonly step: ProcessingStep;
  /**
   * `DriftCheckBaselines` of `CreateModelPackage` (raw request JSON, with
   * pipeline values): the statistics and constraints this step writes, by
   * reference to its output, so that each registered version carries the
   * baseline of its own execution.
   */
  readonly driftCheckBaselines: { [key: string]: any };
  /** The S3 prefix of this execution's baseline (`baseline.json` is inside). */
  readonly baselineS3Uri: PipelineValue;
}

/**
 * The step that computes the reference statistics the drift checks compare
 * against, from the training data: the library's checker (`model_monitor.py
 * baseline`) on the stock scikit-learn image. It writes `baseline.json`
 * (feature names, types, distribution summary or sample, categories) and the
 * `statistics.json` and `constraints.json` a model package's
 * `DriftCheckBaselines.ModelDataQuality` points at.
 *
 * No step cache: a cached step would hand a new model version the baseline of
 * older data. The output prefix is per execution, so a baseline is never
 * overwritten by a later run.
 */
export function buildBaselineStep(scope: Construct, inputs: BaselineStepInputs): BaselineStep {
  const code = checkerAsset(scope);
  grantObjectRead(inputs.role, code.bucket, code.s3ObjectKey);
  const image = (inputs.image ?? defaultCheckerImage()).bind(scope, inputs.role).imageUri;
  const step = new ProcessingStep({
    name: 'Baseline',
    description: 'Computes the drift-check baseline of the training data',
    dependsOn: inputs.dependsOn,
    job: {
      image: PipelineValue.fromString(image),
      role: inputs.role,
      entrypoint: CHECKER_ENTRYPOINT,
      containerArguments: ['baseline', '--data', BASELINE_DATA_PATH, '--output', BASELINE_OUTPUT_PATH,
        ...(inputs.targetColumn !== undefined ? ['--target-column', inputs.targetColumn] : [])],
      inputs: [
        { inputName: 'code', s3Uri: PipelineValue.fromString(code.s3ObjectUrl), localPath: CHECKER_CODE_PATH },
        { inputName: 'data', s3Uri: inputs.trainingDataUri, localPath: BASELINE_DATA_PATH },
      ],
      outputs: [{ outputName: 'baseline', s3Uri: inputs.outputS3Uri, localPath: BASELINE_OUTPUT_PATH }],
      instanceType: inputs.instanceType,
      encryptionKey: inputs.encryptionKey,
      network: inputs.network,
    },
  });
  const file = (name: string) => ({
    ContentType: 'application/json',
    S3Uri: PipelineValue.join([step.outputS3Uri('baseline'), PipelineValue.fromString(`/${name}`)]),
  });
  return {
    step,
    driftCheckBaselines: { ModelDataQuality: { Statistics: file('statistics.json'), Constraints: file('constraints.json') } },
    baselineS3Uri: step.outputS3Uri('baseline'),
  };
}
