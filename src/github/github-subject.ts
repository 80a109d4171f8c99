import { Token } from 'aws-cdk-lib';
import { environmentNameProblem, refNameProblem } from './private/names';
import { shown } from './private/props';
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
    return new GitHubSubject(`ref:refs/heads/${name}`, 'branch');
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
    return new GitHubSubject(`ref:refs/tags/${pattern}`, 'tag');
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
    return new GitHubSubject(`environment:${name}`, 'environment');
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
    return new GitHubSubject('pull_request', 'pullRequest');
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
    return new GitHubSubject(suffixAfterRepo, 'raw');
  }

  /**
   * The part of the `sub` claim after `repo:OWNER/REPO:`, e.g. `ref:refs/heads/main`.
   */
  public readonly suffix: string;

  /** Which factory made the subject: a branch, tag or environment subject has a fixed start. */
  private readonly kind: SubjectKind;

  private constructor(suffix: string, kind: SubjectKind) {
    this.suffix = suffix;
    this.kind = kind;
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
   * start could still lead to `pull_request`. A raw suffix only known at
   * deploy time counts as admitting them. Branch, tag and environment
   * subjects never do, even when their name is a token: their suffix starts
   * with `ref:refs/` or `environment:`.
   */
  public get admitsPullRequests(): boolean {
    if (this.kind === 'branch' || this.kind === 'tag' || this.kind === 'environment') {
      return false;
    }
    if (this.kind === 'pullRequest') {
      return true;
    }
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

type SubjectKind = 'branch' | 'tag' | 'environment' | 'pullRequest' | 'raw';

function checkRefName(kind: 'branch' | 'tag', name: string, prefix: string): void {
  // Each factory's own parameter: branch(name), tag(pattern).
  const property = kind === 'branch' ? 'name' : 'pattern';
  if (typeof name !== 'string') {
    throw new Error(`gitHubSubject.${kind} ${property} must be a string, got ${shown(name)}: give the ${kind} name, e.g. '${kind === 'branch' ? 'main' : 'v*'}'`);
  }
  if (Token.isUnresolved(name)) {
    return;
  }
  const reason = refNameProblem(name, prefix, true);
  if (reason) {
    throw new Error(`gitHubSubject.${kind} ${property} '${name}' is not a valid git ${kind} name: ${reason}`);
  }
}

function checkEnvironmentName(name: string): void {
  if (typeof name !== 'string') {
    throw new Error(`gitHubSubject.environment name must be a string, got ${shown(name)}: give the environment name, e.g. 'production'`);
  }
  if (Token.isUnresolved(name)) {
    return;
  }
  const reason = environmentNameProblem(name,
    "an environment subject names one environment; use GitHubSubject.raw('environment:<pattern>') for a pattern");
  if (reason) {
    throw new Error(`gitHubSubject.environment name '${name}' ${reason}`);
  }
}

function checkRaw(suffix: string): void {
  if (typeof suffix !== 'string') {
    throw new Error(`gitHubSubject.raw suffixAfterRepo must be a string, got ${shown(suffix)}: give the part of the sub claim after 'repo:OWNER/REPO:', e.g. 'ref:refs/heads/main'`);
  }
  if (Token.isUnresolved(suffix)) {
    return;
  }
  if (suffix.length === 0) {
    throw new Error("gitHubSubject.raw suffixAfterRepo is empty: give the part of the sub claim after 'repo:OWNER/REPO:', e.g. 'ref:refs/heads/main'");
  }
  if (/^[*?]+$/.test(suffix)) {
    throw new Error(`gitHubSubject.raw suffixAfterRepo '${suffix}' admits every workflow run of the repository, pull requests and any branch included: name a branch, tag or environment instead`);
  }
  if (suffix.startsWith('repo:')) {
    throw new Error(`gitHubSubject.raw suffixAfterRepo '${suffix}' starts with 'repo:': give only the part after 'repo:OWNER/REPO:', the role adds the owner and repository`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(suffix)) {
    throw new Error(`gitHubSubject.raw suffixAfterRepo '${suffix}' contains control characters: a sub claim has none; remove them`);
  }
}
