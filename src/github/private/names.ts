import { hasWildcard } from './wildcard';

/**
 * The git ref rules (`git check-ref-format`) for a short branch or tag name,
 * plus IAM's rule that `${` starts a policy variable. With `wildcards`, `*`
 * is allowed as an IAM wildcard; without, the name must name one ref.
 *
 * @returns why the name is not valid, or `undefined` when it is
 */
export function refNameProblem(name: string, prefix: string, wildcards: boolean): string | undefined {
  if (name.length === 0) {
    return wildcards ? 'it is empty; give a name, or * for any' : 'it is empty; give a name';
  }
  if (name.startsWith(prefix) || name.startsWith('refs/')) {
    return `give the short name without '${prefix}'`;
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
  if (!wildcards && /[*?[]/.test(name)) {
    return "it must not contain '*', '?' or '[': patterns are not allowed here, name one ref";
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

/**
 * The rules for a GitHub deployment environment name, as the `sub` claim
 * carries it (`environment:<name>`).
 *
 * @param wildcardFix what to do instead of a wildcard, for the message
 * @returns why the name is not valid (to follow the name in a message), or `undefined` when it is
 */
export function environmentNameProblem(name: string, wildcardFix: string): string | undefined {
  if (name.trim().length === 0) {
    return 'is empty: give the name of the environment, as in jobs.<id>.environment';
  }
  if (name.length > 255) {
    return `is ${name.length} characters long: GitHub allows at most 255`;
  }
  if (name !== name.trim()) {
    return 'starts or ends with a space: GitHub trims environment names, so this name would never match; remove the spaces';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) {
    return 'contains control characters: remove them';
  }
  if (name.includes(':')) {
    return "contains ':', the separator of the sub claim, so it could match a different claim: remove it";
  }
  if (hasWildcard(name)) {
    return `contains a wildcard: ${wildcardFix}`;
  }
  if (name.includes('${')) {
    return "contains '${', which IAM reads as a policy variable: remove it";
  }
  return undefined;
}
