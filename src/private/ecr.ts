import { CfnResource } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';

/** What pulling an image takes on its repository. */
export const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];

/** What pushing an image takes on its repository, beyond pulling. */
export const ECR_PUSH_ACTIONS = ['ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:PutImage'];

const POLICY_ID = 'EcrAuthorizationToken';

/**
 * Grants `ecr:GetAuthorizationToken`, which has no resource-level permissions
 * and only accepts `"*"` (Amazon ECR, "Actions, resources, and condition keys").
 *
 * For a role, the statement goes into one small policy of its own, created once
 * per role and carrying a cdk-nag suppression scoped to that `*`, so that the
 * role's other statements are still checked. Other principals get the statement
 * added to their policy as usual.
 */
export function grantEcrAuthorizationToken(grantee: iam.IGrantable): iam.Grant {
  const token = { actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] };
  const principal = grantee.grantPrincipal;
  if (!isAttachableRole(principal)) {
    return iam.Grant.addToPrincipal({ grantee, ...token });
  }
  let policy = principal.node.tryFindChild(POLICY_ID) as iam.Policy | undefined;
  if (!policy) {
    policy = new iam.Policy(principal, POLICY_ID);
    principal.attachInlinePolicy(policy);
    // cdk-nag reads suppressions from this metadata key; no dependency on cdk-nag is needed.
    (policy.node.defaultChild as CfnResource).addMetadata('cdk_nag', {
      rules_to_suppress: [{
        id: 'AwsSolutions-IAM5',
        reason: 'ecr:GetAuthorizationToken has no resource-level permissions; it only accepts "*"',
        applies_to: ['Resource::*'],
      }],
    });
  }
  // Granting through the policy makes the returned grant depend on it; IAM
  // renders the repeated statement once.
  return iam.Grant.addToPrincipal({ grantee: policy, ...token });
}

/**
 * Grants pulling from one repository: the authorization token plus the pull
 * actions on `repositoryArn` (or through `repository.grant`, which also handles
 * cross-account resource policies), optionally with more repository actions.
 */
export function grantEcrPull(grantee: iam.IGrantable, repository: ecr.IRepository, ...moreActions: string[]): iam.Grant {
  return grantEcrAuthorizationToken(grantee).combine(repository.grant(grantee, ...ECR_PULL_ACTIONS, ...moreActions));
}

function isAttachableRole(principal: iam.IPrincipal): principal is iam.IRole & IConstruct {
  return Construct.isConstruct(principal) && typeof (principal as Partial<iam.IRole>).attachInlinePolicy === 'function';
}
