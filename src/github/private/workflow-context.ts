import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { WorkflowStep } from './workflow-model';
import { usesReference, WORKFLOW_ACTIONS, WorkflowAction } from './workflow-render';
import { checkVariablesScript } from './workflow-scripts';
import { WorkflowValues } from './workflow-values';

/** What every job builder reads: the workflow, its values and its pinned actions. */
export class JobContext {
  constructor(
    /** The `GitHubWorkflow`: the scope of validations and mappings. */
    public readonly scope: Construct,
    public readonly values: WorkflowValues,
    /** The YAML value of the AWS region. */
    public readonly region: string,
    private readonly pinned: Record<string, string>,
  ) {}

  /** The `uses:` reference of an action. */
  public uses(action: WorkflowAction): string {
    return usesReference(action, this.pinned);
  }

  /** The step that gets AWS credentials for `role` through OIDC. */
  public credentialsStep(role: string, session: string, durationSeconds?: number): WorkflowStep {
    return {
      name: 'Configure AWS credentials',
      uses: this.uses(WORKFLOW_ACTIONS.configureAwsCredentials),
      with: {
        'role-to-assume': role,
        'aws-region': this.region,
        'role-session-name': `${session}-\${{ github.run_id }}`,
        ...(durationSeconds !== undefined ? { 'role-duration-seconds': durationSeconds } : {}),
      },
    };
  }

  /**
   * A first step that fails with a clear message when a repository variable
   * that one of `texts` reads is not set; none when they read no variable.
   */
  public checkVariablesStep(texts: string[]): WorkflowStep[] {
    const names = this.values.variables.map((v) => v.name).filter((name) => texts.some((t) => t.includes(`vars.${name} `)));
    if (names.length === 0) {
      return [];
    }
    return [{
      name: 'Check repository variables',
      env: Object.fromEntries(names.map((name) => [name, `\${{ vars.${name} }}`])),
      run: checkVariablesScript(names, Stack.of(this.scope).stackName),
    }];
  }
}
