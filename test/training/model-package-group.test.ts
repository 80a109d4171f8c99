import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IModelPackageGroup, ModelApproval, ModelPackageGroup } from '../../src/training';
import { expectError } from '../errors';
import { expectNagClean, explainTestRole } from '../nag';

const ENV = { account: '111122223333', region: 'us-east-1' };
const arn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:111122223333:${resource}`]] });

function granted(name: string, grant: (group: IModelPackageGroup, role: iam.IGrantable) => void = (g, r) => g.grantRead(r)) {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const group = new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: name });
  const role = new iam.Role(stack, 'Deploy', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  grant(group, role);
  explainTestRole(role);
  const policies = () => Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Deploy') }] },
  }));
  return { stack, policies, statements: () => policies().flatMap((p) => p.Properties.PolicyDocument.Statement) };
}

describe('ModelPackageGroup resource', () => {
  test('a generated name is lowercase and unique', () => {
    const stack = new Stack(new App(), 'Stack');
    new ModelPackageGroup(stack, 'Models');
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::ModelPackageGroup', { ModelPackageGroupName: 'stack-models-6c40dcec' });
  });

  test('the name and description are given to the resource', () => {
    const stack = new Stack(new App(), 'Stack');
    new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: 'churn', description: 'churn models' });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::ModelPackageGroup', {
      ModelPackageGroupName: 'churn', ModelPackageGroupDescription: 'churn models',
    });
  });

  test('the group is retained by default', () => {
    const stack = new Stack(new App(), 'Stack');
    new ModelPackageGroup(stack, 'Models');
    Template.fromStack(stack).hasResource('AWS::SageMaker::ModelPackageGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('a removal policy is applied', () => {
    const stack = new Stack(new App(), 'Stack');
    new ModelPackageGroup(stack, 'Models', { removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResource('AWS::SageMaker::ModelPackageGroup', { DeletionPolicy: 'Delete' });
  });

  test('the ARN is the resource\'s attribute and the name the literal', () => {
    const stack = new Stack(new App(), 'Stack');
    const group = new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: 'churn' });
    expect([stack.resolve(group.modelPackageGroupArn), group.modelPackageGroupName])
      .toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Models/), 'ModelPackageGroupArn'] }, 'churn']);
  });

  test('an invalid name', () => {
    const stack = new Stack(new App(), 'Stack');
    expectError(() => new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: 'bad_name' }),
      { construct: 'ModelPackageGroup', property: 'modelPackageGroupName', value: "'bad_name'" },
      "modelPackageGroup modelPackageGroupName 'bad_name' is invalid: use up to 63 letters, digits and '-', starting and ending with a letter or digit");
  });

  test('an import by name has the ARN of the stack\'s account and region', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const group = ModelPackageGroup.fromModelPackageGroupName(stack, 'Models', 'churn');
    expect(stack.resolve(group.modelPackageGroupArn)).toEqual(arn('model-package-group/churn'));
  });
});

describe('ModelPackageGroup.grantRead', () => {
  test('the group is described, and its versions listed and described, in the role\'s one policy', () => {
    const { policies, statements } = granted('churn');
    expect([policies().length, statements()]).toEqual([1, [
      { Action: 'sagemaker:DescribeModelPackageGroup', Effect: 'Allow', Resource: arn('model-package-group/churn') },
      { Action: 'sagemaker:ListModelPackages', Effect: 'Allow', Resource: [arn('model-package-group/churn'), arn('model-package/churn/*')] },
      { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: arn('model-package/churn/*') },
    ]]);
  });

  test('the version wildcard is explained to cdk-nag on exactly that resource', () => {
    const { policies } = granted('churn');
    expect(policies()[0].Metadata.cdk_nag.rules_to_suppress.filter((r: any) => r.id.startsWith('AwsSolutions-'))).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringContaining('model package versions are named <group>/<version>'),
      applies_to: ['Resource::arn:<AWS::Partition>:sagemaker:us-east-1:111122223333:model-package/churn/*'],
    }]);
  });

  test('a mixed-case group name is granted as written and in lowercase', () => {
    const { statements } = granted('Churn');
    expect(statements()[2].Resource).toEqual([arn('model-package/Churn/*'), arn('model-package/churn/*')]);
  });

  test('a role granted read is cdk-nag clean', () => {
    const { stack } = granted('churn');
    expectNagClean(stack);
  });
});

describe('ModelPackageGroup.grantRegister', () => {
  test('registering pending versions: create (conditioned on the status) on the group and its versions, describe and tag', () => {
    const { statements } = granted('churn', (g, r) => g.grantRegister(r));
    expect(statements()).toEqual([
      {
        Action: 'sagemaker:CreateModelPackage',
        Condition: { StringEquals: { 'sagemaker:ModelApprovalStatus': ['PendingManualApproval'] } },
        Effect: 'Allow',
        Resource: [arn('model-package-group/churn'), arn('model-package/churn/*')],
      },
      { Action: 'sagemaker:DescribeModelPackageGroup', Effect: 'Allow', Resource: arn('model-package-group/churn') },
      { Action: ['sagemaker:DescribeModelPackage', 'sagemaker:AddTags'], Effect: 'Allow', Resource: arn('model-package/churn/*') },
    ]);
  });

  test('with auto-approval the grantee may also register Approved versions', () => {
    const { statements } = granted('churn', (g, r) => g.grantRegister(r, ModelApproval.AUTO));
    expect(statements()[0].Condition).toEqual({ StringEquals: { 'sagemaker:ModelApprovalStatus': ['PendingManualApproval', 'Approved'] } });
  });

  test('a role granted register is cdk-nag clean', () => {
    const { stack } = granted('churn', (g, r) => g.grantRegister(r));
    expectNagClean(stack);
  });
});

describe('ModelPackageGroup.grantApprove', () => {
  test('reading the group and its versions, and updating versions only to set an approval status', () => {
    const { policies, statements } = granted('churn', (g, r) => g.grantApprove(r));
    expect([policies().length, statements()]).toEqual([1, [
      { Action: 'sagemaker:DescribeModelPackageGroup', Effect: 'Allow', Resource: arn('model-package-group/churn') },
      { Action: 'sagemaker:ListModelPackages', Effect: 'Allow', Resource: [arn('model-package-group/churn'), arn('model-package/churn/*')] },
      { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: arn('model-package/churn/*') },
      {
        Action: 'sagemaker:UpdateModelPackage',
        Condition: { StringEquals: { 'sagemaker:ModelApprovalStatus': ['PendingManualApproval', 'Approved', 'Rejected'] } },
        Effect: 'Allow',
        Resource: arn('model-package/churn/*'),
      },
    ]]);
  });

  test('an imported group grants approving its versions too', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const group = ModelPackageGroup.fromModelPackageGroupName(stack, 'Models', 'churn');
    const approver = new iam.Role(stack, 'Approver', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = group.grantApprove(approver);
    expect(stack.resolve(grant.principalStatements.filter((st) => st.actions.includes('sagemaker:UpdateModelPackage')).map((st) => st.resources)))
      .toEqual([[arn('model-package/churn/*')]]);
  });

  test('a role granted approve is cdk-nag clean', () => {
    const { stack } = granted('churn', (g, r) => g.grantApprove(r));
    expectNagClean(stack);
  });
});
