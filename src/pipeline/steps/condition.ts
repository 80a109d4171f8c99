import { PipelineStep, PipelineStepProps } from './base';
import { checkList, checkRequired } from '../../image/private/input';
import { checkStepProps, checkValue, isStep } from '../private/props';
import { PipelineValue } from '../values';

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
    super('Fail', checkFailStepProps(props));
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
    checkValue('pipelineCondition left', left);
    checkRequired('pipelineCondition comparison', comparison, (v) => Object.values(ConditionOperator).includes(v), 'a ConditionOperator',
      'ConditionOperator.LESS_THAN');
    checkValue('pipelineCondition right', right);
    this.left = left;
    this.comparison = comparison;
    this.right = right;
  }

  /**
   * The condition as it appears in a condition step's `Conditions`.
   *
   * @internal
   */
  public _toJson(): any {
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
    return { Type: type, LeftValue: this.left._toJson(), RightValue: this.right._toJson() };
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
    super('Condition', checkConditionStepProps(props));
    if (props.conditions.length === 0) {
      throw new Error(`conditionStep '${props.name}' conditions is empty: give at least one PipelineCondition`);
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
      Conditions: this.conditions.map((c) => c._toJson()),
      IfSteps: this.ifSteps.map((s) => s._toJson()),
      ElseSteps: this.elseSteps.map((s) => s._toJson()),
    };
  }
}

function checkFailStepProps(props: FailStepProps): FailStepProps {
  checkStepProps('failStep', props, "{ name: 'Stop', errorMessage: PipelineValue.fromString('the model is too weak') }");
  checkValue('failStep errorMessage', props.errorMessage);
  return props;
}

function checkConditionStepProps(props: ConditionStepProps): ConditionStepProps {
  checkStepProps('conditionStep', props, "{ name: 'Gate', conditions: [PipelineCondition.lessThan(mse, PipelineValue.fromNumber(0.25))] }");
  checkRequired('conditionStep conditions', props.conditions, Array.isArray, 'a list of PipelineConditions',
    '[PipelineCondition.lessThan(mse, PipelineValue.fromNumber(0.25))]');
  checkList('conditionStep conditions', props.conditions, (v) => v instanceof PipelineCondition, 'a PipelineCondition',
    'PipelineCondition.lessThan(mse, PipelineValue.fromNumber(0.25))');
  checkList('conditionStep ifSteps', props.ifSteps, isStep, 'a PipelineStep', 'registerStep');
  checkList('conditionStep elseSteps', props.elseSteps, isStep, 'a PipelineStep', "new FailStep({ name: 'Stop', errorMessage })");
  return props;
}
