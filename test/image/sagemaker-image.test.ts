import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  CustomTrainingImage, DeepLearningContainer, DlcFramework, DlcProcessor, DlcScope, SageMakerImage,
} from '../../src';
import { expectError } from '../errors';

const CONTAINER = path.join(__dirname, '..', '..', 'examples', 'container');

function setup() {
  const stack = new Stack(new App(), 'Test');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  return { stack, role };
}

function statements(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('SageMakerImage.fromEcrRepository', () => {
  test('renders repo:tag and grants pull on that repository', () => {
    const { stack, role } = setup();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'team/model');
    const { imageUri } = SageMakerImage.fromEcrRepository(repository, 'v3').bind(stack, role);
    expect(stack.resolve(imageUri)).toEqual({
      'Fn::Join': ['', [
        { Ref: 'AWS::AccountId' }, '.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/team/model:v3',
      ]],
    });
    expect(statements(stack)).toContainEqual({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/team/model']],
      },
    });
    expect(statements(stack)).toContainEqual({ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' });
  });

  test('a digest pins the image with @', () => {
    const { stack, role } = setup();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'team/model');
    const digest = `sha256:${'ab'.repeat(32)}`;
    const { imageUri } = SageMakerImage.fromEcrRepository(repository, digest).bind(stack, role);
    expect(JSON.stringify(stack.resolve(imageUri))).toContain(`/team/model@${digest}`);
  });

  test('a bad reference is refused', () => {
    const { stack } = setup();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'team/model');
    expectError(() => SageMakerImage.fromEcrRepository(repository, ':latest'),
      { construct: 'SageMakerImage.fromEcrRepository', property: 'tagOrDigest', value: "':latest'" }, "sageMakerImage.fromEcrRepository tagOrDigest ':latest' is neither an image tag nor a digest");
  });
});

describe('SageMakerImage.fromAsset', () => {
  test('builds for linux/amd64 by default, with build args, once however often bound', () => {
    const { stack, role } = setup();
    const image = SageMakerImage.fromAsset(CONTAINER, { buildArgs: { BASE_IMAGE: 'python:3.12-slim' } });
    const first = image.bind(stack, role);
    const second = image.bind(stack, new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }));
    expect(first.imageUri).toBe(second.imageUri);
    const assets = stack.node.findAll().filter((c) => c.node.id === 'ImageAsset');
    expect(assets).toHaveLength(1);
    const assembly = App.of(stack)!.synth();
    const manifestFile = assembly.artifacts.find((a) => a.id === 'Test.assets')! as any;
    const manifest = JSON.parse(fs.readFileSync(manifestFile.file, 'utf8'));
    expect(Object.values(manifest.dockerImages).map((i: any) => i.source)).toEqual([expect.objectContaining({
      platform: 'linux/amd64',
      dockerBuildArgs: { BASE_IMAGE: 'python:3.12-slim' },
    })]);
  });

  test('grants pull on the CDK asset repository', () => {
    const { stack, role } = setup();
    SageMakerImage.fromAsset(CONTAINER).bind(stack, role);
    const pull = statements(stack).find((st) => Array.isArray(st.Action) && st.Action.includes('ecr:BatchGetImage'));
    expect(JSON.stringify(pull.Resource)).toContain(':repository/');
    expect(JSON.stringify(pull.Resource)).toContain('cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}');
  });
});

describe('SageMakerImage.fromDeepLearningContainer', () => {
  test('is the same lookup as DeepLearningContainer.fromFramework', () => {
    const { stack, role } = setup();
    const props = { framework: DlcFramework.PYTORCH, version: '2.6.0', scope: DlcScope.TRAINING, processor: DlcProcessor.GPU };
    const viaUnion = SageMakerImage.fromDeepLearningContainer(props).bind(stack, role);
    expect(stack.resolve(viaUnion.imageUri)).toEqual(stack.resolve(DeepLearningContainer.fromFramework(props).imageUriFor(stack)));
  });
});

describe('customTrainingImage with a Deep Learning Container base', () => {
  test('is exposed for the build, and grantPullPush grants nothing on it (the build job of a GitHubWorkflow does)', () => {
    const { stack } = setup();
    const baseImage = DeepLearningContainer.fromFramework({
      framework: DlcFramework.PYTORCH, version: '2.6.0', scope: DlcScope.TRAINING, processor: DlcProcessor.GPU,
    });
    const image = new CustomTrainingImage(stack, 'Image', { baseImage });
    const builder = new iam.Role(stack, 'Builder', { assumedBy: new iam.AccountRootPrincipal() });
    image.grantPullPush(builder);
    expect(image.baseImage).toBe(baseImage);
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'))).not.toContain('pytorch-training');
  });
});
