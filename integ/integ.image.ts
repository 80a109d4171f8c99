import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomTrainingImage, DeepLearningContainer, DlcFramework, DlcProcessor, DlcScope } from '../src';
import { addNagPacks, explainTestRole } from '../test/nag';

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubImageInteg');

const key = new kms.Key(stack, 'ImageKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
const base = DeepLearningContainer.fromFramework({
  framework: DlcFramework.PYTORCH,
  version: '2.5',
  scope: DlcScope.TRAINING,
  processor: DlcProcessor.GPU,
});
const image = new CustomTrainingImage(stack, 'TrainingImage', {
  imageTag: 'integ',
  baseImage: base,
  encryptionKey: key,
  removalPolicy: RemovalPolicy.DESTROY,
  emptyOnDelete: true,
});

// What SageMaker's execution role and a GitHub build role are granted.
const sageMakerRole = new iam.Role(stack, 'SageMakerRole', {
  assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
});
image.bind(stack, sageMakerRole);
base.bind(stack, sageMakerRole);
const buildRole = new iam.Role(stack, 'BuildRole', { assumedBy: new iam.AccountRootPrincipal() });
image.grantPullPush(buildRole);
explainTestRole(sageMakerRole);
explainTestRole(buildRole);

addNagPacks(stack);

const integ = new IntegTest(app, 'ImageTest', { testCases: [stack] });
// The repository scans on push, keeps release tags immutable and the cache tag writable.
integ.assertions
  .awsApiCall('ECR', 'describeRepositories', { repositoryNames: [image.repository.repositoryName] })
  .expect(ExpectedResult.objectLike({
    repositories: [{
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    }],
  }));
