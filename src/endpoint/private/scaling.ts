import { Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LiveEndpoint } from './mode';

/**
 * The variant's desired instance count as an Application Auto Scaling target.
 *
 * The target names the service-linked role that Application Auto Scaling uses
 * for SageMaker (and creates on first use) instead of a new, empty role.
 */
export function scalableVariant(scope: Construct, endpoint: LiveEndpoint, minCapacity: number, maxCapacity: number): appscaling.ScalableTarget {
  const stack = Stack.of(scope);
  const role = iam.Role.fromRoleArn(scope, 'AutoScalingRole', stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
  }), { mutable: false });
  return new appscaling.ScalableTarget(scope, 'ScalableTarget', {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    resourceId: `endpoint/${endpoint.endpointName}/variant/${endpoint.variantName}`,
    minCapacity,
    maxCapacity,
    role,
  });
}
