import { CfnParameter, Stack } from 'aws-cdk-lib';
import { GitHubRepository } from '../../src/github';
import { expectError } from '../errors';

describe('gitHubRepository', () => {
  test('owner, name, full name and the legacy subject prefix', () => {
    const repository = GitHubRepository.of('my-org', 'my-model');
    expect([repository.owner, repository.name, repository.fullName, repository.legacySubjectPrefix])
      .toEqual(['my-org', 'my-model', 'my-org/my-model', 'repo:my-org/my-model']);
  });

  test('without ids: no immutable subject prefix', () => {
    const repository = GitHubRepository.of('my-org', 'my-model');
    expect([repository.hasIds, repository.immutableSubjectPrefix]).toEqual([false, undefined]);
  });

  test('with ids: the immutable subject prefix carries them', () => {
    const repository = GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1234567, repositoryId: 765432109 });
    expect([repository.hasIds, repository.ownerId, repository.repositoryId, repository.immutableSubjectPrefix])
      .toEqual([true, 1234567, 765432109, 'repo:my-org@1234567/my-model@765432109']);
  });

  test('ids may be tokens', () => {
    const stack = new Stack();
    const ownerId = new CfnParameter(stack, 'OwnerId', { type: 'Number' }).valueAsNumber;
    const repository = GitHubRepository.withIds('my-org', 'my-model', { ownerId, repositoryId: 2 });
    expect(stack.resolve(repository.immutableSubjectPrefix)).toEqual({ 'Fn::Join': ['', ['repo:my-org@', { Ref: 'OwnerId' }, '/my-model@2']] });
  });

  test('owner and name may be tokens: they are not checked', () => {
    const stack = new Stack();
    const owner = new CfnParameter(stack, 'Owner').valueAsString;
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(GitHubRepository.of(owner, name).owner).toBe(owner);
  });

  test.each([
    ['my org', 'my-model', /gitHubRepository owner 'my org' is not a GitHub owner name: use letters, digits and single hyphens, not at the start or end \(max 39\)/],
    ['my--org', 'my-model', /owner 'my--org' is not a GitHub owner name/],
    ['-org', 'my-model', /owner '-org' is not a GitHub owner name/],
    ['org-', 'my-model', /owner 'org-' is not a GitHub owner name/],
    ['o'.repeat(40), 'my-model', /owner 'o+' is not a GitHub owner name: .*\(max 39\)/],
    ['', 'my-model', /owner '' is not a GitHub owner name/],
    ['my_org', 'my-model', /owner 'my_org' is not a GitHub owner name/],
    ['*', 'my-model', /gitHubRepository owner '\*' holds a wildcard, which would let repositories of other owners assume the role: name exactly one owner/],
    ['my-?rg', 'my-model', /owner 'my-\?rg' holds a wildcard/],
    ['my-org:x', 'my-model', /owner 'my-org:x' holds ':', the separator of the sub claim, so the subject could match another repository's claims: give the owner name only/],
    ['my-org@123', 'my-model', /owner 'my-org@123' holds '@', which separates a name from its id in immutable subjects: give the name here and the id in ownerId/],
    ['my-org/my-model', 'my-model', /owner 'my-org\/my-model' holds '\/': give the owner here and the repository in name/],
    ['my-org', 'my model', /gitHubRepository name 'my model' is not a GitHub repository name: use letters, digits, '-', '_' and '.' \(max 100, not '.' or '..'\)/],
    ['my-org', '.', /name '.' is not a GitHub repository name/],
    ['my-org', '..', /name '..' is not a GitHub repository name/],
    ['my-org', 'r'.repeat(101), /name 'r+' is not a GitHub repository name/],
    ['my-org', '*', /gitHubRepository name '\*' holds a wildcard, which would let other repositories of the owner assume the role: name exactly one repository/],
    ['my-org', 'my-*', /name 'my-\*' holds a wildcard/],
    ['my-org', 'my-model:ref', /name 'my-model:ref' holds ':', the separator of the sub claim, .*: give the repository name only/],
    ['my-org', 'my-model@1', /name 'my-model@1' holds '@', .* give the name here and the id in repositoryId/],
    ['my-org', 'my-org/my-model', /name 'my-org\/my-model' holds '\/': give the repository name without its owner, and the owner in owner/],
  ])('refuses owner %j and name %j', (owner, name, message) => {
    // the message names the part that is wrong: the owner, else the name
    const property = /owner '/.test(message.source) ? 'owner' : 'name';
    expectError(() => GitHubRepository.of(owner, name), { construct: 'GitHubRepository.of', property, value: JSON.stringify(property === 'owner' ? owner : name) }, message);
  });

  test.each([
    [0, 1, /gitHubRepository ownerId must be a GitHub id, got 0: use the positive integer in the id field of https:\/\/api.github.com\/users\/OWNER/],
    [1, 1.5, /gitHubRepository repositoryId must be a GitHub id, got 1.5: use the positive integer in the id field of https:\/\/api.github.com\/repos\/OWNER\/REPO/],
    [-3, 1, /gitHubRepository ownerId must be a GitHub id, got -3/],
  ])('refuses ownerId %j and repositoryId %j', (ownerId, repositoryId, message) => {
    const property = /ownerId/.test(message.source) ? 'ownerId' : 'repositoryId';
    expectError(() => GitHubRepository.withIds('my-org', 'my-model', { ownerId, repositoryId }),
      { construct: 'GitHubRepository.withIds', property, value: String(property === 'ownerId' ? ownerId : repositoryId) }, message);
  });
});

describe('GitHubRepository factories', () => {
  test('of has names only, withIds adds both ids (the immutable subject prefix)', () => {
    expect([
      GitHubRepository.of('my-org', 'my-model').immutableSubjectPrefix,
      GitHubRepository.withIds('my-org', 'my-model', { ownerId: 12, repositoryId: 34 }).immutableSubjectPrefix,
    ]).toEqual([undefined, 'repo:my-org@12/my-model@34']);
  });
});
