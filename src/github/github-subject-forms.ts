/**
 * Which forms of the `sub` claim a `GitHubActionsRole` accepts.
 *
 * GitHub's default subject names the repository `repo:OWNER/REPO:...`. Since
 * July 2026, repositories created, renamed or transferred (and those whose
 * admins opt in) get immutable subjects that also carry the numeric ids,
 * `repo:OWNER@OWNER_ID/REPO@REPO_ID:...`, so that a deleted or renamed name
 * taken over by someone else no longer matches.
 *
 * @see https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens/
 */
export enum GitHubSubjectForms {
  /**
   * Only `repo:OWNER/REPO:...`: repositories that still receive name-only
   * subjects. It trusts whoever holds the names, so prefer `BOTH` or
   * `IMMUTABLE` once you know the ids.
   */
  LEGACY = 'LEGACY',

  /**
   * Only `repo:OWNER@OWNER_ID/REPO@REPO_ID:...`: a repository that receives
   * immutable subjects. Needs a `GitHubRepository` with ids.
   */
  IMMUTABLE = 'IMMUTABLE',

  /**
   * Both forms, so that a workflow keeps working while its repository
   * switches to immutable subjects. Needs a `GitHubRepository` with ids.
   * Switch to `IMMUTABLE` once the repository's tokens carry the ids.
   */
  BOTH = 'BOTH',
}
