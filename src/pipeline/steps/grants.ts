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

/** The values of `ModelApprovalStatus` in the CreateModelPackage and UpdateModelPackage API references. */
export const APPROVAL_STATUSES = ['PendingManualApproval', 'Approved', 'Rejected'];

/**
 * The approval statuses a registration may set, and the condition operator:
 * `StringEquals` refuses a request that omits `ModelApprovalStatus` (the key has
 * no value then); `StringEqualsIfExists` admits it, and SageMaker registers the
 * version as `PendingManualApproval`.
 */
export interface ApprovalStatusCondition {
  readonly statuses: string[];
  readonly ifExists?: boolean;
}

/**
 * Grants registering versions in a model package group named `groupName`
 * (in both cases: SageMaker may write names in lowercase in ARNs), with the
 * approval statuses of `approval` only.
 *
 * `sagemaker:ModelApprovalStatus` is a condition key of `CreateModelPackage`
 * and `UpdateModelPackage` ("Actions, resources, and condition keys for Amazon
 * SageMaker", Service Authorization Reference): it is the status in the request.
 */
export function grantRegisterModel(scope: IConstruct, role: iam.IGrantable, groupName: string, approval: ApprovalStatusCondition): iam.Grant {
  const stack = Stack.of(scope);
  const names = nameCaseVariants(groupName);
  const groupArns = names.map((n) => stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: n }));
  const versionArns = names.map((n) => stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${n}/*` }));
  const reason = 'model package versions are named <group>/<version> when they are registered: the statement covers '
    + 'the versions of the named model package group only';
  return grantWithWildcard(role, {
    actions: ['sagemaker:CreateModelPackage'],
    resourceArns: [...groupArns, ...versionArns],
    conditions: { [approval.ifExists ? 'StringEqualsIfExists' : 'StringEquals']: { 'sagemaker:ModelApprovalStatus': approval.statuses } },
    reason,
  }).combine(iam.Grant.addToPrincipal({
    grantee: role,
    actions: ['sagemaker:DescribeModelPackageGroup'],
    resourceArns: groupArns,
  })).combine(grantWithWildcard(role, {
    actions: ['sagemaker:DescribeModelPackage', 'sagemaker:AddTags'],
    resourceArns: versionArns,
    reason,
  }));
}
