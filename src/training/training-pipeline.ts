import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DataLocation, TrainingChannel } from './data';
import { EvaluationKind } from './evaluation';
import { IModelPackageGroup, ModelPackageGroup } from './model-package-group';
import { ArtifactsOptions, DriftBaselineOptions, EvaluationOptions, ModelApproval, ModelApprovalStatus, RegistrationOptions, TrainingNetworkOptions, TrainingOptions } from './options';
import { PreparationOptions } from './preparation';
import { ISageMakerImage } from '../image';
import { BASELINES_PREFIX, buildBaselineStep } from './private/baseline';
import { checkDriftBaseline, checkRequired, checkTrainingPipelineProps } from './private/checks';
import { buildEvaluationStep, evaluationMethod } from './private/evaluation-step';
import { CHECKPOINTS, EVALUATION, grantTrainingData, locationUri, MODELS, PREPARED, renderTrainingNetwork, trainingChannels } from './private/pipeline-props';
import { buildPreparationStep } from './private/preparation-step';
import { buildQualityGate, buildRegisterStep } from './private/registration';
import { buildTrainingStep } from './private/training-step';
import { QualityGate } from './quality-gate';
import {
  PipelineParameter, PipelineValue, ProcessingStep, RegisterModelStep, SageMakerPipeline, SageMakerPipelineOptions, TrainingStep,
} from '../pipeline';
import { createDataBucket } from '../private/buckets';
import { cacheLogicalIds } from '../private/logical-id';
import { PublishedName } from '../private/outputs';
import { grantPrefixRead } from '../private/s3';

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
   *
   * When a `preparation` output feeds this channel, its bucket and prefix are
   * neither read nor granted (and there is no `TrainingDataUri`): leave it out,
   * and set the channel's `contentType`, `inputMode`, `distribution` or
   * `instanceGroupNames` in that output's `channel`.
   *
   * @default - the channel of the first `preparation` output whose `channelName`
   * is not one of `training.extraChannels` (every such output becomes a channel
   * with default settings); without one, `trainingData` is required
   */
  readonly trainingData?: TrainingChannel;

  /**
   * The test data the evaluation step scores the model on (`/opt/ml/processing/test`).
   * Its S3 URI is the pipeline parameter `TestDataUri`, except with
   * auto-approval (`registration.approval`), where it is fixed.
   *
   * Not read when a `preparation` output has `testData: true`, nor with
   * `EvaluationMethod.none()`.
   *
   * @default - the `preparation` output with `testData: true`; without one, required
   * unless `evaluation.method` is `EvaluationMethod.none()`
   */
  readonly testData?: DataLocation;

  /**
   * A data preparation step before training: its outputs feed training
   * channels and the test data by reference. Each input's S3 URI is the
   * pipeline parameter `Preparation<InputName>DataUri` (the input name in
   * PascalCase, e.g. `PreparationRawDataUri` for `raw`), so an execution can
   * prepare other data under a prefix the role may read (the input's bucket
   * and prefix); with auto-approval and an output that is `testData`, the
   * inputs are fixed, since they make the test data the gate scores on.
   *
   * @default - no preparation: training reads `trainingData` as it is
   */
  readonly preparation?: PreparationOptions;

  /**
   * The training job: cluster, limits, spot capacity, hyperparameters, metrics.
   *
   * @default - one ml.m5.xlarge on spot capacity with checkpoints, at most 24 hours
   */
  readonly training?: TrainingOptions;

  /**
   * The evaluation: its method (the library's contract, a script on a stock
   * image, an image's own command, or none) and its job.
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
   * The drift-check baseline: computed from the training data as the
   * training job reads it (a preparation step's output when one feeds the
   * training channel), in every execution (never from the step cache), and
   * recorded on each registered version (`DriftCheckBaselines`), under
   * `baselines/<execution id>/` of the artifacts bucket.
   *
   * @default - a baseline of every column of the training data
   */
  readonly driftBaseline?: DriftBaselineOptions;

  /**
   * Where models, checkpoints, evaluation reports and drift baselines go.
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
 * Baseline (training data) ── statistics, constraints ──► RegisterModel (DriftCheckBaselines)
 * ```
 *
 * Training runs on spot capacity with checkpoints by default. The pipeline
 * parameters `ImageUri`, `TrainingDataUri`, `TestDataUri`,
 * `TrainingInstanceType`, `TrainingInstanceCount` (and `QualityThreshold` with
 * a gate, `Preparation<InputName>DataUri` with a preparation; the data a
 * preparation output feeds has no parameter) can be set per execution. None of them approves a version: versions
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

  /**
   * The evaluation step.
   *
   * @default - none with `EvaluationMethod.none()`
   */
  public readonly evaluationStep?: ProcessingStep;

  /**
   * The data preparation step.
   *
   * @default - none unless `preparation` is given
   */
  public readonly preparationStep?: ProcessingStep;

  /**
   * The step that computes the drift-check baseline of the training data
   * (recorded on each registered version as its `DriftCheckBaselines`).
   *
   * @default - none with `driftBaseline.enabled` false
   */
  public readonly baselineStep?: ProcessingStep;

  /** The registration step. */
  public readonly registerStep: RegisterModelStep;

  /**
   * The security groups of the jobs.
   *
   * @default - none unless a VPC is given
   */
  public readonly securityGroups?: ec2.ISecurityGroup[];

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id, { ...checkRequired(props), imageUriParameterName: 'ImageUri' });
    const channels = trainingChannels(props);
    const main = channels[0];
    checkTrainingPipelineProps(this, props, channels);
    const role = this.role;
    const registration = props.registration ?? {};
    const autoApprove = registration.approval === ModelApproval.AUTO;
    if (autoApprove && !props.qualityGate) {
      throw new Error('trainingPipeline registration.approval is ModelApproval.AUTO but no qualityGate is given: every model that '
        + 'evaluates would be approved and deployed; give a qualityGate or use ModelApproval.MANUAL');
    }
    const evaluation = props.evaluation ?? {};
    const method = evaluationMethod(evaluation);
    const evaluates = method.kind !== EvaluationKind.NONE;
    const preparesTest = (props.preparation?.outputs ?? []).some((o) => o?.testData === true);
    if (evaluates && !preparesTest && (props.testData === undefined || props.testData === null)) {
      throw new Error(`trainingPipeline testData must be a data location, got ${props.testData === null ? 'null' : 'nothing'}: the evaluation scores the model `
        + "on test data; give testData: { bucket, prefix: 'test/' }, mark a preparation output testData: true, or choose evaluation.method EvaluationMethod.none()");
    }
    const gate = props.qualityGate;
    if (gate && !gate.trainingMetric && !evaluates) {
      throw new Error(`trainingPipeline qualityGate reads '${gate.metricPath}' of evaluation.json, but evaluation.method is EvaluationMethod.none(): `
        + 'there is no report to read; gate on a training metric (QualityGate.onTrainingMetric) or choose an evaluation method');
    }
    if (gate?.trainingMetric) {
      const defined = (props.training?.metricDefinitions ?? []).map((m) => m.name);
      if (!defined.includes(gate.metricPath)) {
        throw new Error(`trainingPipeline qualityGate metricName '${gate.metricPath}' is not one of training.metricDefinitions `
          + `(${defined.length > 0 ? defined.join(', ') : 'none'}): add a metric definition that parses it from the training log`);
      }
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
    const { network, securityGroups } = renderTrainingNetwork(this, role, props.network);
    this.securityGroups = securityGroups;

    // Preparation: its outputs feed channels and the test data by reference (the step's output property).
    const channelNames = channels.map((c) => c.channelName);
    const prepared = new Map<string, string>();
    let preparedTest: string | undefined;
    if (props.preparation) {
      this.preparationStep = buildPreparationStep({
        scope: this,
        options: props.preparation,
        role,
        image: props.preparation.image ? PipelineValue.fromString(props.preparation.image.bind(this, role).imageUri) : imageUri.value,
        outputS3Uri: (name) => PipelineValue.join([perExecution(PREPARED), PipelineValue.fromString(`/${name}`)]),
        locationUri,
        channelNames,
        // With auto-approval, the inputs that make the test data are fixed, as testData is.
        addParameter: autoApprove && preparesTest ? undefined : (p) => this.addParameter(p),
        encryptionKey: props.encryptionKey,
        network,
      });
      for (const out of props.preparation.outputs) {
        if (out.channelName !== undefined) prepared.set(out.channelName, out.outputName);
        if (out.testData) preparedTest = out.outputName;
      }
    }
    const prep = this.preparationStep;

    const trainingDataUri = prepared.has(main.channelName) ? undefined
      : this.addParameter(PipelineParameter.stringParameter('TrainingDataUri', locationUri(main as TrainingChannel), {
        description: `S3 URI of the '${main.channelName}' channel`,
      }));
    // With auto-approval, what the gate scores on is fixed: an execution may not pick easier test data.
    let testDataUri: PipelineValue | undefined;
    if (evaluates) {
      testDataUri = preparedTest ? prep!.outputS3Uri(preparedTest)
        : autoApprove ? PipelineValue.fromString(locationUri(props.testData!))
          : this.addParameter(PipelineParameter.stringParameter('TestDataUri', locationUri(props.testData!), {
            description: 'S3 URI of the test data the evaluation scores the model on',
          })).value;
    }

    this.trainingStep = buildTrainingStep({
      scope: this,
      options: props.training ?? {},
      channels,
      role,
      image: imageUri.value,
      channelUri: (c, i) => {
        const output = prepared.get(c.channelName);
        if (output) return prep!.outputS3Uri(output);
        return i === 0 ? trainingDataUri!.value : PipelineValue.fromString(locationUri(c as TrainingChannel));
      },
      outputS3Uri: artifactsUri('models'),
      checkpointS3Uri: perExecution(CHECKPOINTS),
      encryptionKey: props.encryptionKey,
      network,
      addParameter: (p) => this.addParameter(p),
    });
    if (evaluates) {
      this.evaluationStep = buildEvaluationStep({
        scope: this,
        options: evaluation,
        role,
        image: evaluation.image ? PipelineValue.fromString(evaluation.image.bind(this, role).imageUri) : imageUri.value,
        trainingStep: this.trainingStep,
        testDataUri: testDataUri!,
        reportS3Uri: perExecution(EVALUATION),
        encryptionKey: props.encryptionKey,
        network,
      });
    }

    // The baseline describes the data the training job reads (by reference when a preparation step makes it),
    // uncached and per execution, so that each version carries the baseline of its own data.
    const driftBaseline = checkDriftBaseline(props.driftBaseline);
    let driftCheckBaselines: { [key: string]: any } | undefined;
    if (driftBaseline.enabled !== false) {
      const preparedTraining = prepared.get(main.channelName);
      const baseline = buildBaselineStep(this, {
        role,
        trainingDataUri: preparedTraining ? prep!.outputS3Uri(preparedTraining) : trainingDataUri!.value,
        outputS3Uri: perExecution(BASELINES_PREFIX),
        targetColumn: driftBaseline.targetColumn,
        encryptionKey: props.encryptionKey,
        network,
      });
      this.baselineStep = baseline.step;
      driftCheckBaselines = baseline.driftCheckBaselines;
    }

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
      driftCheckBaselines,
    });

    if (prep) this.addStep(prep);
    this.addStep(this.trainingStep);
    if (this.evaluationStep) this.addStep(this.evaluationStep);
    if (this.baselineStep) this.addStep(this.baselineStep);
    // With auto-approval the threshold is fixed: an execution may not lower the bar for a version that deploys at once.
    const addThreshold = autoApprove ? undefined : (p: PipelineParameter) => this.addParameter(p);
    this.addStep(buildQualityGate(gate, this.trainingStep, this.evaluationStep, this.registerStep, addThreshold));

    grantTrainingData(role, this.artifactsBucket, props, channels, prepared, {
      testDataUnread: preparedTest !== undefined || !evaluates,
      evaluates: this.evaluationStep !== undefined,
      baselines: this.baselineStep !== undefined,
    });
    // Volumes are encrypted through grants that the caller of Create*Job creates (SageMaker developer guide, "Encrypt data at rest").
    props.encryptionKey?.grant(role, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:DescribeKey');
    // The definition names the group: it must exist before an execution registers a model.
    const group = this.modelPackageGroup;
    if (group instanceof ModelPackageGroup && Stack.of(group) === Stack.of(this)) {
      this.node.defaultChild!.node.addDependency(group);
    }
    cacheLogicalIds(this);
  }

  /**
   * Grants reading the evaluation reports the pipeline writes
   * (`<artifacts bucket>/evaluation/<execution id>/evaluation.json`, the
   * statistics each registered version points to): `s3:GetObject` under the
   * prefix, `s3:ListBucket` for that prefix only, and `kms:Decrypt` with the
   * artifacts bucket's key if it has one. For a notebook or a reviewer that
   * compares versions before approving one.
   *
   * @param grantee the principal
   */
  public grantReadEvaluationReports(grantee: iam.IGrantable): iam.Grant {
    if (!this.evaluationStep) {
      throw new Error(`trainingPipeline grantReadEvaluationReports: ${this.node.path} writes no evaluation reports `
        + '(evaluation.method is EvaluationMethod.none()): choose an evaluation method, or read the training metrics instead');
    }
    return grantPrefixRead(grantee, this.artifactsBucket, EVALUATION, { reason: 'evaluation reports are filed under <execution id>/, made when an execution starts' });
  }

  /**
   * Adds what a notebook or script needs to start a run and find its results:
   * the model package group, the artifacts bucket and the prefixes in it.
   *
   * @internal
   */
  protected _publishedNames(): PublishedName[] {
    const path = this.node.path;
    return [
      ...super._publishedNames(),
      { name: 'ModelPackageGroupName', value: this.modelPackageGroup.modelPackageGroupName, description: `The model package group of ${path}` },
      { name: 'ArtifactsBucketName', value: this.artifactsBucket.bucketName, description: `The bucket of models, checkpoints and evaluation reports of ${path}` },
      { name: 'ModelArtifactsPrefix', value: MODELS, description: `The key prefix of model.tar.gz files in the artifacts bucket of ${path}` },
      ...(this.evaluationStep ? [{
        name: 'EvaluationReportsPrefix', value: EVALUATION, description: `The key prefix of evaluation reports (<execution id>/evaluation.json) of ${path}`,
      }] : []),
      { name: 'ExecutionRoleArn', value: this.role.roleArn, description: `The execution role of ${path}` },
    ];
  }

  /** @internal */
  protected _constructName(): string {
    return 'trainingPipeline';
  }
}
