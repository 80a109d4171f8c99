import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { matchesLike } from './wildcard';
import { GitHubActionsRole } from '../github-actions-role';

/** What a job's OIDC token names after the repository in its `sub` claim. */
export interface JobPresents {
  readonly kind: 'branch' | 'environment';
  readonly name: string;
}

/** A job of the workflow, the role it assumes and what its OIDC token's `sub` names after the repository. */
export interface JobTrust {
  /** The property of `GitHubWorkflowProps` that gives the role. */
  readonly property: string;
  readonly job: string;
  readonly role: iam.IRole;
  readonly presents: JobPresents;
}

/**
 * An error when the job's role is a `GitHubActionsRole` none of whose
 * subjects admits the job's `sub` claim (GitHub's default subject template).
 * A raw subject that extends the claim with `:` (a customized template)
 * counts as admitting it; a subject only known at deploy time skips the check.
 * Other roles are not checked.
 */
export function untrustedJob(trust: JobTrust): string[] {
  const role = trust.role;
  if (!(role instanceof GitHubActionsRole)) {
    return [];
  }
  const { kind, name } = trust.presents;
  const claim = claimOf(trust.presents);
  if (admits(role, claim, true)) {
    return [];
  }
  const factory = kind === 'environment' ? 'environment' : 'branch';
  return [`gitHubWorkflow ${trust.property} trusts no subject that the ${trust.job} job presents ('${claim}'): `
    + `add GitHubSubject.${factory}('${name}') to the role's subjects`];
}

/** The `sub` claim after `repo:OWNER/REPO:` of a job. */
function claimOf(presents: JobPresents): string {
  return presents.kind === 'environment' ? `environment:${presents.name}` : `ref:refs/heads/${presents.name}`;
}

/**
 * Whether one of the role's subjects admits the claim. A subject only known at
 * deploy time counts as `unknown`.
 */
function admits(role: GitHubActionsRole, claim: string, unknown: boolean): boolean {
  return role.subjects.some((subject) => Token.isUnresolved(subject.suffix)
    ? unknown
    : matchesLike(subject.suffix, claim) || subject.suffix.startsWith(`${claim}:`));
}

/**
 * Errors for each `GitHubActionsRole` that also admits the claim of another
 * job of the workflow that uses another role, so that each role trusts
 * exactly the job that uses it. Two jobs that present the same claim (jobs
 * without an environment on one branch) cannot be told apart by any role and
 * are not reported. Subjects only known at deploy time are not reported.
 */
export function sharedTrust(trusts: JobTrust[]): string[] {
  const errors: string[] = [];
  for (const trust of trusts) {
    const role = trust.role;
    if (!(role instanceof GitHubActionsRole)) {
      continue;
    }
    const own = claimOf(trust.presents);
    for (const other of trusts) {
      const claim = claimOf(other.presents);
      if (other.role === role || claim === own || !admits(role, claim, false)) {
        continue;
      }
      errors.push(`gitHubWorkflow ${trust.property} also trusts the ${other.job} job ('${claim}'), which uses another role: `
        + `each role must trust only its own job, so remove the subject that admits '${claim}' from the role's subjects `
        + `and keep ${own.startsWith('environment:')
          ? `GitHubSubject.environment('${trust.presents.name}')`
          : `GitHubSubject.branch('${trust.presents.name}')`}`);
    }
  }
  return errors;
}
