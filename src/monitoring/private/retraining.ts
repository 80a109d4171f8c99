/**
 * The retraining guard: the Step Functions state machine (JSONata) that an
 * alarm's "CloudWatch Alarm State Change" event starts. EventBridge rules have
 * no rate limit and SageMaker no per-pipeline concurrency limit, so the guard
 * refuses a start while an execution of the pipeline runs or within the
 * cool-down of its last one, and starts with the event's id as the idempotency
 * token, so a duplicated event starts at most one execution.
 */

/** What the guard's definition is made of. */
export interface GuardInputs {
  readonly pipelineName: string;
  readonly coolDownMillis: number;
  readonly parameters: { [name: string]: string };
  /** The partition of the service integration ARNs (`Aws.PARTITION`). */
  readonly partition: string;
}

const jsonata = (expression: string) => `{% ${expression} %}`;

/** The statuses of an execution that still runs (SageMaker API reference, PipelineExecutionStatus). */
export const RUNNING_STATUSES = ['Executing', 'Stopping'];

/** The guard's definition (Amazon States Language, JSONata). */
export function guardDefinition(inputs: GuardInputs): any {
  // Step Functions' AWS SDK integrations, in the stack's partition (arn:aws-cn:states:::aws-sdk:... in China).
  const sdk = (action: string) => `arn:${inputs.partition}:states:::aws-sdk:sagemaker:${action}`;
  const parameters = Object.keys(inputs.parameters).sort().map((name) => ({ Name: name, Value: inputs.parameters[name] }));
  return {
    Comment: `Starts ${inputs.pipelineName} on an alarm, unless it runs or ran within the cool-down`,
    QueryLanguage: 'JSONata',
    StartAt: 'RecentExecutions',
    States: {
      RecentExecutions: {
        Type: 'Task',
        Comment: 'ListPipelineExecutions has no status filter: executions created within the cool-down, then the latest ones',
        Resource: sdk('listPipelineExecutions'),
        Arguments: {
          PipelineName: inputs.pipelineName,
          CreatedAfter: jsonata(`$fromMillis($toMillis($now()) - ${inputs.coolDownMillis})`),
          MaxResults: 1,
        },
        Assign: { recent: jsonata('$count($states.result.PipelineExecutionSummaries)') },
        Next: 'CoolingDown',
      },
      CoolingDown: {
        Type: 'Choice',
        Choices: [{ Condition: jsonata('$recent > 0'), Next: 'SkipCoolDown' }],
        Default: 'LatestExecutions',
      },
      SkipCoolDown: {
        Type: 'Succeed',
        Comment: 'An execution started within the cool-down: no retraining',
      },
      LatestExecutions: {
        Type: 'Task',
        Resource: sdk('listPipelineExecutions'),
        Arguments: { PipelineName: inputs.pipelineName, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 },
        Assign: {
          running: jsonata(`$count($states.result.PipelineExecutionSummaries[PipelineExecutionStatus in ${JSON.stringify(RUNNING_STATUSES)}])`),
        },
        Next: 'Running',
      },
      Running: {
        Type: 'Choice',
        Choices: [{ Condition: jsonata('$running > 0'), Next: 'SkipRunning' }],
        Default: 'StartRetraining',
      },
      SkipRunning: {
        Type: 'Succeed',
        Comment: 'An execution is running: no second one',
      },
      StartRetraining: {
        Type: 'Task',
        Resource: sdk('startPipelineExecution'),
        Arguments: {
          PipelineName: inputs.pipelineName,
          // The EventBridge event id (a UUID, 36 characters): StartPipelineExecution ClientRequestToken takes 32 to 128.
          ClientRequestToken: jsonata('$states.input.id'),
          PipelineExecutionDescription: jsonata("'Retraining: the alarm ' & $states.input.detail.alarmName & ' is in ALARM'"),
          ...(parameters.length > 0 ? { PipelineParameters: parameters } : {}),
        },
        End: true,
      },
    },
  };
}
