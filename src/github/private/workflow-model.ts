/**
 * The typed shape of the workflow file: only the keys the generated workflow
 * writes. Objects are rendered in the order their keys are set.
 */

/** A value of a step's `env:` or `with:` map. */
export type WorkflowScalar = string | number | boolean;

/** One step of a job. */
export interface WorkflowStep {
  readonly 'name': string;
  readonly 'id'?: string;
  readonly 'if'?: string;
  readonly 'uses'?: string;
  readonly 'with'?: Record<string, WorkflowScalar>;
  readonly 'env'?: Record<string, WorkflowScalar>;
  readonly 'working-directory'?: string;
  readonly 'run'?: string;
  /**
   * A zizmor audit this step's `run:` is exempt from, and why: rendered as a
   * `# zizmor: ignore[<audit>] <reason>` comment on the `run:` line (the key itself is not written).
   */
  readonly 'zizmor-ignore'?: { readonly audit: string; readonly reason: string };
}

/** A job's or the workflow's `permissions:` of the `GITHUB_TOKEN` (and `id-token` for OIDC). */
export type WorkflowPermissions = Record<string, 'read' | 'write'>;

/** A `concurrency:` group. */
export interface WorkflowConcurrency {
  readonly 'group': string;
  readonly 'cancel-in-progress': boolean;
}

/** One job of the workflow. */
export interface WorkflowJob {
  readonly 'name': string;
  readonly 'needs'?: string | string[];
  readonly 'if'?: string;
  readonly 'runs-on': string;
  readonly 'permissions'?: WorkflowPermissions;
  readonly 'concurrency'?: WorkflowConcurrency;
  readonly 'timeout-minutes'?: number;
  readonly 'environment'?: string;
  readonly 'outputs'?: Record<string, string>;
  readonly 'env'?: Record<string, WorkflowScalar>;
  readonly 'steps': WorkflowStep[];
}

/** The workflow file. */
export interface Workflow {
  readonly name: string;
  readonly on: {
    readonly push: { readonly branches: string[] };
    readonly workflow_dispatch: Record<string, never>;
    readonly repository_dispatch?: { readonly types: string[] };
  };
  readonly permissions: WorkflowPermissions;
  readonly concurrency: WorkflowConcurrency;
  readonly jobs: Record<string, WorkflowJob>;
}
