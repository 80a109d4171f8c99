import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { nameCaseVariants } from '../../private/arns';
import { grantWithWildcard } from '../../private/grants';

/**
 * Grants a job step's actions on every resource of its type in the stack's
 * account and region, with `sagemaker:AddTags` (pipelines tag what they create
 * with the execution that created it).
 */
export function grantJobType(scope: IConstruct, role: iam.IGrantable, resourceType: string, actions: string[]): iam.Grant {
  return grantWithWildcard(role, {
    actions: [...actions, 'sagemaker:AddTags'],
    resourceArns: [Stack.of(scope).formatArn({ service: 'sagemaker', resource: resourceType, resourceName: '*' })],
    reason: `SageMaker Pipelines names its ${resourceType}s at execution time, so the permission covers the ${resourceType}s `
      + 'of this account and region, not one name',
  });
}

/**
 * Grants registering versions in a model package group named `groupName`
 * (in both cases: SageMaker may write names in lowercase in ARNs).
 */
export function grantRegisterModel(scope: IConstruct, role: iam.IGrantable, groupName: string): iam.Grant {
  const stack = Stack.of(scope);
  const names = nameCaseVariants(groupName);
  return iam.Grant.addToPrincipal({
    grantee: role,
    actions: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackageGroup'],
    resourceArns: names.map((n) => stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: n })),
  }).combine(grantWithWildcard(role, {
    actions: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'],
    resourceArns: names.map((n) => stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${n}/*` })),
    reason: 'model package versions are named <group>/<version> when they are registered: the statement covers '
      + 'the versions of the named model package group only',
  }));
}
