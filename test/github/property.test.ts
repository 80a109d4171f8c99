import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository, GitHubSubject } from '../../src/github';
import { propertyParameters } from '../property';

const ISSUER = 'token.actions.githubusercontent.com';
const owner = fc.stringMatching(/^[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8}){0,2}$/);
const repo = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,30}$/).filter((n) => n !== '.' && n !== '..');
const branch = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}(?:\/[a-z0-9][a-z0-9-]{0,10}){0,2}$/);
const environment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,20}[A-Za-z0-9]$/);
const subject = fc.oneof(branch.map((b) => GitHubSubject.branch(b)), environment.map((e) => GitHubSubject.environment(e)),
  fc.constantFrom(GitHubSubject.tag('v*'), GitHubSubject.branch('release/*')));

function trustStatements(stack: Stack): any[] {
  const roles = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Role'));
  return roles.flatMap((r) => r.Properties.AssumeRolePolicyDocument.Statement);
}

test('valid owners, repositories, branches and environments: every trust statement pins aud and owner/repository', () => {
  fc.assert(fc.property(owner, repo, fc.array(subject, { minLength: 1, maxLength: 4 }), (o, r, subjects) => {
    const stack = new Stack(new App(), 'Test');
    new GitHubActionsRole(stack, 'Role', { provider: new GitHubOidcProvider(stack, 'GitHub'), repository: GitHubRepository.of(o, r), subjects });
    for (const statement of trustStatements(stack)) {
      expect(statement.Condition.StringEquals[`${ISSUER}:aud`]).toBe('sts.amazonaws.com');
      const sub = statement.Condition.StringEquals[`${ISSUER}:sub`] ?? statement.Condition.StringLike[`${ISSUER}:sub`];
      for (const claim of [sub].flat()) {
        expect(claim.startsWith(`repo:${o}/${r}:`)).toBe(true);
      }
      expect(Object.keys(statement.Condition).some((k) => k.startsWith('ForAnyValue') || k.startsWith('ForAllValues'))).toBe(false);
    }
  }), propertyParameters());
});

test('a pull_request subject on a role that can write is refused at synth', () => {
  fc.assert(fc.property(owner, repo, (o, r) => {
    const stack = new Stack(new App(), 'Test');
    const role = new GitHubActionsRole(stack, 'Role', { repository: GitHubRepository.of(o, r), subjects: [GitHubSubject.pullRequest()] });
    new s3.Bucket(stack, 'Bucket').grantWrite(role);
    expect(() => Template.fromStack(stack)).toThrow(/subjects admit pull requests, but the role is granted writes/);
  }), propertyParameters(10));
});

test('any other owner or repository is an Error naming it, never a TypeError', () => {
  const anything = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.object());
  fc.assert(fc.property(anything, anything, (o, r) => {
    try {
      GitHubRepository.of(o as any, r as any);
    } catch (e) {
      expect((e as Error).name).toBe('Error');
      expect((e as Error).message).toMatch(/^gitHubRepository (owner|name) /);
    }
  }), propertyParameters(200));
});
