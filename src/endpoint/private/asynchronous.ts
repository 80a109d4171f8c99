import { Duration, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { escapeRegex, OBJECTS_ONLY } from './grants';
import { EndpointHost, EndpointModeImpl, LiveEndpoint, ModeConfig, ModeEndpointConfig } from './mode';
import { renderDeployment } from './realtime';
import { rejectForeign } from './reject';
import { scalableVariant } from './scaling';
import { renderInstanceVariant } from './variant';
import { grantKeyEncrypt, grantPrefixRead, grantPrefixWrite } from '../../private/s3';
import { checkInteger, keyPrefix } from '../../private/validate';
import { AsynchronousModeOptions } from '../asynchronous';
import { InferenceInstanceType } from '../../pipeline/instance-type';

/**
 * The asynchronous mode: S3 in and out, SNS notifications, backlog autoscaling to zero.
 *
 * Limits: MaxConcurrentInvocationsPerInstance 1–1000 (SageMaker API reference,
 * AsyncInferenceClientConfig); S3OutputPath is required, S3FailurePath and the
 * topics are optional (AsyncInferenceOutputConfig, AsyncInferenceNotificationConfig).
 */
export class AsynchronousMode implements EndpointModeImpl {
  public readonly kind = 'asynchronous';
  public readonly invokeActions = ['sagemaker:InvokeEndpointAsync'];
  public bucket?: s3.IBucket;
  public successTopic?: sns.ITopic;
  public errorTopic?: sns.ITopic;
  private readonly rendered: ReturnType<typeof renderInstanceVariant>;
  private readonly prefixes: { input: string; output: string; failure: string };
  private readonly minCapacity: number = 0;

  constructor(private readonly options: AsynchronousModeOptions) {
    rejectForeign('asynchronous', options, ['memorySizeMiB', 'maxConcurrency', 'provisionedConcurrency', 'dataCapture', 'deployment']);
    this.rendered = renderInstanceVariant('asynchronous', options, InferenceInstanceType.ML_M5_LARGE);
    checkInteger('endpointMode.asynchronous maxConcurrentInvocationsPerInstance', options.maxConcurrentInvocationsPerInstance, 1, 1000);
    this.prefixes = {
      input: prefix('inputPrefix', options.inputPrefix ?? 'async-input'),
      output: prefix('outputPrefix', options.outputPrefix ?? 'async-output'),
      failure: prefix('failurePrefix', options.failurePrefix ?? 'async-failures'),
    };
    if (options.notifications === false && (options.successTopic || options.errorTopic)) {
      throw new Error('endpointMode.asynchronous notifications is false but successTopic or errorTopic is given: '
        + 'drop the topics, or leave notifications on');
    }
    const scaling = options.autoScaling;
    if (scaling) {
      this.minCapacity = scaling.minCapacity ?? 0;
      checkInteger('endpointMode.asynchronous autoScaling minCapacity', this.minCapacity, 0, Number.MAX_SAFE_INTEGER);
      checkInteger('endpointMode.asynchronous autoScaling maxCapacity', scaling.maxCapacity, 1, Number.MAX_SAFE_INTEGER);
      if (!Token.isUnresolved(this.minCapacity) && !Token.isUnresolved(scaling.maxCapacity) && scaling.maxCapacity < this.minCapacity) {
        throw new Error(`endpointMode.asynchronous autoScaling maxCapacity (${scaling.maxCapacity}) is below minCapacity (${this.minCapacity}): `
          + 'raise maxCapacity or lower minCapacity');
      }
      const target = scaling.targetBacklogPerInstance;
      if (target !== undefined && !Token.isUnresolved(target) && !(target > 0)) {
        throw new Error(`endpointMode.asynchronous autoScaling targetBacklogPerInstance must be positive, got ${target}`);
      }
    }
  }

  public validate(host: EndpointHost): void {
    void host;
  }

  public renderConfig(host: EndpointHost): ModeConfig {
    const key = this.options.encryptionKey;
    const bucket = this.options.bucket ?? host._createDataBucket('AsyncBucket', key);
    this.bucket = bucket;
    const { input, output, failure } = this.prefixes;
    // SageMaker reads the request and writes the response with the execution role.
    grantPrefixRead(host.role, bucket, `${input}/`, OBJECTS_ONLY);
    grantPrefixWrite(host.role, bucket, `${output}/`, OBJECTS_ONLY);
    grantPrefixWrite(host.role, bucket, `${failure}/`, OBJECTS_ONLY);
    if (key) {
      grantKeyEncrypt(host.role, key);
    }
    for (const p of [input, output, failure]) {
      host._wildcards.push({
        pattern: `^Resource::.*/${escapeRegex(p)}/\\*$`,
        reason: `asynchronous requests and responses are objects under ${p}/ whose keys are named per request at run time`,
      });
    }

    if (this.options.notifications !== false) {
      this.successTopic = this.options.successTopic ?? createTopic(host, 'SuccessTopic');
      this.errorTopic = this.options.errorTopic ?? createTopic(host, 'ErrorTopic');
      // sns:Publish by name, not grantPublish: that adds kms:GenerateDataKey* on every key behind
      // the alias, while the AWS-managed SNS key's own policy already admits the account's
      // principals through SNS.
      host.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sns:Publish'],
        resources: [...new Set([this.successTopic.topicArn, this.errorTopic.topicArn])],
      }));
      // A given topic's own key, named action by action.
      for (const topic of new Set([this.options.successTopic, this.options.errorTopic])) {
        topic?.masterKey?.grant(host.role, 'kms:Decrypt', 'kms:GenerateDataKey');
      }
    }

    return {
      variant: this.rendered.variant,
      kmsKeyId: this.rendered.kmsKeyId,
      asyncInferenceConfig: {
        clientConfig: this.options.maxConcurrentInvocationsPerInstance === undefined ? undefined
          : { maxConcurrentInvocationsPerInstance: this.options.maxConcurrentInvocationsPerInstance },
        outputConfig: {
          s3OutputPath: bucket.s3UrlForObject(output),
          s3FailurePath: bucket.s3UrlForObject(failure),
          kmsKeyId: key?.keyArn,
          notificationConfig: this.successTopic ? {
            successTopic: this.successTopic.topicArn,
            errorTopic: this.errorTopic!.topicArn,
          } : undefined,
        },
      },
    };
  }

  public renderEndpoint(host: EndpointHost, ownAlarmNames: string[]): ModeEndpointConfig {
    void host;
    return {
      // Blue/green all at once with a baking period in which the endpoint's own alarms roll the
      // update back: asynchronous endpoints are not among the deployment guardrails exclusions
      // (Developer Guide, "Exclusions": Marketplace containers, Inf1; serverless and multi-variant
      // for rolling deployments only). Without alarms, SageMaker's default applies.
      deploymentConfig: ownAlarmNames.length > 0
        ? renderDeployment('asynchronous', undefined, ownAlarmNames, this.rendered.initialInstanceCount)
        : undefined,
      // Keep the live instance count (maybe 0) across updates when autoscaling owns it.
      retainAllVariantProperties: this.options.autoScaling ? true : undefined,
    };
  }

  public afterEndpoint(host: EndpointHost, endpoint: LiveEndpoint): void {
    const scaling = this.options.autoScaling;
    if (!scaling) {
      return;
    }
    const target = scalableVariant(host, endpoint, this.minCapacity, scaling.maxCapacity);
    const scaleOutCooldown = scaling.scaleOutCooldown ?? Duration.minutes(5);
    // "Autoscale an asynchronous endpoint" (SageMaker Developer Guide): target tracking on
    // ApproximateBacklogSizePerInstance, dimension EndpointName, statistic Average.
    target.scaleToTrackMetric('BacklogPerInstance', {
      customMetric: endpoint.endpointMetric('ApproximateBacklogSizePerInstance', { statistic: 'Average', period: Duration.minutes(1) }),
      targetValue: scaling.targetBacklogPerInstance ?? 5,
      scaleInCooldown: scaling.scaleInCooldown ?? Duration.minutes(5),
      scaleOutCooldown,
    });
    if (Token.isUnresolved(this.minCapacity) || this.minCapacity === 0) {
      // Same guide, "scale up from zero": a per-instance metric is undefined with no
      // instance, so a step policy adds one when HasBacklogWithoutCapacity >= 1.
      const action = new appscaling.StepScalingAction(host, 'ScaleUpFromZero', {
        scalingTarget: target,
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        metricAggregationType: appscaling.MetricAggregationType.AVERAGE,
        cooldown: scaleOutCooldown,
      });
      action.addAdjustment({ adjustment: 1, lowerBound: 0 });
      const alarm = new cloudwatch.Alarm(host, 'HasBacklogWithoutCapacityAlarm', {
        alarmDescription: `Requests wait at ${host.node.path} with no instance running: scale up from zero`,
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

  public grantInvokeExtras(grantee: iam.IGrantable): iam.Grant | undefined {
    const bucket = this.bucket!;
    const { input, output, failure } = this.prefixes;
    let grant = iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [bucket.arnForObjects(`${input}/*`)] })
      .combine(iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetObject'],
        resourceArns: [bucket.arnForObjects(`${output}/*`), bucket.arnForObjects(`${failure}/*`)],
      }));
    const keys = [this.options.encryptionKey, bucket.encryptionKey].filter((k): k is kms.IKey => k !== undefined);
    for (const key of new Set(keys)) {
      grant = grant.combine(key.grant(grantee, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'));
    }
    return grant;
  }
}

function prefix(property: string, value: string): string {
  return keyPrefix(`endpointMode.asynchronous ${property}`, value, 'async-output');
}

/** An SNS topic that only accepts TLS and is encrypted with the AWS-managed SNS key, which SageMaker may publish to. */
function createTopic(host: EndpointHost, id: string): sns.ITopic {
  const key = host.node.tryFindChild('SnsKey') as kms.IKey | undefined
    ?? kms.Alias.fromAliasName(host, 'SnsKey', 'alias/aws/sns');
  return new sns.Topic(host, id, { masterKey: key, enforceSSL: true });
}
