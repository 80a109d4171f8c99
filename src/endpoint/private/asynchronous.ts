import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { renderOwnAlarmsDeployment } from './deployment';
import { OBJECTS_ONLY } from './grants';
import { EndpointModeImpl, LiveEndpoint, ModeBinding, ModeContext } from './mode';
import { checkSameRegion } from './region';
import { rejectForeign } from './reject';
import { scalableVariant } from './scaling';
import { endpointPrefix, stackBucket } from './stack-bucket';
import { checkModeOptions, checkPositive, renderInstanceVariant } from './variant';
import { checkOptional, checkRequired, checkStruct, isBoolean, isBucket, isKey, isNumber, isString, isTopic, wholeSeconds } from '../../image/private/input';
import { InferenceInstanceType } from '../../pipeline/instance-type';
import { grantKeyEncrypt, grantPrefixRead, grantPrefixWrite } from '../../private/s3';
import { checkInteger, keyPrefix } from '../../private/validate';
import { AsynchronousAutoScalingOptions, AsynchronousModeOptions } from '../asynchronous';

/** The prefixes of requests, responses and failures when none is given (in the stack's bucket, followed by the endpoint's own). */
const DEFAULT_PREFIXES = { input: 'async-input', output: 'async-output', failure: 'async-failures' };

/** The construct id of the stack's one asynchronous request bucket: part of the API, since changing it replaces the bucket. */
const STACK_ASYNC_BUCKET_ID = 'ModelEndpointAsyncBucket';

/** The stack's one bucket of asynchronous requests, responses and failures. */
const STACK_ASYNC_BUCKET = {
  id: STACK_ASYNC_BUCKET_ID,
  holds: 'asynchronous request',
  ownBucket: 'endpointMode.asynchronous bucket',
  reachedBy: 'the SageMaker execution roles of the stack\'s asynchronous endpoints (each under its own prefixes)',
};

/** Scaling cooldowns in whole seconds (a token in seconds passes). */
interface Cooldowns {
  readonly scaleIn: Duration;
  readonly scaleOut: Duration;
}

/**
 * The asynchronous mode: S3 in and out, SNS notifications, backlog autoscaling to zero.
 *
 * Limits: MaxConcurrentInvocationsPerInstance 1–1000 (SageMaker API reference,
 * AsyncInferenceClientConfig); S3OutputPath is required, S3FailurePath and the
 * topics are optional (AsyncInferenceOutputConfig, AsyncInferenceNotificationConfig).
 */
export class AsynchronousMode implements EndpointModeImpl {
  public readonly supportsNetworkIsolation = true;
  private readonly rendered: ReturnType<typeof renderInstanceVariant>;
  /** The given prefixes, checked. */
  private readonly prefixes: { input?: string; output?: string; failure?: string };
  private readonly minCapacity: number = 0;
  private readonly cooldowns?: Cooldowns;

  constructor(private readonly options: AsynchronousModeOptions) {
    const what = 'endpointMode.asynchronous';
    checkModeOptions('asynchronous', options, '{ autoScaling: { maxCapacity: 4 } }');
    checkOptional(`${what} bucket`, options.bucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Requests', 'requests')");
    for (const key of ['inputPrefix', 'outputPrefix', 'failurePrefix'] as const) {
      checkOptional(`${what} ${key}`, options[key], isString, 'a string', "'async-input'");
    }
    checkOptional(`${what} encryptionKey`, options.encryptionKey, isKey, 'a kms.IKey', "new kms.Key(this, 'AsyncKey')");
    checkOptional(`${what} notifications`, options.notifications, isBoolean, 'true or false', 'false');
    checkOptional(`${what} successTopic`, options.successTopic, isTopic, 'an sns.ITopic', "new sns.Topic(this, 'Done')");
    checkOptional(`${what} errorTopic`, options.errorTopic, isTopic, 'an sns.ITopic', "new sns.Topic(this, 'Failed')");
    checkOptional(`${what} maxConcurrentInvocationsPerInstance`, options.maxConcurrentInvocationsPerInstance, isNumber, 'a number', '4');
    rejectForeign('asynchronous', options, ['memorySizeMiB', 'maxConcurrency', 'provisionedConcurrency', 'dataCapture', 'deployment']);
    this.rendered = renderInstanceVariant('asynchronous', options, InferenceInstanceType.ML_M5_LARGE);
    checkInteger('endpointMode.asynchronous maxConcurrentInvocationsPerInstance', options.maxConcurrentInvocationsPerInstance, 1, 1000);
    this.prefixes = {
      input: options.inputPrefix === undefined ? undefined : prefix('inputPrefix', options.inputPrefix),
      output: options.outputPrefix === undefined ? undefined : prefix('outputPrefix', options.outputPrefix),
      failure: options.failurePrefix === undefined ? undefined : prefix('failurePrefix', options.failurePrefix),
    };
    if (options.notifications === false && (options.successTopic || options.errorTopic)) {
      throw new Error('endpointMode.asynchronous notifications is false but successTopic or errorTopic is given: '
        + 'drop the topics, or leave notifications on');
    }
    const scaling = options.autoScaling;
    checkStruct(`${what} autoScaling`, scaling, true, '{ maxCapacity: 4 }');
    if (scaling) {
      checkRequired(`${what} autoScaling maxCapacity`, scaling.maxCapacity, isNumber, 'a number', '4');
      checkOptional(`${what} autoScaling minCapacity`, scaling.minCapacity, isNumber, 'a number', '0');
      this.cooldowns = {
        scaleIn: Duration.seconds(wholeSeconds(`${what} autoScaling scaleInCooldown`, scaling.scaleInCooldown ?? Duration.minutes(5))!),
        scaleOut: Duration.seconds(wholeSeconds(`${what} autoScaling scaleOutCooldown`, scaling.scaleOutCooldown ?? Duration.minutes(5))!),
      };
      this.minCapacity = scaling.minCapacity ?? 0;
      checkInteger('endpointMode.asynchronous autoScaling minCapacity', this.minCapacity, 0, Number.MAX_SAFE_INTEGER);
      checkInteger('endpointMode.asynchronous autoScaling maxCapacity', scaling.maxCapacity, 1, Number.MAX_SAFE_INTEGER);
      if (!Token.isUnresolved(this.minCapacity) && !Token.isUnresolved(scaling.maxCapacity) && scaling.maxCapacity < this.minCapacity) {
        throw new Error(`endpointMode.asynchronous autoScaling maxCapacity (${scaling.maxCapacity}) is below minCapacity (${this.minCapacity}): `
          + 'raise maxCapacity or lower minCapacity');
      }
      checkPositive(`${what} autoScaling targetBacklogPerInstance`, scaling.targetBacklogPerInstance, '5');
    }
  }

  public bind(ctx: ModeContext): ModeBinding {
    const options = this.options;
    const key = options.encryptionKey;
    checkSameRegion('endpointMode.asynchronous bucket', options.bucket?.env.region, Stack.of(ctx.scope).region);
    // Without a bucket or key of its own, the endpoint works under its own prefixes in the stack's
    // one request bucket. A key keeps a bucket of the endpoint's own, encrypted with it: callers'
    // uploads then get that key by default, which a bucket shared with other endpoints cannot give.
    const shared = options.bucket === undefined && key === undefined;
    const bucket = options.bucket
      ?? (shared ? stackBucket(ctx.scope, ctx.serverAccessLogsBucket, STACK_ASYNC_BUCKET) : ctx.createDataBucket('AsyncBucket', key));
    const own = shared ? `/${endpointPrefix(ctx.scope)}` : '';
    const { input = `${DEFAULT_PREFIXES.input}${own}`, output = `${DEFAULT_PREFIXES.output}${own}`, failure = `${DEFAULT_PREFIXES.failure}${own}` } = this.prefixes;
    // SageMaker reads the request and writes the response with the execution role.
    const why = (p: string) => `asynchronous requests and responses are objects under ${p}/ whose keys are named per request at run time`;
    grantPrefixRead(ctx.role, bucket, `${input}/`, { ...OBJECTS_ONLY, reason: why(input) });
    grantPrefixWrite(ctx.role, bucket, `${output}/`, { ...OBJECTS_ONLY, reason: why(output) });
    grantPrefixWrite(ctx.role, bucket, `${failure}/`, { ...OBJECTS_ONLY, reason: why(failure) });
    if (key) {
      grantKeyEncrypt(ctx.role, key);
    }

    let successTopic: sns.ITopic | undefined;
    let errorTopic: sns.ITopic | undefined;
    if (options.notifications !== false) {
      successTopic = options.successTopic ?? createTopic(ctx.scope, 'SuccessTopic');
      errorTopic = options.errorTopic ?? createTopic(ctx.scope, 'ErrorTopic');
      // sns:Publish by name, not grantPublish: that adds kms:GenerateDataKey* on every key behind
      // the alias, while the AWS-managed SNS key's own policy already admits the account's
      // principals through SNS.
      ctx.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sns:Publish'],
        resources: [...new Set([successTopic.topicArn, errorTopic.topicArn])],
      }));
      // A given topic's own key, named action by action.
      for (const topic of new Set([options.successTopic, options.errorTopic])) {
        topic?.masterKey?.grant(ctx.role, 'kms:Decrypt', 'kms:GenerateDataKey');
      }
    }

    const scaling = options.autoScaling;
    const minCapacity = this.minCapacity;
    return {
      logsResource: 'Endpoints',
      hosting: {
        variant: this.rendered.variant,
        kmsKeyId: this.rendered.kmsKeyId,
        asyncInferenceConfig: {
          clientConfig: options.maxConcurrentInvocationsPerInstance === undefined ? undefined
            : { maxConcurrentInvocationsPerInstance: options.maxConcurrentInvocationsPerInstance },
          outputConfig: {
            s3OutputPath: bucket.s3UrlForObject(output),
            s3FailurePath: bucket.s3UrlForObject(failure),
            kmsKeyId: key?.keyArn,
            notificationConfig: successTopic && errorTopic
              ? { successTopic: successTopic.topicArn, errorTopic: errorTopic.topicArn }
              : undefined,
          },
        },
        asyncTarget: {
          bucket,
          inputPrefix: input,
          outputPrefix: output,
          failurePrefix: failure,
          keys: [...new Set([key, bucket.encryptionKey].filter((k): k is kms.IKey => k !== undefined))],
          successTopic,
          errorTopic,
        },
        // Blue/green all at once with a baking period in which the endpoint's own alarms roll the
        // update back: asynchronous endpoints are not among the deployment guardrails exclusions
        // (Developer Guide, "Exclusions": Marketplace containers, Inf1; serverless and multi-variant
        // for rolling deployments only).
        deploymentConfig: renderOwnAlarmsDeployment('asynchronous', ctx.ownAlarmNames, this.rendered.initialInstanceCount),
        // Keep the live instance count (maybe 0) across updates when autoscaling owns it.
        retainAllVariantProperties: scaling ? true : undefined,
        invokeActions: ['sagemaker:InvokeEndpointAsync'],
        addScaling: scaling && ((endpoint) => addBacklogScaling(ctx.scope, endpoint, scaling, minCapacity, this.cooldowns!)),
      },
    };
  }
}

/**
 * "Autoscale an asynchronous endpoint" (SageMaker Developer Guide): target tracking on
 * ApproximateBacklogSizePerInstance, dimension EndpointName, statistic Average; with a
 * minimum of zero, also a step policy to scale up from zero.
 */
function addBacklogScaling(scope: Construct, endpoint: LiveEndpoint, scaling: AsynchronousAutoScalingOptions, minCapacity: number,
  cooldowns: Cooldowns): void {
  const target = scalableVariant(scope, endpoint, minCapacity, scaling.maxCapacity);
  const scaleOutCooldown = cooldowns.scaleOut;
  target.scaleToTrackMetric('BacklogPerInstance', {
    customMetric: endpoint.endpointMetric('ApproximateBacklogSizePerInstance', { statistic: 'Average', period: Duration.minutes(1) }),
    targetValue: scaling.targetBacklogPerInstance ?? 5,
    scaleInCooldown: cooldowns.scaleIn,
    scaleOutCooldown,
  });
  if (Token.isUnresolved(minCapacity) || minCapacity === 0) {
    // Same guide, "scale up from zero": a per-instance metric is undefined with no
    // instance, so a step policy adds one when HasBacklogWithoutCapacity >= 1.
    const action = new appscaling.StepScalingAction(scope, 'ScaleUpFromZero', {
      scalingTarget: target,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      metricAggregationType: appscaling.MetricAggregationType.AVERAGE,
      cooldown: scaleOutCooldown,
    });
    action.addAdjustment({ adjustment: 1, lowerBound: 0 });
    const alarm = new cloudwatch.Alarm(scope, 'HasBacklogWithoutCapacityAlarm', {
      alarmDescription: `Requests wait at ${scope.node.path} with no instance running: scale up from zero`,
      metric: endpoint.endpointMetric('HasBacklogWithoutCapacity', { statistic: 'Average', period: Duration.minutes(1) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    alarm.addAlarmAction(new cwactions.ApplicationScalingAction(action));
  }
}

function prefix(property: string, value: string): string {
  return keyPrefix(`endpointMode.asynchronous ${property}`, value, 'async-output');
}

/** An SNS topic that only accepts TLS and is encrypted with the AWS-managed SNS key, which SageMaker may publish to. */
function createTopic(scope: Construct, id: string): sns.ITopic {
  const key = scope.node.tryFindChild('SnsKey') as kms.IKey | undefined
    ?? kms.Alias.fromAliasName(scope, 'SnsKey', 'alias/aws/sns');
  return new sns.Topic(scope, id, { masterKey: key, enforceSSL: true });
}
