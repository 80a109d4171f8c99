/**
 * Refuses options of another mode that plain JavaScript callers can still pass
 * (TypeScript and the jsii languages refuse them by type).
 */
export function rejectForeign(mode: string, options: object, foreign: string[]): void {
  const given = foreign.filter((key) => (options as Record<string, unknown>)[key] !== undefined);
  if (given.length > 0) {
    throw new Error(`endpointMode.${mode} does not take ${given.join(', ')}: these are options of another mode; `
      + 'choose the EndpointMode factory that has them, or drop them');
  }
}
