import { Token } from 'aws-cdk-lib';
import { checkJsonPath, checkPipelineName } from './private/checks';
import { floatLiteralMarker } from './private/float';
import { checkList, checkOptional, checkRequired, checkStruct, isBoolean, isNumber, isString } from '../image/private/input';

/**
 * A value in a SageMaker pipeline definition: a literal, a pipeline parameter,
 * a property of another step, an execution variable, `Std:Join` or `Std:JsonGet`.
 *
 * Put it anywhere in a step's arguments; the definition renders it as the JSON
 * SageMaker expects (`{"Get": "Parameters.X"}`, ...). Literals may hold CDK
 * tokens (a bucket name, a role ARN): the definition is rendered with
 * `Stack.toJsonString`, so they resolve at deploy time.
 *
 * @example
 * const uri = PipelineValue.join([
 *   PipelineValue.fromString('s3://bucket/runs/'),
 *   PipelineValue.executionId(),
 * ], '');
 */
export class PipelineValue {
  /** A literal string (may hold CDK tokens). */
  public static fromString(value: string): PipelineValue {
    checkRequired('pipelineValue.fromString value', value, isString, 'a string', "'s3://bucket/prefix'");
    return new PipelineValue(value);
  }

  /** A literal number. */
  public static fromNumber(value: number): PipelineValue {
    checkRequired('pipelineValue.fromNumber value', value, isNumber, 'a number', '0.25');
    return new PipelineValue(value);
  }

  /** A literal boolean. */
  public static fromBoolean(value: boolean): PipelineValue {
    checkRequired('pipelineValue.fromBoolean value', value, isBoolean, 'true or false', 'true');
    return new PipelineValue(value);
  }

  /**
   * The value of a pipeline parameter by name (`{"Get": "Parameters.<name>"}`).
   *
   * Prefer `PipelineParameter.value`; the definition checks that the parameter is declared.
   */
  public static parameter(name: string): PipelineValue {
    checkPipelineName('parameter', name);
    return new PipelineValue({ Get: `Parameters.${name}` });
  }

  /**
   * A property of a step (`{"Get": "Steps.<step>.<path>"}`), e.g.
   * `ModelArtifacts.S3ModelArtifacts` of a training step.
   *
   * Prefer the step's own helpers (`TrainingStep.modelArtifactsS3Uri`, ...).
   *
   * @param stepName the step's name
   * @param path the property path, as in the Describe API of the step's job
   */
  public static stepProperty(stepName: string, path: string): PipelineValue {
    checkRequired('pipelineValue.stepProperty stepName', stepName, isString, 'a string', "'Train'");
    checkPipelineName('step', stepName);
    checkRequired('pipelineValue.stepProperty path', path, isString, 'a string', "'ModelArtifacts.S3ModelArtifacts'");
    if (!path || path.startsWith('.')) {
      throw new Error(`pipeline step property path '${path}' of step '${stepName}' is invalid: give a path such as 'ModelArtifacts.S3ModelArtifacts'`);
    }
    return new PipelineValue({ Get: `Steps.${stepName}.${path}` });
  }

  /** The ID of the running execution (`{"Get": "Execution.PipelineExecutionId"}`). */
  public static executionId(): PipelineValue {
    return new PipelineValue({ Get: 'Execution.PipelineExecutionId' });
  }

  /** The ARN of the running execution (`{"Get": "Execution.PipelineExecutionArn"}`). */
  public static executionArn(): PipelineValue {
    return new PipelineValue({ Get: 'Execution.PipelineExecutionArn' });
  }

  /**
   * Joins values into a string at execution time (`Std:Join`).
   *
   * @param values the parts
   * @param separator what goes between them
   */
  public static join(values: PipelineValue[], separator: string = ''): PipelineValue {
    checkRequired('pipelineValue.join values', values, Array.isArray, 'a list of PipelineValues', "[PipelineValue.fromString('s3://bucket/'), PipelineValue.executionId()]");
    checkList('pipelineValue.join values', values, (v) => v instanceof PipelineValue, 'a PipelineValue', 'PipelineValue.executionId()');
    checkRequired('pipelineValue.join separator', separator, isString, 'a string', "'/'");
    return new PipelineValue({ 'Std:Join': { On: separator, Values: values.map((v) => v.json) } });
  }

  /**
   * Reads a value from a JSON property file that a processing step wrote (`Std:JsonGet`).
   *
   * Prefer `ProcessingStep.jsonGet`, which checks that the step declares the file.
   *
   * @param stepName the processing step
   * @param propertyFileName the name of the property file on that step
   * @param path a JSON path into the file, e.g. `regression_metrics.mse.value`
   */
  public static jsonGet(stepName: string, propertyFileName: string, path: string): PipelineValue {
    checkRequired('pipelineValue.jsonGet stepName', stepName, isString, 'a string', "'Evaluate'");
    checkRequired('pipelineValue.jsonGet propertyFileName', propertyFileName, isString, 'a string', "'Evaluation'");
    checkPipelineName('step', stepName);
    checkPipelineName('property file', propertyFileName);
    checkRequired('pipelineValue.jsonGet path', path, isString, 'a string', "'regression_metrics.mse.value'");
    checkJsonPath(path);
    return new PipelineValue({
      'Std:JsonGet': { PropertyFile: { Get: `Steps.${stepName}.PropertyFiles.${propertyFileName}` }, Path: path },
    });
  }

  /** @internal */
  public static _literal(value: string | number | boolean): PipelineValue {
    return new PipelineValue(value);
  }

  /** @internal */
  public static _isPipelineValue(x: any): x is PipelineValue {
    return x instanceof PipelineValue;
  }

  /** Definition JSON: untyped on purpose, it is the schema's own spelling. */
  private readonly json: any;

  private constructor(json: any) {
    this.json = json;
  }

  /**
   * The value as it appears in the definition JSON.
   *
   * @internal
   */
  public _toJson(): any {
    return this.json;
  }
}

/**
 * The type of a pipeline parameter.
 */
export enum PipelineParameterType {
  /** A string. */
  STRING = 'String',
  /** A whole number. */
  INTEGER = 'Integer',
  /** A floating-point number. */
  FLOAT = 'Float',
  /** `true` or `false`. */
  BOOLEAN = 'Boolean',
}

/**
 * Options of a pipeline parameter.
 */
export interface PipelineParameterOptions {
  /**
   * What the parameter is for.
   *
   * @default - no description
   */
  readonly description?: string;
}

/**
 * A parameter of a SageMaker pipeline: what an execution (CI, a schedule, an
 * event) may override without a redeploy.
 *
 * @example
 * const threshold = PipelineParameter.floatParameter('MseThreshold', 0.5);
 * const condition = PipelineCondition.lessThanOrEqualTo(PipelineValue.fromNumber(0.1), threshold.value);
 */
export class PipelineParameter {
  /**
   * A string parameter.
   *
   * @param name 1 to 64 letters, digits, `-` or `_`
   * @param defaultValue the value when an execution gives none (may hold CDK tokens)
   */
  public static stringParameter(name: string, defaultValue?: string, options: PipelineParameterOptions = {}): PipelineParameter {
    checkOptional('pipelineParameter.stringParameter defaultValue', defaultValue, isString, 'a string', "'s3://bucket/input'");
    return new PipelineParameter(name, PipelineParameterType.STRING, defaultValue, options);
  }

  /**
   * An integer parameter.
   *
   * @param name 1 to 64 letters, digits, `-` or `_`
   * @param defaultValue the value when an execution gives none
   */
  public static integerParameter(name: string, defaultValue?: number, options: PipelineParameterOptions = {}): PipelineParameter {
    checkOptional('pipelineParameter.integerParameter defaultValue', defaultValue, isNumber, 'a number', '2');
    if (defaultValue !== undefined && !Token.isUnresolved(defaultValue) && !Number.isInteger(defaultValue)) {
      throw new Error(`pipeline parameter '${name}' is an integer but its default value is ${defaultValue}: give a whole number`);
    }
    return new PipelineParameter(name, PipelineParameterType.INTEGER, defaultValue, options);
  }

  /**
   * A float parameter.
   *
   * @param name 1 to 64 letters, digits, `-` or `_`
   * @param defaultValue the value when an execution gives none
   */
  public static floatParameter(name: string, defaultValue?: number, options: PipelineParameterOptions = {}): PipelineParameter {
    checkOptional('pipelineParameter.floatParameter defaultValue', defaultValue, isNumber, 'a number', '0.25');
    return new PipelineParameter(name, PipelineParameterType.FLOAT, defaultValue, options);
  }

  /**
   * A boolean parameter.
   *
   * @param name 1 to 64 letters, digits, `-` or `_`
   * @param defaultValue the value when an execution gives none
   */
  public static booleanParameter(name: string, defaultValue?: boolean, options: PipelineParameterOptions = {}): PipelineParameter {
    checkOptional('pipelineParameter.booleanParameter defaultValue', defaultValue, isBoolean, 'true or false', 'false');
    return new PipelineParameter(name, PipelineParameterType.BOOLEAN, defaultValue, options);
  }

  /** The parameter's name. */
  public readonly name: string;

  /** The parameter's type. */
  public readonly parameterType: PipelineParameterType;

  /**
   * The default value, as a literal of the parameter's type.
   *
   * @default - none: every execution must give a value
   */
  public readonly defaultValue?: PipelineValue;

  /**
   * What the parameter is for.
   *
   * @default - none
   */
  public readonly description?: string;

  /** The parameter's value at execution time, to use in step arguments. */
  public readonly value: PipelineValue;

  private readonly defaultLiteral?: string | number | boolean;

  private constructor(name: string, type: PipelineParameterType, defaultValue: string | number | boolean | undefined,
    options: PipelineParameterOptions) {
    checkPipelineName('parameter', name);
    checkStruct('pipelineParameter options', options, false, "{ description: 'the input prefix' }");
    checkOptional('pipelineParameter options description', options.description, isString, 'a string', "'the input prefix'");
    this.name = name;
    this.parameterType = type;
    this.defaultLiteral = defaultValue;
    this.defaultValue = defaultValue === undefined ? undefined : PipelineValue._literal(defaultValue);
    this.description = options.description;
    this.value = PipelineValue.parameter(name);
  }

  /**
   * The parameter as it appears in the definition's `Parameters`. With
   * `floatMarkers`, a Float default is written as a marker that the
   * definition's rendering turns into a number with a decimal point.
   *
   * @internal
   */
  public _toJson(floatMarkers: boolean = false): any {
    const value = this.defaultLiteral;
    const floatMarker = floatMarkers && this.parameterType === PipelineParameterType.FLOAT
      && typeof value === 'number' && !Token.isUnresolved(value);
    return {
      Name: this.name,
      Type: this.parameterType,
      ...(value !== undefined ? { DefaultValue: floatMarker ? floatLiteralMarker(value as number) : value } : {}),
      ...(this.description !== undefined ? { Description: this.description } : {}),
    };
  }
}
