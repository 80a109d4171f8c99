import { RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { issuerHostAndPath, issuerUrlOf, providerArn } from './private/issuer';
import { checkPropsObject, checkType } from './private/props';

/**
 * Which GitHub issues the OIDC tokens that the provider trusts.
 *
 * Leave both properties unset for GitHub.com; set `enterprise` when a GitHub
 * Enterprise Cloud enterprise uses its own issuer, or `issuerUrl` for GitHub
 * Enterprise Server or any other issuer. Setting both is an error.
 */
export interface GitHubOidcIssuerOptions {
  /**
   * The slug of a GitHub Enterprise Cloud enterprise that turned on its unique
   * issuer URL; tokens then come from
   * `https://token.actions.githubusercontent.com/<enterprise>`.
   *
   * @see https://docs.github.com/en/enterprise-cloud@latest/actions/reference/security/oidc
   * @default - the shared GitHub.com issuer
   */
  readonly enterprise?: string;

  /**
   * The full issuer URL, for GitHub Enterprise Server
   * (`https://HOSTNAME/_services/token`) or another custom issuer.
   *
   * It must be a literal (not a token): IAM condition keys in the trust
   * policies of `GitHubActionsRole` are built from it at synth time.
   *
   * @default - `https://token.actions.githubusercontent.com` (or the enterprise issuer when `enterprise` is set)
   */
  readonly issuerUrl?: string;
}

/**
 * Properties of a `GitHubOidcProvider`.
 */
export interface GitHubOidcProviderProps extends GitHubOidcIssuerOptions {
  /**
   * What happens to the provider when it leaves the stack.
   *
   * Every role that trusts GitHub in this account depends on the provider, so
   * it is kept by default.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The GitHub Actions OIDC provider of an account, created or imported.
 */
export interface IGitHubOidcProvider extends iam.IOpenIdConnectProvider {
  /**
   * The issuer without `https://`: the host and path that prefix the IAM
   * condition keys of this provider, e.g. `token.actions.githubusercontent.com`
   * in `token.actions.githubusercontent.com:sub`.
   */
  readonly issuer: string;
}

/**
 * The IAM OIDC identity provider that lets GitHub Actions workflows exchange
 * their OIDC token for AWS credentials, with no stored keys.
 *
 * It is the native `AWS::IAM::OIDCProvider` resource: no Lambda-backed custom
 * resource and no thumbprints (IAM verifies GitHub's certificate against its
 * own trusted CAs). Its only client id (audience) is `sts.amazonaws.com`, the
 * one `aws-actions/configure-aws-credentials` requests.
 *
 * An account holds a single provider per issuer URL. Create it in one stack and
 * import it everywhere else with `GitHubOidcProvider.fromAccount()`; creating a
 * second one fails at deploy time with `EntityAlreadyExists`.
 *
 * @example
 * const provider = new GitHubOidcProvider(this, 'GitHub');
 * // in any other stack of the same account:
 * const imported = GitHubOidcProvider.fromAccount(this, 'ImportedGitHub');
 */
export class GitHubOidcProvider extends iam.OidcProviderNative implements IGitHubOidcProvider {
  /**
   * The audience (client id) of the tokens: `sts.amazonaws.com`.
   */
  public static readonly AUDIENCE = 'sts.amazonaws.com';

  /**
   * Imports the provider that already exists in the account of `scope`'s stack.
   *
   * The ARN is built from the stack's partition and account, so this works in
   * every partition and in environment-agnostic stacks. Nothing is looked up:
   * if the provider doesn't exist, roles that trust it fail to deploy.
   *
   * @param scope the scope of the import
   * @param id the id of the import
   * @param options which issuer the provider was created for
   */
  public static fromAccount(scope: Construct, id: string, options: GitHubOidcIssuerOptions = {}): IGitHubOidcProvider {
    const issuer = issuerHostAndPath(issuerUrlOf('gitHubOidcProvider.fromAccount', options));
    const arn = providerArn(scope, issuer);

    class Import extends Resource implements IGitHubOidcProvider {
      public readonly issuer = issuer;
      public readonly openIdConnectProviderArn = arn;
      public readonly openIdConnectProviderIssuer = issuer;
      public get oidcProviderRef() {
        return { oidcProviderArn: this.openIdConnectProviderArn };
      }
    }
    return new Import(scope, id);
  }

  /**
   * The issuer without `https://`, used as the prefix of the condition keys.
   */
  public readonly issuer: string;

  constructor(scope: Construct, id: string, props: GitHubOidcProviderProps = {}) {
    checkPropsObject('gitHubOidcProvider', props ?? {}, "{} (GitHub.com), or { enterprise: 'my-enterprise' }");
    checkType('gitHubOidcProvider', 'enterprise', props?.enterprise, 'string', "give the enterprise slug, e.g. 'my-enterprise'");
    checkType('gitHubOidcProvider', 'issuerUrl', props?.issuerUrl, 'string', "give the issuer URL, e.g. 'https://HOSTNAME/_services/token'");
    const url = issuerUrlOf('gitHubOidcProvider', props ?? {});
    checkOneProviderPerIssuer(scope, id, url);
    super(scope, id, {
      url,
      clientIds: [GitHubOidcProvider.AUDIENCE],
      removalPolicy: props?.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.issuer = issuerHostAndPath(url);
  }
}

/**
 * IAM holds one OIDC provider per issuer URL in an account (a second one fails
 * at deploy with `EntityAlreadyExists`): refuses a second provider for the
 * same issuer in the same stack, or in another stack of the app with the same
 * account.
 */
function checkOneProviderPerIssuer(scope: Construct, id: string, url: string): void {
  const stack = Stack.of(scope);
  const other = stack.node.root.node.findAll().find((c): c is GitHubOidcProvider => c instanceof GitHubOidcProvider
    && c.issuer === issuerHostAndPath(url)
    && (Stack.of(c) === stack || (!Token.isUnresolved(stack.account) && Stack.of(c).account === stack.account)));
  if (other) {
    const where = Stack.of(other) === stack ? 'the same stack' : `account ${stack.account} (stack ${Stack.of(other).node.path})`;
    throw new Error(`gitHubOidcProvider ${scope.node.path}/${id} has the issuer ${url} of ${other.node.path} in ${where}: `
      + 'IAM holds one provider per issuer URL in an account, so the second fails to deploy with EntityAlreadyExists; '
      + 'create it once and import it elsewhere with GitHubOidcProvider.fromAccount()');
  }
}
