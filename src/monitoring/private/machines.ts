import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Capture, grantPutMetricData } from './check-job';
import { checkMinutes } from './checks';
import { MonitorContext } from './context';
import { guardDefinition } from './retraining';
import { runnerDefinition } from './runner';
import { IModelEndpoint } from '../../endpoint';
import { nameCaseVariants } from '../../private/arns';
import { grantWithWildcard } from '../../private/grants';
import { grantPrefixList } from '../../private/s3';
import { MonitorBaseline } from '../monitor-baseline';
import { RetrainingOptions } from '../options';

/** The runner: fixes the window, finds the baseline and starts the monitor pipeline, with its grants. */
export function createRunner(context: MonitorContext, endpoint: IModelEndpoint, capture: Capture,
  baseline: ReturnType<MonitorBaseline['bind']>, window: Duration, captureDelay: Duration): sfn.StateMachine {
  const labels = context.groundTruth;
  const definition = runnerDefinition({
    endpointName: endpoint.endpointName,
    variantName: endpoint.variantName,
    pipelineName: context.pipeline.pipelineName,
    captureBucketName: capture.bucket.bucketName,
    captureVariantPrefix: capture.variantPrefix,
    baselineS3Uri: baseline.s3Uri,
    servedBaseline: baseline.servedModelVersion,
    groundTruth: labels ? { bucketName: labels.bucket.bucketName, prefix: labels.prefix } : undefined,
    windowMillis: window.toMilliseconds(),
    captureDelayMillis: captureDelay.toMilliseconds(),
    namespace: context.metricNamespace,
    partition: Aws.PARTITION,
  });
  const runner = context.machines.stateMachine('Runner', definition, `Starts one check of ${endpoint.endpointName}`);
  context.pipeline.grantStartExecution(runner);
  grantPrefixList(runner, capture.bucket, [`${capture.variantPrefix}*`]);
  if (context.groundTruth) {
    grantPrefixList(runner, context.groundTruth.bucket, [`${context.groundTruth.prefix}*`]);
  }
  grantPutMetricData(context, runner);
  if (baseline.servedModelVersion) {
    iam.Grant.addToPrincipal({ grantee: runner, actions: ['sagemaker:DescribeEndpoint'], resourceArns: [endpoint.endpointArn] });
    const stack = Stack.of(context.scope);
    grantWithWildcard(runner, {
      actions: ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel'],
      resourceArns: [stack.formatArn({ service: 'sagemaker', resource: 'endpoint-config', resourceName: '*' }),
        stack.formatArn({ service: 'sagemaker', resource: 'model', resourceName: '*' })],
      reason: 'the endpoint\'s config and model get generated names on every deploy: the runner reads the ones the endpoint names',
    });
    if (baseline.modelPackageGroup) {
      baseline.modelPackageGroup.grantRead(runner);
    } else {
      grantWithWildcard(runner, {
        actions: ['sagemaker:DescribeModelPackage'],
        resourceArns: [stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: '*' })],
        reason: 'no model package group was given: the runner reads the version the endpoint serves, whichever it is',
      });
    }
  }
  return runner;
}

/** The retraining guard, started by an EventBridge rule when the alarm fires. */
export function createRetraining(context: MonitorContext, options: RetrainingOptions, alarm: cloudwatch.IAlarm): sfn.StateMachine {
  const coolDown = options.coolDown ?? Duration.days(1);
  checkMinutes('retraining.coolDown', coolDown, Duration.minutes(0), Duration.days(30));
  const guard = context.machines.stateMachine('RetrainingGuard', guardDefinition({
    pipelineName: options.pipeline.pipelineName,
    coolDownMillis: coolDown.toMilliseconds(),
    parameters: options.parameters ?? {},
    partition: Aws.PARTITION,
  }), `Starts ${options.pipeline.pipelineName} on drift, guarded`);
  options.pipeline.grantStartExecution(guard);
  // ListPipelineExecutions authorizes on the pipeline (Service Authorization Reference, Amazon SageMaker).
  iam.Grant.addToPrincipal({
    grantee: guard,
    actions: ['sagemaker:ListPipelineExecutions'],
    // SageMaker may write a mixed-case pipeline name in lowercase in its ARNs.
    resourceArns: [options.pipeline.pipelineArn, ...nameCaseVariants(options.pipeline.pipelineName).slice(1)
      .map((name) => Stack.of(context.scope).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: name }))],
  });
  new events.Rule(context.scope, 'RetrainingRule', {
    description: `Starts the retraining guard when ${context.scope.node.path} alarms on drift or quality`,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      resources: [alarm.alarmArn],
      detail: { state: { value: ['ALARM'] } },
    },
    targets: [new eventsTargets.SfnStateMachine(guard, {
      retryAttempts: 3,
      role: context.machines.serviceRole('RetrainingRuleRole', 'events.amazonaws.com', 'Lets EventBridge start the retraining guard'),
    })],
  });
  return guard;
}
