import { Token } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { seconds } from './variant';
import { checkList, checkOptional, checkStruct, isAlarm, isBoolean, wholeSeconds } from '../../image/private/input';
import { checkInteger } from '../../private/validate';
import { CapacitySize, CapacitySizeType, DeploymentOptions, TrafficShifting, TrafficShiftingType } from '../deployment';

/** The deployment options of a mode, checked for every language's callers when the mode is created. */
export function checkDeploymentOptions(mode: string, options: DeploymentOptions | undefined): void {
  const what = `endpointMode.${mode} deployment`;
  checkStruct(what, options, true, '{ trafficShifting: TrafficShifting.canary() }');
  if (!options) {
    return;
  }
  checkOptional(`${what} trafficShifting`, options.trafficShifting, (v) => v instanceof TrafficShifting, 'a TrafficShifting',
    'TrafficShifting.canary({ canarySize: CapacitySize.percent(10) })');
  checkOptional(`${what} autoRollback`, options.autoRollback, isBoolean, 'true or false', 'false');
  checkList(`${what} rollbackAlarms`, options.rollbackAlarms, isAlarm, 'cloudwatch.IAlarm', 'endpoint.errorAlarm');
  // AutoRollbackConfig Alarms: 1-10 items (SageMaker API reference).
  if (options.rollbackAlarms !== undefined && options.rollbackAlarms.length === 0) {
    throw new Error(`${what} rollbackAlarms is an empty list: SageMaker needs 1 to 10 alarms to roll back on; `
      + 'give at least one alarm, leave rollbackAlarms out for the endpoint\'s own alarms, or set autoRollback to false');
  }
  wholeSeconds(`${what} terminationWait`, options.terminationWait);
  wholeSeconds(`${what} maximumExecutionTimeout`, options.maximumExecutionTimeout);
}

/**
 * Checks a canary or linear step given in instances against the fleet it shifts: SageMaker
 * allows a canary of at most 50% and linear steps of 10% to 50% (API reference, TrafficRoutingConfig).
 */
export function checkShiftAgainstFleet(mode: string, options: DeploymentOptions | undefined, count: number): void {
  const shifting = options?.trafficShifting;
  if (!shifting || Token.isUnresolved(count)) {
    return;
  }
  const size: CapacitySize | undefined = shifting.canarySize ?? shifting.linearStepSize;
  if (size && size.sizeType === CapacitySizeType.INSTANCE_COUNT && !Token.isUnresolved(size.value)) {
    const linear = shifting.shiftingType === TrafficShiftingType.LINEAR;
    const percent = (100 * size.value) / count;
    const [low, high] = linear ? [10, 50] : [0, 50];
    if (percent > high || percent < low) {
      throw new Error(`endpointMode.${mode} deployment ${linear ? 'linear stepSize' : 'canarySize'} of `
        + `${size.value} instance(s) is ${Math.round(percent)}% of the ${count}-instance fleet: SageMaker allows ${low > 0 ? `${low}% to ` : 'at most '}${high}%; `
        + 'give fewer instances, a CapacitySize.percent(), or a larger initialInstanceCount');
    }
  }
}

/**
 * Renders `DeploymentConfig`: blue/green traffic shifting and alarm-based rollback, shared by
 * the real-time, serverless and asynchronous modes.
 *
 * Limits (SageMaker API reference): TrafficRoutingConfig.WaitIntervalInSeconds is required,
 * 0-3600; BlueGreenUpdatePolicy.TerminationWaitInSeconds 0-3600 and
 * MaximumExecutionTimeoutInSeconds 600-28800, which "should be larger than the total waiting
 * time specified in TerminationWaitInSeconds and WaitIntervalInSeconds"; AutoRollbackConfig
 * 1-10 alarms.
 *
 * @param count the fleet size, to count the linear steps of a step given in instances
 */
export function renderDeployment(mode: string, options: DeploymentOptions | undefined, ownAlarmNames: string[], count: number)
  : sagemaker.CfnEndpoint.DeploymentConfigProperty {
  const shifting = options?.trafficShifting ?? TrafficShifting.allAtOnce();
  const explicitAlarms = options?.rollbackAlarms;
  const alarmNames = explicitAlarms ? explicitAlarms.map((a) => a.alarmName) : ownAlarmNames;
  const autoRollback = options?.autoRollback ?? alarmNames.length > 0;
  if (autoRollback && alarmNames.length === 0) {
    throw new Error(`endpointMode.${mode} deployment autoRollback is on but there is no alarm to watch: `
      + 'give rollbackAlarms, keep the endpoint\'s own alarms (alarms.enabled), or set autoRollback to false');
  }
  if (alarmNames.length > 10) {
    throw new Error(`endpointMode.${mode} deployment rollbackAlarms lists ${alarmNames.length} alarms: SageMaker watches at most 10`);
  }
  const wait = seconds(mode, 'deployment waitInterval', shifting.waitInterval)!;
  checkInteger(`endpointMode.${mode} deployment waitInterval (seconds)`, wait, 0, 3600);
  const termination = seconds(mode, 'deployment terminationWait', options?.terminationWait);
  checkInteger(`endpointMode.${mode} deployment terminationWait (seconds)`, termination, 0, 3600);
  const timeout = seconds(mode, 'deployment maximumExecutionTimeout', options?.maximumExecutionTimeout);
  checkInteger(`endpointMode.${mode} deployment maximumExecutionTimeout (seconds)`, timeout, 600, 28800);
  const bakes = bakingPeriods(shifting, count);
  if (timeout !== undefined && bakes !== undefined && ![timeout, wait, termination ?? 0].some((v) => Token.isUnresolved(v))) {
    const total = bakes * wait + (termination ?? 0);
    if (timeout <= total) {
      throw new Error(`endpointMode.${mode} deployment maximumExecutionTimeout (${timeout} s) must exceed the total wait of `
        + `${total} s (${bakes} waitInterval(s) of ${wait} s plus terminationWait of ${termination ?? 0} s): `
        + 'raise maximumExecutionTimeout (at most 28800 s), or shorten waitInterval or terminationWait');
    }
  }
  const size = (s?: CapacitySize) => (s ? { type: s.sizeType, value: s.value } : undefined);
  return {
    blueGreenUpdatePolicy: {
      trafficRoutingConfiguration: {
        type: shifting.shiftingType,
        waitIntervalInSeconds: wait,
        canarySize: size(shifting.canarySize),
        linearStepSize: size(shifting.linearStepSize),
      },
      terminationWaitInSeconds: termination,
      maximumExecutionTimeoutInSeconds: timeout,
    },
    autoRollbackConfiguration: autoRollback ? { alarms: alarmNames.map((alarmName) => ({ alarmName })) } : undefined,
  };
}

/**
 * Blue/green all at once with a baking period in which the endpoint's own alarms roll the
 * update back: what serverless and asynchronous endpoints get. Without alarms, SageMaker's
 * default (all at once, no baking) applies, so nothing is rendered.
 */
export function renderOwnAlarmsDeployment(mode: string, ownAlarmNames: string[], count: number)
  : sagemaker.CfnEndpoint.DeploymentConfigProperty | undefined {
  return ownAlarmNames.length > 0 ? renderDeployment(mode, undefined, ownAlarmNames, count) : undefined;
}

/**
 * How many baking periods an update waits: one after an all-at-once shift or after the
 * canary ("Use canary traffic shifting"), one per step of a linear shift ("Use linear
 * traffic shifting"); undefined when a token hides the count.
 */
function bakingPeriods(shifting: TrafficShifting, count: number): number | undefined {
  const step = shifting.linearStepSize;
  if (shifting.shiftingType !== TrafficShiftingType.LINEAR || !step) {
    return 1;
  }
  if (Token.isUnresolved(step.value) || (step.sizeType === CapacitySizeType.INSTANCE_COUNT && Token.isUnresolved(count))) {
    return undefined;
  }
  return step.sizeType === CapacitySizeType.INSTANCE_COUNT ? Math.ceil(count / step.value) : Math.ceil(100 / step.value);
}
