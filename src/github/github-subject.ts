import { Token } from 'aws-cdk-lib';
import { hasWildcard } from './private/wildcard';

/**
 * Which workflow runs of a repository may assume a `GitHubActionsRole`: one
 * value of the `sub` claim of GitHub's OIDC token, after `repo:OWNER/REPO:`.
 *
 * The role adds the owner and repository itself, so a subject can never widen
 * the trust beyond one repository. A subject with a `*` (branch and tag
 * patterns, or a raw subject) is matched with `StringLike`, where `*` matches
 * any characters, `/` included: `GitHubSubject.branch('release/*')` also
 * admits `release/1.0/hotfix`.
 *
 * IAM compares the claim case-sensitively: spell names exactly as GitHub
 * shows them.
 *
 * @see https://docs.github.com/en/actions/reference/security/oidc
 */
export class GitHubSubject {
  /**
   * Workflow runs on a branch (`ref:refs/heads/<name>`): a `push`, a
   * `workflow_dispatch` or a `schedule` run on that branch, in a job that
   * names no environment.
   *
   * @param name the branch name without `refs/heads/`, e.g. `main`; `*` is a
   * wildcard (`release/*`), any other git ref rule applies
   */
  public static branch(name: string): GitHubSubject {
    checkRefName('branch', name, 'refs/heads/');
    return new GitHubSubject(`ref:refs/heads/${name}`);
  }

  /**
   * Workflow runs for a tag (`ref:refs/tags/<pattern>`), in a job that names
   * no environment.
   *
   * @param pattern the tag without `refs/tags/`, e.g. `v1.2.0`; `*` is a
   * wildcard (`v*`), any other git ref rule applies
   */
  public static tag(pattern: string): GitHubSubject {
    checkRefName('tag', pattern, 'refs/tags/');
    return new GitHubSubject(`ref:refs/tags/${pattern}`);
  }

  /**
   * Jobs that name a deployment environment (`environment:<name>`), whatever
   * branch they run on: the environment's protection rules (required
   * reviewers, deployment branches) are what guard the role. A job that names
   * an environment carries no branch in its `sub`, so a branch subject does
   * not admit it.
   *
   * @param name the environment name, exactly as in the workflow
   * (`jobs.<id>.environment`); at most 255 characters, no `:` and no
   * wildcard (use `raw('environment:prod-*')` for a pattern)
   */
  public static environment(name: string): GitHubSubject {
    checkEnvironmentName(name);
    return new GitHubSubject(`environment:${name}`);
  }

  /**
   * Workflow runs triggered by a pull request (`pull_request`), from any
   * branch of the repository.
   *
   * Whoever can open a pull request that changes a workflow can run any
   * code with this role, so `GitHubActionsRole` refuses this subject on a
   * role that is granted any write (see `allowPullRequestsWithWrites`).
   */
  public static pullRequest(): GitHubSubject {
    return new GitHubSubject('pull_request');
  }

  /**
   * Escape hatch: any suffix of the `sub` claim after `repo:OWNER/REPO:`,
   * e.g. `environment:prod-*`, or the tail of a customized subject template
   * such as `environment:prod:job_workflow_ref:my-org/ci/.github/workflows/deploy.yml@refs/heads/main`.
   *
   * A `*` or `?` in the suffix makes it a `StringLike` pattern. A suffix made
   * only of wildcards is refused: it would admit every run of the repository,
   * pull requests included.
   *
   * @param suffixAfterRepo the part of the `sub` claim after `repo:OWNER/REPO:`
   */
  public static raw(suffixAfterRepo: string): GitHubSubject {
    checkRaw(suffixAfterRepo);
    return new GitHubSubject(suffixAfterRepo);
  }

  /**
   * The part of the `sub` claim after `repo:OWNER/REPO:`, e.g. `ref:refs/heads/main`.
   */
  public readonly suffix: string;

  private constructor(suffix: string) {
    this.suffix = suffix;
  }

  /**
   * Whether the suffix holds an IAM wildcard (`*` or `?`), which makes the
   * trust policy match it with `StringLike`.
   */
  public get isPattern(): boolean {
    return hasWildcard(this.suffix);
  }

  /**
   * Whether a pull request run could match this subject: `pullRequest()`, or
   * a raw suffix that starts with `pull_request`, or a pattern whose literal
   * start could still lead to `pull_request`.
   */
  public get admitsPullRequests(): boolean {
    if (Token.isUnresolved(this.suffix)) {
      return true;
    }
    const literalStart = this.suffix.split(/[*?]/)[0];
    const pr = 'pull_request';
    if (hasWildcard(this.suffix)) {
      return pr.startsWith(literalStart) || literalStart.startsWith(pr);
    }
    return this.suffix === pr || this.suffix.startsWith(`${pr}:`);
  }
}

function checkRefName(kind: 'branch' | 'tag', name: string, prefix: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const reason = refNameProblem(name, prefix);
  if (reason) {
    throw new Error(`gitHubSubject.${kind} name '${name}' is not a valid git ${kind} name: ${reason}`);
  }
}

/**
 * The git ref rules (`git check-ref-format`), with `*` allowed as an IAM
 * wildcard, plus IAM's own rule that `${` starts a policy variable.
 */
function refNameProblem(name: string, prefix: string): string | undefined {
  if (name.length === 0) {
    return 'it is empty; give a name, or * for any';
  }
  if (name.startsWith(prefix) || name.startsWith('refs/')) {
    return `give the short name without '${prefix}', the subject adds it`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(name)) {
    return 'it must not contain spaces or control characters';
  }
  if (name.includes('..')) {
    return "it must not contain '..'";
  }
  if (/[~^:\\]/.test(name)) {
    return "it must not contain '~', '^', ':' or '\\'";
  }
  if (/[?[]/.test(name)) {
    return "it must not contain '?' or '[': only '*' may be used, as a wildcard";
  }
  if (name.includes('@{') || name === '@') {
    return "it must not contain '@{' or be '@'";
  }
  if (name.includes('${')) {
    return "it must not contain '${', which IAM reads as a policy variable";
  }
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    return "it must not start or end with '/' or contain '//'";
  }
  if (name.startsWith('-')) {
    return "it must not start with '-'";
  }
  if (name.endsWith('.')) {
    return "it must not end with '.'";
  }
  if (name.split('/').some(part => part.startsWith('.') || part.endsWith('.lock'))) {
    return "no part between '/' may start with '.' or end with '.lock'";
  }
  return undefined;
}

function checkEnvironmentName(name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const fail = (reason: string) => {
    throw new Error(`gitHubSubject.environment name '${name}' ${reason}`);
  };
  if (name.trim().length === 0) {
    fail('is empty: give the name of the environment, as in jobs.<id>.environment');
  }
  if (name.length > 255) {
    fail(`is ${name.length} characters long: GitHub allows at most 255`);
  }
  if (name !== name.trim()) {
    fail('starts or ends with a space: GitHub trims environment names, so this subject would never match; remove the spaces');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) {
    fail('contains control characters: remove them');
  }
  if (name.includes(':')) {
    fail("contains ':', the separator of the sub claim, so it could match a different claim: remove it");
  }
  if (hasWildcard(name)) {
    fail("contains a wildcard: an environment subject names one environment; use GitHubSubject.raw('environment:<pattern>') for a pattern");
  }
  if (name.includes('${')) {
    fail("contains '${', which IAM reads as a policy variable: remove it");
  }
}

function checkRaw(suffix: string): void {
  if (Token.isUnresolved(suffix)) {
    return;
  }
  if (suffix.length === 0) {
    throw new Error("gitHubSubject.raw suffix is empty: give the part of the sub claim after 'repo:OWNER/REPO:', e.g. 'ref:refs/heads/main'");
  }
  if (/^[*?]+$/.test(suffix)) {
    throw new Error(`gitHubSubject.raw suffix '${suffix}' admits every workflow run of the repository, pull requests and any branch included: name a branch, tag or environment instead`);
  }
  if (suffix.startsWith('repo:')) {
    throw new Error(`gitHubSubject.raw suffix '${suffix}' starts with 'repo:': give only the part after 'repo:OWNER/REPO:', the role adds the owner and repository`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(suffix)) {
    throw new Error(`gitHubSubject.raw suffix '${suffix}' contains control characters: a sub claim has none; remove them`);
  }
}
