import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DeployOnApproval, GitHubRepository, ModelPackageGroup } from '../src';
import { explainDecision } from '../src/private/nag';
import { addNagPacks } from '../test/nag';

const app = new App();
const stack = new Stack(app, 'SageMakerDeployOnApprovalInteg');

const models = new ModelPackageGroup(stack, 'Models', {
  description: 'Versions whose approval starts the GitHub deploy',
  removalPolicy: RemovalPolicy.DESTROY,
});
const alerts = new sns.Topic(stack, 'Alerts', { enforceSSL: true });
explainDecision(alerts.node.defaultChild as sns.CfnTopic, { compliance: 'SNSEncryptedKMS', checkov: 'CKV_AWS_26' },
  'the integ test\'s alarm topic: it carries alarm state changes only, no data to encrypt with a customer key');

// A real deploy needs this secret to exist, holding a fine-grained token with
// "Contents: write" on the repository: the template holds only a reference to it.
const tokenSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'GitHubToken', 'cdk-sagemaker-github/integ/dispatch-token');

const deploy = new DeployOnApproval(stack, 'DeployOnApproval', {
  repository: GitHubRepository.of('example-org', 'fraud-model'),
  modelPackageGroup: models,
  tokenSecret,
  alarmTopic: alerts,
});

addNagPacks(stack);

const integ = new IntegTest(app, 'DeployOnApprovalTest', { testCases: [stack] });
// The destination calls GitHub's dispatches endpoint of the one repository.
integ.assertions
  .awsApiCall('EventBridge', 'describeApiDestination', { Name: deploy.apiDestination.apiDestinationName })
  .expect(ExpectedResult.objectLike({
    HttpMethod: 'POST',
    InvocationEndpoint: 'https://api.github.com/repos/example-org/fraud-model/dispatches',
  }));
