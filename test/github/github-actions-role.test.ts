import { App, CfnParameter, DefaultStackSynthesizer, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  GitHubActionsRole,
  GitHubActionsRoleProps,
  GitHubOidcProvider,
  GitHubRepository,
  GitHubSubject,
  GitHubSubjectForms,
  IGitHubOidcProvider,
} from '../../src/github';
import { expectError } from '../errors';
import { synthValidated } from '../synth-errors';

const AUD = 'token.actions.githubusercontent.com:aud';
const MY_MODEL = GitHubRepository.of('my-org', 'my-model');
const SUB = 'token.actions.githubusercontent.com:sub';

interface Fixture {
  readonly stack: Stack;
  readonly provider: IGitHubOidcProvider;
}

function fixture(): Fixture {
  const stack = new Stack(new App(), 'Stack');
  const provider = new GitHubOidcProvider(stack, 'GitHub');
  return { stack, provider };
}

function role(f: Fixture, props: Partial<GitHubActionsRoleProps> = {}): GitHubActionsRole {
  return new GitHubActionsRole(f.stack, 'Role', {
    provider: f.provider,
    repository: MY_MODEL,
    subjects: [GitHubSubject.branch('main')],
    ...props,
  });
}

function trustPolicy(stack: Stack): any {
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
  expect(Object.keys(roles)).toHaveLength(1);
  return Object.values(roles)[0].Properties.AssumeRolePolicyDocument;
}

function statement(f: Fixture, condition: any): any {
  return {
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
    Effect: 'Allow',
    Principal: { Federated: f.stack.resolve(f.provider.openIdConnectProviderArn) },
  };
}

function trust(...statements: any[]): any {
  return { Statement: statements, Version: '2012-10-17' };
}

describe('gitHubActionsRole trust policy', () => {
  test('a branch: StringEquals on aud and sub, federated by the provider', () => {
    const f = fixture();
    role(f);

    expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
      StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:my-org/my-model:ref:refs/heads/main' },
    })));
    expect(f.stack.resolve(f.provider.openIdConnectProviderArn)).toEqual({ Ref: expect.stringMatching(/^GitHub[0-9A-F]{8}$/) });
  });

  test('a tag', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.tag('v1.0.0')] });

    expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
      StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:my-org/my-model:ref:refs/tags/v1.0.0' },
    })));
  });

  test('an environment', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.environment('production')] });

    expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
      StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:my-org/my-model:environment:production' },
    })));
  });

  test('pull requests (on a role without writes)', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.pullRequest()] });

    expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
      StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:my-org/my-model:pull_request' },
    })));
  });

  test('a raw subject', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.raw('environment:prod:job_workflow_ref:my-org/ci/.github/workflows/deploy.yml@refs/heads/main')] });

    expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
      StringEquals: {
        [AUD]: 'sts.amazonaws.com',
        [SUB]: 'repo:my-org/my-model:environment:prod:job_workflow_ref:my-org/ci/.github/workflows/deploy.yml@refs/heads/main',
      },
    })));
  });

  test('several exact subjects share one StringEquals statement with a list of subs', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.branch('main'), GitHubSubject.environment('production'), GitHubSubject.branch('main')] });

    expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
      StringEquals: {
        [AUD]: 'sts.amazonaws.com',
        [SUB]: ['repo:my-org/my-model:ref:refs/heads/main', 'repo:my-org/my-model:environment:production'],
      },
    })));
  });

  test('a wildcard switches to StringLike, in its own statement; aud stays StringEquals', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.branch('release/*'), GitHubSubject.raw('environment:prod-?')] });

    expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
      StringEquals: { [AUD]: 'sts.amazonaws.com' },
      StringLike: { [SUB]: ['repo:my-org/my-model:ref:refs/heads/release/*', 'repo:my-org/my-model:environment:prod-?'] },
    })));
  });

  test('exact and wildcard subjects: one statement per operator', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.branch('main'), GitHubSubject.tag('v*')] });

    expect(trustPolicy(f.stack)).toEqual(trust(
      statement(f, { StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:my-org/my-model:ref:refs/heads/main' } }),
      statement(f, { StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [SUB]: 'repo:my-org/my-model:ref:refs/tags/v*' } }),
    ));
  });

  test('never uses ForAnyValue or ForAllValues', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.branch('main'), GitHubSubject.tag('v*')], repository: GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1, repositoryId: 2 }) });
    expect(JSON.stringify(trustPolicy(f.stack))).not.toMatch(/ForAnyValue|ForAllValues/);
  });

  describe('subject forms', () => {
    test('ids given: both forms by default', () => {
      const f = fixture();
      const r = role(f, { repository: GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1234567, repositoryId: 765432109 }) });

      expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
        StringEquals: {
          [AUD]: 'sts.amazonaws.com',
          [SUB]: ['repo:my-org/my-model:ref:refs/heads/main', 'repo:my-org@1234567/my-model@765432109:ref:refs/heads/main'],
        },
      })));
      expect(r.subjectClaims).toEqual(['repo:my-org/my-model:ref:refs/heads/main', 'repo:my-org@1234567/my-model@765432109:ref:refs/heads/main']);
    });

    test('IMMUTABLE: only the immutable form', () => {
      const f = fixture();
      role(f, { repository: GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1234567, repositoryId: 765432109 }), subjectForms: GitHubSubjectForms.IMMUTABLE });

      expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
        StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:my-org@1234567/my-model@765432109:ref:refs/heads/main' },
      })));
    });

    test('LEGACY with ids: only the legacy form', () => {
      const f = fixture();
      role(f, { repository: GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1234567, repositoryId: 765432109 }), subjectForms: GitHubSubjectForms.LEGACY });

      expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
        StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:my-org/my-model:ref:refs/heads/main' },
      })));
    });

    test('BOTH with a wildcard subject: both forms in the StringLike statement', () => {
      const f = fixture();
      role(f, { repository: GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1234567, repositoryId: 765432109 }), subjects: [GitHubSubject.environment('production'), GitHubSubject.tag('v*')] });

      expect(trustPolicy(f.stack)).toEqual(trust(
        statement(f, {
          StringEquals: {
            [AUD]: 'sts.amazonaws.com',
            [SUB]: ['repo:my-org/my-model:environment:production', 'repo:my-org@1234567/my-model@765432109:environment:production'],
          },
        }),
        statement(f, {
          StringEquals: { [AUD]: 'sts.amazonaws.com' },
          StringLike: { [SUB]: ['repo:my-org/my-model:ref:refs/tags/v*', 'repo:my-org@1234567/my-model@765432109:ref:refs/tags/v*'] },
        }),
      ));
    });

    test('ids may be tokens', () => {
      const f = fixture();
      const ownerId = new CfnParameter(f.stack, 'OwnerId', { type: 'Number' }).valueAsNumber;
      role(f, { repository: GitHubRepository.withIds('my-org', 'my-model', { ownerId, repositoryId: 2 }), subjectForms: GitHubSubjectForms.IMMUTABLE });

      expect(trustPolicy(f.stack).Statement[0].Condition.StringEquals[SUB]).toEqual({
        'Fn::Join': ['', ['repo:my-org@', { Ref: 'OwnerId' }, '/my-model@2:ref:refs/heads/main']],
      });
    });
  });

  test('an enterprise issuer prefixes the condition keys with its host and path', () => {
    const stack = new Stack();
    const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub', { enterprise: 'octo-corp' });
    new GitHubActionsRole(stack, 'Role', { provider, repository: GitHubRepository.of('o', 'r'), subjects: [GitHubSubject.branch('main')] });

    expect(trustPolicy(stack)).toEqual(trust({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com/octo-corp:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com/octo-corp:sub': 'repo:o/r:ref:refs/heads/main',
        },
      },
      Effect: 'Allow',
      Principal: {
        Federated: {
          'Fn::Join': ['', [
            'arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' },
            ':oidc-provider/token.actions.githubusercontent.com/octo-corp',
          ]],
        },
      },
    }));
  });

  test('an imported provider: partition-aware federated principal, no custom resource', () => {
    const stack = new Stack();
    const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');
    new GitHubActionsRole(stack, 'Role', { provider, repository: GitHubRepository.of('o', 'r'), subjects: [GitHubSubject.branch('main')] });

    const template = Template.fromStack(stack);
    expect(trustPolicy(stack).Statement[0].Principal.Federated).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':oidc-provider/token.actions.githubusercontent.com']],
    });
    const types = Object.values(template.toJSON().Resources).map((r: any) => r.Type);
    expect(types).toEqual(['AWS::IAM::Role']);
  });

  test('without a provider: the account\'s github.com provider, as fromAccount imports it, once per stack', () => {
    const stack = new Stack();
    const subjects = [GitHubSubject.branch('main')];
    new GitHubActionsRole(stack, 'Role', { repository: MY_MODEL, subjects });
    new GitHubActionsRole(stack, 'Other', { repository: MY_MODEL, subjects });
    const imported = GitHubOidcProvider.fromAccount(new Stack(), 'GitHub');

    const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    expect(roles.map((r: any) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Federated))
      .toEqual([imported.stack.resolve(imported.openIdConnectProviderArn), imported.stack.resolve(imported.openIdConnectProviderArn)]);
    expect(roles[0].Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals).toEqual({
      [AUD]: 'sts.amazonaws.com',
      [SUB]: 'repo:my-org/my-model:ref:refs/heads/main',
    });
  });

  test('roles of one repository share its ids', () => {
    const f = fixture();
    const repository = GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1, repositoryId: 2 });
    const build = new GitHubActionsRole(f.stack, 'Build', { provider: f.provider, repository, subjects: [GitHubSubject.branch('main')] });
    const deploy = new GitHubActionsRole(f.stack, 'Deploy', { provider: f.provider, repository, subjects: [GitHubSubject.environment('prod')] });

    expect([...build.subjectClaims, ...deploy.subjectClaims]).toEqual([
      'repo:my-org/my-model:ref:refs/heads/main', 'repo:my-org@1/my-model@2:ref:refs/heads/main',
      'repo:my-org/my-model:environment:prod', 'repo:my-org@1/my-model@2:environment:prod',
    ]);
  });

  test('owner and repository may be tokens: the claim is joined at deploy time', () => {
    const f = fixture();
    const owner = new CfnParameter(f.stack, 'Owner').valueAsString;
    const repository = new CfnParameter(f.stack, 'Repository').valueAsString;
    role(f, { repository: GitHubRepository.of(owner, repository) });

    expect(trustPolicy(f.stack)).toEqual(trust(statement(f, {
      StringEquals: {
        [AUD]: 'sts.amazonaws.com',
        [SUB]: { 'Fn::Join': ['', ['repo:', { Ref: 'Owner' }, '/', { Ref: 'Repository' }, ':ref:refs/heads/main']] },
      },
    })));
  });
});

describe('gitHubActionsRole properties', () => {
  test('exposes repository, subjects and subject claims', () => {
    const f = fixture();
    const r = role(f, { subjects: [GitHubSubject.branch('main'), GitHubSubject.tag('v*')] });
    expect(r.repository).toBe(MY_MODEL);
    expect(r.subjects.map(s => s.suffix)).toEqual(['ref:refs/heads/main', 'ref:refs/tags/v*']);
    expect(r.subjectClaims).toEqual(['repo:my-org/my-model:ref:refs/heads/main', 'repo:my-org/my-model:ref:refs/tags/v*']);
  });

  test('a default description, and roleName', () => {
    const f = fixture();
    role(f, { roleName: 'my-model-github' });
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'my-model-github',
      Description: 'GitHub Actions role for my-org/my-model (OIDC)',
    });
  });

  test('maxSessionDuration is rendered', () => {
    const f = fixture();
    role(f, { maxSessionDuration: Duration.hours(12) });
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 43200 });
  });

  test('maxSessionDuration defaults to IAM\'s one hour (not rendered)', () => {
    const f = fixture();
    role(f);
    const [r] = Object.values(Template.fromStack(f.stack).findResources('AWS::IAM::Role'));
    expect(r.Properties.MaxSessionDuration).toBeUndefined();
  });

  test('works with grants that take an IGrantable', () => {
    const f = fixture();
    const bucket = new s3.Bucket(f.stack, 'Bucket');
    const r = role(f);
    bucket.grantRead(r);
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: f.stack.getLogicalId(r.node.defaultChild as iam.CfnRole) }],
    });
  });
});

describe('gitHubActionsRole refuses', () => {
  test.each([
    [{ subjects: [] }, /gitHubActionsRole subjects is empty: .*give at least one, e.g. GitHubSubject.branch\('main'\)/],
    [{ subjectForms: GitHubSubjectForms.IMMUTABLE }, /gitHubActionsRole subjectForms IMMUTABLE needs the ids of repository my-org\/my-model: give them \(GitHubRepository.withIds\('my-org', 'my-model', \{ ownerId, repositoryId \}\), .*\), or use GitHubSubjectForms.LEGACY/],
    [{ subjectForms: GitHubSubjectForms.BOTH }, /subjectForms BOTH needs the ids of repository my-org\/my-model/],
    [{ maxSessionDuration: Duration.minutes(30) }, /gitHubActionsRole maxSessionDuration 30 minutes is outside IAM's limits: use between Duration.hours\(1\) and Duration.hours\(12\)/],
    [{ maxSessionDuration: Duration.hours(13) }, /maxSessionDuration 13 hours is outside IAM's limits/],
  ])('%j', (props, message) => {
    const [property, value] = Object.entries(props)[0];
    expectError(() => role(fixture(), props as Partial<GitHubActionsRoleProps>),
      { construct: 'GitHubActionsRole', property, value: value instanceof Duration ? value.toHumanString() : JSON.stringify(value) }, message);
  });

  test('a provider whose issuer is a token', () => {
    const f = fixture();
    const provider: IGitHubOidcProvider = Object.create(f.provider, {
      issuer: { value: new CfnParameter(f.stack, 'Issuer').valueAsString },
    });
    expectError(() => role(f, { provider }), { construct: 'GitHubActionsRole', property: 'provider', value: 'an issuer that is a token' }, /gitHubActionsRole provider has an issuer only known at deploy time: IAM condition keys must be literal/);
  });
});

describe('pull requests and writes', () => {
  test('a pull request subject on a role granted a write fails validation, naming the actions', () => {
    const f = fixture();
    const r = role(f, { subjects: [GitHubSubject.branch('main'), GitHubSubject.pullRequest()] });
    new s3.Bucket(f.stack, 'Bucket').grantWrite(r);

    expectError(() => synthValidated(f.stack), { construct: 'GitHubActionsRole', property: 'subjects', value: 'GitHubSubject.pullRequest() on a role granted bucket writes' },
      /gitHubActionsRole subjects admit pull requests, but the role is granted writes \(s3:DeleteObject\*, s3:PutObject.*\): a pull request runs the workflow of its own branch.*or set allowPullRequestsWithWrites: true/,
    );
  });

  test('grantCdkDeploy counts as a write', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.pullRequest()] }).grantCdkDeploy();
    expectError(() => synthValidated(f.stack), { construct: 'GitHubActionsRole', property: 'subjects', value: 'GitHubSubject.pullRequest() on a role with grantCdkDeploy()' },
      /subjects admit pull requests, but the role is granted writes \(sts:AssumeRole\)/);
  });

  test('a raw pattern that could match pull_request is checked too', () => {
    const f = fixture();
    role(f, { subjects: [GitHubSubject.raw('pull*')] }).addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:StartPipelineExecution'],
      resources: ['*'],
    }));
    expectError(() => synthValidated(f.stack), { construct: 'GitHubActionsRole', property: 'subjects', value: "GitHubSubject.raw('pull*') on a role that starts pipelines" },
      /subjects admit pull requests, but the role is granted writes \(sagemaker:StartPipelineExecution\)/);
  });

  test('attached inline and managed policies, NotAction and opaque managed policies are writes', () => {
    const f = fixture();
    const r = role(f, { subjects: [GitHubSubject.pullRequest()] });
    new iam.Policy(f.stack, 'Inline', {
      roles: [r],
      statements: [new iam.PolicyStatement({ actions: ['ecr:PutImage'], resources: ['*'] })],
    });
    new iam.ManagedPolicy(f.stack, 'Managed', {
      roles: [r],
      statements: [new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] })],
    });
    r.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'));

    expectError(() => synthValidated(f.stack), { construct: 'GitHubActionsRole', property: 'subjects', value: 'GitHubSubject.pullRequest() on a role with write policies' },
      /subjects admit pull requests, but the role is granted writes \(ecr:PutImage, NotAction iam:\*, \(a managed policy whose statements are not known at synth time\)\)/,
    );
  });

  test('a statement changed after it was added is read as it ends up', () => {
    const f = fixture();
    const r = role(f, { subjects: [GitHubSubject.pullRequest()] });
    const readStatement = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] });
    r.addToPrincipalPolicy(readStatement);
    readStatement.addActions('s3:PutObject');
    expectError(() => synthValidated(f.stack), { construct: 'GitHubActionsRole', property: 'subjects', value: 'GitHubSubject.pullRequest() on a role whose statement gained s3:PutObject' },
      /subjects admit pull requests, but the role is granted writes \(s3:PutObject\)/);
  });

  test('reads are allowed with pull requests', () => {
    const f = fixture();
    const r = role(f, { subjects: [GitHubSubject.pullRequest()] });
    new s3.Bucket(f.stack, 'Bucket').grantRead(r);
    r.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecr:GetAuthorizationToken', 'sts:GetCallerIdentity', 'ecr:BatchGetImage', 'ecr:BatchCheckLayerAvailability', 'sagemaker:DescribeTrainingJob'],
      resources: ['*'],
    }));
    r.addToPrincipalPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:*'], resources: ['*'] }));
    expect(() => Template.fromStack(f.stack)).not.toThrow();
  });

  test('writes are allowed with branch, tag and environment subjects named by deploy-time tokens', () => {
    const f = fixture();
    const name = new CfnParameter(f.stack, 'Name').valueAsString;
    const r = role(f, { subjects: [GitHubSubject.environment(name), GitHubSubject.branch(name), GitHubSubject.tag(name)] });
    new s3.Bucket(f.stack, 'Bucket').grantWrite(r);
    expect(() => Template.fromStack(f.stack)).not.toThrow();
  });

  test('a raw subject named by a deploy-time token still counts as admitting pull requests', () => {
    const f = fixture();
    const r = role(f, { subjects: [GitHubSubject.raw(new CfnParameter(f.stack, 'Suffix').valueAsString)] });
    new s3.Bucket(f.stack, 'Bucket').grantWrite(r);
    expectError(() => synthValidated(f.stack), { construct: 'GitHubActionsRole', property: 'subjects', value: 'GitHubSubject.raw(a token) on a role granted bucket writes' },
      /gitHubActionsRole subjects admit pull requests, but the role is granted writes/);
  });

  test('writes are allowed without a pull request subject', () => {
    const f = fixture();
    const r = role(f, { subjects: [GitHubSubject.branch('main')] });
    new s3.Bucket(f.stack, 'Bucket').grantWrite(r);
    expect(() => Template.fromStack(f.stack)).not.toThrow();
  });

  test('allowPullRequestsWithWrites opts in', () => {
    const f = fixture();
    const r = role(f, { subjects: [GitHubSubject.pullRequest()], allowPullRequestsWithWrites: true });
    new s3.Bucket(f.stack, 'Bucket').grantWrite(r);
    expect(() => Template.fromStack(f.stack)).not.toThrow();
  });
});

describe('grantCdkDeploy', () => {
  const ROLES = ['deploy', 'file-publishing', 'image-publishing', 'lookup'];

  function policyStatements(stack: Stack): any[] {
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  }

  test('allows sts:AssumeRole on the four bootstrap roles of the account and region, partition-aware', () => {
    const f = fixture();
    const grant = role(f).grantCdkDeploy();

    expect(grant.success).toBe(true);
    expect(policyStatements(f.stack)).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Resource: ROLES.map(kind => ({
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' },
          `:role/cdk-hnb659fds-${kind}-role-`, { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' },
        ]],
      })),
    }]);
  });

  test('a custom qualifier, regions and session tags', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    new GitHubActionsRole(stack, 'Role', { provider, repository: GitHubRepository.of('o', 'r'), subjects: [GitHubSubject.branch('main')] })
      .grantCdkDeploy({ qualifier: 'ml', regions: ['eu-west-1', 'us-east-1'], sessionTags: true });

    expect(policyStatements(stack)).toEqual([{
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Effect: 'Allow',
      Resource: ['eu-west-1', 'us-east-1'].flatMap(region => ROLES.map(kind => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::123456789012:role/cdk-ml-${kind}-role-123456789012-${region}`]],
      }))),
    }]);
  });

  test('the qualifier follows the @aws-cdk/core:bootstrapQualifier context', () => {
    const app = new App({ context: { '@aws-cdk/core:bootstrapQualifier': 'team1' } });
    const stack = new Stack(app, 'S');
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    new GitHubActionsRole(stack, 'Role', { provider, repository: GitHubRepository.of('o', 'r'), subjects: [GitHubSubject.branch('main')] }).grantCdkDeploy();

    expect(JSON.stringify(policyStatements(stack))).toContain(':role/cdk-team1-deploy-role-');
  });

  test('the qualifier follows the stack synthesizer, before the context; an explicit one wins', () => {
    const app = new App({ context: { '@aws-cdk/core:bootstrapQualifier': 'team1' } });
    const stack = new Stack(app, 'S', { synthesizer: new DefaultStackSynthesizer({ qualifier: 'synth1' }) });
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    const subjects = [GitHubSubject.branch('main')];
    new GitHubActionsRole(stack, 'Role', { provider, repository: GitHubRepository.of('o', 'r'), subjects }).grantCdkDeploy();
    new GitHubActionsRole(stack, 'Explicit', { provider, repository: GitHubRepository.of('o', 'r'), subjects }).grantCdkDeploy({ qualifier: 'mine' });

    const text = JSON.stringify(policyStatements(stack));
    for (const kind of ROLES) {
      expect(text).toContain(`:role/cdk-synth1-${kind}-role-`);
      expect(text).toContain(`:role/cdk-mine-${kind}-role-`);
    }
    expect(text).not.toContain('team1');
  });

  test('a synthesizer without a qualifier falls back to the context', () => {
    const app = new App({ context: { '@aws-cdk/core:bootstrapQualifier': 'team1' } });
    const stack = new Stack(app, 'S', { synthesizer: new DefaultStackSynthesizer() });
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    new GitHubActionsRole(stack, 'Role', { provider, repository: GitHubRepository.of('o', 'r'), subjects: [GitHubSubject.branch('main')] }).grantCdkDeploy();
    expect(JSON.stringify(policyStatements(stack))).toContain(':role/cdk-team1-deploy-role-');
  });

  test.each([
    [{ qualifier: 'my qualifier' }, /gitHubActionsRole grantCdkDeploy qualifier 'my qualifier' is not a CDK bootstrap qualifier: use 1 to 10 letters, digits, '_' or '-'/],
    [{ qualifier: 'abcdefghijk' }, /qualifier 'abcdefghijk' is not a CDK bootstrap qualifier/],
    [{ regions: [] }, /gitHubActionsRole grantCdkDeploy regions is empty: give at least one region/],
    [{ regions: ['Europe'] }, /gitHubActionsRole grantCdkDeploy regions entry 'Europe' is not an AWS region name: use a name such as 'us-east-1'/],
  ])('refuses %j', (options, message) => {
    const [property, value] = Object.entries(options)[0];
    expectError(() => role(fixture()).grantCdkDeploy(options), { construct: 'GitHubActionsRole.grantCdkDeploy', property, value: JSON.stringify(value) }, message);
  });
});
