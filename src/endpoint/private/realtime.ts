import { Duration, Token } from 'aws-cdk-lib';
import { checkDataCaptureOptions, renderDataCapture } from './capture';
import { checkDeploymentOptions, checkShiftAgainstFleet, renderDeployment } from './deployment';
import { EndpointModeImpl, ModeBinding, ModeContext } from './mode';
import { rejectForeign } from './reject';
import { trackInvocationsPerInstance } from './scaling';
import { checkModeOptions, checkPositive, renderInstanceVariant } from './variant';
import { checkOptional, checkRequired, checkStruct, isNumber, wholeSeconds } from '../../image/private/input';
import { InferenceInstanceType } from '../../pipeline/instance-type';
import { checkInteger } from '../../private/validate';
import { RealtimeModeOptions } from '../realtime';

/** What calling a synchronous (real-time or serverless) endpoint takes. */
export const INVOKE_ACTIONS = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'];

/**
 * The real-time mode: instances, autoscaling, data capture, guardrails. Its
 * fields are the checked options, fixed at creation: binding reads them only.
 */
export class RealtimeMode implements EndpointModeImpl {
  public readonly supportsNetworkIsolation = true;
  private readonly instanceType: InferenceInstanceType;
  private readonly initialInstanceCount: number;
  private readonly rendered: ReturnType<typeof renderInstanceVariant>;
  private readonly minCapacity?: number;
  private readonly cooldowns?: { readonly scaleIn: Duration; readonly scaleOut: Duration };

  constructor(private readonly options: RealtimeModeOptions) {
    checkModeOptions('realtime', options, '{ instanceType: InferenceInstanceType.ML_M5_LARGE }');
    rejectForeign('realtime', options, ['memorySizeMiB', 'maxConcurrency', 'provisionedConcurrency', 'outputBucket', 'successTopic', 'errorTopic']);
    this.rendered = renderInstanceVariant('realtime', options, InferenceInstanceType.ML_M5_LARGE);
    this.instanceType = this.rendered.instanceType;
    this.initialInstanceCount = this.rendered.initialInstanceCount;
    const scaling = options.autoScaling;
    checkStruct('endpointMode.realtime autoScaling', scaling, true, '{ maxCapacity: 4 }');
    if (scaling) {
      checkRequired('endpointMode.realtime autoScaling maxCapacity', scaling.maxCapacity, isNumber, 'a number', '4');
      checkOptional('endpointMode.realtime autoScaling minCapacity', scaling.minCapacity, isNumber, 'a number', '2');
      this.cooldowns = {
        scaleIn: Duration.seconds(wholeSeconds('endpointMode.realtime autoScaling scaleInCooldown', scaling.scaleInCooldown ?? Duration.minutes(5))!),
        scaleOut: Duration.seconds(wholeSeconds('endpointMode.realtime autoScaling scaleOutCooldown', scaling.scaleOutCooldown ?? Duration.minutes(1))!),
      };
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
      checkPositive('endpointMode.realtime autoScaling targetInvocationsPerInstance', scaling.targetInvocationsPerInstance, '70');
    }
    checkDataCaptureOptions('realtime', options.dataCapture);
    checkDeploymentOptions('realtime', options.deployment);
    checkShiftAgainstFleet('realtime', options.deployment, this.initialInstanceCount);
  }

  public bind(ctx: ModeContext): ModeBinding {
    const options = this.options;
    const capture = options.dataCapture ?? {};
    const dataCapture = capture.enabled !== false || capture.bucket !== undefined
      ? renderDataCapture('realtime', ctx, capture)
      : undefined;
    const scaling = options.autoScaling;
    const minCapacity = this.minCapacity!;
    return {
      logsResource: 'Endpoints',
      hosting: {
        variant: this.rendered.variant,
        kmsKeyId: this.rendered.kmsKeyId,
        dataCapture,
        deploymentConfig: renderDeployment('realtime', options.deployment, ctx.ownAlarmNames, this.initialInstanceCount),
        // Without it, every update resets the live instance count to the initial one (CloudFormation
        // AWS::SageMaker::Endpoint RetainAllVariantProperties; SageMaker UpdateEndpoint).
        retainAllVariantProperties: scaling ? true : undefined,
        invokeActions: INVOKE_ACTIONS,
        addScaling: scaling && ((endpoint) => trackInvocationsPerInstance(ctx.scope, endpoint, {
          minCapacity,
          maxCapacity: scaling.maxCapacity,
          targetValue: scaling.targetInvocationsPerInstance ?? 70,
          scaleInCooldown: this.cooldowns!.scaleIn,
          scaleOutCooldown: this.cooldowns!.scaleOut,
        })),
      },
    };
  }
}

