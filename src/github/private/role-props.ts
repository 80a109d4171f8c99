import { Duration } from 'aws-cdk-lib';
import { checkArray, checkPropsObject, checkType, shown } from './props';
import type { GitHubActionsRoleProps } from '../github-actions-role';
import { GitHubRepository } from '../github-repository';
import { GitHubSubject } from '../github-subject';
import { GitHubSubjectForms } from '../github-subject-forms';

/**
 * Validates the subject forms and subjects, and returns every `sub` value the role accepts.
 */
export function subjectClaimsOf(props: GitHubActionsRoleProps): string[] {
  const repository = props.repository;
  const forms = props.subjectForms ?? (repository.hasIds ? GitHubSubjectForms.BOTH : GitHubSubjectForms.LEGACY);
  const immutable = repository.immutableSubjectPrefix;
  if (forms !== GitHubSubjectForms.LEGACY && immutable === undefined) {
    throw new Error(`gitHubActionsRole subjectForms ${forms} needs the ids of repository ${repository.fullName}: give them `
      + `(GitHubRepository.withIds('${repository.owner}', '${repository.name}', { ownerId, repositoryId }), the id fields of `
      + 'https://api.github.com/repos/OWNER/REPO and its owner), or use GitHubSubjectForms.LEGACY');
  }
  if (!props.subjects || props.subjects.length === 0) {
    throw new Error('gitHubActionsRole subjects is empty: a role without subjects would trust no run, or, if widened by hand, every run of the repository; give at least one, e.g. GitHubSubject.branch(\'main\')');
  }

  const repos: string[] = [];
  if (forms !== GitHubSubjectForms.IMMUTABLE) {
    repos.push(repository.legacySubjectPrefix);
  }
  if (forms !== GitHubSubjectForms.LEGACY && immutable !== undefined) {
    repos.push(immutable);
  }
  const claims = repos.flatMap(repo => props.subjects.map(subject => `${repo}:${subject.suffix}`));
  return [...new Set(claims)];
}

/** The props, before anything is built: what a plain JavaScript caller could get wrong. */
export function checkRoleProps(props: GitHubActionsRoleProps): void {
  checkPropsObject('gitHubActionsRole', props,
    "{ repository: GitHubRepository.of('my-org', 'my-model'), subjects: [GitHubSubject.branch('main')] }");
  if (!(props.repository instanceof GitHubRepository)) {
    throw new Error(`gitHubActionsRole repository must be a GitHubRepository, got ${shown(props.repository)}: `
      + "give GitHubRepository.of('my-org', 'my-model') (or GitHubRepository.withIds)");
  }
  checkArray('gitHubActionsRole', 'subjects', props.subjects, "give e.g. [GitHubSubject.branch('main')]");
  (props.subjects ?? []).forEach((subject, i) => {
    if (!(subject instanceof GitHubSubject)) {
      throw new Error(`gitHubActionsRole subjects[${i}] must be a GitHubSubject, got ${shown(subject)}: `
        + "give e.g. GitHubSubject.branch('main') or GitHubSubject.environment('production')");
    }
  });
  if (props.subjectForms !== undefined && !Object.values(GitHubSubjectForms).includes(props.subjectForms)) {
    throw new Error(`gitHubActionsRole subjectForms must be one of ${Object.values(GitHubSubjectForms).join(', ')}, `
      + `got ${shown(props.subjectForms)}: use GitHubSubjectForms.LEGACY, IMMUTABLE or BOTH`);
  }
  if (props.maxSessionDuration !== undefined && !(props.maxSessionDuration instanceof Duration)) {
    throw new Error(`gitHubActionsRole maxSessionDuration must be a Duration, got ${shown(props.maxSessionDuration)}: give e.g. Duration.hours(2)`);
  }
  if (props.provider !== undefined && (props.provider === null || typeof props.provider.openIdConnectProviderArn !== 'string')) {
    throw new Error(`gitHubActionsRole provider must be an IGitHubOidcProvider, got ${shown(props.provider)}: `
      + 'give a GitHubOidcProvider or GitHubOidcProvider.fromAccount(), or leave it out for the account\'s github.com provider');
  }
  checkType('gitHubActionsRole', 'roleName', props.roleName, 'string', 'give a role name, or leave it out');
  checkType('gitHubActionsRole', 'description', props.description, 'string', 'give a description, or leave it out');
  checkType('gitHubActionsRole', 'allowPullRequestsWithWrites', props.allowPullRequestsWithWrites, 'boolean', 'give true or false');
}

/** A token duration in seconds: only `Duration.seconds(token)` converts (CloudFormation cannot multiply). */
export function tokenSeconds(duration: Duration): number {
  try {
    return duration.toSeconds();
  } catch {
    throw new Error('gitHubActionsRole maxSessionDuration (a token) is in another unit than seconds, which '
      + 'CloudFormation cannot convert: give Duration.seconds(<token>), e.g. of a Number parameter in seconds');
  }
}

export function checkMaxSessionDuration(duration: Duration | undefined): void {
  if (duration === undefined || duration.isUnresolved()) {
    return;
  }
  const seconds = duration.toSeconds({ integral: false });
  if (seconds < 3600 || seconds > 43200) {
    throw new Error(`gitHubActionsRole maxSessionDuration ${duration.toHumanString()} is outside IAM's limits: use between Duration.hours(1) and Duration.hours(12)`);
  }
}
