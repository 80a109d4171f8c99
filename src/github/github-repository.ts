import { Token, Tokenization } from 'aws-cdk-lib';
import { checkRequired, shown } from './private/props';
import { hasWildcard } from './private/wildcard';

/** Where a repository's and its owner's ids are read. */
const IDS_SOURCES = 'https://api.github.com/users/OWNER and https://api.github.com/repos/OWNER/REPO';

/**
 * The immutable ids of a GitHub repository and its owner, which immutable
 * `sub` claims carry: `repo:OWNER@OWNER_ID/REPO@REPO_ID:...`.
 */
export interface GitHubRepositoryIds {
  /**
   * The numeric id of the owner: the `id` field of `https://api.github.com/users/OWNER`.
   */
  readonly ownerId: number;

  /**
   * The numeric id of the repository: the `id` field of `https://api.github.com/repos/OWNER/REPO`.
   */
  readonly repositoryId: number;
}

/**
 * A GitHub repository whose workflows assume roles: its owner, its name and,
 * for immutable subjects, their ids. Create it once and give it to every
 * `GitHubActionsRole` of the repository.
 *
 * Owner and name are checked when the value is created: no wildcard, no `:`,
 * `@` or `/`, and GitHub's own naming rules.
 *
 * @example
 * const repository = GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1234567, repositoryId: 765432109 });
 */
export class GitHubRepository {
  /**
   * A repository of `owner`, known by its names only: roles trust the legacy
   * subjects (`repo:OWNER/NAME:...`).
   *
   * @param owner the user or organization that owns the repository, exactly as GitHub spells it (IAM compares it case-sensitively), e.g. `my-org`
   * @param name the repository name without the owner, e.g. `my-model`
   */
  public static of(owner: string, name: string): GitHubRepository {
    return new GitHubRepository(owner, name);
  }

  /**
   * A repository of `owner` with the ids of both, for the immutable subjects
   * (`repo:OWNER@OWNER_ID/NAME@REPO_ID:...`) that new, renamed and
   * transferred repositories get.
   *
   * (A separate factory rather than an optional argument of `of`: Python
   * would make the ids' fields required keyword arguments of `of`.)
   *
   * @param owner the user or organization that owns the repository, e.g. `my-org`
   * @param name the repository name without the owner, e.g. `my-model`
   * @param ids the ids of the owner and the repository
   */
  public static withIds(owner: string, name: string, ids: GitHubRepositoryIds): GitHubRepository {
    // The constructor takes ids as optional (of has none): here they are required.
    checkRequired('gitHubRepository', 'ids', ids, [], `give { ownerId, repositoryId }, the id fields of ${IDS_SOURCES}, `
      + "or use GitHubRepository.of('my-org', 'my-model') for a repository known by its names only");
    return new GitHubRepository(owner, name, ids);
  }

  /** The user or organization that owns the repository. */
  public readonly owner: string;

  /** The repository name, without the owner. */
  public readonly name: string;

  /**
   * The numeric id of the owner.
   *
   * @default - no id: only legacy subjects can be trusted
   */
  public readonly ownerId?: number;

  /**
   * The numeric id of the repository.
   *
   * @default - no id: only legacy subjects can be trusted
   */
  public readonly repositoryId?: number;

  private constructor(owner: string, name: string, ids?: GitHubRepositoryIds) {
    checkOwner(owner);
    checkName(name);
    if (ids !== undefined && (ids === null || typeof ids !== 'object')) {
      throw new Error(`gitHubRepository ids must be an object, got ${shown(ids)}: give { ownerId, repositoryId }, the id fields of ${IDS_SOURCES}`);
    }
    if (ids) {
      checkId('ownerId', ids.ownerId, 'https://api.github.com/users/OWNER');
      checkId('repositoryId', ids.repositoryId, 'https://api.github.com/repos/OWNER/REPO');
    }
    this.owner = owner;
    this.name = name;
    this.ownerId = ids?.ownerId;
    this.repositoryId = ids?.repositoryId;
  }

  /** `OWNER/NAME`, as GitHub writes it. */
  public get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  /** Whether the ids of owner and repository are known (immutable subjects can be trusted). */
  public get hasIds(): boolean {
    return this.ownerId !== undefined && this.repositoryId !== undefined;
  }

  /**
   * The start of the legacy `sub` claims of this repository: `repo:OWNER/NAME`.
   */
  public get legacySubjectPrefix(): string {
    return `repo:${this.owner}/${this.name}`;
  }

  /**
   * The start of the immutable `sub` claims of this repository,
   * `repo:OWNER@OWNER_ID/NAME@REPO_ID`.
   *
   * @default - undefined without ids
   */
  public get immutableSubjectPrefix(): string | undefined {
    if (this.ownerId === undefined || this.repositoryId === undefined) {
      return undefined;
    }
    return `repo:${this.owner}@${idString(this.ownerId)}/${this.name}@${idString(this.repositoryId)}`;
  }
}

function checkOwner(owner: string): void {
  if (typeof owner !== 'string') {
    throw new Error(`gitHubRepository owner must be a string, got ${shown(owner)}: give the user or organization that owns the repository, e.g. 'my-org'`);
  }
  if (Token.isUnresolved(owner)) {
    return;
  }
  const fail = (reason: string) => {
    throw new Error(`gitHubRepository owner '${owner}' ${reason}`);
  };
  if (hasWildcard(owner)) {
    fail('holds a wildcard, which would let repositories of other owners assume the role: name exactly one owner');
  }
  if (owner.includes(':')) {
    fail("holds ':', the separator of the sub claim, so the subject could match another repository's claims: give the owner name only");
  }
  if (owner.includes('@')) {
    fail("holds '@', which separates a name from its id in immutable subjects: give the name here and the id in ownerId");
  }
  if (owner.includes('/')) {
    fail("holds '/': give the owner here and the repository in name");
  }
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(owner)) {
    fail('is not a GitHub owner name: use letters, digits and single hyphens, not at the start or end (max 39)');
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string') {
    throw new Error(`gitHubRepository name must be a string, got ${shown(name)}: give the repository name without the owner, e.g. 'my-model'`);
  }
  if (Token.isUnresolved(name)) {
    return;
  }
  const fail = (reason: string) => {
    throw new Error(`gitHubRepository name '${name}' ${reason}`);
  };
  if (hasWildcard(name)) {
    fail('holds a wildcard, which would let other repositories of the owner assume the role: name exactly one repository');
  }
  if (name.includes(':')) {
    fail("holds ':', the separator of the sub claim, so the subject could match another repository's claims: give the repository name only");
  }
  if (name.includes('@')) {
    fail("holds '@', which separates a name from its id in immutable subjects: give the name here and the id in repositoryId");
  }
  if (name.includes('/')) {
    fail("holds '/': give the repository name without its owner, and the owner in owner");
  }
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name) || name === '.' || name === '..') {
    fail("is not a GitHub repository name: use letters, digits, '-', '_' and '.' (max 100, not '.' or '..')");
  }
}

function checkId(property: string, id: number, source: string): void {
  if (typeof id === 'number' && Token.isUnresolved(id)) {
    return;
  }
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw new Error(`gitHubRepository ${property} must be a GitHub id, got ${shown(id)}: use the positive integer in the id field of ${source}`);
  }
}

function idString(id: number): string {
  return Token.isUnresolved(id) ? Tokenization.stringifyNumber(id) : String(id);
}
