import { App, CfnParameter, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomTrainingImage } from '../../src';
import { expectError } from '../errors';
import { expectNagClean, explainTestRole } from '../nag';

function newStack(): Stack {
  return new Stack(new App(), 'Test');
}

function lifecycleRules(stack: Stack): any[] {
  const repo = Object.values(Template.fromStack(stack).findResources('AWS::ECR::Repository'))[0] as any;
  return JSON.parse(repo.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
}

describe('owned repository', () => {
  test('scans on push, has no physical name and is retained', () => {
    const stack = newStack();
    new CustomTrainingImage(stack, 'Image');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ECR::Repository', 1);
    template.hasResource('AWS::ECR::Repository', {
      Properties: {
        ImageScanningConfiguration: { ScanOnPush: true },
        RepositoryName: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('release tags are immutable, the cache tag is excluded', () => {
    const stack = newStack();
    new CustomTrainingImage(stack, 'Image', { cacheTag: 'cache' });
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      ImageTagMutabilityExclusionFilters: [{
        ImageTagMutabilityExclusionFilterType: 'WILDCARD',
        ImageTagMutabilityExclusionFilterValue: 'cache',
      }],
    });
  });

  test('lifecycle: cache tag first and kept, untagged expire, release tags counted', () => {
    const stack = newStack();
    new CustomTrainingImage(stack, 'Image', { maxReleaseImages: 5, untaggedImageExpiry: Duration.days(3) });
    const rules = lifecycleRules(stack);
    expect(rules.map((r) => r.rulePriority)).toEqual([1, 2, 3]);
    expect(rules[0].selection).toEqual({
      tagStatus: 'tagged', tagPatternList: ['buildcache'], countType: 'imageCountMoreThan', countNumber: 1,
    });
    expect(rules[1].selection).toEqual({
      tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3,
    });
    // the cache image also counts towards this rule's total, hence one more
    expect(rules[2].selection).toEqual({
      tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: 6,
    });
  });

  test('defaults keep 30 release images and 7 days of untagged images', () => {
    const stack = newStack();
    new CustomTrainingImage(stack, 'Image');
    const rules = lifecycleRules(stack);
    expect(rules[1].selection.countNumber).toBe(7);
    expect(rules[2].selection.countNumber).toBe(31);
  });

  test('customer KMS key encrypts the repository', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new CustomTrainingImage(stack, 'Image', { encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', {
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } },
    });
  });

  test('emptyOnDelete with DESTROY', () => {
    const stack = newStack();
    new CustomTrainingImage(stack, 'Image', { removalPolicy: RemovalPolicy.DESTROY, emptyOnDelete: true });
    Template.fromStack(stack).hasResource('AWS::ECR::Repository', {
      Properties: { EmptyOnDelete: true }, DeletionPolicy: 'Delete',
    });
  });

  test('a given repository name is used', () => {
    const stack = newStack();
    new CustomTrainingImage(stack, 'Image', { repositoryName: 'ml/trainer' });
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'ml/trainer' });
  });

  test('is cdk-nag clean', () => {
    const stack = newStack();
    const image = new CustomTrainingImage(stack, 'Image');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    image.grantPull(role);
    explainTestRole(role);
    expectNagClean(stack);
  });
});

describe('image tag', () => {
  test('defaults to a deploy-time parameter named after the construct', () => {
    const stack = newStack();
    const image = new CustomTrainingImage(stack, 'Training-Image');
    const template = Template.fromStack(stack);
    template.hasParameter('TrainingImageImageTag', {
      Type: 'String', Default: 'latest', AllowedPattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
    });
    expect(stack.resolve(image.imageUri)).toEqual({
      'Fn::Join': ['', [
        { 'Fn::Select': [4, { 'Fn::Split': [':', { 'Fn::GetAtt': [expect.stringMatching(/^TrainingImageRepository/), 'Arn'] }] }] },
        '.dkr.ecr.',
        { 'Fn::Select': [3, { 'Fn::Split': [':', { 'Fn::GetAtt': [expect.stringMatching(/^TrainingImageRepository/), 'Arn'] }] }] },
        '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: expect.stringMatching(/^TrainingImageRepository/) }, ':', { Ref: 'TrainingImageImageTag' },
      ]],
    });
  });

  test('a given tag is used and no parameter is created', () => {
    const stack = newStack();
    const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'abc123' });
    expect(image.imageTagParameter).toBeUndefined();
    expect(Object.keys(Template.fromStack(stack).findParameters('*')).filter((p) => p.includes('ImageTag'))).toEqual([]);
    expect(JSON.stringify(stack.resolve(image.imageUri))).toContain('":abc123"');
  });

  test('a digest renders as @sha256', () => {
    const stack = newStack();
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const image = new CustomTrainingImage(stack, 'Image', { imageTag: digest });
    expect(JSON.stringify(stack.resolve(image.imageUri))).toContain(`"@${digest}"`);
  });
});

describe('grants', () => {
  const TOKEN = { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' };
  const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
  const PUSH = ['ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:PutImage'];
  const REPOSITORY = { 'Fn::GetAtt': [expect.stringMatching(/^ImageRepository/), 'Arn'] };

  function granted(grant: (image: CustomTrainingImage, role: iam.Role) => void): { policies: any[]; statements: any[] } {
    const stack = newStack();
    const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    grant(image, role);
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    return { policies, statements: policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement) };
  }

  test('bind grants SageMaker pull on the repository', () => {
    const stack = newStack();
    const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const config = image.bind(stack, role);
    expect(config.imageUri).toBe(image.imageUri);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^RoleDefaultPolicy'),
      PolicyDocument: {
        Statement: [TOKEN, {
          Action: PULL,
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('ImageRepository'), 'Arn'] },
        }],
      },
    });
  });

  test('grantPull: the pull actions on this repository only, and the token', () => {
    expect(granted((image, role) => image.grantPull(role)).statements)
      .toEqual([TOKEN, { Action: PULL, Effect: 'Allow', Resource: REPOSITORY }]);
  });

  test('grantPush: the push actions of ecr grantPush (no pull) on this repository only, and the token', () => {
    expect(granted((image, role) => image.grantPush(role)).statements)
      .toEqual([TOKEN, { Action: ['ecr:BatchCheckLayerAvailability', ...PUSH], Effect: 'Allow', Resource: REPOSITORY }]);
  });

  test('grantPullPush: pull and push on this repository only, and the token; nothing deletes', () => {
    expect(granted((image, role) => image.grantPullPush(role)).statements)
      .toEqual([TOKEN, { Action: [...PULL, ...PUSH], Effect: 'Allow', Resource: REPOSITORY }]);
  });

  test('the authorization token (resource "*") goes into the role\'s one policy, with a cdk-nag suppression for that resource only', () => {
    const { policies } = granted((image, role) => {
      image.bind(image, role);
      image.grantPullPush(role);
    });
    expect(policies).toEqual([expect.objectContaining({
      Metadata: {
        cdk_nag: {
          rules_to_suppress: [{
            id: 'AwsSolutions-IAM5',
            reason: 'ecr:GetAuthorizationToken has no resource-level permissions; it only accepts "*"',
            applies_to: ['Resource::*'],
          }],
        },
      },
    })]);
  });

  test('a principal that is not a role gets the token statement in its own policy', () => {
    const stack = newStack();
    const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
    const user = new iam.User(stack, 'User');
    image.grantPull(user);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Users: [{ Ref: Match.stringLikeRegexp('^User') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' }]) },
    });
  });

  test('the returned grant makes dependents wait for the role\'s policy', () => {
    const stack = newStack();
    const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const consumer = new CfnResource(stack, 'Consumer', { type: 'AWS::SNS::Topic' });
    image.grantPull(role).applyBefore(consumer);
    const dependsOn = Template.fromStack(stack).findResources('AWS::SNS::Topic').Consumer.DependsOn;
    expect(dependsOn).toEqual([expect.stringMatching(/^RoleDefaultPolicy/)]);
  });

  test('an adopted repository is used as it is', () => {
    const stack = newStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Existing', 'team/trainer');
    const image = new CustomTrainingImage(stack, 'Image', { repository, imageTag: 'v2' });
    expect(image.repository).toBe(repository);
    Template.fromStack(stack).resourceCountIs('AWS::ECR::Repository', 0);
    expect(JSON.stringify(stack.resolve(image.imageUri))).toContain('/team/trainer:v2');
  });
});

describe('errors', () => {
  test.each([
    ['repositoryName', { repositoryName: 'My_Repo' }, /customTrainingImage repositoryName 'My_Repo' is not a valid ECR repository name: use 2-256 lowercase/],
    ['imageTag', { imageTag: 'bad tag' }, /customTrainingImage imageTag 'bad tag' is neither an image tag nor a digest/],
    ['imageTag digest', { imageTag: 'sha256:xyz' }, /imageTag 'sha256:xyz' is neither an image tag nor a digest: .*'sha256:' followed by 64 lowercase hex digits/],
    ['cacheTag wildcard', { cacheTag: 'cache*' }, /customTrainingImage cacheTag 'cache\*' is neither an image tag nor a digest/],
    ['cacheTag digest', { cacheTag: `sha256:${'a'.repeat(64)}` }, /customTrainingImage cacheTag 'sha256:a+' is a digest: give a tag such as 'buildcache'/],
    ['maxReleaseImages', { maxReleaseImages: 0 }, /customTrainingImage maxReleaseImages must be a whole number from 1 to 10000, got 0/],
    ['untaggedImageExpiry', { untaggedImageExpiry: Duration.hours(12) }, /customTrainingImage untaggedImageExpiry \(days\) must be a whole number from 1 to 10000, got 0.5: give a whole number of days, e.g. Duration.days\(7\)/],
    ['emptyOnDelete', { emptyOnDelete: true }, /customTrainingImage emptyOnDelete is true but removalPolicy is retain: .*set removalPolicy to RemovalPolicy.DESTROY/],
  ])('%s', (name, props, message) => {
    const property = name.split(' ')[0];
    expectError(() => new CustomTrainingImage(newStack(), 'Image', props),
      { construct: 'CustomTrainingImage', property, value: JSON.stringify((props as any)[property]) ?? String((props as any)[property]) }, message);
  });

  test('a deploy-time maxReleaseImages cannot go into the lifecycle JSON', () => {
    const stack = newStack();
    const count = new CfnParameter(stack, 'Count', { type: 'Number' });
    expectError(() => new CustomTrainingImage(stack, 'Image', { maxReleaseImages: count.valueAsNumber }),
      { construct: 'CustomTrainingImage', property: 'maxReleaseImages', value: 'a CfnParameter token' },
      'customTrainingImage maxReleaseImages must be known at synth time: the lifecycle policy is written into the template as JSON text; give a number, not a token');
  });

  test('a deploy-time untaggedImageExpiry cannot go into the lifecycle JSON', () => {
    const stack = newStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' });
    expectError(() => new CustomTrainingImage(stack, 'Image', { untaggedImageExpiry: Duration.days(days.valueAsNumber) }),
      { construct: 'CustomTrainingImage', property: 'untaggedImageExpiry', value: 'Duration.days(a CfnParameter token)' },
      /customTrainingImage untaggedImageExpiry must be known at synth time: .*give a literal Duration such as Duration.days\(7\)/);
  });

  test('two images whose ids give the same parameter name', () => {
    const stack = newStack();
    new CustomTrainingImage(stack, 'Training-Image');
    expectError(() => new CustomTrainingImage(stack, 'TrainingImage'),
      { construct: 'CustomTrainingImage', property: 'id', value: "'TrainingImage' beside 'Training-Image'" },
      "customTrainingImage id 'TrainingImage' gives the deploy-time parameter name 'TrainingImageImageTag', which another parameter of this stack already has: give the images distinct ids, or pass imageTag");
  });

  test('options of a new repository with an adopted one', () => {
    const stack = newStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Existing', 'team/trainer');
    expectError(() => new CustomTrainingImage(stack, 'Image', { repository, maxReleaseImages: 3, repositoryName: 'x1' }),
      { construct: 'CustomTrainingImage', property: 'repositoryName', value: "'x1' with an adopted repository" },
      'customTrainingImage repositoryName, maxReleaseImages cannot be set with an adopted repository: configure the existing repository itself, or drop `repository` to let this construct create one');
  });
});
