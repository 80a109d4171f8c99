import { Duration, SecretValue, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GitHubRepository } from './github-repository';
import { checkPropsObject, checkRequired, checkType, shown } from './private/props';
import { nameCaseVariants } from '../private/arns';
import { addCheckovSkip, addComplianceSuppression, addNagSuppression, explainRolePolicy } from '../private/nag';
import { checkInteger } from '../private/validate';
import { IModelPackageGroup } from '../training/model-package-group';

/**
 * Properties of a `DeployOnApproval`.
 */
export interface DeployOnApprovalProps {
  /** The repository whose default-branch workflows the approval starts. */
  readonly repository: GitHubRepository;

  /** The model package group whose approved versions are deployed. */
  readonly modelPackageGroup: IModelPackageGroup;

  /**
   * The Secrets Manager secret that holds the GitHub token, without the `Bearer `
   * prefix: a fine-grained personal access token with the "Contents" repository
   * permission set to write on this one repository (or a classic token with the
   * `repo` scope).
   *
   * The template holds only a dynamic reference to the secret: CloudFormation
   * reads it with the deploying principal's credentials, and EventBridge keeps
   * its own copy in the connection's secret.
   */
  readonly tokenSecret: secretsmanager.ISecret;

  /**
   * The JSON field of `tokenSecret` that holds the token.
   *
   * @default - the whole secret string is the token
   */
  readonly tokenSecretField?: string;

  /**
   * The version of `tokenSecret` to read. Changing it is how a rotated token
   * reaches the connection in a deploy: CloudFormation only re-reads a dynamic
   * reference when a property of the resource changes.
   *
   * @default - the current version (`AWSCURRENT`) at the time the connection is created or updated
   */
  readonly tokenSecretVersionId?: string;

  /**
   * The `event_type` of the `repository_dispatch` event, which the workflow's
   * `on.repository_dispatch.types` lists: at most 100 characters.
   *
   * @default DeployOnApproval.DEFAULT_EVENT_TYPE ('sagemaker-model-approved')
   */
  readonly eventType?: string;

  /**
   * The topic the alarm notifies when it fires and when it returns to OK.
   *
   * @default - the alarm notifies nobody
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * How many calls per second the API destination may make to GitHub (1 to 300).
   *
   * @default 1
   */
  readonly invocationRateLimitPerSecond?: number;

  /**
   * How many times EventBridge retries a call that failed with a 429 or 5xx
   * answer before it puts the event in the dead-letter queue (0 to 185).
   * Other 4xx answers, such as 401 and 403, are not retried.
   *
   * @default 185
   */
  readonly retryAttempts?: number;

  /**
   * How long EventBridge keeps retrying an event (1 minute to 24 hours).
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;

  /**
   * How long the dead-letter queue keeps an event that could not be delivered
   * (1 minute to 14 days).
   *
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;
}

/**
 * Approving a model version starts the GitHub deploy, with no Lambda: an
 * EventBridge rule on "SageMaker Model Package State Change" for the group with
 * `ModelApprovalStatus: Approved` calls GitHub's
 * `POST /repos/{owner}/{repo}/dispatches` through an API destination, whose
 * connection sends `Authorization: Bearer <token>` from a Secrets Manager secret.
 * Events GitHub does not accept land in an encrypted dead-letter queue, and an
 * alarm fires on every event that was not delivered.
 *
 * The dispatched event is
 * `{"event_type": "sagemaker-model-approved", "client_payload": {"model_package_arn", "model_package_group", "approval_status"}}`.
 * `repository_dispatch` runs workflows of the default branch only, and SageMaker
 * may send an event more than once: the deploy must be idempotent.
 *
 * @example
 * const models = new ModelPackageGroup(this, 'Models');
 * new sagemakergithub.DeployOnApproval(this, 'DeployOnApproval', {
 *   repository: GitHubRepository.of('my-org', 'my-model'),
 *   modelPackageGroup: models,
 *   tokenSecret: secretsmanager.Secret.fromSecretNameV2(this, 'GitHubToken', 'github/dispatch-token'),
 * });
 */
export class DeployOnApproval extends Construct {
  /** The `event_type` dispatched by default, which the generated workflow listens for. */
  public static readonly DEFAULT_EVENT_TYPE = 'sagemaker-model-approved';

  /** The rule that matches approvals of the group's versions. */
  public readonly rule: events.Rule;

  /** The connection that holds the token (in EventBridge's own secret). */
  public readonly connection: events.Connection;

  /** The API destination: `POST https://api.github.com/repos/OWNER/REPO/dispatches`. */
  public readonly apiDestination: events.ApiDestination;

  /** The queue of the events that could not be delivered. */
  public readonly deadLetterQueue: sqs.Queue;

  /**
   * The alarm on every event that was not delivered: the rule's
   * `FailedInvocations`, `InvocationsSentToDlq` and `InvocationsFailedToBeSentToDlq`.
   */
  public readonly alarm: cloudwatch.Alarm;

  /** The `event_type` this construct dispatches. */
  public readonly eventType: string;

  constructor(scope: Construct, id: string, props: DeployOnApprovalProps) {
    super(scope, id);
    checkApprovalProps(props);
    const eventType = props.eventType ?? DeployOnApproval.DEFAULT_EVENT_TYPE;
    checkEventType(eventType);
    checkSecretSegment('tokenSecretField', props.tokenSecretField);
    checkSecretSegment('tokenSecretVersionId', props.tokenSecretVersionId);
    const rateLimit = props.invocationRateLimitPerSecond ?? 1;
    // InvocationRateLimitPerSecond: 1 to 300 (EventBridge CreateApiDestination).
    checkInteger('deployOnApproval invocationRateLimitPerSecond', rateLimit, 1, 300);
    // RetryPolicy: MaximumRetryAttempts 0 to 185, MaximumEventAgeInSeconds 60 to 86400 (EventBridge PutTargets).
    const retryAttempts = props.retryAttempts ?? 185;
    checkInteger('deployOnApproval retryAttempts', retryAttempts, 0, 185);
    const maxEventAge = props.maxEventAge ?? Duration.hours(24);
    checkDuration('maxEventAge', maxEventAge, 60, 86400, 'Duration.hours(24)');
    // MessageRetentionPeriod: 60 to 1,209,600 seconds (SQS CreateQueue).
    const retention = props.deadLetterRetentionPeriod ?? Duration.days(14);
    checkDuration('deadLetterRetentionPeriod', retention, 60, 1209600, 'Duration.days(14)');
    this.eventType = eventType;

    // The secret holds the bare token; GitHub wants "Authorization: Bearer <token>". The
    // dynamic reference is resolved by CloudFormation, so only the reference is in the template.
    const token = SecretValue.secretsManager(props.tokenSecret.secretArn, {
      jsonField: props.tokenSecretField,
      versionId: props.tokenSecretVersionId,
    });
    this.connection = new events.Connection(this, 'Connection', {
      description: `GitHub token for repository_dispatch on ${props.repository.fullName}`,
      authorization: events.Authorization.apiKey('Authorization', new SecretValue(`Bearer ${token.unsafeUnwrap()}`)),
    });

    this.apiDestination = new events.ApiDestination(this, 'Destination', {
      description: `repository_dispatch on ${props.repository.fullName}`,
      connection: this.connection,
      endpoint: `https://api.github.com/repos/${props.repository.owner}/${props.repository.name}/dispatches`,
      httpMethod: events.HttpMethod.POST,
      rateLimitPerSecond: rateLimit,
    });
    // The events role that the API destination target creates holds its one policy (IAMNoInlinePolicy).
    explainRolePolicy(this.apiDestination);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: retention,
    });
    // CKV_AWS_27 accepts only a KMS key; SqsManagedSseEnabled (SSE-SQS) encrypts the queue at rest.
    addCheckovSkip(this.deadLetterQueue.node.defaultChild as sqs.CfnQueue, 'CKV_AWS_27',
      'encrypted with SSE-SQS (SqsManagedSseEnabled); the events are approval notices (an ARN and a group name), no KMS key is needed');
    addNagSuppression(this.deadLetterQueue.node.defaultChild as sqs.CfnQueue, 'AwsSolutions-SQS3',
      'this queue is the dead-letter queue of the EventBridge target that calls GitHub; the alarm watches what lands in it');

    this.rule = new events.Rule(this, 'Rule', {
      description: `Dispatches ${eventType} to ${props.repository.fullName} when a version of `
        + `${props.modelPackageGroup.modelPackageGroupName} is approved`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Model Package State Change'],
        detail: {
          ModelPackageGroupName: nameCaseVariants(props.modelPackageGroup.modelPackageGroupName),
          ModelApprovalStatus: ['Approved'],
        },
      },
    });
    // repository_dispatch: event_type at most 100 characters, client_payload at most 10
    // top-level properties and under 64 KB (GitHub REST API, "Create a repository dispatch event").
    this.rule.addTarget(new targets.ApiDestination(this.apiDestination, {
      event: events.RuleTargetInput.fromObject({
        event_type: eventType,
        client_payload: {
          model_package_arn: events.EventField.fromPath('$.detail.ModelPackageArn'),
          model_package_group: events.EventField.fromPath('$.detail.ModelPackageGroupName'),
          approval_status: 'Approved',
        },
      }),
      headerParameters: {
        'Accept': 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
      },
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts,
      maxEventAge,
    }));

    const metric = (metricName: string) => new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName,
      dimensionsMap: { RuleName: this.rule.ruleName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    });
    // EventBridge counts an event that was not delivered in exactly one of these, and
    // publishes each only when it is not zero (EventBridge User Guide, "Monitoring").
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: `An approval of ${props.modelPackageGroup.modelPackageGroupName} did not reach `
        + `${props.repository.fullName}: read the dead-letter queue for the event and GitHub's answer`,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(toDlq, 0) + FILL(notToDlq, 0)',
        usingMetrics: {
          failed: metric('FailedInvocations'),
          toDlq: metric('InvocationsSentToDlq'),
          notToDlq: metric('InvocationsFailedToBeSentToDlq'),
        },
        period: Duration.minutes(5),
        label: 'Undelivered approvals',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) {
      const action = new cwactions.SnsAction(props.alarmTopic);
      this.alarm.addAlarmAction(action);
      this.alarm.addOkAction(action);
    } else {
      addComplianceSuppression(this.alarm.node.defaultChild as cloudwatch.CfnAlarm, 'CloudWatchAlarmAction',
        'no alarmTopic was given, so the alarm notifies nobody: its state shows in the CloudWatch console and can be '
        + 'read by any alarm-watching tool; give alarmTopic (an SNS topic) to be notified of undelivered approvals');
    }
  }
}

/** The props, before anything is built: what a plain JavaScript caller could get wrong. */
function checkApprovalProps(props: DeployOnApprovalProps): void {
  checkPropsObject('deployOnApproval', props, '{ repository, modelPackageGroup, tokenSecret }');
  if (!(props.repository instanceof GitHubRepository)) {
    throw new Error(`deployOnApproval repository must be a GitHubRepository, got ${shown(props.repository)}: `
      + "give GitHubRepository.of('my-org', 'my-model')");
  }
  checkRequired('deployOnApproval', 'modelPackageGroup', props.modelPackageGroup, ['modelPackageGroupName'],
    'give an IModelPackageGroup, e.g. the modelPackageGroup of a TrainingPipeline');
  checkRequired('deployOnApproval', 'tokenSecret', props.tokenSecret, ['secretArn'],
    "give a secretsmanager.ISecret, e.g. secretsmanager.Secret.fromSecretNameV2(this, 'GitHubToken', 'github/dispatch-token')");
  checkType('deployOnApproval', 'eventType', props.eventType, 'string', `give e.g. '${DeployOnApproval.DEFAULT_EVENT_TYPE}'`);
  checkType('deployOnApproval', 'tokenSecretField', props.tokenSecretField, 'string', 'give the JSON field, or leave it out');
  checkType('deployOnApproval', 'tokenSecretVersionId', props.tokenSecretVersionId, 'string', 'give the version id, or leave it out');
  checkType('deployOnApproval', 'invocationRateLimitPerSecond', props.invocationRateLimitPerSecond, 'number', 'give e.g. 1');
  checkType('deployOnApproval', 'retryAttempts', props.retryAttempts, 'number', 'give e.g. 185');
  for (const [property, value] of [['maxEventAge', props.maxEventAge], ['deadLetterRetentionPeriod', props.deadLetterRetentionPeriod]] as const) {
    if (value !== undefined && !(value instanceof Duration)) {
      throw new Error(`deployOnApproval ${property} must be a Duration, got ${shown(value)}: give e.g. Duration.hours(24)`);
    }
  }
  if (props.alarmTopic !== undefined && (props.alarmTopic === null || typeof props.alarmTopic.topicArn !== 'string')) {
    throw new Error(`deployOnApproval alarmTopic must be an sns.ITopic, got ${shown(props.alarmTopic)}: give a topic, or leave it out`);
  }
}

function checkEventType(eventType: string): void {
  if (Token.isUnresolved(eventType)) {
    return;
  }
  if (eventType.length === 0 || eventType.length > 100) {
    throw new Error(`deployOnApproval eventType '${eventType}' must be 1 to 100 characters (GitHub's limit for `
      + `repository_dispatch), got ${eventType.length}: use a short name such as '${DeployOnApproval.DEFAULT_EVENT_TYPE}'`);
  }
}

function checkSecretSegment(property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  // A segment of {{resolve:secretsmanager:id:SecretString:field:stage:version}} cannot hold ':'.
  if (value === '' || value.includes(':')) {
    throw new Error(`deployOnApproval ${property} '${value}' must be non-empty and hold no ':' (a CloudFormation dynamic `
      + `reference cannot carry it): ${property === 'tokenSecretField' ? 'rename the JSON field, or leave it out to use the whole secret' : 'give the version id Secrets Manager shows'}`);
  }
}

function checkDuration(property: string, value: Duration, minSeconds: number, maxSeconds: number, fallback: string): void {
  if (value.isUnresolved()) {
    return;
  }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < minSeconds || seconds > maxSeconds) {
    throw new Error(`deployOnApproval ${property} must be a whole number of seconds from ${minSeconds} to ${maxSeconds}, `
      + `got ${seconds} (${value.toHumanString()}): use e.g. ${fallback}`);
  }
}
