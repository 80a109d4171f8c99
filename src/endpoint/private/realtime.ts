import { Duration, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { renderDataCapture } from './capture';
import { EndpointHost, EndpointModeImpl, LiveEndpoint, ModeConfig, ModeEndpointConfig } from './mode';
import { rejectForeign } from './reject';
import { scalableVariant } from './scaling';
import { renderInstanceVariant, seconds } from './variant';
import { checkInteger } from '../../private/validate';
import { CapacitySize, DeploymentOptions, TrafficShifting } from '../deployment';
import { InferenceInstanceType } from '../../pipeline/instance-type';
import { RealtimeModeOptions } from '../realtime';

/** The real-time mode: instances, autoscaling, data capture, guardrails. */
export class RealtimeMode implements EndpointModeImpl {
  public readonly kind = 'realtime';
  public readonly invokeActions = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'];
  public dataCaptureBucket?: s3.IBucket;
  private readonly instanceType: InferenceInstanceType;
  private readonly initialInstanceCount: number;
  private readonly rendered: ReturnType<typeof renderInstanceVariant>;
  private readonly minCapacity?: number;

  constructor(private readonly options: RealtimeModeOptions) {
    rejectForeign('realtime', options, ['memorySizeMiB', 'maxConcurrency', 'provisionedConcurrency', 'outputBucket', 'successTopic', 'errorTopic']);
    this.rendered = renderInstanceVariant('realtime', options, InferenceInstanceType.ML_M5_LARGE);
    this.instanceType = this.rendered.instanceType;
    this.initialInstanceCount = this.rendered.initialInstanceCount;
    const scaling = options.autoScaling;
    if (scaling) {
      if (!Token.isUnresolved(this.instanceType.name) && this.instanceType.isBurstable) {
        throw new Error(`endpointMode.realtime autoScaling is set on the burstable instance type ${this.instanceType.name}: `
          + 'its CPU credits make invocations per instance a poor scaling signal; choose a non-burstable type such as ml.m5.large, or drop autoScaling');
      }
      this.minCapacity = scaling.minCapacity ?? this.initialInstanceCount;
      checkInteger('endpointMode.realtime autoScaling minCapacity', this.minCapacity, 1, Number.MAX_SAFE_INTEGER,
        'a real-time endpoint cannot scale to zero; use EndpointMode.asynchronous for that');
      checkInteger('endpointMode.realtime autoScaling maxCapacity', scaling.maxCapacity, 1, Number.MAX_SAFE_INTEGER);
      if (!Token.isUnresolved(this.minCapacity) && !Token.isUnresolved(scaling.maxCapacity) && scaling.maxCapacity < this.minCapacity) {
        throw new Error(`endpointMode.realtime autoScaling maxCapacity (${scaling.maxCapacity}) is below minCapacity (${this.minCapacity}): `
          + 'raise maxCapacity or lower minCapacity');
      }
      const target = scaling.targetInvocationsPerInstance;
      if (target !== undefined && !Token.isUnresolved(target) && !(target > 0)) {
        throw new Error(`endpointMode.realtime autoScaling targetInvocationsPerInstance must be positive, got ${target}`);
      }
    }
    this.checkDeployment();
  }

  public validate(host: EndpointHost): void {
    void host;
  }

  public renderConfig(host: EndpointHost): ModeConfig {
    const capture = this.options.dataCapture ?? {};
    let dataCaptureConfig: sagemaker.CfnEndpointConfig.DataCaptureConfigProperty | undefined;
    if (capture.enabled !== false || capture.bucket !== undefined) {
      const rendered = renderDataCapture('realtime', host, capture);
      this.dataCaptureBucket = rendered.bucket;
      dataCaptureConfig = rendered.config;
    }
    return { variant: this.rendered.variant, dataCaptureConfig, kmsKeyId: this.rendered.kmsKeyId };
  }

  public renderEndpoint(host: EndpointHost, ownAlarmNames: string[]): ModeEndpointConfig {
    void host;
    return {
      deploymentConfig: renderDeployment('realtime', this.options.deployment, ownAlarmNames, this.initialInstanceCount),
      // Without it, every update resets the live instance count to the initial one (CloudFormation
      // AWS::SageMaker::Endpoint RetainAllVariantProperties; SageMaker UpdateEndpoint).
      retainAllVariantProperties: this.options.autoScaling ? true : undefined,
    };
  }

  public afterEndpoint(host: EndpointHost, endpoint: LiveEndpoint): void {
    const scaling = this.options.autoScaling;
    if (!scaling) {
      return;
    }
    const target = scalableVariant(host, endpoint, this.minCapacity!, scaling.maxCapacity);
    target.scaleToTrackMetric('InvocationsPerInstance', {
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
      targetValue: scaling.targetInvocationsPerInstance ?? 70,
      scaleInCooldown: scaling.scaleInCooldown ?? Duration.minutes(5),
      scaleOutCooldown: scaling.scaleOutCooldown ?? Duration.minutes(1),
    });
  }

  public grantInvokeExtras(grantee: iam.IGrantable): iam.Grant | undefined {
    void grantee;
    return undefined;
  }

  private checkDeployment(): void {
    const shifting = this.options.deployment?.trafficShifting;
    const count = this.initialInstanceCount;
    if (!shifting || Token.isUnresolved(count)) {
      return;
    }
    const size: CapacitySize | undefined = shifting.canarySize ?? shifting.linearStepSize;
    if (size && size.sizeType === 'INSTANCE_COUNT' && !Token.isUnresolved(size.value)) {
      const percent = (100 * size.value) / count;
      const [low, high] = shifting.shiftingType === 'LINEAR' ? [10, 50] : [0, 50];
      if (percent > high || percent < low) {
        throw new Error(`endpointMode.realtime deployment ${shifting.shiftingType === 'LINEAR' ? 'linear stepSize' : 'canarySize'} of `
          + `${size.value} instance(s) is ${Math.round(percent)}% of the ${count}-instance fleet: SageMaker allows ${low > 0 ? `${low}% to ` : 'at most '}${high}%; `
          + 'give fewer instances, a CapacitySize.percent(), or a larger initialInstanceCount');
      }
    }
  }
}

/**
 * Renders `DeploymentConfig`: blue/green traffic shifting and alarm-based rollback.
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
 * How many baking periods an update waits: one after an all-at-once shift or after the
 * canary ("Use canary traffic shifting"), one per step of a linear shift ("Use linear
 * traffic shifting"); undefined when a token hides the count.
 */
function bakingPeriods(shifting: TrafficShifting, count: number): number | undefined {
  const step = shifting.linearStepSize;
  if (shifting.shiftingType !== 'LINEAR' || !step) {
    return 1;
  }
  if (Token.isUnresolved(step.value) || (step.sizeType === 'INSTANCE_COUNT' && Token.isUnresolved(count))) {
    return undefined;
  }
  return step.sizeType === 'INSTANCE_COUNT' ? Math.ceil(count / step.value) : Math.ceil(100 / step.value);
}
