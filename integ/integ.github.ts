import * as os from 'os';
import * as path from 'path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CustomTrainingImage, GitHubActionsRole, GitHubOidcProvider, GitHubRepository, GitHubSubject, GitHubWorkflow } from '../src';
import { addNagPacks } from '../test/nag';

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubOidcInteg');

// An account holds one provider per issuer: a real deploy of this test needs an
// account without one (or swap in GitHubOidcProvider.fromAccount).
const provider = new GitHubOidcProvider(stack, 'GitHub', { removalPolicy: RemovalPolicy.DESTROY });
const image = new CustomTrainingImage(stack, 'TrainingImage', {
  removalPolicy: RemovalPolicy.DESTROY,
  emptyOnDelete: true,
});

// The roles of one repository share it (with its ids, they accept both subject forms).
const repository = GitHubRepository.withIds('example-org', 'fraud-model', { ownerId: 1234567, repositoryId: 89012345 });
const buildRole = new GitHubActionsRole(stack, 'BuildRole', {
  provider,
  repository,
  subjects: [GitHubSubject.environment('build'), GitHubSubject.tag('v*')],
});
const deployRole = new GitHubActionsRole(stack, 'DeployRole', {
  provider,
  repository,
  subjects: [GitHubSubject.environment('production')],
  maxSessionDuration: Duration.hours(2),
});
deployRole.grantCdkDeploy();

new GitHubWorkflow(stack, 'Workflow', {
  image,
  buildRole,
  deploy: { role: deployRole, environment: 'production' },
  outputPath: path.join(os.tmpdir(), 'cdk-sagemaker-github-integ', 'sagemaker.yml'),
});

addNagPacks(stack);

const integ = new IntegTest(app, 'GitHubOidcTest', { testCases: [stack] });
// The provider accepts GitHub's tokens for STS only, and the build role is reachable through it.
integ.assertions
  .awsApiCall('IAM', 'getOpenIDConnectProvider', { OpenIDConnectProviderArn: provider.openIdConnectProviderArn })
  .expect(ExpectedResult.objectLike({ ClientIDList: ['sts.amazonaws.com'] }));
