import { Duration, Size, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DataLocation, MetricDefinition, TrainingChannel, TrainingInputMode, TrainingInstanceGroup, S3DataDistribution } from './data';
import { TrainingInstanceType } from '../pipeline/instance-type';
import { IModelPackageGroup, ModelPackageGroup } from './model-package-group';
import { QualityGate } from './quality-gate';
import { ISageMakerImage } from '../image';
import {
  ConditionStep, FailStep, PipelineCondition, PipelineParameter, PipelineStep, PipelineValue, ProcessingStep,
  RegisterModelStep, SageMakerPipeline, SageMakerPipelineOptions, TrainingStep,
} from '../pipeline';
import { createDataBucket } from '../private/buckets';
import { addNagSuppression } from '../private/nag';
import { grantPrefixRead, grantPrefixWrite } from '../private/s3';
import { checkInteger, sortedMap } from '../private/validate';
import { renderVpcConfig } from '../private/vpc';

/** `ChannelName` in the CreateTrainingJob API reference. */
const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9.\-_]{1,64}$/;
/** `S3Uri` values that an execution may pass for a data location. */
const S3_URI_PATTERN = /^s3:\/\/[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](\/.*)?$/;
const CHECKPOINT_LOCAL_PATH = '/opt/ml/checkpoints';
const PROCESSING = '/opt/ml/processing';

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
 * Properties of a `TrainingPipeline`.
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
   * Its S3 URI is the pipeline parameter `TestDataUri`.
   */
  readonly testData: DataLocation;

  /**
   * More input channels (validation data, a vocabulary, ...).
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
   * The KMS key that encrypts the instances' volumes and the job outputs.
   *
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the training job may run.
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
   * Metrics parsed from the training log and sent to CloudWatch.
   *
   * @default - none
   */
  readonly metricDefinitions?: MetricDefinition[];

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

  /**
   * Where models, checkpoints and evaluation reports go.
   *
   * @default - a bucket is created: encrypted, TLS only, versioned, public
   * access blocked, retained
   */
  readonly artifactsBucket?: s3.IBucket;

  /**
   * Server access logs of the created artifacts bucket go to this bucket.
   *
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * The image that evaluates the model.
   *
   * @default - `image`
   */
  readonly evaluationImage?: ISageMakerImage;

  /**
   * The evaluation command (the processing job's entrypoint). It gets
   * `--model-dir`, `--test-dir` and `--output-dir` and must write
   * `evaluation.json` to the output directory.
   *
   * @default ['evaluate']
   */
  readonly evaluationCommand?: string[];

  /**
   * The instance type of the evaluation job.
   *
   * @default TrainingInstanceType.ML_M5_LARGE
   */
  readonly evaluationInstanceType?: TrainingInstanceType;

  /**
   * The condition a model must meet to be registered.
   *
   * @default - every model that evaluates is registered
   */
  readonly qualityGate?: QualityGate;

  /**
   * Where models are registered.
   *
   * @default - a new group
   */
  readonly modelPackageGroup?: IModelPackageGroup;

  /**
   * The approval status of new versions (pipeline parameter `ModelApprovalStatus`).
   *
   * @default ModelApprovalStatus.PENDING_MANUAL_APPROVAL
   */
  readonly modelApprovalStatus?: ModelApprovalStatus;

  /**
   * The image that serves the model.
   *
   * @default - `image`
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
 * `TrainingInstanceType`, `TrainingInstanceCount`, `ModelApprovalStatus`
 * (and `QualityThreshold` with a gate) can be set per execution.
 *
 * @example
 * declare const image: CustomTrainingImage;
 * declare const data: s3.IBucket;
 *
 * const pipeline = new TrainingPipeline(this, 'Training', {
 *   image,
 *   trainingData: { channelName: 'train', bucket: data, prefix: 'churn/train/' },
 *   testData: { bucket: data, prefix: 'churn/test/' },
 *   qualityGate: QualityGate.lessThanOrEqualTo('regression_metrics.mse.value', 0.25),
 *   maxRuntime: Duration.hours(2),
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
  public readonly modelArtifactsPrefix: string = 'models/';

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
    checkProps(this, props);

    const stack = Stack.of(this);
    const role = this.role;
    const maxRuntime = props.maxRuntime ?? Duration.hours(24);
    const spot = props.spot ?? true;
    const checkpoints = props.checkpoints ?? spot;
    const maxWait = spot ? (props.maxWaitTime ?? Duration.seconds(maxRuntime.toSeconds() * 2)) : undefined;

    this.artifactsBucket = props.artifactsBucket ?? this.createArtifactsBucket(props);
    const artifactsUri = (key: string) => `s3://${this.artifactsBucket.bucketName}/${key}`;
    const perExecution = (prefix: string) => PipelineValue.join([PipelineValue.fromString(artifactsUri(prefix)), PipelineValue.executionId()]);

    // Parameters: what CI and schedules override without a redeploy.
    const trainingImageUri = props.image.bind(this, role).imageUri;
    const imageUri = this.addParameter(PipelineParameter.stringParameter('ImageUri', trainingImageUri, {
      description: 'the training container image URI (the GitHub workflow passes the image it pushed)',
    }));
    const trainingDataUri = this.addParameter(PipelineParameter.stringParameter('TrainingDataUri', locationUri(props.trainingData), {
      description: `S3 URI of the '${props.trainingData.channelName}' channel`,
    }));
    const testDataUri = this.addParameter(PipelineParameter.stringParameter('TestDataUri', locationUri(props.testData), {
      description: 'S3 URI of the test data the evaluation scores the model on',
    }));
    const approval = this.addParameter(PipelineParameter.stringParameter('ModelApprovalStatus',
      props.modelApprovalStatus ?? ModelApprovalStatus.PENDING_MANUAL_APPROVAL,
      { description: 'approval status of the registered model: PendingManualApproval, Approved or Rejected' }));
    let resourceConfig: { [key: string]: any };
    const volume = {
      VolumeSizeInGB: (props.volumeSize ?? Size.gibibytes(30)).toGibibytes(),
      VolumeKmsKeyId: props.encryptionKey?.keyArn,
    };
    if (props.instanceGroups) {
      resourceConfig = {
        InstanceGroups: props.instanceGroups.map((g) => ({
          InstanceGroupName: g.groupName, InstanceType: g.instanceType.name, InstanceCount: g.instanceCount ?? 1,
        })),
        ...volume,
      };
    } else {
      const instanceType = this.addParameter(PipelineParameter.stringParameter('TrainingInstanceType',
        (props.instanceType ?? TrainingInstanceType.ML_M5_XLARGE).name, { description: 'training instance type' }));
      const instanceCount = this.addParameter(PipelineParameter.integerParameter('TrainingInstanceCount',
        props.instanceCount ?? 1, { description: 'training instance count (more than 1 is a distributed job)' }));
      resourceConfig = {
        InstanceType: instanceType.value,
        InstanceCount: instanceCount.value,
        ...volume,
        KeepAlivePeriodInSeconds: props.keepAlivePeriod?.toSeconds(),
      };
    }

    // Network
    let vpcConfig: { [key: string]: any } | undefined;
    if (props.vpc) {
      const rendered = renderVpcConfig(this, this.role, {
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        securityGroups: props.securityGroups,
        securityGroupDescription: `SageMaker jobs of the pipeline ${this.node.path}`,
      });
      this.securityGroups = rendered.securityGroups;
      vpcConfig = rendered.config;
    } else if (props.vpcSubnets || props.securityGroups) {
      throw new Error('trainingPipeline vpcSubnets and securityGroups need vpc: give the VPC the jobs run in, or drop them');
    }

    // Train
    const channels = [props.trainingData, ...(props.extraChannels ?? [])];
    this.trainingStep = new TrainingStep({
      name: 'Train',
      description: 'Trains the model (docker run IMAGE train)',
      arguments: {
        AlgorithmSpecification: {
          TrainingImage: imageUri.value,
          TrainingInputMode: props.trainingData.inputMode ?? TrainingInputMode.FILE,
          MetricDefinitions: props.metricDefinitions?.map((m) => ({ Name: m.name, Regex: m.regex })),
        },
        RoleArn: role.roleArn,
        InputDataConfig: channels.map((c, i) => ({
          ChannelName: c.channelName,
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: i === 0 ? trainingDataUri.value : locationUri(c),
              S3DataDistributionType: c.distribution ?? S3DataDistribution.FULLY_REPLICATED,
            },
          },
          ContentType: c.contentType,
          InputMode: c.inputMode,
        })),
        OutputDataConfig: { S3OutputPath: artifactsUri('models'), KmsKeyId: props.encryptionKey?.keyArn },
        ResourceConfig: resourceConfig,
        StoppingCondition: { MaxRuntimeInSeconds: maxRuntime.toSeconds(), MaxWaitTimeInSeconds: maxWait?.toSeconds() },
        EnableManagedSpotTraining: spot,
        CheckpointConfig: checkpoints ? { S3Uri: perExecution('checkpoints/'), LocalPath: CHECKPOINT_LOCAL_PATH } : undefined,
        HyperParameters: sortedMap(props.hyperparameters),
        Environment: sortedMap(props.environment),
        VpcConfig: vpcConfig,
        EnableNetworkIsolation: props.networkIsolation,
        EnableInterContainerTrafficEncryption: props.interContainerTrafficEncryption,
      },
    });

    // Evaluate
    const evaluationImageUri = props.evaluationImage ? props.evaluationImage.bind(this, role).imageUri : undefined;
    this.evaluationStep = new ProcessingStep({
      name: 'Evaluate',
      description: 'Scores the trained model on the test data and writes evaluation.json',
      arguments: {
        AppSpecification: {
          ImageUri: evaluationImageUri ?? imageUri.value,
          ContainerEntrypoint: props.evaluationCommand ?? ['evaluate'],
          ContainerArguments: [
            '--model-dir', `${PROCESSING}/model`, '--test-dir', `${PROCESSING}/test`, '--output-dir', `${PROCESSING}/evaluation`,
          ],
        },
        ProcessingInputs: [
          processingInput('model', this.trainingStep.modelArtifactsS3Uri, `${PROCESSING}/model`),
          processingInput('test', testDataUri.value, `${PROCESSING}/test`),
        ],
        ProcessingOutputConfig: {
          Outputs: [{
            OutputName: 'evaluation',
            S3Output: { S3Uri: perExecution('evaluation/'), LocalPath: `${PROCESSING}/evaluation`, S3UploadMode: 'EndOfJob' },
          }],
          KmsKeyId: props.encryptionKey?.keyArn,
        },
        ProcessingResources: {
          ClusterConfig: {
            InstanceType: (props.evaluationInstanceType ?? TrainingInstanceType.ML_M5_LARGE).name,
            InstanceCount: 1,
            VolumeSizeInGB: 30,
            VolumeKmsKeyId: props.encryptionKey?.keyArn,
          },
        },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
        RoleArn: role.roleArn,
        NetworkConfig: vpcConfig || props.networkIsolation || props.interContainerTrafficEncryption ? {
          VpcConfig: vpcConfig,
          EnableNetworkIsolation: props.networkIsolation,
          EnableInterContainerTrafficEncryption: props.interContainerTrafficEncryption,
        } : undefined,
      },
      propertyFiles: [{ name: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' }],
    });

    // Register
    this.modelPackageGroup = props.modelPackageGroup ?? new ModelPackageGroup(this, 'ModelPackageGroup', {
      description: `Models trained by the SageMaker pipeline ${this.pipelineName}`,
    });
    this.modelPackageGroup.grantRegister(role);
    const inferenceImageUri = props.inferenceImage ? props.inferenceImage.bind(this, role).imageUri : undefined;
    const inferenceInstanceTypes = props.inferenceInstanceTypes ?? ['ml.m5.large'];
    this.registerStep = new RegisterModelStep({
      name: 'RegisterModel',
      description: 'Registers the model version in the model package group',
      arguments: {
        ModelPackageGroupName: this.modelPackageGroup.modelPackageGroupName,
        ModelApprovalStatus: approval.value,
        InferenceSpecification: {
          Containers: [{ Image: inferenceImageUri ?? imageUri.value, ModelDataUrl: this.trainingStep.modelArtifactsS3Uri }],
          SupportedContentTypes: props.contentTypes ?? ['text/csv'],
          SupportedResponseMIMETypes: props.responseTypes ?? ['text/csv'],
          SupportedRealtimeInferenceInstanceTypes: inferenceInstanceTypes,
          SupportedTransformInstanceTypes: inferenceInstanceTypes,
        },
        ModelMetrics: {
          ModelQuality: {
            Statistics: {
              ContentType: 'application/json',
              S3Uri: PipelineValue.join([this.evaluationStep.outputS3Uri('evaluation'), PipelineValue.fromString('/evaluation.json')]),
            },
          },
        },
      },
    });

    this.addStep(this.trainingStep);
    this.addStep(this.evaluationStep);
    let last: PipelineStep = this.registerStep;
    if (props.qualityGate) {
      const gate = props.qualityGate;
      const threshold = this.addParameter(PipelineParameter.floatParameter('QualityThreshold', gate.threshold, {
        description: `the quality gate's threshold: ${gate.metricPath} ${gate.symbol} threshold to register`,
      }));
      const metric = this.evaluationStep.jsonGet('Evaluation', gate.metricPath);
      last = new ConditionStep({
        name: 'QualityGate',
        description: `Registers the model only if ${gate.metricPath} ${gate.symbol} QualityThreshold`,
        conditions: [PipelineCondition.compare(metric, gate.comparison, threshold.value)],
        ifSteps: [this.registerStep],
        elseSteps: [new FailStep({
          name: 'QualityGateFailed',
          errorMessage: PipelineValue.join([
            PipelineValue.fromString(`quality gate failed: ${gate.metricPath} = `),
            metric,
            PipelineValue.fromString(`, required ${gate.symbol} `),
            threshold.value,
          ]),
        })],
      });
    }
    this.addStep(last);

    this.grantData(props, channels);
    // Volumes are encrypted through grants that the caller of Create*Job creates (SageMaker developer guide, "Encrypt data at rest").
    props.encryptionKey?.grant(role, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:DescribeKey');
    // The definition names the group: it must exist before an execution registers a model.
    const group = this.modelPackageGroup;
    if (group instanceof ModelPackageGroup && Stack.of(group) === stack) {
      this.node.defaultChild!.node.addDependency(group);
    }
  }

  /** Reads of the data locations and writes of the artifacts bucket, on their prefixes only. */
  private grantData(props: TrainingPipelineProps, channels: TrainingChannel[]): void {
    for (const location of [...channels, props.testData]) {
      grantPrefixRead(this.role, location.bucket, location.prefix ?? '');
    }
    // The training job writes models and checkpoints (and lists checkpoints to resume); evaluation
    // reads the model and writes its report, which the pipeline reads for the quality gate.
    const artifacts = ['models/', 'checkpoints/', 'evaluation/'];
    grantPrefixRead(this.role, this.artifactsBucket, artifacts);
    grantPrefixWrite(this.role, this.artifactsBucket, artifacts);
    const policy = this.role.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
    if (policy instanceof iam.CfnPolicy) {
      addNagSuppression(policy, 'AwsSolutions-IAM5', 'object access is limited to the data prefixes the props name and to the '
        + 'models/, checkpoints/ and evaluation/ prefixes of the artifacts bucket; object keys are chosen by SageMaker at execution time',
      [
        { regex: '/^Resource::arn:<AWS::Partition>:s3:::[^/]+\\/.*\\*$/g' },
        { regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>\\/.*\\*$/g' },
      ]);
    }
  }

  private createArtifactsBucket(props: TrainingPipelineProps): s3.Bucket {
    return createDataBucket(this, 'ArtifactsBucket', {
      encryptionKey: props.encryptionKey,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      lifecycleRules: [{ prefix: 'checkpoints/', expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) }],
      withoutAccessLogsReason: 'only this pipeline\'s execution role writes the bucket and CloudTrail records its API calls; '
        + 'pass serverAccessLogsBucket to turn server access logs on',
    });
  }
}

function processingInput(name: string, s3Uri: PipelineValue, localPath: string): { [key: string]: any } {
  return {
    InputName: name,
    S3Input: { S3Uri: s3Uri, LocalPath: localPath, S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' },
  };
}

function locationUri(location: DataLocation): string {
  return `s3://${location.bucket.bucketName}/${location.prefix ?? ''}`;
}

function checkProps(scope: Construct, props: TrainingPipelineProps): void {
  const stack = Stack.of(scope);
  const p = 'trainingPipeline';
  checkInteger(`${p} instanceCount`, props.instanceCount, 1, Number.MAX_SAFE_INTEGER, 'give 1 for a single instance, more for a distributed job');
  if (props.instanceGroups) {
    if (props.instanceType || props.instanceCount !== undefined) {
      throw new Error(`${p} instanceGroups cannot be combined with instanceType or instanceCount: describe every instance in a group`);
    }
    if (props.instanceGroups.length === 0 || props.instanceGroups.length > 5) {
      throw new Error(`${p} instanceGroups has ${props.instanceGroups.length} groups: give 1 to 5 (CreateTrainingJob InstanceGroups)`);
    }
    for (const g of props.instanceGroups) {
      checkInteger(`${p} instanceGroups '${g.groupName}' instanceCount`, g.instanceCount, 1, Number.MAX_SAFE_INTEGER);
    }
  }
  const maxRuntime = props.maxRuntime ?? Duration.hours(24);
  if (!maxRuntime.isUnresolved()) {
    // MaxRuntimeInSeconds: 1 to 2419200 (28 days), CreateTrainingJob StoppingCondition.
    checkInteger(`${p} maxRuntime (seconds)`, maxRuntime.toSeconds(), 1, 2_419_200, 'give a Duration of at most 28 days');
  }
  const spot = props.spot ?? true;
  if (props.maxWaitTime && !spot) {
    throw new Error(`${p} maxWaitTime applies only to spot training: drop it, or set spot to true`);
  }
  if (spot && props.maxWaitTime && !props.maxWaitTime.isUnresolved() && !maxRuntime.isUnresolved()
    && props.maxWaitTime.toSeconds() < maxRuntime.toSeconds()) {
    throw new Error(`${p} maxWaitTime (${props.maxWaitTime.toSeconds()} s) is shorter than maxRuntime (${maxRuntime.toSeconds()} s): `
      + 'spot training needs maxWaitTime >= maxRuntime; raise maxWaitTime or lower maxRuntime');
  }
  if (props.keepAlivePeriod) {
    checkInteger(`${p} keepAlivePeriod (seconds)`, props.keepAlivePeriod.toSeconds(), 1, 3600, 'warm pools keep instances for at most one hour');
    if (spot) {
      throw new Error(`${p} keepAlivePeriod (a warm pool) cannot be used with spot training: set spot to false to keep a warm pool`);
    }
    if (props.instanceGroups) {
      throw new Error(`${p} keepAlivePeriod (a warm pool) cannot be used with instanceGroups: use instanceType and instanceCount`);
    }
  }
  if (props.volumeSize && !props.volumeSize.isUnresolved()) {
    checkInteger(`${p} volumeSize (GiB)`, props.volumeSize.toGibibytes(), 1, 16_384);
  }

  const channels = [props.trainingData, ...(props.extraChannels ?? [])];
  const names = new Set<string>();
  for (const c of channels) {
    if (!Token.isUnresolved(c.channelName) && !CHANNEL_NAME_PATTERN.test(c.channelName)) {
      throw new Error(`${p} channelName '${c.channelName}' is invalid: SageMaker accepts 1 to 64 letters, digits, '.', '-' and '_'`);
    }
    if (names.has(c.channelName)) {
      throw new Error(`${p} channelName '${c.channelName}' is used twice: give each channel its own name`);
    }
    names.add(c.channelName);
  }
  for (const [what, location] of [...channels.map((c) => [`channel '${c.channelName}'`, c] as const), ['testData', props.testData] as const]) {
    checkPrefix(`${p} ${what}`, location.prefix);
    const region = location.bucket.env.region;
    if (!Token.isUnresolved(region) && !Token.isUnresolved(stack.region) && region !== stack.region) {
      throw new Error(`${p} ${what} is in bucket '${location.bucket.bucketName}' of region ${region}, but the pipeline is in `
        + `${stack.region}: SageMaker reads training data only from its own region; copy the data to ${stack.region}`);
    }
  }

  const hyperparameters = Object.entries(props.hyperparameters ?? {});
  // CreateTrainingJob HyperParameters: at most 100 entries, keys up to 256 characters, values up to 2500.
  if (hyperparameters.length > 100) {
    throw new Error(`${p} hyperparameters has ${hyperparameters.length} entries: SageMaker accepts at most 100; pass the rest in a channel or environment`);
  }
  for (const [key, value] of hyperparameters) {
    if (key.length > 256) {
      throw new Error(`${p} hyperparameter key '${key.slice(0, 32)}...' is ${key.length} characters: SageMaker accepts at most 256`);
    }
    if (!Token.isUnresolved(value) && value.length > 2500) {
      throw new Error(`${p} hyperparameter '${key}' has a value of ${value.length} characters: SageMaker accepts at most 2500; `
        + 'pass large values in a channel instead');
    }
  }

  for (const m of props.metricDefinitions ?? []) {
    checkMetricDefinition(m);
  }

  for (const [name, params] of [['scheduleParameters', props.scheduleParameters], ['newDataTrigger parameters', props.newDataTrigger?.parameters]] as const) {
    for (const key of ['TrainingDataUri', 'TestDataUri']) {
      const value = params?.[key];
      if (value !== undefined && !Token.isUnresolved(value) && !value.startsWith('<') && !S3_URI_PATTERN.test(value)) {
        throw new Error(`${p} ${name} ${key} '${value}' is not an S3 URI: give s3://<bucket>/<prefix>`);
      }
    }
  }
}

function checkPrefix(what: string, prefix: string | undefined): void {
  if (prefix === undefined || Token.isUnresolved(prefix)) {
    return;
  }
  if (/^s3:\/\//i.test(prefix) || prefix.startsWith('/')) {
    throw new Error(`${what} prefix '${prefix}' must be a key prefix inside the bucket: drop the 's3://<bucket>' part and the leading '/'`);
  }
}

function checkMetricDefinition(m: MetricDefinition): void {
  const p = 'trainingPipeline metricDefinitions';
  if (!m.name || m.name.length > 255) {
    throw new Error(`${p} name '${m.name}' must be 1 to 255 characters`);
  }
  if (!m.regex || m.regex.length > 500) {
    throw new Error(`${p} '${m.name}' regex must be 1 to 500 characters, got ${m.regex?.length ?? 0}`);
  }
  let groups: number;
  try {
    // SageMaker uses Python's `re`: rewrite its named-group syntax before compiling as JavaScript.
    groups = new RegExp(`${m.regex.replace(/\(\?P</g, '(?<')}|`).exec('')!.length - 1;
  } catch (e) {
    throw new Error(`${p} '${m.name}' regex '${m.regex}' does not compile (${(e as Error).message}): fix the expression`);
  }
  if (groups < 1) {
    throw new Error(`${p} '${m.name}' regex '${m.regex}' has no capturing group: SageMaker takes the value from the first group, `
      + "e.g. 'train_loss=([0-9\\.]+);'");
  }
}
