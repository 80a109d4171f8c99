import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { grantWildcard } from './grants';

/**
 * Grants what SageMaker writes with an execution role while a job or an
 * endpoint runs: the container logs, in log groups `/aws/sagemaker/<kind>/...`,
 * and the instance metrics, in the namespace `/aws/sagemaker/<kind>`.
 *
 * Both go into one policy of their own (`SageMakerLogsAndMetrics`, through
 * `grantWildcard`) whose cdk-nag suppression covers exactly these two wildcards.
 * `cloudwatch:PutMetricData` has no resource-level permissions; the
 * `cloudwatch:namespace` condition key limits it (CloudWatch user guide,
 * "Using condition keys to limit access to CloudWatch namespaces"). Namespaces
 * starting with `AWS/` are reserved for AWS services (CloudWatch API reference,
 * PutMetricData), so `AWS/SageMaker` is never granted.
 *
 * @param scope the construct whose stack the log-group ARNs belong to
 * @param kind `TrainingJobs`, `Endpoints`, `TransformJobs`, ...; `*` for every kind (a pipeline's jobs)
 */
export function grantSageMakerLogsAndMetrics(scope: IConstruct, role: iam.IGrantable, kind: string): iam.Grant {
  const logGroups = kind === '*' ? '/aws/sagemaker/*' : `/aws/sagemaker/${kind}/*`;
  const namespace = kind === '*' ? '/aws/sagemaker/*' : `/aws/sagemaker/${kind}`;
  const pattern = logGroups.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const common = {
    policyId: 'SageMakerLogsAndMetrics',
    reason: `SageMaker names the log streams (and, for jobs, the log groups) at run time, so logs are scoped to ${logGroups}; `
      + `cloudwatch:PutMetricData has no resource-level permissions, and the cloudwatch:namespace condition limits it to ${namespace}`,
    appliesTo: ['Resource::*', { regex: `/^Resource::arn:.*:logs:.*:log-group:${pattern}$/g` }],
  };
  const logs = grantWildcard(role, {
    ...common,
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resourceArns: [Stack.of(scope).formatArn({
      service: 'logs', resource: 'log-group', resourceName: logGroups, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })],
  });
  const metrics = grantWildcard(role, {
    ...common,
    actions: ['cloudwatch:PutMetricData'],
    resourceArns: ['*'],
    conditions: { StringLike: { 'cloudwatch:namespace': namespace } },
  });
  return logs.combine(metrics);
}
