import { App, Duration, Stack } from 'aws-cdk-lib';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository, GitHubSubject } from '../../src/github';
import { expectNagClean } from '../nag';

describe('cdk-nag AwsSolutions, NIST 800-53 R5 and HIPAA Security', () => {
  test('a provider and a role that deploys with CDK have no findings', () => {
    const stack = new Stack(new App(), 'GitHub');
    const provider = new GitHubOidcProvider(stack, 'Provider');
    const role = new GitHubActionsRole(stack, 'Role', {
      provider,
      repository: GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1234567, repositoryId: 765432109 }),
      subjects: [GitHubSubject.branch('main'), GitHubSubject.environment('production'), GitHubSubject.tag('v*')],
      maxSessionDuration: Duration.hours(6),
    });
    role.grantCdkDeploy();

    expectNagClean(stack);
  });

  test('the default (imported) provider and a read-only pull-request role have no findings', () => {
    const stack = new Stack(new App(), 'GitHub');
    new GitHubActionsRole(stack, 'Role', {
      repository: GitHubRepository.of('my-org', 'my-model'),
      subjects: [GitHubSubject.pullRequest()],
    });

    expectNagClean(stack);
  });
});
