import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ModelPackageGroup } from '../../src/training';
import { expectNagClean } from '../nag';

const ENV = { account: '111122223333', region: 'us-east-1' };
const arn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:111122223333:${resource}`]] });

function granted(name: string) {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const group = new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: name });
  const role = new iam.Role(stack, 'Deploy', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  group.grantRead(role);
  const policy = (pattern: string) => {
    const found = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp(pattern), Roles: [{ Ref: Match.stringLikeRegexp('^Deploy') }] },
    }));
    expect(found).toHaveLength(1);
    return found[0];
  };
  return { stack, policy };
}

describe('ModelPackageGroup.grantRead', () => {
  test('the group is described through the role default policy', () => {
    const { policy } = granted('churn');
    expect(policy('^DeployDefaultPolicy').Properties.PolicyDocument.Statement).toEqual([
      { Action: 'sagemaker:DescribeModelPackageGroup', Effect: 'Allow', Resource: arn('model-package-group/churn') },
    ]);
  });

  test('versions are listed and described through a policy of their own', () => {
    const { policy } = granted('churn');
    expect(policy('SageMakerModelPackageVersions').Properties.PolicyDocument.Statement).toEqual([
      { Action: 'sagemaker:ListModelPackages', Effect: 'Allow', Resource: [arn('model-package-group/churn'), arn('model-package/churn/*')] },
      { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: arn('model-package/churn/*') },
    ]);
  });

  test('the versions policy carries a cdk-nag suppression scoped to the version wildcard', () => {
    const { policy } = granted('churn');
    expect(policy('SageMakerModelPackageVersions').Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringContaining('model package versions are named <group>/<version>'),
      applies_to: [{ regex: '/^Resource::arn:[^/]*:sagemaker:[^/]*:model-package\\/[^/]+\\/\\*$/g' }],
    }]);
  });

  test('a mixed-case group name is granted as written and in lowercase', () => {
    const { policy } = granted('Churn');
    expect(policy('SageMakerModelPackageVersions').Properties.PolicyDocument.Statement[1].Resource)
      .toEqual([arn('model-package/Churn/*'), arn('model-package/churn/*')]);
  });

  test('a role granted read is cdk-nag clean', () => {
    const { stack } = granted('churn');
    expectNagClean(stack);
  });
});
