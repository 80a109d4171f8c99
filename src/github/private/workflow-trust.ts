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
  const claim = kind === 'environment' ? `environment:${name}` : `ref:refs/heads/${name}`;
  const admits = role.subjects.some((subject) => Token.isUnresolved(subject.suffix)
    || matchesLike(subject.suffix, claim)
    || subject.suffix.startsWith(`${claim}:`));
  if (admits) {
    return [];
  }
  const factory = kind === 'environment' ? 'environment' : 'branch';
  return [`gitHubWorkflow ${trust.property} trusts no subject that the ${trust.job} job presents ('${claim}'): `
    + `add GitHubSubject.${factory}('${name}') to the role's subjects`];
}
