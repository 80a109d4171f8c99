import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DataLocation, TrainingChannel } from './data';
import { IModelPackageGroup, ModelPackageGroup } from './model-package-group';
import { ArtifactsOptions, EvaluationOptions, ModelApproval, ModelApprovalStatus, RegistrationOptions, TrainingNetworkOptions, TrainingOptions } from './options';
import { checkTrainingPipelineProps } from './private/checks';
import { buildEvaluationStep } from './private/evaluation-step';
import { buildQualityGate, buildRegisterStep } from './private/registration';
import { buildTrainingStep } from './private/training-step';
import { QualityGate } from './quality-gate';
import { ISageMakerImage } from '../image';
import {
  JobNetworkOptions, PipelineParameter, PipelineValue, ProcessingStep, RegisterModelStep, SageMakerPipeline, SageMakerPipelineOptions, TrainingStep,
} from '../pipeline';
import { createDataBucket } from '../private/buckets';
import { grantPrefixRead, grantPrefixWrite } from '../private/s3';
import { renderVpcConfig } from '../private/vpc';

/** The artifacts bucket's prefixes: models, checkpoints (per execution) and evaluation reports (per execution). */
const MODELS = 'models/';
const CHECKPOINTS = 'checkpoints/';
const EVALUATION = 'evaluation/';

/**
 * Properties of a `TrainingPipeline`: the image and the data, and one group
 * of options per part of the pipeline (the training job, the evaluation, the
 * registration, the network, the artifacts bucket).
 */
export interface TrainingPipelineProps extends SageMakerPipelineOptions {
  /**
   * The container that trains (`train`), and by default evaluates and serves the model.
   */
  readonly image: ISageMakerImage;

  /**
   * The main input channel. Its S3 URI is the pipeline parameter
   * `TrainingDataUri`, so an execution can train on other data under a prefix
   * the role may read (the channel's bucket and prefix).
   */
  readonly trainingData: TrainingChannel;

  /**
   * The test data the evaluation step scores the model on (`/opt/ml/processing/test`).
   * Its S3 URI is the pipeline parameter `TestDataUri`, except with
   * auto-approval (`registration.approval`), where it is fixed.
   */
  readonly testData: DataLocation;

  /**
   * The training job: cluster, limits, spot capacity, hyperparameters, metrics.
   *
   * @default - one ml.m5.xlarge on spot capacity with checkpoints, at most 24 hours
   */
  readonly training?: TrainingOptions;

  /**
   * The evaluation job.
   *
   * @default - `evaluate` in `image` on one ml.m5.large, 30 GiB, at most 1 hour
   */
  readonly evaluation?: EvaluationOptions;

  /**
   * The condition a model must meet to be registered. Its threshold is the
   * pipeline parameter `QualityThreshold` (a version that passes still waits
   * for a person), except with auto-approval, where it is fixed.
   *
   * @default - every model that evaluates is registered (auto-approval needs a gate)
   */
  readonly qualityGate?: QualityGate;

  /**
   * Where and how models are registered.
   *
   * @default - a new model package group, versions pending manual approval, served by `image`
   */
  readonly registration?: RegistrationOptions;

  /**
   * The network of the jobs.
   *
   * @default - SageMaker's network
   */
  readonly network?: TrainingNetworkOptions;

  /**
   * Where models, checkpoints and evaluation reports go.
   *
   * @default - a bucket is created
   */
  readonly artifacts?: ArtifactsOptions;

  /**
   * The KMS key that encrypts the instances' volumes, the job outputs and a created artifacts bucket.
   *
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Train → evaluate → quality gate → register, as an `AWS::SageMaker::Pipeline`
 * that GitHub Actions, a schedule or new data starts.
 *
 * ```
 * Train ──► Evaluate ──► QualityGate ─┬─ pass ─► RegisterModel (model package group)
 *                       evaluation.json└─ fail ─► Fail (metric, value, threshold)
 * ```
 *
 * Training runs on spot capacity with checkpoints by default. The pipeline
 * parameters `ImageUri`, `TrainingDataUri`, `TestDataUri`,
 * `TrainingInstanceType`, `TrainingInstanceCount` (and `QualityThreshold` with
 * a gate) can be set per execution. None of them approves a version: versions
 * are registered as `PendingManualApproval` (a literal of the definition, and
 * the only status the pipeline role may register) unless
 * `registration.approval` is `ModelApproval.AUTO`, which fixes the threshold
 * and the test data at deploy time.
 *
 * @example
 * declare const image: CustomTrainingImage;
 * declare const data: s3.IBucket;
 *
 * const pipeline = new TrainingPipeline(this, 'Training', {
 *   image,
 *   trainingData: { channelName: 'train', bucket: data, prefix: 'churn/train/' },
 *   testData: { bucket: data, prefix: 'churn/test/' },
 *   training: { maxRuntime: Duration.hours(2) },
 *   qualityGate: QualityGate.lessThanOrEqualTo('regression_metrics.mse.value', 0.25),
 * });
 */
export class TrainingPipeline extends SageMakerPipeline {
  /** The bucket of models, checkpoints and evaluation reports. */
  public readonly artifactsBucket: s3.IBucket;

  /**
   * The key prefix in `artifactsBucket` under which training jobs write their
   * `model.tar.gz` (SageMaker adds `<job name>/output/`). Endpoints that serve a
   * registered version read from here: see `ModelSource.fromTrainingPipeline`.
   */
  public readonly modelArtifactsPrefix: string = MODELS;

  /** The group models are registered in. */
  public readonly modelPackageGroup: IModelPackageGroup;

  /** The training step. */
  public readonly trainingStep: TrainingStep;

  /** The evaluation step. */
  public readonly evaluationStep: ProcessingStep;

  /** The registration step. */
  public readonly registerStep: RegisterModelStep;

  /**
   * The security groups of the jobs.
   *
   * @default - none unless a VPC is given
   */
  public readonly securityGroups?: ec2.ISecurityGroup[];

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id, { ...props, imageUriParameterName: 'ImageUri' });
    checkTrainingPipelineProps(this, props);
    const role = this.role;
    const registration = props.registration ?? {};
    const autoApprove = registration.approval === ModelApproval.AUTO;
    if (autoApprove && !props.qualityGate) {
      throw new Error('trainingPipeline registration.approval is ModelApproval.AUTO but no qualityGate is given: every model that '
        + 'evaluates would be approved and deployed; give a qualityGate or use ModelApproval.MANUAL');
    }

    this.artifactsBucket = props.artifacts?.bucket ?? createDataBucket(this, 'ArtifactsBucket', {
      encryptionKey: props.encryptionKey,
      serverAccessLogsBucket: props.artifacts?.serverAccessLogsBucket,
      lifecycleRules: [{ prefix: CHECKPOINTS, expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) }],
      withoutAccessLogsReason: 'only this pipeline\'s execution role writes the bucket and CloudTrail records its API calls; '
        + 'pass artifacts.serverAccessLogsBucket to turn server access logs on',
    });
    const artifactsUri = (key: string) => `s3://${this.artifactsBucket.bucketName}/${key}`;
    const perExecution = (prefix: string) => PipelineValue.join([PipelineValue.fromString(artifactsUri(prefix)), PipelineValue.executionId()]);

    // Parameters: what CI and schedules override without a redeploy.
    const imageUri = this.addParameter(PipelineParameter.stringParameter('ImageUri', props.image.bind(this, role).imageUri, {
      description: 'the training container image URI (the GitHub workflow passes the image it pushed)',
    }));
    const trainingDataUri = this.addParameter(PipelineParameter.stringParameter('TrainingDataUri', locationUri(props.trainingData), {
      description: `S3 URI of the '${props.trainingData.channelName}' channel`,
    }));
    // With auto-approval, what the gate scores on is fixed: an execution may not pick easier test data.
    const testDataUri = autoApprove
      ? PipelineValue.fromString(locationUri(props.testData))
      : this.addParameter(PipelineParameter.stringParameter('TestDataUri', locationUri(props.testData), {
        description: 'S3 URI of the test data the evaluation scores the model on',
      })).value;

    const { network, securityGroups } = this.renderNetwork(props.network);
    this.securityGroups = securityGroups;
    this.trainingStep = buildTrainingStep({
      options: props.training ?? {},
      trainingData: props.trainingData,
      role,
      image: imageUri.value,
      trainingDataUri: trainingDataUri.value,
      outputS3Uri: artifactsUri('models'),
      checkpointS3Uri: perExecution(CHECKPOINTS),
      encryptionKey: props.encryptionKey,
      network,
      addParameter: (p) => this.addParameter(p),
      locationUri,
    });
    this.evaluationStep = buildEvaluationStep({
      options: props.evaluation ?? {},
      role,
      image: props.evaluation?.image ? PipelineValue.fromString(props.evaluation.image.bind(this, role).imageUri) : imageUri.value,
      trainingStep: this.trainingStep,
      testDataUri,
      reportS3Uri: perExecution(EVALUATION),
      encryptionKey: props.encryptionKey,
      network,
    });

    this.modelPackageGroup = registration.modelPackageGroup ?? new ModelPackageGroup(this, 'ModelPackageGroup', {
      description: `Models trained by the SageMaker pipeline ${this.pipelineName}`,
    });
    // The RegisterModel step grants registering in the group it names (RegisterModelStep.bind).
    this.registerStep = buildRegisterStep({
      options: registration,
      group: this.modelPackageGroup,
      approvalStatus: autoApprove ? ModelApprovalStatus.APPROVED : ModelApprovalStatus.PENDING_MANUAL_APPROVAL,
      image: registration.inferenceImage ? PipelineValue.fromString(registration.inferenceImage.bind(this, role).imageUri) : imageUri.value,
      trainingStep: this.trainingStep,
      evaluationStep: this.evaluationStep,
    });

    this.addStep(this.trainingStep);
    this.addStep(this.evaluationStep);
    // With auto-approval the threshold is fixed: an execution may not lower the bar for a version that deploys at once.
    this.addStep(buildQualityGate(props.qualityGate, this.evaluationStep, this.registerStep, autoApprove ? undefined : (p) => this.addParameter(p)));

    this.grantData(props);
    // Volumes are encrypted through grants that the caller of Create*Job creates (SageMaker developer guide, "Encrypt data at rest").
    props.encryptionKey?.grant(role, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:DescribeKey');
    // The definition names the group: it must exist before an execution registers a model.
    const group = this.modelPackageGroup;
    if (group instanceof ModelPackageGroup && Stack.of(group) === Stack.of(this)) {
      this.node.defaultChild!.node.addDependency(group);
    }
  }

  /** The jobs' network: a VPC's security groups and subnets (and the EC2 grants SageMaker needs there). */
  private renderNetwork(network: TrainingNetworkOptions | undefined): { network?: JobNetworkOptions; securityGroups?: ec2.ISecurityGroup[] } {
    if (!network) {
      return {};
    }
    const isolation = { networkIsolation: network.networkIsolation, interContainerTrafficEncryption: network.interContainerTrafficEncryption };
    if (!network.vpc) {
      return { network: isolation };
    }
    const rendered = renderVpcConfig(this, this.role, {
      vpc: network.vpc,
      vpcSubnets: network.vpcSubnets,
      securityGroups: network.securityGroups,
      securityGroupDescription: `SageMaker jobs of the pipeline ${this.node.path}`,
    });
    // renderVpcConfig selects the same subnets (private with egress unless vpcSubnets says otherwise).
    const subnets = network.vpc.selectSubnets(network.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
    return { network: { ...isolation, securityGroups: rendered.securityGroups, subnets }, securityGroups: rendered.securityGroups };
  }

  /** Reads of the data locations and writes of the artifacts bucket, on their prefixes only. */
  private grantData(props: TrainingPipelineProps): void {
    const reason = 'object keys under the prefix are chosen at execution time (the data, SageMaker\'s job names), '
      + 'so the objects are granted by prefix';
    for (const location of [props.trainingData, ...(props.training?.extraChannels ?? []), props.testData]) {
      grantPrefixRead(this.role, location.bucket, location.prefix ?? '', { reason });
    }
    // The training job writes models and checkpoints (and lists checkpoints to resume); evaluation
    // reads the model and writes its report, which the pipeline reads for the quality gate.
    const artifacts = [MODELS, CHECKPOINTS, EVALUATION];
    grantPrefixRead(this.role, this.artifactsBucket, artifacts, { reason });
    grantPrefixWrite(this.role, this.artifactsBucket, artifacts, { reason });
  }
}

function locationUri(location: DataLocation): string {
  return `s3://${location.bucket.bucketName}/${location.prefix ?? ''}`;
}
