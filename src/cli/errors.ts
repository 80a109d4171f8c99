/**
 * A problem with what the user asked for or gave: the command prints the
 * message alone (no stack trace) and exits with code 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
