import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { checkPipelineName } from '../private/checks';
import { renderPipelineJson } from '../private/render';
import { PipelineValue } from '../values';

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
 * A step of a SageMaker pipeline.
 *
 * A step grants its own permissions: `SageMakerPipeline.addStep` calls
 * `bind` on the step (and on the steps of its branches) with the pipeline's
 * execution role. A subclass for another step type overrides `bind`.
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

  /**
   * Grants the pipeline's execution role what running this step needs (the
   * Create, Describe and Stop actions of its job type, say). Called by
   * `SageMakerPipeline.addStep`; the steps of a condition's branches are bound
   * by the pipeline too. The default grants nothing (steps that run no job).
   *
   * @param scope the pipeline (its stack formats the ARNs)
   * @param executionRole the role SageMaker runs the pipeline as
   */
  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    void scope;
    void executionRole;
  }

  /**
   * The step as it appears in the definition's `Steps`.
   *
   * @internal
   */
  public _toJson(): any {
    return {
      Name: this.name,
      Type: this.stepType,
      ...(this.dependsOn.length > 0 ? { DependsOn: this.dependsOn } : {}),
      ...(this.description !== undefined ? { Description: this.description } : {}),
      Arguments: renderPipelineJson(this.renderArguments()),
      ...this.renderExtra(),
    };
  }

  /**
   * The step's `Arguments`, before `PipelineValue`s are rendered: a JSON
   * object in the definition's own spelling, hence untyped.
   */
  protected abstract renderArguments(): any;

  /**
   * Step-level keys beyond `Name`, `Type`, `DependsOn`, `Description` and
   * `Arguments`, as raw definition JSON.
   */
  protected renderExtra(): { [key: string]: any } {
    return {};
  }
}
