import { Token } from 'aws-cdk-lib';

/**
 * Verbs of IAM actions that only read. An action counts as read-only when the
 * part after `service:` starts with one of them, literally: `s3:Get*` and
 * `ecr:BatchGetImage` are reads, `s3:*`, `s3:*Object` and `s3:G*` are not.
 * (`ecr:GetAuthorizationToken` and `sts:GetCallerIdentity` are `Get`s.)
 */
const READ_ONLY_VERBS = ['Get', 'List', 'Describe', 'BatchGet', 'BatchCheck', 'Search', 'Query', 'Scan'];

/**
 * Whether an IAM action pattern can only match read-only actions.
 */
export function isReadOnlyAction(action: string): boolean {
  if (Token.isUnresolved(action)) {
    return false;
  }
  const colon = action.indexOf(':');
  if (colon <= 0) {
    return false; // `*`, or not an action at all
  }
  const verb = action.slice(colon + 1);
  return READ_ONLY_VERBS.some(prefix => verb.startsWith(prefix));
}

/**
 * The actions that statements (in their JSON form, as in a policy document)
 * allow and that may write: every allowed action that is not read-only, and a
 * description of any `Allow` with `NotAction` (which allows all but a few
 * actions). `Deny` statements are skipped.
 */
export function writeActionsOf(statements: any[]): string[] {
  const writes = new Set<string>();
  for (const statement of statements) {
    if (statement?.Effect === 'Deny') {
      continue;
    }
    const notActions = asList(statement?.NotAction);
    if (notActions.length > 0) {
      writes.add(`NotAction ${notActions.join(',')}`);
    }
    for (const action of asList(statement?.Action)) {
      if (!isReadOnlyAction(action)) {
        writes.add(Token.isUnresolved(action) ? '(an action only known at deploy time)' : action);
      }
    }
  }
  return [...writes];
}

function asList(value: unknown): string[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value.map(String) : [String(value)];
}
