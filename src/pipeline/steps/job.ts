import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { PipelineStep, PipelineStepProps } from './base';
import { APPROVAL_STATUSES, ApprovalStatusCondition, grantJobType, grantRegisterModel } from './grants';
import { ProcessingJobOptions } from '../jobs/processing-job';
import { TrainingJobOptions } from '../jobs/training-job';
import { TransformJobOptions } from '../jobs/transform-job';
import { checkJsonPath, checkPipelineName } from '../private/checks';
import { renderProcessingJob } from '../private/processing-job';
import {
  checkArgumentsStepProps, checkJobStepProps, checkProcessingJobOptions, checkPropertyFiles, checkTrainingJobOptions, checkTransformJobOptions,
} from '../private/props';
import { renderTrainingJob } from '../private/training-job';
import { renderTransformJob } from '../private/transform-job';
import { PipelineValue } from '../values';

/**
 * What every step that runs a SageMaker job takes.
 */
export interface JobStepOptions extends PipelineStepProps {
  /**
   * Reuse the result of an earlier execution whose step had the same
   * arguments, if it ran within this period.
   *
   * @default - no caching: the step runs every time
   */
  readonly cacheExpireAfter?: Duration;
}

/**
 * What a step that takes its job's raw request takes.
 */
export interface JobStepProps extends JobStepOptions {
  /**
   * The request of the job's Create API (`CreateModel`, `CreateModelPackage`,
   * ...), PascalCase as in the API reference, without the job or model name
   * (SageMaker Pipelines names them itself). Raw JSON on purpose: any field
   * of the API may be given; values may be `PipelineValue`s and may hold CDK tokens.
   */
  readonly arguments: { [key: string]: any };
}

/**
 * A step that runs a SageMaker job.
 *
 * @example
 * declare const job: JobStep;
 * const request = job.arguments;
 */
export abstract class JobStep extends PipelineStep {
  /**
   * The job request, before `PipelineValue`s are rendered (raw JSON in the
   * API's spelling, whether it came from typed options or `arguments`).
   */
  public readonly arguments: { [key: string]: any };

  private readonly cacheExpireAfter?: Duration;

  protected constructor(stepType: string, props: JobStepOptions, request: { [key: string]: any }) {
    super(stepType, props);
    this.arguments = request;
    this.cacheExpireAfter = props.cacheExpireAfter;
  }

  protected renderArguments(): any {
    return this.arguments;
  }

  protected renderExtra(): { [key: string]: any } {
    return this.cacheExpireAfter
      ? { CacheConfig: { Enabled: true, ExpireAfter: this.cacheExpireAfter.toIsoString() } }
      : {};
  }
}

/**
 * The request of a step that takes typed options or, as an escape hatch, raw arguments. The props
 * are checked first, before anything is rendered (`example` shows valid props).
 */
function requestOf<T>(kind: string, props: { name: string; job?: T; arguments?: { [key: string]: any } }, example: string,
  checkJob: (what: string, job: T) => void, render: (property: string, job: T) => { [key: string]: any }): { [key: string]: any } {
  checkJobStepProps(kind, props, example);
  const { name, job, arguments: args } = props;
  if (job) {
    checkJob(`${kind} '${name}' job`, job);
  }
  if (job && args) {
    throw new Error(`${kind} '${name}' has both job and arguments: give the typed job, or arguments (the raw request), not both`);
  }
  if (job) {
    return render(`${kind} '${name}' job`, job);
  }
  if (!args) {
    throw new Error(`${kind} '${name}' has neither job nor arguments: give the typed job (or arguments, the raw request)`);
  }
  return args;
}

/** The raw request of a step that takes nothing else, its props checked first. */
function argumentsOf(kind: string, props: JobStepProps, example: string): { [key: string]: any } {
  checkArgumentsStepProps(kind, props, example);
  return props.arguments;
}

/** Lets the execution role pass a job's own role, when it is another role. */
function grantPassJobRole(role: iam.IRole | undefined, executionRole: iam.IGrantable): void {
  if (role && role.grantPrincipal !== executionRole.grantPrincipal) {
    role.grantPassRole(executionRole.grantPrincipal);
  }
}

/**
 * What a training step takes: the typed job, or its raw request.
 */
export interface TrainingStepProps extends JobStepOptions {
  /**
   * The training job.
   *
   * @default - `arguments` must be given
   */
  readonly job?: TrainingJobOptions;

  /**
   * Escape hatch: the raw `CreateTrainingJob` request (PascalCase, without
   * `TrainingJobName`), for fields `job` does not cover. Raw JSON on purpose.
   *
   * @default - rendered from `job`
   */
  readonly arguments?: { [key: string]: any };
}

/**
 * A training job (`CreateTrainingJob`). Added to a pipeline, it grants the
 * execution role `CreateTrainingJob`, `DescribeTrainingJob`, `StopTrainingJob`
 * and `AddTags` on the training jobs of the account and region.
 *
 * @example
 * declare const role: iam.IRole;
 * const train = new TrainingStep({
 *   name: 'Train',
 *   job: {
 *     image: PipelineValue.fromString('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1'),
 *     role,
 *     channels: [{ channelName: 'train', s3Uri: PipelineValue.fromString('s3://bucket/train/') }],
 *     outputS3Uri: 's3://bucket/models',
 *   },
 * });
 * const modelUri = train.modelArtifactsS3Uri;
 */
export class TrainingStep extends JobStep {
  private readonly jobRole?: iam.IRole;

  constructor(props: TrainingStepProps) {
    super('Training', props, requestOf('trainingStep', props, "{ name: 'Train', job: { image, role, channels, outputS3Uri } }",
      checkTrainingJobOptions, renderTrainingJob));
    this.jobRole = props.job?.role;
  }

  /** The S3 URI of the model archive (`ModelArtifacts.S3ModelArtifacts`). */
  public get modelArtifactsS3Uri(): PipelineValue {
    return this.property('ModelArtifacts.S3ModelArtifacts');
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    grantJobType(scope, executionRole, 'training-job',
      ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob']);
    grantPassJobRole(this.jobRole, executionRole);
  }
}

/**
 * A JSON file that a processing step writes to one of its outputs, for later
 * steps to read with `Std:JsonGet`.
 */
export interface PropertyFile {
  /** The file's name in the definition: 1 to 64 letters, digits, `-` or `_`. */
  readonly name: string;
  /** The `OutputName` of the processing output that holds the file. */
  readonly outputName: string;
  /** The file's path relative to that output's local path, e.g. `evaluation.json`. */
  readonly filePath: string;
}

/**
 * What a processing step takes: the typed job, or its raw request.
 */
export interface ProcessingStepProps extends JobStepOptions {
  /**
   * The processing job.
   *
   * @default - `arguments` must be given
   */
  readonly job?: ProcessingJobOptions;

  /**
   * Escape hatch: the raw `CreateProcessingJob` request (PascalCase, without
   * `ProcessingJobName`), for fields `job` does not cover. Raw JSON on purpose.
   *
   * @default - rendered from `job`
   */
  readonly arguments?: { [key: string]: any };

  /**
   * JSON files the job writes, for later steps to read.
   *
   * @default - none
   */
  readonly propertyFiles?: PropertyFile[];
}

/**
 * A processing job (`CreateProcessingJob`), optionally with property files.
 * Added to a pipeline, it grants the execution role `CreateProcessingJob`,
 * `DescribeProcessingJob`, `StopProcessingJob` and `AddTags` on the
 * processing jobs of the account and region.
 *
 * @example
 * declare const role: iam.IRole;
 * const evaluate = new ProcessingStep({
 *   name: 'Evaluate',
 *   job: {
 *     image: PipelineValue.fromString('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1'),
 *     role,
 *     entrypoint: ['evaluate'],
 *     outputs: [{ outputName: 'evaluation', s3Uri: PipelineValue.fromString('s3://bucket/eval'), localPath: '/opt/ml/processing/evaluation' }],
 *   },
 *   propertyFiles: [{ name: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' }],
 * });
 * const mse = evaluate.jsonGet('Evaluation', 'regression_metrics.mse.value');
 */
export class ProcessingStep extends JobStep {
  /** The property files the job writes. */
  public readonly propertyFiles: PropertyFile[];

  private readonly jobRole?: iam.IRole;

  constructor(props: ProcessingStepProps) {
    super('Processing', props, requestOf('processingStep', props, "{ name: 'Evaluate', job: { image, role } }",
      checkProcessingJobOptions, renderProcessingJob));
    checkPropertyFiles('processingStep', props.propertyFiles);
    this.jobRole = props.job?.role;
    this.propertyFiles = props.propertyFiles ?? [];
    const seen = new Set<string>();
    for (const file of this.propertyFiles) {
      checkPipelineName('property file', file.name);
      if (seen.has(file.name)) {
        throw new Error(`processingStep '${props.name}' propertyFiles name '${file.name}' is used twice: give each file its own name`);
      }
      seen.add(file.name);
      if (!file.outputName || !file.filePath) {
        const missing = [!file.outputName ? 'outputName' : undefined, !file.filePath ? 'filePath' : undefined].filter(Boolean).join(' and ');
        throw new Error(`processingStep '${props.name}' propertyFiles '${file.name}' has no ${missing}: `
          + 'give the OutputName of the output that holds the file and its path inside that output');
      }
    }
  }

  public get propertyFileNames(): string[] {
    return this.propertyFiles.map((f) => f.name);
  }

  /**
   * A value read from one of this step's property files (`Std:JsonGet`).
   *
   * @param propertyFileName the name of a property file of this step
   * @param path a JSON path into the file, e.g. `regression_metrics.mse.value`
   */
  public jsonGet(propertyFileName: string, path: string): PipelineValue {
    if (!this.propertyFileNames.includes(propertyFileName)) {
      const known = this.propertyFileNames.length > 0 ? this.propertyFileNames.join(', ') : 'none';
      throw new Error(`processingStep '${this.name}' has no property file '${propertyFileName}' (it has: ${known}): `
        + 'declare it in propertyFiles');
    }
    checkJsonPath(path);
    return PipelineValue.jsonGet(this.name, propertyFileName, path);
  }

  /**
   * The S3 URI of one of the job's outputs.
   *
   * @param outputName the `OutputName` of the output
   */
  public outputS3Uri(outputName: string): PipelineValue {
    return this.property(`ProcessingOutputConfig.Outputs['${outputName}'].S3Output.S3Uri`);
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    grantJobType(scope, executionRole, 'processing-job',
      ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob']);
    grantPassJobRole(this.jobRole, executionRole);
  }

  protected renderExtra(): { [key: string]: any } {
    return {
      ...super.renderExtra(),
      ...(this.propertyFiles.length > 0 ? {
        PropertyFiles: this.propertyFiles.map((f) => ({ PropertyFileName: f.name, OutputName: f.outputName, FilePath: f.filePath })),
      } : {}),
    };
  }
}

/**
 * What a transform step takes: the typed job, or its raw request.
 */
export interface TransformStepProps extends JobStepOptions {
  /**
   * The transform job.
   *
   * @default - `arguments` must be given
   */
  readonly job?: TransformJobOptions;

  /**
   * Escape hatch: the raw `CreateTransformJob` request (PascalCase, without
   * `TransformJobName`), for fields `job` does not cover (batch strategy,
   * split type, data processing, ...). Raw JSON on purpose.
   *
   * @default - rendered from `job`
   */
  readonly arguments?: { [key: string]: any };
}

/**
 * A batch transform job (`CreateTransformJob`). Added to a pipeline, it
 * grants the execution role `CreateTransformJob`, `DescribeTransformJob`,
 * `StopTransformJob` and `AddTags` on the transform jobs of the account and region.
 *
 * @example
 * declare const model: CreateModelStep;
 * const transform = new TransformStep({
 *   name: 'Score',
 *   job: {
 *     modelName: model.modelName,
 *     inputS3Uri: PipelineValue.fromString('s3://bucket/input'),
 *     outputS3Uri: PipelineValue.fromString('s3://bucket/output'),
 *     contentType: 'text/csv',
 *   },
 * });
 */
export class TransformStep extends JobStep {
  constructor(props: TransformStepProps) {
    super('Transform', props, requestOf('transformStep', props, "{ name: 'Score', job: { modelName, inputS3Uri, outputS3Uri } }",
      checkTransformJobOptions, renderTransformJob));
  }

  /** Where the job wrote its output (`TransformOutput.S3OutputPath`). */
  public get outputS3Path(): PipelineValue {
    return this.property('TransformOutput.S3OutputPath');
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    grantJobType(scope, executionRole, 'transform-job',
      ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob']);
  }
}

/**
 * A SageMaker model (`CreateModel`), e.g. for a transform step to run. Added
 * to a pipeline, it grants the execution role `CreateModel`, `DescribeModel`
 * and `AddTags` on the models of the account and region.
 *
 * @example
 * declare const role: iam.IRole;
 * const model = new CreateModelStep({
 *   name: 'CreateModel',
 *   arguments: {
 *     ExecutionRoleArn: role.roleArn,
 *     PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1', ModelDataUrl: 's3://bucket/model.tar.gz' },
 *   },
 * });
 */
export class CreateModelStep extends JobStep {
  constructor(props: JobStepProps) {
    super('Model', props, argumentsOf('createModelStep', props, "{ name: 'CreateModel', arguments: { ExecutionRoleArn, PrimaryContainer } }"));
  }

  /** The name SageMaker gave the model (`ModelName`). */
  public get modelName(): PipelineValue {
    return this.property('ModelName');
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    grantJobType(scope, executionRole, 'model', ['sagemaker:CreateModel', 'sagemaker:DescribeModel']);
  }
}

/**
 * Registers a model version in a model package group (`CreateModelPackage`).
 * Added to a pipeline, it grants the execution role registering versions in
 * the group its `ModelPackageGroupName` names; a group named by a pipeline
 * value is known only at execution time, and then the caller grants it
 * (`IModelPackageGroup.grantRegister`).
 *
 * The grant carries a `sagemaker:ModelApprovalStatus` condition: the role may
 * register exactly the literal `ModelApprovalStatus` of the arguments (without
 * one, SageMaker's default `PendingManualApproval`). A status that a pipeline
 * value sets at execution time may be `PendingManualApproval` or `Rejected`,
 * never `Approved`: whoever starts the pipeline cannot approve what it registers.
 *
 * @example
 * const register = new RegisterModelStep({
 *   name: 'Register',
 *   arguments: {
 *     ModelPackageGroupName: 'my-models',
 *     ModelApprovalStatus: 'PendingManualApproval',
 *     InferenceSpecification: {
 *       Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1', ModelDataUrl: 's3://bucket/model.tar.gz' }],
 *       SupportedContentTypes: ['text/csv'],
 *       SupportedResponseMIMETypes: ['text/csv'],
 *     },
 *   },
 * });
 */
export class RegisterModelStep extends JobStep {
  constructor(props: JobStepProps) {
    super('RegisterModel', props, argumentsOf('registerModelStep', props,
      "{ name: 'Register', arguments: { ModelPackageGroupName, InferenceSpecification } }"));
  }

  /** The ARN of the new model package version (`ModelPackageArn`). */
  public get modelPackageArn(): PipelineValue {
    return this.property('ModelPackageArn');
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    const group = this.arguments.ModelPackageGroupName;
    if (typeof group === 'string') {
      grantRegisterModel(scope, executionRole, group, this.approvalStatuses());
    }
  }

  /**
   * What the execution role may register: the literal status of the arguments; without one,
   * SageMaker's default (PendingManualApproval); a status set at execution time (a pipeline
   * value, a deploy-time token) may not be Approved, so that no execution input approves a version.
   */
  private approvalStatuses(): ApprovalStatusCondition {
    const status = this.arguments.ModelApprovalStatus;
    if (status === undefined) {
      return { statuses: ['PendingManualApproval'], ifExists: true };
    }
    if (typeof status !== 'string' || Token.isUnresolved(status)) {
      return { statuses: ['PendingManualApproval', 'Rejected'] };
    }
    if (!APPROVAL_STATUSES.includes(status)) {
      throw new Error(`registerModelStep '${this.name}' arguments.ModelApprovalStatus '${status}' is not an approval status: `
        + `give one of ${APPROVAL_STATUSES.join(', ')}`);
    }
    return { statuses: [status] };
  }
}
