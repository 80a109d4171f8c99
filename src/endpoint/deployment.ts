import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { checkOptional, checkRequired, checkStruct, isNumber, wholeSeconds } from '../image/private/input';
import { checkInteger } from '../private/validate';

/**
 * How a `CapacitySize` counts (SageMaker `CapacitySize.Type`).
 */
export enum CapacitySizeType {
  /** A number of instances. */
  INSTANCE_COUNT = 'INSTANCE_COUNT',
  /** A percentage of the fleet. */
  CAPACITY_PERCENT = 'CAPACITY_PERCENT',
}

/**
 * How a blue/green update shifts traffic (SageMaker `TrafficRoutingConfig.Type`).
 */
export enum TrafficShiftingType {
  /** All traffic at once. */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
  /** A canary first, then the rest. */
  CANARY = 'CANARY',
  /** Equal steps. */
  LINEAR = 'LINEAR',
}

/**
 * A part of the variant's fleet: a number of instances or a percentage.
 *
 * @example
 * const oneInstance = CapacitySize.instances(1);
 * const quarter = CapacitySize.percent(25);
 * const canary = TrafficShifting.canary({ canarySize: quarter });
 */
export class CapacitySize {
  /**
   * A number of instances.
   *
   * @param count at least 1
   */
  public static instances(count: number): CapacitySize {
    checkRequired('capacitySize.instances count', count, isNumber, 'a number', '1');
    checkInteger('capacitySize.instances count', count, 1, Number.MAX_SAFE_INTEGER);
    return new CapacitySize(CapacitySizeType.INSTANCE_COUNT, count);
  }

  /**
   * A percentage of the fleet.
   *
   * @param percent 1 to 100
   */
  public static percent(percent: number): CapacitySize {
    checkRequired('capacitySize.percent percent', percent, isNumber, 'a number', '10');
    checkInteger('capacitySize.percent percent', percent, 1, 100);
    return new CapacitySize(CapacitySizeType.CAPACITY_PERCENT, percent);
  }

  /** Whether `value` counts instances or a percentage. */
  public readonly sizeType: CapacitySizeType;

  /** The number of instances or the percentage. */
  public readonly value: number;

  private constructor(type: CapacitySizeType, value: number) {
    this.sizeType = type;
    this.value = value;
  }
}

/**
 * Options of an all-at-once traffic shift.
 */
export interface AllAtOnceTrafficShiftingOptions {
  /**
   * The baking period: how long the rollback alarms watch the new fleet, which
   * takes all the traffic, before the old fleet goes (SageMaker
   * `TrafficRoutingConfig.WaitIntervalInSeconds`, 0 to 3600 seconds). Alarms
   * roll an update back only during a baking period, so a zero wait gives the
   * alarms no time to act.
   *
   * @default Duration.minutes(5)
   */
  readonly waitInterval?: Duration;
}

/**
 * Options of a canary traffic shift.
 */
export interface CanaryTrafficShiftingOptions {
  /**
   * The part of the new fleet that takes traffic first: at most 50% of the
   * fleet (SageMaker `TrafficRoutingConfig.CanarySize`).
   *
   * @default CapacitySize.percent(10)
   */
  readonly canarySize?: CapacitySize;

  /**
   * How long the canary takes traffic, watched by the rollback alarms, before the rest shifts.
   *
   * @default Duration.minutes(5)
   */
  readonly waitInterval?: Duration;
}

/**
 * Options of a linear traffic shift.
 */
export interface LinearTrafficShiftingOptions {
  /**
   * The part of the fleet that each step shifts: 10% to 50% of the fleet
   * (SageMaker `TrafficRoutingConfig.LinearStepSize`).
   *
   * @default CapacitySize.percent(20)
   */
  readonly stepSize?: CapacitySize;

  /**
   * How long each step is watched by the rollback alarms before the next.
   *
   * @default Duration.minutes(5)
   */
  readonly waitInterval?: Duration;
}

/**
 * How a blue/green update moves traffic from the old fleet to the new one.
 *
 * @example
 * const mode = EndpointMode.realtime({
 *   initialInstanceCount: 4,
 *   deployment: {
 *     trafficShifting: TrafficShifting.linear({ stepSize: CapacitySize.percent(25), waitInterval: Duration.minutes(5) }),
 *     terminationWait: Duration.minutes(10),
 *   },
 * });
 */
export class TrafficShifting {
  /**
   * All traffic at once, after the new fleet is healthy, then a baking period
   * in which the rollback alarms watch the new fleet before the old one goes.
   *
   * SageMaker requires `WaitIntervalInSeconds` for every traffic routing type
   * (API reference, TrafficRoutingConfig: "Required: Yes", 0 to 3600), and
   * its alarms roll back only during the baking period ("Use all at once
   * traffic shifting"), so the wait is always rendered.
   *
   * @param options the baking period
   */
  public static allAtOnce(options: AllAtOnceTrafficShiftingOptions = {}): TrafficShifting {
    checkShiftingOptions('allAtOnce', options);
    return new TrafficShifting(TrafficShiftingType.ALL_AT_ONCE, options.waitInterval ?? Duration.minutes(5));
  }

  /**
   * A canary first, then the rest.
   *
   * @param options canary size and wait
   */
  public static canary(options: CanaryTrafficShiftingOptions = {}): TrafficShifting {
    checkShiftingOptions('canary', options);
    checkOptional('trafficShifting.canary canarySize', options.canarySize, (v) => v instanceof CapacitySize, 'a CapacitySize', 'CapacitySize.percent(10)');
    const size = options.canarySize ?? CapacitySize.percent(10);
    if (size.sizeType === CapacitySizeType.CAPACITY_PERCENT && !Token.isUnresolved(size.value) && size.value > 50) {
      throw new Error(`trafficShifting.canary canarySize is ${size.value}%: SageMaker allows at most 50% of the fleet; `
        + 'give CapacitySize.percent(1..50) or a number of instances');
    }
    return new TrafficShifting(TrafficShiftingType.CANARY, options.waitInterval ?? Duration.minutes(5), size);
  }

  /**
   * Equal steps.
   *
   * @param options step size and wait
   */
  public static linear(options: LinearTrafficShiftingOptions = {}): TrafficShifting {
    checkShiftingOptions('linear', options);
    checkOptional('trafficShifting.linear stepSize', options.stepSize, (v) => v instanceof CapacitySize, 'a CapacitySize', 'CapacitySize.percent(20)');
    const size = options.stepSize ?? CapacitySize.percent(20);
    if (size.sizeType === CapacitySizeType.CAPACITY_PERCENT && !Token.isUnresolved(size.value) && (size.value < 10 || size.value > 50)) {
      throw new Error(`trafficShifting.linear stepSize is ${size.value}%: SageMaker allows 10% to 50% of the fleet per step; `
        + 'give CapacitySize.percent(10..50) or a number of instances');
    }
    return new TrafficShifting(TrafficShiftingType.LINEAR, options.waitInterval ?? Duration.minutes(5), undefined, size);
  }

  /** How traffic moves: all at once, canary or linear. */
  public readonly shiftingType: TrafficShiftingType;

  /** The baking period after each traffic shift, watched by the rollback alarms. */
  public readonly waitInterval: Duration;

  /**
   * The canary size.
   *
   * @default - none unless canary
   */
  public readonly canarySize?: CapacitySize;

  /**
   * The linear step size.
   *
   * @default - none unless linear
   */
  public readonly linearStepSize?: CapacitySize;

  private constructor(type: TrafficShiftingType, waitInterval: Duration, canarySize?: CapacitySize, linearStepSize?: CapacitySize) {
    this.shiftingType = type;
    this.waitInterval = waitInterval;
    this.canarySize = canarySize;
    this.linearStepSize = linearStepSize;
  }
}

/** The options struct of a traffic shifting factory, and its baking period in whole seconds (0-3600, a token in seconds passes). */
function checkShiftingOptions(factory: string, options: { readonly waitInterval?: Duration }): void {
  checkStruct(`trafficShifting.${factory} options`, options, true, '{ waitInterval: Duration.minutes(5) }');
  // TrafficRoutingConfig WaitIntervalInSeconds: 0-3600 (SageMaker API reference).
  checkInteger(`trafficShifting.${factory} waitInterval (seconds)`, wholeSeconds(`trafficShifting.${factory} waitInterval`, options?.waitInterval), 0, 3600);
}

/**
 * Deployment guardrails: how an update replaces the fleet, and which alarms roll it back.
 */
export interface DeploymentOptions {
  /**
   * How traffic moves to the new fleet.
   *
   * @default TrafficShifting.allAtOnce()
   */
  readonly trafficShifting?: TrafficShifting;

  /**
   * Whether an alarm during the update rolls it back.
   *
   * @default true
   */
  readonly autoRollback?: boolean;

  /**
   * The alarms that roll an update back (at most 10).
   *
   * @default - the endpoint's own `Invocation5XXErrors` and `ModelLatency` alarms
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];

  /**
   * How long the old fleet stays after all traffic has moved (a final baking period).
   *
   * @default Duration.seconds(0)
   */
  readonly terminationWait?: Duration;

  /**
   * The longest the whole update may take: 600 to 28800 seconds, and more
   * than all the baking periods plus `terminationWait` (SageMaker
   * `BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds`).
   *
   * @default - SageMaker's default
   */
  readonly maximumExecutionTimeout?: Duration;
}
