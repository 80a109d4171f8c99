import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { GitHubOidcIssuerOptions } from '../github-oidc-provider';

/**
 * The issuer of GitHub.com (and GitHub Enterprise Cloud) Actions tokens.
 */
export const GITHUB_ISSUER_URL = 'https://token.actions.githubusercontent.com';

/**
 * The ARN of the account's OIDC provider for `issuer` (host and path), in the
 * partition and account of `scope`'s stack.
 */
export function providerArn(scope: IConstruct, issuer: string): string {
  return Stack.of(scope).formatArn({
    service: 'iam',
    region: '',
    resource: 'oidc-provider',
    resourceName: issuer,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * Validates the issuer options and returns the issuer URL.
 */
export function issuerUrlOf(where: string, options: GitHubOidcIssuerOptions): string {
  const { enterprise, issuerUrl } = options;
  if (enterprise !== undefined && issuerUrl !== undefined) {
    throw new Error(`${where} has both enterprise '${enterprise}' and issuerUrl '${issuerUrl}': set only one (enterprise for GitHub Enterprise Cloud, issuerUrl for any other issuer)`);
  }
  if (enterprise !== undefined) {
    if (Token.isUnresolved(enterprise)) {
      throw new Error(`${where} enterprise must be a literal slug, not a token: IAM condition keys are built from it at synth time`);
    }
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(enterprise)) {
      throw new Error(`${where} enterprise '${enterprise}' is not an enterprise slug: use the letters, digits and hyphens of https://github.com/enterprises/<slug>`);
    }
    return `${GITHUB_ISSUER_URL}/${enterprise}`;
  }
  if (issuerUrl !== undefined) {
    if (Token.isUnresolved(issuerUrl)) {
      throw new Error(`${where} issuerUrl must be a literal URL, not a token: IAM condition keys are built from it at synth time`);
    }
    const problem = issuerUrlProblem(issuerUrl);
    if (problem) {
      throw new Error(`${where} issuerUrl '${issuerUrl}' ${problem}`);
    }
    return issuerUrl;
  }
  return GITHUB_ISSUER_URL;
}

export function issuerUrlProblem(url: string): string | undefined {
  if (!url.startsWith('https://')) {
    return "must start with 'https://': IAM accepts only HTTPS issuers";
  }
  const rest = url.slice('https://'.length);
  const host = rest.split('/')[0];
  if (!/^[A-Za-z0-9.-]+$/.test(host) || host.startsWith('.') || host.endsWith('.') || host.includes('..')) {
    // also catches a port (`host:8443`), which IAM refuses in a provider URL
    return 'does not have a valid host name: use https://HOSTNAME[/path] with no port, user or query';
  }
  if (/[\s?#*]/.test(rest)) {
    return 'must not contain spaces, a query, a fragment or a wildcard: give the exact issuer, the `iss` claim of the tokens';
  }
  if (rest.endsWith('/')) {
    return "must not end with '/': give the `iss` claim of the tokens exactly, e.g. https://HOSTNAME/_services/token";
  }
  return undefined;
}

/**
 * The issuer URL without its scheme: the prefix of the IAM condition keys.
 */
export function issuerHostAndPath(url: string): string {
  return url.slice('https://'.length);
}
