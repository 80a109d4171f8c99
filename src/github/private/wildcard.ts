/**
 * Whether a value holds an IAM wildcard (`*` or `?`), which a trust policy
 * must match with `StringLike` instead of `StringEquals`.
 */
export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/**
 * Whether `value` matches `pattern` as IAM's `StringLike` compares them:
 * `*` matches any characters (`/` included), `?` exactly one; without a
 * wildcard the two must be equal.
 */
export function matchesLike(pattern: string, value: string): boolean {
  const source = pattern.split('').map((c) => {
    if (c === '*') {
      return '.*';
    }
    if (c === '?') {
      return '.';
    }
    return c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }).join('');
  return new RegExp(`^${source}$`, 's').test(value);
}
