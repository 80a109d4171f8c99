import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  DeployOnApproval, GitHubActionsRole, GitHubOidcProvider, GitHubRepository, GitHubSubject, GitHubWorkflow,
} from '../../src/github';
import { CustomTrainingImage } from '../../src/image/custom-training-image';
import { ModelPackageGroup } from '../../src/training/model-package-group';
import { expectError } from '../errors';

/**
 * What a plain JavaScript caller (and some jsii paths) can pass: `null`, a
 * missing required prop, a value of the wrong type. Each is an Error that
 * names the property, never a TypeError from deep inside.
 */
const REPOSITORY = GitHubRepository.of('my-org', 'my-model');
const stack = () => new Stack(new App(), 'Test');
const js = (value: unknown): any => value;
const outputPath = () => path.join(os.tmpdir(), `props-${Math.random().toString(36).slice(2)}.yml`);

describe('GitHubRepository', () => {
  test.each([
    ['owner', () => GitHubRepository.of(js(undefined), 'my-model'), 'undefined', 'gitHubRepository owner must be a string, got nothing'],
    ['owner', () => GitHubRepository.of(js(null), 'my-model'), 'null', 'gitHubRepository owner must be a string, got null'],
    ['name', () => GitHubRepository.of('my-org', js(42)), '42', 'gitHubRepository name must be a string, got 42'],
    ['ids', () => GitHubRepository.withIds('my-org', 'my-model', js(undefined)), 'undefined',
      'gitHubRepository ids is required, got nothing: give { ownerId, repositoryId }, the id fields of https://api.github.com/users/OWNER '
      + "and https://api.github.com/repos/OWNER/REPO, or use GitHubRepository.of('my-org', 'my-model') for a repository known by its names only"],
    ['ids', () => GitHubRepository.withIds('my-org', 'my-model', js(null)), 'null', 'gitHubRepository ids is required, got null'],
    ['ids', () => GitHubRepository.withIds('my-org', 'my-model', js('1/2')), "'1/2'", "gitHubRepository ids must be an object, got '1/2'"],
    ['ownerId', () => GitHubRepository.withIds('my-org', 'my-model', js({ ownerId: '1', repositoryId: 2 })), "'1'",
      "gitHubRepository ownerId must be a GitHub id, got '1'"],
    ['repositoryId', () => GitHubRepository.withIds('my-org', 'my-model', js({ ownerId: 1 })), 'undefined',
      'gitHubRepository repositoryId must be a GitHub id, got nothing'],
  ])('%s', (property, build, value, message) => {
    expectError(build, { construct: 'GitHubRepository', property, value }, message);
  });
});

describe('GitHubSubject', () => {
  /** Each factory's parameter where it is not `name`. */
  const PARAMETER: Record<string, string> = { tag: 'pattern', raw: 'suffixAfterRepo' };
  test.each([
    ['branch', () => GitHubSubject.branch(js(undefined)), 'undefined', 'gitHubSubject.branch name must be a string, got nothing'],
    ['tag', () => GitHubSubject.tag(js(7)), '7', 'gitHubSubject.tag pattern must be a string, got 7'],
    ['environment', () => GitHubSubject.environment(js(null)), 'null', 'gitHubSubject.environment name must be a string, got null'],
    ['raw', () => GitHubSubject.raw(js({})), '{}', 'gitHubSubject.raw suffixAfterRepo must be a string, got {}'],
  ])('%s', (factory, build, value, message) => {
    expectError(build, { construct: `GitHubSubject.${factory}`, property: PARAMETER[factory] ?? 'name', value }, message);
  });
});

describe('GitHubActionsRole', () => {
  const role = (props: unknown) => () => new GitHubActionsRole(stack(), 'Role', js(props));
  test.each([
    ['props', null, 'null', 'gitHubActionsRole props must be an object, got null'],
    ['repository', { subjects: [GitHubSubject.branch('main')] }, 'undefined',
      "gitHubActionsRole repository must be a GitHubRepository, got nothing: give GitHubRepository.of('my-org', 'my-model')"],
    ['repository', { repository: 'my-org/my-model', subjects: [GitHubSubject.branch('main')] }, "'my-org/my-model'",
      "gitHubActionsRole repository must be a GitHubRepository, got 'my-org/my-model'"],
    ['subjects', { repository: REPOSITORY }, 'undefined', 'gitHubActionsRole subjects is empty'],
    ['subjects', { repository: REPOSITORY, subjects: null }, 'null', 'gitHubActionsRole subjects must be a list, got null'],
    ['subjects', { repository: REPOSITORY, subjects: 'main' }, "'main'", "gitHubActionsRole subjects must be a list, got 'main'"],
    ['subjects[0]', { repository: REPOSITORY, subjects: ['ref:refs/heads/main'] }, "['ref:refs/heads/main']",
      "gitHubActionsRole subjects[0] must be a GitHubSubject, got 'ref:refs/heads/main'"],
    ['subjectForms', { repository: REPOSITORY, subjects: [GitHubSubject.branch('main')], subjectForms: 'legacy' }, "'legacy'",
      "gitHubActionsRole subjectForms must be one of LEGACY, IMMUTABLE, BOTH, got 'legacy'"],
    ['maxSessionDuration', { repository: REPOSITORY, subjects: [GitHubSubject.branch('main')], maxSessionDuration: 7200 }, '7200',
      'gitHubActionsRole maxSessionDuration must be a Duration, got 7200: give e.g. Duration.hours(2)'],
    ['provider', { repository: REPOSITORY, subjects: [GitHubSubject.branch('main')], provider: null }, 'null',
      'gitHubActionsRole provider must be an IGitHubOidcProvider, got null'],
    ['roleName', { repository: REPOSITORY, subjects: [GitHubSubject.branch('main')], roleName: 3 }, '3',
      'gitHubActionsRole roleName must be a string, got 3'],
  ])('%s %j', (property, props, value, message) => {
    expectError(role(props), { construct: 'GitHubActionsRole', property, value }, message);
  });

  test('a maxSessionDuration that is a token reaches the template (aws-cdk-lib\'s own check would refuse its stand-in number)', () => {
    const s = stack();
    const seconds = new CfnParameter(s, 'Hours', { type: 'Number' }).valueAsNumber;
    new GitHubActionsRole(s, 'Role', { repository: REPOSITORY, subjects: [GitHubSubject.branch('main')], maxSessionDuration: Duration.seconds(seconds) });
    const duration = Template.fromStack(s).findResources('AWS::IAM::Role')[Object.keys(Template.fromStack(s).findResources('AWS::IAM::Role'))[0]]
      .Properties.MaxSessionDuration;
    expect(Token.isUnresolved(duration)).toBe(false);
    expect(JSON.stringify(duration)).toContain('"Ref":"Hours"');
  });
});

test('GitHubActionsRole maxSessionDuration: a token in hours cannot be converted', () => {
  const s = stack();
  const hours = new CfnParameter(s, 'Hours', { type: 'Number' }).valueAsNumber;
  expectError(() => new GitHubActionsRole(s, 'Role', { repository: REPOSITORY, subjects: [GitHubSubject.branch('main')], maxSessionDuration: Duration.hours(hours) }),
    { construct: 'GitHubActionsRole', property: 'maxSessionDuration', value: 'Duration.hours(<token>)' },
    'gitHubActionsRole maxSessionDuration (a token) is in another unit than seconds, which CloudFormation cannot convert: give Duration.seconds(<token>)');
});

describe('GitHubOidcProvider', () => {
  test('enterprise of the wrong type', () => {
    expectError(() => new GitHubOidcProvider(stack(), 'GitHub', js({ enterprise: 5 })),
      { construct: 'GitHubOidcProvider', property: 'enterprise', value: '5' }, 'gitHubOidcProvider enterprise must be a string, got 5');
  });

  test('two providers for one issuer in one stack (the second fails at deploy with EntityAlreadyExists)', () => {
    const s = stack();
    new GitHubOidcProvider(s, 'GitHub');
    expectError(() => new GitHubOidcProvider(s, 'Again'), { construct: 'GitHubOidcProvider', property: 'issuer', value: 'the issuer of GitHub.com, twice' },
      'gitHubOidcProvider Test/Again has the issuer https://token.actions.githubusercontent.com of Test/GitHub in the same stack: '
      + 'IAM holds one provider per issuer URL in an account, so the second fails to deploy with EntityAlreadyExists; '
      + 'create it once and import it elsewhere with GitHubOidcProvider.fromAccount()');
  });

  test('two providers for one issuer in two stacks of one account', () => {
    const app = new App();
    new GitHubOidcProvider(new Stack(app, 'A', { env: { account: '123456789012', region: 'eu-west-1' } }), 'GitHub');
    const b = new Stack(app, 'B', { env: { account: '123456789012', region: 'us-east-1' } });
    expectError(() => new GitHubOidcProvider(b, 'GitHub'), { construct: 'GitHubOidcProvider', property: 'issuer', value: 'one account, two stacks' },
      'gitHubOidcProvider B/GitHub has the issuer https://token.actions.githubusercontent.com of A/GitHub in account 123456789012 (stack A)');
  });

  test('providers of other issuers, or of other accounts, may live side by side', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: '123456789012' } });
    new GitHubOidcProvider(a, 'GitHub');
    new GitHubOidcProvider(a, 'Enterprise', { enterprise: 'octo' });
    expect(() => new GitHubOidcProvider(new Stack(app, 'B', { env: { account: '210987654321' } }), 'GitHub')).not.toThrow();
  });
});

describe('GitHubWorkflow', () => {
  const workflow = (props: (s: Stack) => unknown) => () => {
    const s = stack();
    return new GitHubWorkflow(s, 'Workflow', js(props(s)));
  };
  const role = (s: Stack, id: string) => new iam.Role(s, id, { assumedBy: new iam.AccountRootPrincipal() });
  test.each<[string, (s: Stack) => unknown, string, string]>([
    ['props', () => null, 'null', 'gitHubWorkflow props must be an object, got null'],
    ['image', (s) => ({ buildRole: role(s, 'Build') }), 'undefined', 'gitHubWorkflow image is required, got nothing: give an IBuildableImage'],
    ['image', (s) => ({ image: 'my-image', buildRole: role(s, 'Build') }), "'my-image'",
      "gitHubWorkflow image must be an IBuildableImage, e.g. a CustomTrainingImage, got 'my-image' (it has no repository, cacheTag)"],
    ['buildRole', (s) => ({ image: new CustomTrainingImage(s, 'Image') }), 'undefined', 'gitHubWorkflow buildRole is required, got nothing'],
    ['buildRole', (s) => ({ image: new CustomTrainingImage(s, 'Image'), buildRole: 'arn:aws:iam::1:role/x' }), "'arn:aws:iam::1:role/x'",
      'gitHubWorkflow buildRole must be an iam.IRole'],
    ['train.pipeline', (s) => ({ image: new CustomTrainingImage(s, 'Image'), buildRole: role(s, 'Build'), train: { role: role(s, 'Train') } }),
      'undefined', 'gitHubWorkflow train.pipeline is required, got nothing'],
    ['train.role', (s) => ({ image: new CustomTrainingImage(s, 'Image'), buildRole: role(s, 'Build'), train: { pipeline: { pipelineName: 'p', grantManageExecutions: () => undefined } } }),
      'undefined', 'gitHubWorkflow train.role is required, got nothing'],
    ['deploy.role', (s) => ({ image: new CustomTrainingImage(s, 'Image'), buildRole: role(s, 'Build'), deploy: {} }),
      'undefined', 'gitHubWorkflow deploy.role is required, got nothing'],
    ['deploy.stacks', (s) => ({ image: new CustomTrainingImage(s, 'Image'), buildRole: role(s, 'Build'), deploy: { role: role(s, 'Deploy'), stacks: 'Prod' } }),
      "'Prod'", 'gitHubWorkflow deploy.stacks must be a list of stack patterns, got "Prod"'],
    ['branch', (s) => ({ image: new CustomTrainingImage(s, 'Image'), buildRole: role(s, 'Build'), branch: null }), 'null',
      'gitHubWorkflow branch must be a string, got null'],
    ['freeDiskSpace', (s) => ({ image: new CustomTrainingImage(s, 'Image'), buildRole: role(s, 'Build'), freeDiskSpace: 'no' }), "'no'",
      "gitHubWorkflow freeDiskSpace must be a boolean, got 'no'"],
  ])('%s', (property, props, value, message) => {
    expectError(workflow(props), { construct: 'GitHubWorkflow', property, value }, message);
  });

  test('a workflow written outside .github/workflows gets a warning: GitHub runs only the files there', () => {
    const s = stack();
    const buildRole = new iam.Role(s, 'Build', { assumedBy: new iam.AccountRootPrincipal() });
    new GitHubWorkflow(s, 'Workflow', { image: new CustomTrainingImage(s, 'Image'), buildRole, outputPath: outputPath() });
    const inside = path.join(os.tmpdir(), `props-${process.pid}`, '.github', 'workflows', 'sagemaker.yml');
    new GitHubWorkflow(s, 'Inside', { image: new CustomTrainingImage(s, 'Image2'), buildRole, outputPath: inside });
    const warnings = Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('not in a .github/workflows directory'));
    expect(warnings.map((w) => w.id)).toEqual(['/Test/Workflow']);
  });
});

describe('DeployOnApproval', () => {
  const approval = (props: (s: Stack) => unknown) => () => {
    const s = stack();
    return new DeployOnApproval(s, 'Approval', js(props(s)));
  };
  const secret = { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:github-AbCdEf' };
  test.each<[string, (s: Stack) => unknown, string, string]>([
    ['props', () => undefined, 'undefined', 'deployOnApproval props must be an object, got nothing'],
    ['repository', (s) => ({ modelPackageGroup: new ModelPackageGroup(s, 'Models'), tokenSecret: secret }), 'undefined',
      'deployOnApproval repository must be a GitHubRepository, got nothing'],
    ['modelPackageGroup', () => ({ repository: REPOSITORY, tokenSecret: secret }), 'undefined',
      'deployOnApproval modelPackageGroup is required, got nothing'],
    ['tokenSecret', (s) => ({ repository: REPOSITORY, modelPackageGroup: new ModelPackageGroup(s, 'Models'), tokenSecret: 'github/token' }),
      "'github/token'", 'deployOnApproval tokenSecret must be a secretsmanager.ISecret'],
    ['retryAttempts', (s) => ({ repository: REPOSITORY, modelPackageGroup: new ModelPackageGroup(s, 'Models'), tokenSecret: secret, retryAttempts: '3' }),
      "'3'", "deployOnApproval retryAttempts must be a number, got '3'"],
    ['maxEventAge', (s) => ({ repository: REPOSITORY, modelPackageGroup: new ModelPackageGroup(s, 'Models'), tokenSecret: secret, maxEventAge: 3600 }),
      '3600', 'deployOnApproval maxEventAge must be a Duration, got 3600'],
  ])('%s', (property, props, value, message) => {
    expectError(approval(props), { construct: 'DeployOnApproval', property, value }, message);
  });
});
