import { Duration } from 'aws-cdk-lib';
import { checkJsonPath, checkPipelineName } from './private/checks';
import { renderPipelineJson } from './private/render';
import { PipelineValue } from './values';

/**
 * What every step takes.
 */
export interface PipelineStepProps {
  /**
   * The step's name, unique in the pipeline: 1 to 64 letters, digits, `-` or `_`.
   */
  readonly name: string;

  /**
   * What the step does.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Steps that must finish before this one starts, beyond those whose
   * properties its arguments read (SageMaker infers those).
   *
   * @default - none
   */
  readonly dependsOn?: PipelineStep[];
}

/**
 * What a step that runs a SageMaker job takes.
 */
export interface JobStepProps extends PipelineStepProps {
  /**
   * The request of the job's Create API (`CreateTrainingJob`,
   * `CreateProcessingJob`, `CreateTransformJob`, `CreateModel`,
   * `CreateModelPackage`), PascalCase as in the API reference, without the
   * job name (SageMaker Pipelines names jobs itself). Values may be
   * `PipelineValue`s and may hold CDK tokens.
   */
  readonly arguments: { [key: string]: any };

  /**
   * Reuse the result of an earlier execution whose step had the same
   * arguments, if it ran within this period.
   *
   * @default - no caching: the step runs every time
   */
  readonly cacheExpireAfter?: Duration;
}

/**
 * A step of a SageMaker pipeline.
 *
 * @example
 * declare const step: PipelineStep;
 * const after = new FailStep({ name: 'Stop', dependsOn: [step], errorMessage: PipelineValue.fromString('stopped') });
 */
export abstract class PipelineStep {
  /** The step's name. */
  public readonly name: string;

  /** The step's type in the definition (`Training`, `Processing`, ...). */
  public readonly stepType: string;

  /**
   * What the step does.
   *
   * @default - none
   */
  public readonly description?: string;

  /** Names of the steps that must finish first. */
  public readonly dependsOn: string[];

  protected constructor(stepType: string, props: PipelineStepProps) {
    checkPipelineName('step', props.name);
    this.name = props.name;
    this.stepType = stepType;
    this.description = props.description;
    this.dependsOn = (props.dependsOn ?? []).map((s) => s.name);
  }

  /**
   * A property of this step at execution time, `{"Get": "Steps.<name>.<path>"}`.
   *
   * @param path the property path, as in the Describe API of the step's job
   */
  public property(path: string): PipelineValue {
    return PipelineValue.stepProperty(this.name, path);
  }

  /** The steps this one contains (the branches of a condition). */
  public get childSteps(): PipelineStep[] {
    return [];
  }

  /** The names of the property files this step writes. */
  public get propertyFileNames(): string[] {
    return [];
  }

  /** The step as it appears in the definition's `Steps`. */
  public toJson(): any {
    return {
      Name: this.name,
      Type: this.stepType,
      ...(this.dependsOn.length > 0 ? { DependsOn: this.dependsOn } : {}),
      ...(this.description !== undefined ? { Description: this.description } : {}),
      Arguments: renderPipelineJson(this.renderArguments()),
      ...this.renderExtra(),
    };
  }

  /** The step's `Arguments`, before `PipelineValue`s are rendered. */
  protected abstract renderArguments(): any;

  /** Step-level keys beyond `Name`, `Type`, `DependsOn`, `Description` and `Arguments`. */
  protected renderExtra(): { [key: string]: any } {
    return {};
  }
}

/**
 * A step that runs a SageMaker job from the arguments of its Create API.
 *
 * @example
 * declare const job: JobStep;
 * const request = job.arguments;
 */
export abstract class JobStep extends PipelineStep {
  /** The job request, before `PipelineValue`s are rendered. */
  public readonly arguments: { [key: string]: any };

  private readonly cacheExpireAfter?: Duration;

  protected constructor(stepType: string, props: JobStepProps) {
    super(stepType, props);
    this.arguments = props.arguments;
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
 * A training job (`CreateTrainingJob`).
 *
 * @example
 * declare const role: iam.IRole;
 * const train = new TrainingStep({
 *   name: 'Train',
 *   arguments: {
 *     AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1', TrainingInputMode: 'File' },
 *     RoleArn: role.roleArn,
 *     OutputDataConfig: { S3OutputPath: 's3://bucket/models' },
 *     ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
 *     StoppingCondition: { MaxRuntimeInSeconds: 3600 },
 *   },
 * });
 * const modelUri = train.modelArtifactsS3Uri;
 */
export class TrainingStep extends JobStep {
  constructor(props: JobStepProps) {
    super('Training', props);
  }

  /** The S3 URI of the model archive (`ModelArtifacts.S3ModelArtifacts`). */
  public get modelArtifactsS3Uri(): PipelineValue {
    return this.property('ModelArtifacts.S3ModelArtifacts');
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
 * What a processing step takes.
 */
export interface ProcessingStepProps extends JobStepProps {
  /**
   * JSON files the job writes, for later steps to read.
   *
   * @default - none
   */
  readonly propertyFiles?: PropertyFile[];
}

/**
 * A processing job (`CreateProcessingJob`), optionally with property files.
 *
 * @example
 * declare const role: iam.IRole;
 * const evaluate = new ProcessingStep({
 *   name: 'Evaluate',
 *   arguments: {
 *     AppSpecification: { ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1', ContainerEntrypoint: ['evaluate'] },
 *     ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } },
 *     ProcessingOutputConfig: { Outputs: [{ OutputName: 'evaluation', S3Output: { S3Uri: 's3://bucket/eval', LocalPath: '/opt/ml/processing/evaluation', S3UploadMode: 'EndOfJob' } }] },
 *     RoleArn: role.roleArn,
 *   },
 *   propertyFiles: [{ name: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' }],
 * });
 * const mse = evaluate.jsonGet('Evaluation', 'regression_metrics.mse.value');
 */
export class ProcessingStep extends JobStep {
  /** The property files the job writes. */
  public readonly propertyFiles: PropertyFile[];

  constructor(props: ProcessingStepProps) {
    super('Processing', props);
    this.propertyFiles = props.propertyFiles ?? [];
    const seen = new Set<string>();
    for (const file of this.propertyFiles) {
      checkPipelineName('property file', file.name);
      if (seen.has(file.name)) {
        throw new Error(`processing step '${props.name}' declares property file '${file.name}' twice: give each file its own name`);
      }
      seen.add(file.name);
      if (!file.outputName || !file.filePath) {
        throw new Error(`processing step '${props.name}' property file '${file.name}' needs an outputName and a filePath`);
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
      throw new Error(`processing step '${this.name}' has no property file '${propertyFileName}' (it has: ${known}): `
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
 * A batch transform job (`CreateTransformJob`).
 *
 * @example
 * const transform = new TransformStep({
 *   name: 'Score',
 *   arguments: {
 *     ModelName: 'my-model',
 *     TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/input' } }, ContentType: 'text/csv' },
 *     TransformOutput: { S3OutputPath: 's3://bucket/output' },
 *     TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
 *   },
 * });
 */
export class TransformStep extends JobStep {
  constructor(props: JobStepProps) {
    super('Transform', props);
  }

  /** Where the job wrote its output (`TransformOutput.S3OutputPath`). */
  public get outputS3Path(): PipelineValue {
    return this.property('TransformOutput.S3OutputPath');
  }
}

/**
 * A SageMaker model (`CreateModel`), e.g. for a transform step to run.
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
    super('Model', props);
  }

  /** The name SageMaker gave the model (`ModelName`). */
  public get modelName(): PipelineValue {
    return this.property('ModelName');
  }
}

/**
 * Registers a model version in a model package group (`CreateModelPackage`).
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
    super('RegisterModel', props);
  }

  /** The ARN of the new model package version (`ModelPackageArn`). */
  public get modelPackageArn(): PipelineValue {
    return this.property('ModelPackageArn');
  }
}

/**
 * What a fail step takes.
 */
export interface FailStepProps extends PipelineStepProps {
  /**
   * Why the execution fails; `PipelineValue.join` builds a message from values.
   */
  readonly errorMessage: PipelineValue;
}

/**
 * Ends the execution as failed, with a message.
 *
 * @example
 * const fail = new FailStep({
 *   name: 'QualityTooLow',
 *   errorMessage: PipelineValue.fromString('the model did not pass the quality gate'),
 * });
 */
export class FailStep extends PipelineStep {
  /** The error message. */
  public readonly errorMessage: PipelineValue;

  constructor(props: FailStepProps) {
    super('Fail', props);
    this.errorMessage = props.errorMessage;
  }

  protected renderArguments(): any {
    return { ErrorMessage: this.errorMessage };
  }
}

/**
 * How a condition compares its two values.
 */
export enum ConditionOperator {
  /** left > right */
  GREATER_THAN = 'GreaterThan',
  /** left ≥ right */
  GREATER_THAN_OR_EQUAL_TO = 'GreaterThanOrEqualTo',
  /** left < right */
  LESS_THAN = 'LessThan',
  /** left ≤ right */
  LESS_THAN_OR_EQUAL_TO = 'LessThanOrEqualTo',
  /** left = right */
  EQUALS = 'Equals',
  /**
   * left ≠ right, rendered as a `Not` condition around an `Equals` one (what
   * the SageMaker Python SDK's `ConditionNot` writes).
   */
  NOT_EQUALS = 'NotEquals',
}

/**
 * A comparison in a condition step.
 *
 * @example
 * declare const evaluate: ProcessingStep;
 * const good = PipelineCondition.lessThanOrEqualTo(
 *   evaluate.jsonGet('Evaluation', 'regression_metrics.mse.value'),
 *   PipelineValue.fromNumber(0.2),
 * );
 */
export class PipelineCondition {
  /**
   * Compares two values.
   *
   * @param left the value compared
   * @param comparison how
   * @param right the value it is compared to
   */
  public static compare(left: PipelineValue, comparison: ConditionOperator, right: PipelineValue): PipelineCondition {
    return new PipelineCondition(left, comparison, right);
  }

  /** left > right */
  public static greaterThan(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return new PipelineCondition(left, ConditionOperator.GREATER_THAN, right);
  }

  /** left ≥ right */
  public static greaterThanOrEqualTo(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return new PipelineCondition(left, ConditionOperator.GREATER_THAN_OR_EQUAL_TO, right);
  }

  /** left < right */
  public static lessThan(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return new PipelineCondition(left, ConditionOperator.LESS_THAN, right);
  }

  /** left ≤ right */
  public static lessThanOrEqualTo(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return new PipelineCondition(left, ConditionOperator.LESS_THAN_OR_EQUAL_TO, right);
  }

  /** left = right */
  public static equalTo(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return new PipelineCondition(left, ConditionOperator.EQUALS, right);
  }

  /** left ≠ right */
  public static notEqualTo(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return new PipelineCondition(left, ConditionOperator.NOT_EQUALS, right);
  }

  /** The value compared. */
  public readonly left: PipelineValue;
  /** How. */
  public readonly comparison: ConditionOperator;
  /** The value it is compared to. */
  public readonly right: PipelineValue;

  private constructor(left: PipelineValue, comparison: ConditionOperator, right: PipelineValue) {
    this.left = left;
    this.comparison = comparison;
    this.right = right;
  }

  /** The condition as it appears in a condition step's `Conditions`. */
  public toJson(): any {
    if (this.comparison === ConditionOperator.NOT_EQUALS) {
      // The definition language has no NotEquals condition: the SageMaker Python SDK negates an
      // Equals with {"Type": "Not", "Condition": {...}} (sagemaker/workflow/conditions.py,
      // ConditionNot.to_request; its first form, with "Expression", was rejected by CreatePipeline:
      // aws/sagemaker-python-sdk issue 2746).
      return { Type: 'Not', Condition: this.comparisonJson(ConditionOperator.EQUALS) };
    }
    return this.comparisonJson(this.comparison);
  }

  private comparisonJson(type: ConditionOperator): any {
    return { Type: type, LeftValue: this.left.toJson(), RightValue: this.right.toJson() };
  }
}

/**
 * What a condition step takes.
 */
export interface ConditionStepProps extends PipelineStepProps {
  /** The conditions; all must hold for the `ifSteps` branch. */
  readonly conditions: PipelineCondition[];

  /**
   * The steps that run when every condition holds.
   *
   * @default - none
   */
  readonly ifSteps?: PipelineStep[];

  /**
   * The steps that run otherwise.
   *
   * @default - none
   */
  readonly elseSteps?: PipelineStep[];
}

/**
 * Branches on conditions. The steps of both branches belong to this step, not
 * to the pipeline's top-level list.
 *
 * @example
 * declare const good: PipelineCondition;
 * declare const register: RegisterModelStep;
 * const gate = new ConditionStep({
 *   name: 'QualityGate',
 *   conditions: [good],
 *   ifSteps: [register],
 *   elseSteps: [new FailStep({ name: 'TooWeak', errorMessage: PipelineValue.fromString('model too weak') })],
 * });
 */
export class ConditionStep extends PipelineStep {
  /** The conditions. */
  public readonly conditions: PipelineCondition[];
  /** The steps that run when every condition holds. */
  public readonly ifSteps: PipelineStep[];
  /** The steps that run otherwise. */
  public readonly elseSteps: PipelineStep[];

  constructor(props: ConditionStepProps) {
    super('Condition', props);
    if (props.conditions.length === 0) {
      throw new Error(`condition step '${props.name}' has no conditions: give at least one PipelineCondition`);
    }
    this.conditions = props.conditions;
    this.ifSteps = props.ifSteps ?? [];
    this.elseSteps = props.elseSteps ?? [];
  }

  public get childSteps(): PipelineStep[] {
    return [...this.ifSteps, ...this.elseSteps];
  }

  /** Whether the conditions held (`Outcome`), at execution time. */
  public get outcome(): PipelineValue {
    return this.property('Outcome');
  }

  protected renderArguments(): any {
    return {
      Conditions: this.conditions.map((c) => c.toJson()),
      IfSteps: this.ifSteps.map((s) => s.toJson()),
      ElseSteps: this.elseSteps.map((s) => s.toJson()),
    };
  }
}
