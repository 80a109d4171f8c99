import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { grantWithWildcard } from './grants';

/**
 * Grants what SageMaker writes with an execution role while a job or an
 * endpoint runs: the container logs, in log groups `/aws/sagemaker/<kind>/...`,
 * and the instance metrics, in the namespace `/aws/sagemaker/<kind>`.
 *
 * Both go into the role's policy through `grantWithWildcard`, whose cdk-nag
 * suppression covers exactly these two wildcards.
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
  const common = {
    reason: `SageMaker names the log streams (and, for jobs, the log groups) at run time, so logs are scoped to ${logGroups}; `
      + `cloudwatch:PutMetricData has no resource-level permissions, and the cloudwatch:namespace condition limits it to ${namespace}`,
  };
  const logs = grantWithWildcard(role, {
    ...common,
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resourceArns: [Stack.of(scope).formatArn({
      service: 'logs', resource: 'log-group', resourceName: logGroups, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })],
  });
  const metrics = grantWithWildcard(role, {
    ...common,
    actions: ['cloudwatch:PutMetricData'],
    resourceArns: ['*'],
    conditions: { StringLike: { 'cloudwatch:namespace': namespace } },
  });
  return logs.combine(metrics);
}
