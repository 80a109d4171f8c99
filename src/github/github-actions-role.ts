import { DefaultStackSynthesizer, Duration, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GitHubOidcProvider, IGitHubOidcProvider } from './github-oidc-provider';
import { GitHubSubject } from './github-subject';
import { hasWildcard } from './private/wildcard';
import { writeActionsOf } from './private/write-actions';

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
   * immutable subjects. Needs `ownerId` and `repositoryId`.
   */
  IMMUTABLE = 'IMMUTABLE',

  /**
   * Both forms, so that a workflow keeps working while its repository
   * switches to immutable subjects. Needs `ownerId` and `repositoryId`.
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
   * `GitHubOidcProvider.fromAccount()`.
   */
  readonly provider: IGitHubOidcProvider;

  /**
   * The user or organization that owns the repository, exactly as GitHub
   * spells it (IAM compares it case-sensitively), e.g. `my-org`.
   */
  readonly owner: string;

  /**
   * The repository name without the owner, e.g. `my-model`.
   */
  readonly repository: string;

  /**
   * The workflow runs of the repository that may assume the role, at least
   * one: `GitHubSubject.branch('main')`, `.tag('v*')`,
   * `.environment('production')`, `.pullRequest()` or `.raw(...)`.
   */
  readonly subjects: GitHubSubject[];

  /**
   * The numeric id of the owner, for immutable subjects: the `id` field of
   * `https://api.github.com/users/OWNER`. Give it together with
   * `repositoryId`.
   *
   * @default - no id: only legacy subjects are accepted
   */
  readonly ownerId?: number;

  /**
   * The numeric id of the repository, for immutable subjects: the `id` field
   * of `https://api.github.com/repos/OWNER/REPO`. Give it together with
   * `ownerId`.
   *
   * @default - no id: only legacy subjects are accepted
   */
  readonly repositoryId?: number;

  /**
   * Which forms of the `sub` claim to accept.
   *
   * @default - `GitHubSubjectForms.BOTH` when `ownerId` and `repositoryId` are given, else `GitHubSubjectForms.LEGACY`
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
 * const provider = new GitHubOidcProvider(this, 'GitHub');
 * const bucket = new s3.Bucket(this, 'Models');
 *
 * const role = new GitHubActionsRole(this, 'DeployRole', {
 *   provider,
 *   owner: 'my-org',
 *   repository: 'my-model',
 *   ownerId: 1234567,
 *   repositoryId: 765432109,
 *   subjects: [GitHubSubject.branch('main'), GitHubSubject.environment('production')],
 *   maxSessionDuration: Duration.hours(4),
 * });
 * bucket.grantReadWrite(role);
 * role.grantCdkDeploy();
 */
export class GitHubActionsRole extends iam.Role {
  /**
   * The owner of the repository that assumes the role.
   */
  public readonly owner: string;

  /**
   * The repository that assumes the role.
   */
  public readonly repository: string;

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
    const subjectClaims = subjectClaimsOf(props);
    const issuer = props.provider.issuer;
    if (Token.isUnresolved(issuer)) {
      throw new Error('gitHubActionsRole provider has an issuer only known at deploy time: IAM condition keys must be literal; use GitHubOidcProvider or GitHubOidcProvider.fromAccount()');
    }
    checkMaxSessionDuration(props.maxSessionDuration);

    const aud = { [`${issuer}:aud`]: GitHubOidcProvider.AUDIENCE };
    const sub = `${issuer}:sub`;
    const exact = subjectClaims.filter(claim => !hasWildcard(claim));
    const patterns = subjectClaims.filter(claim => hasWildcard(claim));
    const principals: iam.IPrincipal[] = [];
    if (exact.length > 0) {
      principals.push(new iam.OpenIdConnectPrincipal(props.provider, {
        StringEquals: { ...aud, [sub]: oneOrMany(exact) },
      }));
    }
    if (patterns.length > 0) {
      principals.push(new iam.OpenIdConnectPrincipal(props.provider, {
        StringEquals: aud,
        StringLike: { [sub]: oneOrMany(patterns) },
      }));
    }

    super(scope, id, {
      assumedBy: principals[0],
      roleName: props.roleName,
      description: props.description ?? `GitHub Actions role for ${props.owner}/${props.repository} (OIDC)`,
      maxSessionDuration: props.maxSessionDuration,
    });
    // One statement per condition operator: two operators in one statement
    // would both have to hold.
    for (const principal of principals.slice(1)) {
      this.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        actions: [principal.assumeRoleAction],
        principals: [principal],
      }));
    }

    this.owner = props.owner;
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
        throw new Error(`gitHubActionsRole grantCdkDeploy region '${region}' is not an AWS region name: use a name such as 'us-east-1'`);
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
 * Validates owner, repository, ids and subjects, and returns every `sub`
 * value the role accepts.
 */
function subjectClaimsOf(props: GitHubActionsRoleProps): string[] {
  checkOwner(props.owner);
  checkRepository(props.repository);
  checkId('ownerId', props.ownerId, 'https://api.github.com/users/OWNER');
  checkId('repositoryId', props.repositoryId, 'https://api.github.com/repos/OWNER/REPO');
  if ((props.ownerId === undefined) !== (props.repositoryId === undefined)) {
    const [given, missing] = props.ownerId === undefined ? ['repositoryId', 'ownerId'] : ['ownerId', 'repositoryId'];
    throw new Error(`gitHubActionsRole ${given} is set but ${missing} is not: immutable subjects carry both ids; give ${missing} too, or neither`);
  }
  const hasIds = props.ownerId !== undefined && props.repositoryId !== undefined;
  const forms = props.subjectForms ?? (hasIds ? GitHubSubjectForms.BOTH : GitHubSubjectForms.LEGACY);
  if (forms !== GitHubSubjectForms.LEGACY && !hasIds) {
    throw new Error(`gitHubActionsRole subjectForms ${forms} needs ownerId and repositoryId: give both ids (the id fields of https://api.github.com/repos/OWNER/REPO and its owner), or use GitHubSubjectForms.LEGACY`);
  }
  if (!props.subjects || props.subjects.length === 0) {
    throw new Error('gitHubActionsRole subjects is empty: a role without subjects would trust no run, or, if widened by hand, every run of the repository; give at least one, e.g. GitHubSubject.branch(\'main\')');
  }

  const repos: string[] = [];
  if (forms !== GitHubSubjectForms.IMMUTABLE) {
    repos.push(`repo:${props.owner}/${props.repository}`);
  }
  if (forms !== GitHubSubjectForms.LEGACY) {
    repos.push(`repo:${props.owner}@${idString(props.ownerId!)}/${props.repository}@${idString(props.repositoryId!)}`);
  }
  const claims = repos.flatMap(repo => props.subjects.map(subject => `${repo}:${subject.suffix}`));
  return [...new Set(claims)];
}

function checkOwner(owner: string): void {
  if (Token.isUnresolved(owner)) {
    return;
  }
  const fail = (reason: string) => {
    throw new Error(`gitHubActionsRole owner '${owner}' ${reason}`);
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
    fail("holds '/': give the owner here and the repository in repository");
  }
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(owner)) {
    fail('is not a GitHub owner name: use letters, digits and single hyphens, not at the start or end (max 39)');
  }
}

function checkRepository(repository: string): void {
  if (Token.isUnresolved(repository)) {
    return;
  }
  const fail = (reason: string) => {
    throw new Error(`gitHubActionsRole repository '${repository}' ${reason}`);
  };
  if (hasWildcard(repository)) {
    fail('holds a wildcard, which would let other repositories of the owner assume the role: name exactly one repository');
  }
  if (repository.includes(':')) {
    fail("holds ':', the separator of the sub claim, so the subject could match another repository's claims: give the repository name only");
  }
  if (repository.includes('@')) {
    fail("holds '@', which separates a name from its id in immutable subjects: give the name here and the id in repositoryId");
  }
  if (repository.includes('/')) {
    fail("holds '/': give the repository name without its owner, and the owner in owner");
  }
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(repository) || repository === '.' || repository === '..') {
    fail("is not a GitHub repository name: use letters, digits, '-', '_' and '.' (max 100, not '.' or '..')");
  }
}

function checkId(property: string, id: number | undefined, source: string): void {
  if (id === undefined || Token.isUnresolved(id)) {
    return;
  }
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new Error(`gitHubActionsRole ${property} ${id} is not a GitHub id: use the positive integer in the id field of ${source}`);
  }
}

function idString(id: number): string {
  return Token.isUnresolved(id) ? Tokenization.stringifyNumber(id) : String(id);
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
