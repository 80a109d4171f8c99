import { Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EndpointHost, LiveEndpoint } from './mode';

/**
 * The variant's desired instance count as an Application Auto Scaling target.
 *
 * The target names the service-linked role that Application Auto Scaling uses
 * for SageMaker (and creates on first use) instead of a new, empty role.
 */
export function scalableVariant(host: EndpointHost, endpoint: LiveEndpoint, minCapacity: number, maxCapacity: number): appscaling.ScalableTarget {
  const stack = Stack.of(host);
  const role = iam.Role.fromRoleArn(host, 'AutoScalingRole', stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
  }), { mutable: false });
  return new appscaling.ScalableTarget(host, 'ScalableTarget', {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    resourceId: `endpoint/${endpoint.endpointName}/variant/${host.variantName}`,
    minCapacity,
    maxCapacity,
    role,
  });
}
