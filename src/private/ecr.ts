import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { grantWithWildcard } from './grants';

/** What pulling an image takes on its repository. */
export const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];

/** What pushing an image takes on its repository, beyond pulling. */
export const ECR_PUSH_ACTIONS = ['ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:PutImage'];

/**
 * Grants `ecr:GetAuthorizationToken`, which has no resource-level permissions
 * and only accepts `"*"` (Amazon ECR, "Actions, resources, and condition keys").
 */
export function grantEcrAuthorizationToken(grantee: iam.IGrantable): iam.Grant {
  return grantWithWildcard(grantee, {
    actions: ['ecr:GetAuthorizationToken'],
    resourceArns: ['*'],
    reason: 'ecr:GetAuthorizationToken has no resource-level permissions; it only accepts "*"',
  });
}

/**
 * Grants pulling from one repository: the authorization token plus the pull
 * actions on `repositoryArn` (or through `repository.grant`, which also handles
 * cross-account resource policies), optionally with more repository actions.
 */
export function grantEcrPull(grantee: iam.IGrantable, repository: ecr.IRepository, ...moreActions: string[]): iam.Grant {
  return grantEcrAuthorizationToken(grantee).combine(repository.grant(grantee, ...ECR_PULL_ACTIONS, ...moreActions));
}
