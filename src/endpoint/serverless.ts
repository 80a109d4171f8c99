/**
 * A serverless endpoint: no instances to manage, billed per request, cold
 * starts after idle periods.
 *
 * Serverless endpoints have no GPUs, no VPC, no network isolation, no data
 * capture and a single variant; those options are refused.
 */
export interface ServerlessModeOptions {
  /**
   * The memory of each worker: 1024 to 6144 MiB in steps of 1024 (vCPUs grow with it).
   *
   * @default 2048
   */
  readonly memorySizeMiB?: number;

  /**
   * The most concurrent invocations (1–200; the account has a regional total).
   *
   * @default 10
   */
  readonly maxConcurrency?: number;

  /**
   * Invocations kept warm (no cold start), billed while idle; at most `maxConcurrency`.
   *
   * @default - none: every worker may cold-start
   */
  readonly provisionedConcurrency?: number;
}
