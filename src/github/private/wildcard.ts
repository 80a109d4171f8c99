/**
 * Whether a value holds an IAM wildcard (`*` or `?`), which a trust policy
 * must match with `StringLike` instead of `StringEquals`.
 */
export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}
