import { DefaultStackSynthesizer, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GitHubOidcProvider, IGitHubOidcProvider } from './github-oidc-provider';
import { GitHubRepository } from './github-repository';
import { GitHubSubject } from './github-subject';
import { GITHUB_ISSUER_URL, issuerHostAndPath } from './private/issuer';
import { checkArray, checkPropsObject, checkType, shown } from './private/props';
import { hasWildcard } from './private/wildcard';
import { writeActionsOf } from './private/write-actions';
import { explainRolePolicy } from '../private/nag';

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

/**
 * Properties of a `GitHubActionsRole`.
 */
export interface GitHubActionsRoleProps {
  /**
   * The GitHub OIDC provider of the account: a `GitHubOidcProvider`, or
   * `GitHubOidcProvider.fromAccount()` with the options of a GitHub
   * Enterprise issuer.
   *
   * Give the provider when it is created in the same stack, so that
   * CloudFormation creates it before the role.
   *
   * @default - the account's github.com provider, as `GitHubOidcProvider.fromAccount()` imports it
   */
  readonly provider?: IGitHubOidcProvider;

  /**
   * The repository whose workflows may assume the role, e.g.
   * `GitHubRepository.of('my-org', 'my-model')`; the roles of one repository share it.
   */
  readonly repository: GitHubRepository;

  /**
   * The workflow runs of the repository that may assume the role, at least
   * one: `GitHubSubject.branch('main')`, `.tag('v*')`,
   * `.environment('production')`, `.pullRequest()` or `.raw(...)`.
   */
  readonly subjects: GitHubSubject[];

  /**
   * Which forms of the `sub` claim to accept.
   *
   * @default - `GitHubSubjectForms.BOTH` when the repository has ids, else `GitHubSubjectForms.LEGACY`
   */
  readonly subjectForms?: GitHubSubjectForms;

  /**
   * How long the credentials of one session may last, between 1 and 12
   * hours (IAM's limits). A workflow asks for more than one hour with
   * `role-duration-seconds` of `aws-actions/configure-aws-credentials`, e.g.
   * to wait for a long training job. Roles assumed from this one (role
   * chaining, as `cdk deploy` does) are limited to one hour whatever this is.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;

  /**
   * Allow a `pullRequest()` subject on a role that is granted writes.
   *
   * A pull request runs the workflow files of its own branch, so anyone who
   * can push a branch and open a pull request runs any code they like with
   * this role. By default the role therefore refuses, at synth time, a
   * pull-request subject (or a pattern that could match `pull_request`)
   * together with any permission that may write.
   *
   * The check reads every statement granted to the role (grants,
   * `addToPrincipalPolicy`, attached inline policies, and customer managed
   * policies attached to it or, in the role's stack, listing it) once the app
   * is complete. An allowed action is a read when the
   * part after `service:` starts with `Get`, `List`, `Describe`, `BatchGet`,
   * `BatchCheck`, `Search`, `Query` or `Scan` (so `ecr:GetAuthorizationToken`
   * and `sts:GetCallerIdentity` are reads); anything else, `*`, `NotAction`,
   * an unresolved action and any managed policy it can't read (an AWS managed
   * policy, an imported one) counts as a write. Permissions granted only on a
   * resource's own policy (e.g. a bucket in another account), or by a
   * managed policy in another stack that lists the role, are not seen.
   *
   * Note that reads can still be sensitive (`secretsmanager:GetSecretValue`).
   *
   * @default false
   */
  readonly allowPullRequestsWithWrites?: boolean;

  /**
   * A physical name for the role, to know its ARN before deploying (e.g. to
   * write it into a workflow file).
   *
   * @default - a name generated by CloudFormation
   */
  readonly roleName?: string;

  /**
   * A description of the role.
   *
   * @default - 'GitHub Actions role for OWNER/REPOSITORY (OIDC)'
   */
  readonly description?: string;
}

/**
 * Options of `GitHubActionsRole.grantCdkDeploy()`.
 */
export interface CdkDeployGrantOptions {
  /**
   * The qualifier of the CDK bootstrap stack (`cdk bootstrap --qualifier`).
   *
   * @default - the `qualifier` of the stack's `DefaultStackSynthesizer`, else the `@aws-cdk/core:bootstrapQualifier` context value, else `hnb659fds`
   */
  readonly qualifier?: string;

  /**
   * The regions whose bootstrap roles the job may assume.
   *
   * @default - the region of the role's stack
   */
  readonly regions?: string[];

  /**
   * Also allow `sts:TagSession`, needed when the app passes session tags to
   * the bootstrap roles (`assumeRoleAdditionalOptions` of the synthesizer).
   *
   * @default false
   */
  readonly sessionTags?: boolean;
}

/**
 * An IAM role that the GitHub Actions workflows of one repository, and only
 * those, assume through OIDC, with no stored AWS keys.
 *
 * Its trust policy allows `sts:AssumeRoleWithWebIdentity` from the GitHub
 * OIDC provider when the token's audience is `sts.amazonaws.com` and its
 * `sub` claim is one of the given subjects of `repo:OWNER/REPO` (and/or
 * `repo:OWNER@OWNER_ID/REPO@REPO_ID`, see `subjectForms`). Exact subjects are
 * matched with `StringEquals`; subjects with a wildcard go into a second
 * statement with `StringLike`. `ForAnyValue:`/`ForAllValues:` are never used:
 * they are meant for multivalued keys, and `ForAllValues:` even matches a
 * request in which the key is missing.
 *
 * The role is an ordinary `iam.Role`: grant it what the workflow needs, e.g.
 * `bucket.grantReadWrite(role)` or `role.grantCdkDeploy()`.
 *
 * @example
 * const bucket = new s3.Bucket(this, 'Models');
 * const repository = GitHubRepository.withIds('my-org', 'my-model', { ownerId: 1234567, repositoryId: 765432109 });
 *
 * // trusts the account's github.com provider (GitHubOidcProvider.fromAccount)
 * const role = new GitHubActionsRole(this, 'DeployRole', {
 *   repository,
 *   subjects: [GitHubSubject.branch('main'), GitHubSubject.environment('production')],
 *   maxSessionDuration: Duration.hours(4),
 * });
 * bucket.grantReadWrite(role);
 * role.grantCdkDeploy();
 */
export class GitHubActionsRole extends iam.Role {
  /**
   * The repository whose workflows assume the role.
   */
  public readonly repository: GitHubRepository;

  /**
   * The subjects the role was built with.
   */
  public readonly subjects: GitHubSubject[];

  /**
   * Every value of the `sub` claim that the trust policy accepts, e.g.
   * `repo:my-org/my-model:ref:refs/heads/main` (patterns included).
   */
  public readonly subjectClaims: string[];

  private readonly statementsForReview: iam.PolicyStatement[] = [];
  private readonly policiesForReview: iam.Policy[] = [];
  private readonly managedPoliciesForReview: iam.IManagedPolicy[] = [];

  constructor(scope: Construct, id: string, props: GitHubActionsRoleProps) {
    checkRoleProps(props);
    const subjectClaims = subjectClaimsOf(props);
    const issuer = props.provider?.issuer ?? issuerHostAndPath(GITHUB_ISSUER_URL);
    if (Token.isUnresolved(issuer)) {
      throw new Error('gitHubActionsRole provider has an issuer only known at deploy time: IAM condition keys must be literal; use GitHubOidcProvider or GitHubOidcProvider.fromAccount()');
    }
    checkMaxSessionDuration(props.maxSessionDuration);

    const aud = { [`${issuer}:aud`]: GitHubOidcProvider.AUDIENCE };
    const sub = `${issuer}:sub`;
    const exact = subjectClaims.filter(claim => !hasWildcard(claim));
    const patterns = subjectClaims.filter(claim => hasWildcard(claim));
    const provider = props.provider ?? accountProvider(scope);
    const principals: iam.IPrincipal[] = [];
    if (exact.length > 0) {
      principals.push(new iam.OpenIdConnectPrincipal(provider, {
        StringEquals: { ...aud, [sub]: oneOrMany(exact) },
      }));
    }
    if (patterns.length > 0) {
      principals.push(new iam.OpenIdConnectPrincipal(provider, {
        StringEquals: aud,
        StringLike: { [sub]: oneOrMany(patterns) },
      }));
    }

    // aws-cdk-lib's own check of maxSessionDuration compares its seconds with
    // 3600 and 43200, which a token's stand-in number fails: a token is set on the L1 below.
    const tokenDuration = props.maxSessionDuration?.isUnresolved() ? props.maxSessionDuration : undefined;
    super(scope, id, {
      assumedBy: principals[0],
      roleName: props.roleName,
      description: props.description ?? `GitHub Actions role for ${props.repository.fullName} (OIDC)`,
      maxSessionDuration: tokenDuration ? undefined : props.maxSessionDuration,
    });
    if (tokenDuration) {
      (this.node.defaultChild as iam.CfnRole).maxSessionDuration = tokenSeconds(tokenDuration);
    }
    // One statement per condition operator: two operators in one statement
    // would both have to hold.
    for (const principal of principals.slice(1)) {
      this.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        actions: [principal.assumeRoleAction],
        principals: [principal],
      }));
    }

    // The grants to the role go into its one default policy (IAMNoInlinePolicy of the compliance packs).
    explainRolePolicy(this);

    this.repository = props.repository;
    this.subjects = [...props.subjects];
    this.subjectClaims = subjectClaims;

    if (!props.allowPullRequestsWithWrites && props.subjects.some(subject => subject.admitsPullRequests)) {
      this.node.addValidation({ validate: () => this.validatePullRequestsReadOnly() });
    }
  }

  /**
   * Lets a job that runs `cdk deploy` assume the CDK bootstrap roles of this
   * account (deploy, file-publishing, image-publishing and lookup), and
   * nothing else: `sts:AssumeRole` on
   * `arn:PARTITION:iam::ACCOUNT:role/cdk-QUALIFIER-KIND-role-ACCOUNT-REGION`.
   * The bootstrap roles' own policies then decide what the deployment may do.
   *
   * @param options qualifier, regions and session tags
   */
  public grantCdkDeploy(options: CdkDeployGrantOptions = {}): iam.Grant {
    const stack = Stack.of(this);
    // DefaultStackSynthesizer.bootstrapQualifier is its `qualifier` prop, else
    // the context value, else the default; other synthesizers name no roles.
    const synthesizerQualifier = stack.synthesizer instanceof DefaultStackSynthesizer
      ? stack.synthesizer.bootstrapQualifier
      : undefined;
    const qualifier = options.qualifier
      ?? synthesizerQualifier
      ?? this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier')
      ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    if (!Token.isUnresolved(qualifier) && !/^[A-Za-z0-9_-]{1,10}$/.test(qualifier)) {
      throw new Error(`gitHubActionsRole grantCdkDeploy qualifier '${qualifier}' is not a CDK bootstrap qualifier: use 1 to 10 letters, digits, '_' or '-', as given to cdk bootstrap --qualifier`);
    }
    const regions = options.regions ?? [stack.region];
    if (regions.length === 0) {
      throw new Error('gitHubActionsRole grantCdkDeploy regions is empty: give at least one region, or leave it unset for the region of the stack');
    }
    for (const region of regions) {
      if (!Token.isUnresolved(region) && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
        throw new Error(`gitHubActionsRole grantCdkDeploy regions entry '${region}' is not an AWS region name: use a name such as 'us-east-1'`);
      }
    }
    const kinds = ['deploy', 'file-publishing', 'image-publishing', 'lookup'];
    const resourceArns = regions.flatMap(region => kinds.map(kind => stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: `cdk-${qualifier}-${kind}-role-${stack.account}-${region}`,
    })));
    return iam.Grant.addToPrincipal({
      grantee: this,
      actions: options.sessionTags ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'],
      resourceArns,
    });
  }

  /**
   * Adds a statement to the role's default policy (what every `grant*()`
   * does), keeping it for the pull-request check.
   *
   * @param statement the statement to add
   */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.statementsForReview.push(statement);
    return super.addToPrincipalPolicy(statement);
  }

  /**
   * Attaches an inline policy to the role, keeping it for the pull-request
   * check.
   *
   * @param policy the policy to attach
   */
  public attachInlinePolicy(policy: iam.Policy): void {
    this.policiesForReview.push(policy);
    super.attachInlinePolicy(policy);
  }

  /**
   * Attaches a managed policy to the role, keeping it for the pull-request
   * check.
   *
   * @param policy the managed policy to attach
   */
  public addManagedPolicy(policy: iam.IManagedPolicy): void {
    this.managedPoliciesForReview.push(policy);
    super.addManagedPolicy(policy);
  }

  private validatePullRequestsReadOnly(): string[] {
    const statements = this.statementsForReview.map(statement => statement.toStatementJson());
    const documents = [
      ...this.policiesForReview.map(policy => policy.document),
      ...this.managedPoliciesForReview.filter(isManagedPolicy).map(policy => policy.document),
    ];
    for (const document of documents) {
      statements.push(...(document.toJSON()?.Statement ?? []));
    }
    // A ManagedPolicy created with `roles: [role]` (or `attachToRole(role)`)
    // lists the role itself instead of calling `addManagedPolicy`.
    const stack = Stack.of(this);
    const roleRef = JSON.stringify(stack.resolve(this.roleName));
    for (const construct of stack.node.findAll()) {
      if (isManagedPolicy(construct) && !this.managedPoliciesForReview.includes(construct)) {
        const roles = stack.resolve((construct.node.defaultChild as iam.CfnManagedPolicy).roles) ?? [];
        if (roles.some((r: unknown) => JSON.stringify(r) === roleRef)) {
          statements.push(...(construct.document.toJSON()?.Statement ?? []));
        }
      }
    }
    const writes = writeActionsOf(statements);
    if (this.managedPoliciesForReview.some(policy => !isManagedPolicy(policy))) {
      writes.push('(a managed policy whose statements are not known at synth time)');
    }
    if (writes.length === 0) {
      return [];
    }
    return [
      `gitHubActionsRole subjects admit pull requests, but the role is granted writes (${writes.join(', ')}): `
      + 'a pull request runs the workflow of its own branch, so whoever can open one could act with these rights; '
      + 'trust a branch or an environment for this role and keep a read-only role for pull requests, '
      + 'or set allowPullRequestsWithWrites: true if you accept the risk',
    ];
  }
}

function isManagedPolicy(x: unknown): x is iam.ManagedPolicy {
  return x instanceof iam.ManagedPolicy;
}

/**
 * Validates the subject forms and subjects, and returns every `sub` value the role accepts.
 */
function subjectClaimsOf(props: GitHubActionsRoleProps): string[] {
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

/**
 * The account's github.com provider, imported once per stack (an import
 * renders nothing).
 */
function accountProvider(scope: Construct): IGitHubOidcProvider {
  const stack = Stack.of(scope);
  const id = 'GitHubOidcProviderOfAccount';
  return (stack.node.tryFindChild(id) as IGitHubOidcProvider | undefined) ?? GitHubOidcProvider.fromAccount(stack, id);
}

/** The props, before anything is built: what a plain JavaScript caller could get wrong. */
function checkRoleProps(props: GitHubActionsRoleProps): void {
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
function tokenSeconds(duration: Duration): number {
  try {
    return duration.toSeconds();
  } catch {
    throw new Error('gitHubActionsRole maxSessionDuration (a token) is in another unit than seconds, which '
      + 'CloudFormation cannot convert: give Duration.seconds(<token>), e.g. of a Number parameter in seconds');
  }
}

function checkMaxSessionDuration(duration: Duration | undefined): void {
  if (duration === undefined || duration.isUnresolved()) {
    return;
  }
  const seconds = duration.toSeconds({ integral: false });
  if (seconds < 3600 || seconds > 43200) {
    throw new Error(`gitHubActionsRole maxSessionDuration ${duration.toHumanString()} is outside IAM's limits: use between Duration.hours(1) and Duration.hours(12)`);
  }
}

function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}
