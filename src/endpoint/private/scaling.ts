import { Duration, Names, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LiveEndpoint } from './mode';

/** The path of the service-linked role Application Auto Scaling uses for SageMaker (and creates on first use). */
const SERVICE_LINKED_ROLE = 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint';

function serviceLinkedRoleArn(scope: Construct): string {
  return Stack.of(scope).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: SERVICE_LINKED_ROLE });
}

/**
 * The variant's desired instance count as an Application Auto Scaling target.
 *
 * The target names the service-linked role that Application Auto Scaling uses
 * for SageMaker (and creates on first use) instead of a new, empty role.
 */
export function scalableVariant(scope: Construct, endpoint: LiveEndpoint, minCapacity: number, maxCapacity: number): appscaling.ScalableTarget {
  const role = iam.Role.fromRoleArn(scope, 'AutoScalingRole', serviceLinkedRoleArn(scope), { mutable: false });
  return new appscaling.ScalableTarget(scope, 'ScalableTarget', {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    resourceId: `endpoint/${endpoint.endpointName}/variant/${endpoint.variantName}`,
    minCapacity,
    maxCapacity,
    role,
  });
}

/** Target tracking of a variant's invocations per instance. */
export interface InvocationsTracking {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetValue: number;
  readonly scaleInCooldown: Duration;
  readonly scaleOutCooldown: Duration;
}

/**
 * What `scalableVariant(...).scaleToTrackMetric('InvocationsPerInstance', ...)` renders, as the
 * two L1 resources themselves, under the same construct paths (so the same logical IDs and
 * policy name): the L2 target and policy add nothing the real-time mode uses, and cost synth time
 * at every endpoint (issue 15). The options are checked when the mode is created.
 */
export function trackInvocationsPerInstance(scope: Construct, endpoint: LiveEndpoint, options: InvocationsTracking): void {
  const holder = new Construct(scope, 'ScalableTarget');
  const target = new appscaling.CfnScalableTarget(holder, 'Resource', {
    maxCapacity: options.maxCapacity,
    minCapacity: options.minCapacity,
    resourceId: `endpoint/${endpoint.endpointName}/variant/${endpoint.variantName}`,
    roleArn: serviceLinkedRoleArn(scope),
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    serviceNamespace: 'sagemaker',
  });
  const policy = new Construct(holder, 'InvocationsPerInstance');
  new appscaling.CfnScalingPolicy(policy, 'Resource', {
    policyName: Names.uniqueId(policy),
    policyType: 'TargetTrackingScaling',
    scalingTargetId: target.ref,
    targetTrackingScalingPolicyConfiguration: {
      predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      scaleInCooldown: options.scaleInCooldown.toSeconds(),
      scaleOutCooldown: options.scaleOutCooldown.toSeconds(),
      targetValue: options.targetValue,
    },
  });
}
