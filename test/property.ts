import * as fc from 'fast-check';

/**
 * Settings for the property-based suites (fast-check): a fixed seed and a
 * small number of runs in the test command, so the suites stay fast and
 * repeatable; `FAST_CHECK_RUNS=1000 FAST_CHECK_SEED=<n> npx jest <suite>`
 * (or `npx projen test:property`) runs longer, other seeds.
 */
export function propertyParameters<T>(runs = 25): fc.Parameters<T> {
  return {
    seed: Number(process.env.FAST_CHECK_SEED ?? 20261202),
    numRuns: Number(process.env.FAST_CHECK_RUNS ?? runs),
    endOnFailure: true,
  };
}
