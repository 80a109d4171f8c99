import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { checkDuration } from './workflow-checks';
import { JobContext } from './workflow-context';
import { WorkflowJob } from './workflow-model';
import { startPipelineScript, stopPipelineScript, waitForPipelineScript } from './workflow-scripts';
import type { WorkflowTrainOptions } from '../workflow-options';

/** A GitHub-hosted job may run at most 6 hours (GitHub Actions usage limits, "Job execution time"). */
const MAX_JOB_MINUTES = 360;
/** AssumeRoleWithWebIdentity takes 900 to 43,200 seconds (`role-duration-seconds`). */
const MIN_SESSION_MINUTES = 15;
/** The wait step gives up this long before the job's timeout, so that it can stop the execution and report. */
const WAIT_MARGIN_MINUTES = 5;

/**
 * The `train` job: start the pipeline with the image the build job pushed,
 * wait for the execution, and stop it when the job fails or is cancelled.
 * Grants `train.role` managing the pipeline's executions.
 */
export function trainJob(context: JobContext, train: WorkflowTrainOptions, environment: string | undefined,
  onApproval: boolean): WorkflowJob {
  const pollSeconds = checkDuration('train.pollInterval', train.pollInterval ?? Duration.seconds(30), 10, 600, 'seconds');
  const timeoutSeconds = checkDuration('train.timeout', train.timeout ?? Duration.hours(1),
    MIN_SESSION_MINUTES * 60, MAX_JOB_MINUTES * 60, 'minutes');
  const parameterName = train.pipeline.imageUriParameterName;
  if (parameterName === undefined) {
    const pipelineName = Token.isUnresolved(train.pipeline.pipelineName) ? '(a token)' : `'${train.pipeline.pipelineName}'`;
    throw new Error(`gitHubWorkflow train.pipeline ${pipelineName} has no imageUriParameterName: the workflow passes `
      + 'the image it pushed to the pipeline through that parameter, so give the pipeline an image URI parameter '
      + '(TrainingPipeline has one when its image is a CustomTrainingImage) or leave out `train`');
  }
  // Start, and describe, list the steps of and stop the execution it started.
  train.pipeline.grantManageExecutions(train.role);
  checkSessionDuration(context, train.role, timeoutSeconds);

  const values = context.values;
  const role = values.use('TRAIN_ROLE_ARN', 'the role of the training job', train.role.roleArn);
  const pipeline = values.use('PIPELINE_NAME', 'the name of the SageMaker pipeline', train.pipeline.pipelineName);
  const parameter = values.use('PIPELINE_IMAGE_PARAMETER', 'the pipeline parameter that takes the image URI', parameterName);
  const run = '${{ github.run_id }}-${{ github.run_attempt }}';
  // ClientRequestToken must be 32 to 128 characters (SageMaker API reference, StartPipelineExecution).
  const stopToken = `github-actions-${run}-stop-pipeline`;
  const execution = '${{ steps.start.outputs.arn }}';
  return {
    'name': 'Train',
    'needs': 'build',
    // On an approval event the approved version is deployed, not trained again.
    ...(onApproval ? { if: 'github.event_name != \'repository_dispatch\'' } : {}),
    'runs-on': 'ubuntu-latest',
    ...(environment !== undefined ? { environment } : {}),
    // The job checks nothing out: only the OIDC token.
    'permissions': { 'id-token': 'write' },
    'timeout-minutes': timeoutSeconds / 60,
    'env': {
      AWS_RETRY_MODE: 'standard',
      AWS_MAX_ATTEMPTS: 10,
    },
    'steps': [
      ...context.checkVariablesStep([role, context.region, pipeline, parameter]),
      context.credentialsStep(role, 'sagemaker-train', timeoutSeconds),
      {
        name: 'Start the SageMaker pipeline',
        id: 'start',
        env: {
          PIPELINE_NAME: pipeline,
          IMAGE_PARAMETER: parameter,
          IMAGE_URI: '${{ needs.build.outputs.image-uri }}',
          CLIENT_REQUEST_TOKEN: `github-actions-${run}-start-pipeline`,
        },
        run: startPipelineScript(),
      },
      {
        name: 'Wait for the pipeline execution',
        env: {
          EXECUTION_ARN: execution,
          POLL_SECONDS: pollSeconds,
          WAIT_SECONDS: timeoutSeconds - WAIT_MARGIN_MINUTES * 60,
          STOP_REQUEST_TOKEN: stopToken,
        },
        run: waitForPipelineScript(),
      },
      {
        name: 'Stop the pipeline execution',
        // Also when the wait step fails (a CLI or network error, a runner
        // problem), so that a failed job never leaves the pipeline running.
        if: '(failure() || cancelled()) && steps.start.outputs.arn != \'\'',
        env: { EXECUTION_ARN: execution, STOP_REQUEST_TOKEN: stopToken },
        run: stopPipelineScript(),
      },
    ],
  };
}

/** The job's session lasts `seconds`; a role created in this app must allow that. */
function checkSessionDuration(context: JobContext, role: iam.IRole, seconds: number): void {
  const cfnRole = role.node.defaultChild;
  if (!(cfnRole instanceof iam.CfnRole)) {
    return;
  }
  context.scope.node.addValidation({
    validate: () => {
      const allowed = cfnRole.maxSessionDuration ?? 3600;
      if (Token.isUnresolved(allowed) || allowed >= seconds) {
        return [];
      }
      return [`gitHubWorkflow train.timeout of ${seconds / 60} minutes needs AWS sessions of ${seconds} seconds, but `
        + `role ${role.node.path} allows ${allowed} (maxSessionDuration): set maxSessionDuration: `
        + `Duration.seconds(${seconds}) or more on the role, or shorten train.timeout`];
    },
  });
}
