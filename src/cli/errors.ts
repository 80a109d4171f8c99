/**
 * A problem with what the user asked for or gave: the command prints the
 * message alone (no stack trace) and exits with code 2. (Its `name` stays
 * `Error`: main tells it apart with `instanceof`.)
 */
export class UsageError extends Error {}
