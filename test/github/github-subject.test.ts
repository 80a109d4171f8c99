import { CfnParameter, Stack } from 'aws-cdk-lib';
import { GitHubSubject } from '../../src/github';
import { expectError } from '../errors';

describe('GitHubSubject', () => {
  test.each([
    [GitHubSubject.branch('main'), 'ref:refs/heads/main', false],
    [GitHubSubject.branch('release/*'), 'ref:refs/heads/release/*', true],
    [GitHubSubject.branch('feature/model-v2'), 'ref:refs/heads/feature/model-v2', false],
    [GitHubSubject.tag('v1.2.0'), 'ref:refs/tags/v1.2.0', false],
    [GitHubSubject.tag('v*'), 'ref:refs/tags/v*', true],
    [GitHubSubject.environment('production'), 'environment:production', false],
    [GitHubSubject.environment('Production East'), 'environment:Production East', false],
    [GitHubSubject.pullRequest(), 'pull_request', false],
    [GitHubSubject.raw('environment:prod-*'), 'environment:prod-*', true],
  ])('%# renders %p', (subject, suffix, isPattern) => {
    expect(subject.suffix).toBe(suffix);
    expect(subject.isPattern).toBe(isPattern);
  });

  test.each([
    [GitHubSubject.pullRequest(), true],
    [GitHubSubject.raw('pull_request'), true],
    [GitHubSubject.raw('pull_request:job_workflow_ref:o/r/.github/workflows/ci.yml@refs/heads/main'), true],
    [GitHubSubject.raw('pull*'), true],
    [GitHubSubject.raw('*:job_workflow_ref:o/r/.github/workflows/ci.yml@refs/heads/main'), true],
    [GitHubSubject.raw('ref:*'), false],
    [GitHubSubject.branch('*'), false],
    [GitHubSubject.environment('pull_request'), false],
  ])('%# admitsPullRequests of %p is %p', (subject, admits) => {
    expect(subject.admitsPullRequests).toBe(admits);
  });

  test('a branch, tag or environment named by a token never admits pull requests; a raw token does', () => {
    const stack = new Stack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(GitHubSubject.branch(name).admitsPullRequests).toBe(false);
    expect(GitHubSubject.tag(name).admitsPullRequests).toBe(false);
    expect(GitHubSubject.environment(name).admitsPullRequests).toBe(false);
    expect(GitHubSubject.raw(name).admitsPullRequests).toBe(true);
    expect(GitHubSubject.raw(`environment:${name}`).admitsPullRequests).toBe(true);
  });

  test('tokens skip the checks', () => {
    const stack = new Stack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(() => GitHubSubject.branch(name)).not.toThrow();
    expect(() => GitHubSubject.tag(name)).not.toThrow();
    expect(() => GitHubSubject.environment(name)).not.toThrow();
    expect(() => GitHubSubject.raw(name)).not.toThrow();
  });

  describe('refuses', () => {
    test.each([
      ['', /gitHubSubject.branch name '' is not a valid git branch name: it is empty/],
      ['refs/heads/main', /gitHubSubject.branch name 'refs\/heads\/main' is not a valid git branch name: give the short name without 'refs\/heads\/'/],
      ['my branch', /name 'my branch' is not a valid git branch name: it must not contain spaces or control characters/],
      ['a..b', /name 'a..b' is not a valid git branch name: it must not contain '..'/],
      ['a~1', /it must not contain '~', '\^', ':' or '\\'/],
      ['a^', /it must not contain '~', '\^', ':' or '\\'/],
      ['a:b', /it must not contain '~', '\^', ':' or '\\'/],
      ['a\\b', /it must not contain '~', '\^', ':' or '\\'/],
      ['fix?', /it must not contain '\?' or '\[': only '\*' may be used, as a wildcard/],
      ['fix[1]', /it must not contain '\?' or '\['/],
      ['a@{1}', /it must not contain '@\{' or be '@'/],
      ['@', /it must not contain '@\{' or be '@'/],
      ['x${aws.username}', /it must not contain '\$\{', which IAM reads as a policy variable/],
      ['/main', /it must not start or end with '\/' or contain '\/\/'/],
      ['main/', /it must not start or end with '\/' or contain '\/\/'/],
      ['a//b', /it must not start or end with '\/' or contain '\/\/'/],
      ['-main', /it must not start with '-'/],
      ['main.', /it must not end with '.'/],
      ['feature/.hidden', /no part between '\/' may start with '.' or end with '.lock'/],
      ['main.lock', /no part between '\/' may start with '.' or end with '.lock'/],
    ])('branch %p', (name, message) => {
      expectError(() => GitHubSubject.branch(name), { construct: 'GitHubSubject.branch', property: 'name', value: JSON.stringify(name) }, message);
    });

    test('a tag, with the tag prefix in the message', () => {
      expectError(() => GitHubSubject.tag('refs/tags/v1'), { construct: 'GitHubSubject.tag', property: 'pattern', value: "'refs/tags/v1'" }, /gitHubSubject.tag pattern 'refs\/tags\/v1' is not a valid git tag name: give the short name without 'refs\/tags\/'/);
      expectError(() => GitHubSubject.tag('v1..2'), { construct: 'GitHubSubject.tag', property: 'pattern', value: "'v1..2'" }, /gitHubSubject.tag pattern 'v1..2' is not a valid git tag name: it must not contain '..'/);
    });

    test.each([
      ['', /gitHubSubject.environment name '' is empty: give the name of the environment/],
      ['x'.repeat(256), /gitHubSubject.environment name 'x+' is 256 characters long: GitHub allows at most 255/],
      [' production', /starts or ends with a space: GitHub trims environment names/],
      ['prod\nx', /contains control characters: remove them/],
      ['prod:x', /contains ':', the separator of the sub claim, so it could match a different claim/],
      ['prod-*', /contains a wildcard: an environment subject names one environment; use GitHubSubject.raw\('environment:<pattern>'\) for a pattern/],
      ['prod?', /contains a wildcard/],
      ['${aws.username}', /contains '\$\{', which IAM reads as a policy variable/],
    ])('environment %p', (name, message) => {
      expectError(() => GitHubSubject.environment(name), { construct: 'GitHubSubject.environment', property: 'name', value: JSON.stringify(name) }, message);
    });

    test.each([
      ['', /gitHubSubject.raw suffixAfterRepo is empty: give the part of the sub claim after 'repo:OWNER\/REPO:'/],
      ['*', /gitHubSubject.raw suffixAfterRepo '\*' admits every workflow run of the repository, pull requests and any branch included: name a branch, tag or environment instead/],
      ['**', /suffixAfterRepo '\*\*' admits every workflow run of the repository/],
      ['?*', /admits every workflow run of the repository/],
      ['repo:o/r:ref:refs/heads/main', /gitHubSubject.raw suffixAfterRepo 'repo:o\/r:ref:refs\/heads\/main' starts with 'repo:': give only the part after 'repo:OWNER\/REPO:'/],
      ['repo:*', /starts with 'repo:'/],
      ['ref:refs/heads/main\n', /contains control characters/],
    ])('raw %p', (suffix, message) => {
      expectError(() => GitHubSubject.raw(suffix), { construct: 'GitHubSubject.raw', property: 'suffixAfterRepo', value: JSON.stringify(suffix) }, message);
    });
  });
});
