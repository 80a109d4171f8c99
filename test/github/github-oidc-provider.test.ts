import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GitHubOidcProvider } from '../../src/github';
import { expectError } from '../errors';

describe('GitHubOidcProvider', () => {
  test('creates the native provider for GitHub.com with the STS audience, no thumbprints, retained', () => {
    const stack = new Stack();
    const provider = new GitHubOidcProvider(stack, 'GitHub');

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    const resources = template.findResources('AWS::IAM::OIDCProvider');
    const [resource] = Object.values(resources);
    expect(resource.Properties).toEqual({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    expect(provider.issuer).toBe('token.actions.githubusercontent.com');
    expect(GitHubOidcProvider.AUDIENCE).toBe('sts.amazonaws.com');
  });

  test('creates no Lambda and no custom resource', () => {
    const stack = new Stack();
    new GitHubOidcProvider(stack, 'GitHub');

    const types = Object.values(Template.fromStack(stack).toJSON().Resources).map((r: any) => r.Type);
    expect(types).toEqual(['AWS::IAM::OIDCProvider']);
  });

  test('removalPolicy overrides the default', () => {
    const stack = new Stack();
    new GitHubOidcProvider(stack, 'GitHub', { removalPolicy: RemovalPolicy.DESTROY });

    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::OIDCProvider'));
    expect(resource.DeletionPolicy).toBe('Delete');
  });

  test('an enterprise gets its own issuer URL and condition-key prefix', () => {
    const stack = new Stack();
    const provider = new GitHubOidcProvider(stack, 'GitHub', { enterprise: 'octo-corp' });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com/octo-corp',
    });
    expect(provider.issuer).toBe('token.actions.githubusercontent.com/octo-corp');
  });

  test('a GitHub Enterprise Server issuer URL', () => {
    const stack = new Stack();
    const provider = new GitHubOidcProvider(stack, 'GitHub', { issuerUrl: 'https://github.example.com/_services/token' });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://github.example.com/_services/token',
    });
    expect(provider.issuer).toBe('github.example.com/_services/token');
  });

  describe('fromAccount', () => {
    test('builds a partition- and account-aware ARN in an environment-agnostic stack', () => {
      const stack = new Stack();
      const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');

      expect(stack.resolve(provider.openIdConnectProviderArn)).toEqual({
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' },
          ':oidc-provider/token.actions.githubusercontent.com',
        ]],
      });
      expect(stack.resolve(provider.oidcProviderRef.oidcProviderArn)).toEqual(stack.resolve(provider.openIdConnectProviderArn));
      expect(provider.issuer).toBe('token.actions.githubusercontent.com');
      expect(provider.openIdConnectProviderIssuer).toBe('token.actions.githubusercontent.com');
    });

    test('uses the stack account but still the partition token', () => {
      const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-gov-west-1' } });
      const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');

      expect(stack.resolve(provider.openIdConnectProviderArn)).toEqual({
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
        ]],
      });
    });

    test('imports an enterprise issuer', () => {
      const stack = new Stack();
      const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub', { enterprise: 'octo-corp' });

      expect(provider.issuer).toBe('token.actions.githubusercontent.com/octo-corp');
      expect(JSON.stringify(stack.resolve(provider.openIdConnectProviderArn)))
        .toContain(':oidc-provider/token.actions.githubusercontent.com/octo-corp');
    });

    test('adds no resource', () => {
      const stack = new Stack();
      GitHubOidcProvider.fromAccount(stack, 'GitHub');
      expect(Template.fromStack(stack).toJSON().Resources).toBeUndefined();
    });
  });

  describe('refuses', () => {
    test.each([
      [{ enterprise: 'octo', issuerUrl: 'https://github.example.com/_services/token' }, /has both enterprise 'octo' and issuerUrl .*: set only one/],
      [{ enterprise: 'octo corp' }, /enterprise 'octo corp' is not an enterprise slug: use the letters, digits and hyphens/],
      [{ enterprise: '-octo' }, /enterprise '-octo' is not an enterprise slug/],
      [{ issuerUrl: 'http://github.example.com/_services/token' }, /issuerUrl 'http:\/\/github.example.com\/_services\/token' must start with 'https:\/\/'/],
      [{ issuerUrl: 'https://github.example.com:8443/_services/token' }, /issuerUrl '.*' does not have a valid host name: use https:\/\/HOSTNAME\[\/path\] with no port/],
      [{ issuerUrl: 'https://github.example.com/_services/token?x=1' }, /must not contain spaces, a query, a fragment or a wildcard/],
      [{ issuerUrl: 'https://token.actions.githubusercontent.com/' }, /must not end with '\/'/],
    ])('%j', (options, message) => {
      const property = 'issuerUrl' in options ? 'issuerUrl' : 'enterprise';
      const value = JSON.stringify(options);
      expectError(() => new GitHubOidcProvider(new Stack(), 'GitHub', options), { construct: 'GitHubOidcProvider', property, value }, message);
      expectError(() => GitHubOidcProvider.fromAccount(new Stack(), 'GitHub', options),
        { construct: 'GitHubOidcProvider.fromAccount', property, value }, message);
    });

    test('a token enterprise, because condition keys are built from it', () => {
      const stack = new Stack();
      const enterprise = new CfnParameter(stack, 'Enterprise').valueAsString;
      expectError(() => new GitHubOidcProvider(stack, 'GitHub', { enterprise }), { construct: 'GitHubOidcProvider', property: 'enterprise', value: 'a token' },
        /gitHubOidcProvider enterprise must be a literal slug, not a token: IAM condition keys are built from it at synth time/);
      expectError(() => GitHubOidcProvider.fromAccount(stack, 'Imported', { enterprise }),
        { construct: 'GitHubOidcProvider.fromAccount', property: 'enterprise', value: 'a token' }, /gitHubOidcProvider.fromAccount enterprise must be a literal slug, not a token/);
    });

    test('a token issuerUrl, because condition keys are built from it', () => {
      const stack = new Stack();
      const url = new CfnParameter(stack, 'Url').valueAsString;
      expectError(() => new GitHubOidcProvider(stack, 'GitHub', { issuerUrl: url }), { construct: 'GitHubOidcProvider', property: 'issuerUrl', value: 'a token' },
        /gitHubOidcProvider issuerUrl must be a literal URL, not a token: IAM condition keys are built from it at synth time/);
    });
  });
});
