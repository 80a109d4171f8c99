import { Duration, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TrainingCode } from './code';
import { TrainingChannel } from './data';
import { Distribution } from './distribution';
import { EvaluationMethod } from './evaluation';
import { IModelPackageGroup } from './model-package-group';
import { ISageMakerImage } from '../image';
import { MetricDefinition, ProcessingInstanceType, TrainingInstanceGroup, TrainingInstanceType } from '../pipeline';

/**
 * The approval status a new model version gets (`ModelApprovalStatus`).
 */
export enum ModelApprovalStatus {
  /** A person approves it before it is deployed. */
  PENDING_MANUAL_APPROVAL = 'PendingManualApproval',
  /** Deployable at once. */
  APPROVED = 'Approved',
  /** Registered for the record only. */
  REJECTED = 'Rejected',
}

/**
 * Who approves the versions a `TrainingPipeline` registers.
 */
export enum ModelApproval {
  /**
   * A person (or a role given `IModelPackageGroup.grantApprove`) approves each
   * version: the pipeline registers it as `PendingManualApproval`, and its role
   * may register nothing else.
   */
  MANUAL = 'Manual',
  /**
   * The quality gate approves: a version that passes is registered as
   * `Approved`, and deploys from there without a person looking at it.
   * Whoever may start the pipeline chooses its image (among the images the
   * pipeline role may pull) and its training data; the threshold and the test
   * data are fixed at deploy time.
   */
  AUTO = 'Auto',
}

/**
 * The training job of a `TrainingPipeline`: its cluster, limits, spot
 * capacity and what the container gets.
 */
export interface TrainingOptions {
  /**
   * More input channels besides `trainingData` (validation data, a vocabulary, ...).
   *
   * @default - none
   */
  readonly extraChannels?: TrainingChannel[];

  /**
   * The instance type (pipeline parameter `TrainingInstanceType`).
   *
   * @default TrainingInstanceType.ML_M5_XLARGE
   */
  readonly instanceType?: TrainingInstanceType;

  /**
   * The number of instances (pipeline parameter `TrainingInstanceCount`);
   * more than one is a distributed job, which the container must support.
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * A heterogeneous cluster, instead of `instanceType` and `instanceCount`.
   *
   * @default - one group of `instanceCount` × `instanceType`
   */
  readonly instanceGroups?: TrainingInstanceGroup[];

  /**
   * The storage volume of each instance.
   *
   * @default Size.gibibytes(30)
   */
  readonly volumeSize?: Size;

  /**
   * How long the training job may run (at most 28 days).
   *
   * @default Duration.hours(24)
   */
  readonly maxRuntime?: Duration;

  /**
   * Train on managed spot capacity (up to 90% cheaper; jobs may be
   * interrupted and resumed from the last checkpoint).
   *
   * @default true
   */
  readonly spot?: boolean;

  /**
   * With spot: how long the job may take in all, waiting for capacity included.
   * Must be at least `maxRuntime`.
   *
   * @default - twice `maxRuntime`
   */
  readonly maxWaitTime?: Duration;

  /**
   * Sync `/opt/ml/checkpoints` to S3 (under the artifacts bucket, per
   * execution), so that an interrupted spot job resumes where it stopped.
   * The container must write and read its checkpoints there.
   *
   * @default - true with spot, false without
   */
  readonly checkpoints?: boolean;

  /**
   * Keep the instances in a warm pool for this long after the job, so that the
   * next matching job starts without provisioning (billed while kept).
   * At most one hour; not with spot or heterogeneous clusters.
   *
   * @default - no warm pool
   */
  readonly keepAlivePeriod?: Duration;

  /**
   * Hyperparameters (`/opt/ml/input/config/hyperparameters.json`); see
   * `Hyperparameter` for typed values. At most 100; keys up to 256
   * characters, values up to 2500.
   *
   * @default - none
   */
  readonly hyperparameters?: { [name: string]: string };

  /**
   * Environment variables of the training container.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Metrics parsed from the training log and sent to CloudWatch (at most 40).
   *
   * @default - none
   */
  readonly metricDefinitions?: MetricDefinition[];

  /**
   * Script mode of the `sagemaker-training` toolkit (framework Deep Learning
   * Containers, or an image that installs the toolkit): the script the
   * toolkit runs, baked into the image or uploaded from the repository.
   *
   * @default - the image's own `train` runs
   */
  readonly code?: TrainingCode;

  /**
   * How a framework container launches the job across hosts and devices
   * (torchrun, MPI, SMDDP, parameter servers). With a distribution the
   * instance type and count are fixed at deploy time, not parameters.
   *
   * @default - the container launches itself
   */
  readonly distribution?: Distribution;
}

/**
 * The evaluation job of a `TrainingPipeline`: a processing job that scores
 * the model on the test data and writes `evaluation.json`.
 */
export interface EvaluationOptions {
  /**
   * The image that evaluates the model.
   *
   * @default - the pipeline's `image`
   */
  readonly image?: ISageMakerImage;

  /**
   * How the model is evaluated: the library's contract, a script on a stock
   * image, an image's own command, or not at all.
   *
   * @default EvaluationMethod.contract(command)
   */
  readonly method?: EvaluationMethod;

  /**
   * The evaluation command of the contract (the processing job's entrypoint). It gets
   * `--model-dir`, `--test-dir` and `--output-dir` and must write
   * `evaluation.json` to the output directory. Not with another `method`.
   *
   * @default ['evaluate']
   */
  readonly command?: string[];

  /**
   * The number of instances of the evaluation job (1 to 100).
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The instance type of the evaluation job.
   *
   * @default ProcessingInstanceType.ML_M5_LARGE
   */
  readonly instanceType?: ProcessingInstanceType;

  /**
   * The storage volume of the instance (1 to 16384 GiB).
   *
   * @default Size.gibibytes(30)
   */
  readonly volumeSize?: Size;

  /**
   * How long the evaluation may run (at most 5 days).
   *
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;

  /**
   * Environment variables of the evaluation container.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };
}

/**
 * Where and how a `TrainingPipeline` registers the models that pass.
 */
export interface RegistrationOptions {
  /**
   * Where models are registered.
   *
   * @default - a new group
   */
  readonly modelPackageGroup?: IModelPackageGroup;

  /**
   * Who approves new versions. The status is a literal of the pipeline's
   * definition, not a parameter, and the pipeline role's `CreateModelPackage`
   * is conditioned on it (`sagemaker:ModelApprovalStatus`), so no execution
   * input can register a version as `Approved` unless this is `AUTO`.
   *
   * `ModelApproval.AUTO` lets the quality gate approve: every version that
   * passes it is deployable at once. It needs a `qualityGate`, and then the
   * threshold (no `QualityThreshold` parameter) and the test data (no
   * `TestDataUri` parameter) are fixed at deploy time; whoever may start the
   * pipeline still chooses the image (`ImageUri`, among the images the
   * pipeline role may pull) and the training data (`TrainingDataUri`, under
   * the granted prefix), and by default the image evaluates itself: give
   * `evaluation.image` so that it does not.
   *
   * @default ModelApproval.MANUAL
   */
  readonly approval?: ModelApproval;

  /**
   * The image that serves the model.
   *
   * @default - the pipeline's `image`
   */
  readonly inferenceImage?: ISageMakerImage;

  /**
   * Instance types the model may be deployed on (real-time and batch).
   *
   * @default ['ml.m5.large']
   */
  readonly inferenceInstanceTypes?: string[];

  /**
   * MIME types the model accepts.
   *
   * @default ['text/csv']
   */
  readonly contentTypes?: string[];

  /**
   * MIME types the model answers with.
   *
   * @default ['text/csv']
   */
  readonly responseTypes?: string[];
}

/**
 * The network of the jobs of a `TrainingPipeline`.
 */
export interface TrainingNetworkOptions {
  /**
   * Run the jobs in this VPC.
   *
   * @default - SageMaker's network
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc`.
   *
   * @default - the private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the jobs in `vpc`.
   *
   * @default - one security group is created
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Block all network access of the containers (data still arrives from S3).
   *
   * @default false
   */
  readonly networkIsolation?: boolean;

  /**
   * Encrypt the traffic between the instances of a distributed job (slower).
   *
   * @default false
   */
  readonly interContainerTrafficEncryption?: boolean;
}

/**
 * Where a `TrainingPipeline` keeps models, checkpoints and evaluation reports.
 */
export interface ArtifactsOptions {
  /**
   * The bucket.
   *
   * @default - a bucket is created: encrypted, TLS only, versioned, public
   * access blocked, retained
   */
  readonly bucket?: s3.IBucket;

  /**
   * Server access logs of the created bucket go to this bucket.
   *
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * The drift-check baseline a `TrainingPipeline` computes from the training
 * data and records on every model version it registers (the model package's
 * `DriftCheckBaselines`), for the model monitor to compare traffic against.
 */
export interface DriftBaselineOptions {
  /**
   * Compute the baseline. Turn it off only when no monitor reads it:
   * `MonitorBaseline.fromTrainingPipeline` refuses a pipeline without one.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The column of the training data that is the label, not a feature: its
   * header name, its 0-based index, or `last` (the starter container's
   * convention). The endpoint never receives it, so the baseline leaves it out.
   *
   * @default - every column is a feature
   */
  readonly targetColumn?: string;
}
