import { Aws, CfnResource, Duration, Names, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EndpointMode } from './endpoint-mode';
import { ModelSource } from './model-source';
import { ISageMakerPipeline } from '../pipeline';
import { AsynchronousMode } from './private/asynchronous';
import { BatchMode } from './private/batch';
import { explainWildcards, WildcardReason } from './private/grants';
import { hashLogicalId } from './private/hash';
import { LiveEndpoint } from './private/mode';
import { RealtimeMode } from './private/realtime';
import { createDataBucket } from '../private/buckets';
import { grantSageMakerLogsAndMetrics } from '../private/logs';
import { checkInteger, sortedMap } from '../private/validate';
import { renderVpcConfig } from '../private/vpc';

/** SageMaker names of endpoints and variants (CreateEndpoint, ProductionVariant). */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Which endpoint each mode object serves: a mode renders resources and serves one endpoint only. */
const MODE_OWNERS = new WeakMap<object, Construct>();

/**
 * The endpoint's ready-made CloudWatch alarms, which also roll back an
 * update (real-time, serverless or asynchronous) during its baking period by default.
 */
export interface EndpointAlarmOptions {
  /**
   * Whether to create the alarms.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The `Invocation5XXErrors` per minute at which the error alarm fires.
   *
   * @default 1
   */
  readonly invocation5XXErrorsThreshold?: number;

  /**
   * The p99 `ModelLatency` at which the latency alarm fires.
   *
   * @default Duration.seconds(1)
   */
  readonly modelLatencyThreshold?: Duration;

  /**
   * How many consecutive minutes over the threshold fire an alarm.
   *
   * @default 2
   */
  readonly evaluationPeriods?: number;
}

/**
 * Properties of a `ModelEndpoint`.
 */
export interface ModelEndpointProps {
  /**
   * The model to serve.
   */
  readonly model: ModelSource;

  /**
   * How to serve it: `EndpointMode.realtime()`, `.serverless()` or `.asynchronous()`.
   */
  readonly mode: EndpointMode;

  /**
   * Environment variables of the container.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * The VPC the model's container runs in (not with serverless).
   *
   * @default - SageMaker's network
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc`.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the container's network interfaces.
   *
   * @default - one security group is created, outbound only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Run the container without any network access (not with serverless).
   *
   * @default false
   */
  readonly networkIsolation?: boolean;

  /**
   * The execution role SageMaker assumes to pull the image, read the model
   * data and write outputs; it receives exactly those grants.
   *
   * @default - a role is created
   */
  readonly role?: iam.IRole;

  /**
   * A fixed endpoint name.
   *
   * A fixed name lets clients call the endpoint without a lookup, but the name
   * then belongs to this stack in the account and region: a second stack (or a
   * replacement) with the same name fails with "Cannot create already existing
   * endpoint". Models and endpoint configs never get fixed names.
   *
   * @default - CloudFormation generates a unique name; read it from `endpointName`
   */
  readonly endpointName?: string;

  /**
   * The production variant's name. Guardrails need the same name across updates.
   *
   * @default 'AllTraffic'
   */
  readonly variantName?: string;

  /**
   * The ready-made alarms.
   *
   * @default - error and latency alarms with the default thresholds
   */
  readonly alarms?: EndpointAlarmOptions;

  /**
   * The bucket that receives the server access logs of the buckets this endpoint creates.
   *
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * A SageMaker model served the way the use case needs: real-time, serverless
 * or asynchronous.
 *
 * The model and the endpoint config are immutable in SageMaker, so they get
 * no physical names and their logical IDs carry a hash of their properties:
 * a change creates the new config, moves the endpoint to it (blue/green,
 * rolled back by alarms) and only then deletes the old one.
 *
 * @example
 * declare const image: CustomTrainingImage;
 * declare const artifacts: s3.IBucket;
 * declare const app: iam.IRole;
 *
 * const endpoint = new ModelEndpoint(this, 'Endpoint', {
 *   model: ModelSource.fromImage(image, { bucket: artifacts, key: 'models/model.tar.gz' }),
 *   mode: EndpointMode.serverless({ memorySizeMiB: 3072, maxConcurrency: 20 }),
 * });
 * endpoint.grantInvoke(app);
 * new CfnOutput(this, 'EndpointName', { value: endpoint.endpointName });
 */
export class ModelEndpoint extends Construct {
  /** The execution role of the model. */
  public readonly role: iam.IRole;

  /** The model's (generated) name. */
  public readonly modelName: string;

  /** The production variant's name. */
  public readonly variantName: string;

  /** The mode the endpoint serves in. */
  public readonly mode: EndpointMode;

  /**
   * The bucket of captured requests and responses.
   *
   * @default - none: not real-time, or capture is off
   */
  public readonly dataCaptureBucket?: s3.IBucket;

  /**
   * The bucket of asynchronous requests, responses and failures.
   *
   * @default - none unless asynchronous
   */
  public readonly asyncBucket?: s3.IBucket;

  /**
   * The topic of successful asynchronous requests.
   *
   * @default - none unless asynchronous with notifications
   */
  public readonly successTopic?: sns.ITopic;

  /**
   * The topic of failed asynchronous requests.
   *
   * @default - none unless asynchronous with notifications
   */
  public readonly errorTopic?: sns.ITopic;

  /**
   * The SageMaker Pipeline that runs the batch transform: start it from GitHub
   * with `grantStartExecution`, its parameters `InputS3Uri` and `OutputS3Uri`
   * override the locations.
   *
   * @default - none unless batch
   */
  public readonly transformPipeline?: ISageMakerPipeline;

  /**
   * The alarm on `Invocation5XXErrors`.
   *
   * @default - none when alarms are disabled
   */
  public readonly errorAlarm?: cloudwatch.IAlarm;

  /**
   * The alarm on p99 `ModelLatency`.
   *
   * @default - none when alarms are disabled
   */
  public readonly latencyAlarm?: cloudwatch.IAlarm;

  /** @internal */
  public readonly _inVpc: boolean;

  /** @internal */
  public readonly _networkIsolation: boolean;

  /** @internal */
  public readonly _wildcards: WildcardReason[] = [];

  private readonly _endpointName?: string;
  private readonly _endpointArn?: string;
  private readonly serverAccessLogsBucket?: s3.IBucket;

  constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    const impl = props.mode._impl;
    const owner = MODE_OWNERS.get(impl);
    if (owner) {
      throw new Error(`modelEndpoint mode is already used by ${owner.node.path}: an EndpointMode serves one endpoint; `
        + 'call the EndpointMode factory again for this one');
    }
    MODE_OWNERS.set(impl, this);
    this.mode = props.mode;
    this.serverAccessLogsBucket = props.serverAccessLogsBucket;

    this.variantName = props.variantName ?? 'AllTraffic';
    checkName('variantName', this.variantName);
    if (props.endpointName !== undefined) {
      checkName('endpointName', props.endpointName);
    }
    if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
      throw new Error('modelEndpoint vpcSubnets or securityGroups is set without vpc: give the vpc they belong to, or drop them');
    }
    checkEnvironment(props.environment);
    this._inVpc = props.vpc !== undefined;
    this._networkIsolation = props.networkIsolation ?? false;
    impl.validate(this);

    this.role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `SageMaker execution role of ${this.node.path}`,
    });
    const source = props.model.bind(this, this.role);
    grantSageMakerLogsAndMetrics(this, this.role, impl instanceof BatchMode ? 'TransformJobs' : 'Endpoints');

    // The model
    let vpcConfig: sagemaker.CfnModel.VpcConfigProperty | undefined;
    if (props.vpc) {
      const { config } = renderVpcConfig(this, this.role, {
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        securityGroups: props.securityGroups,
        securityGroupDescription: `Network interfaces of the SageMaker model of ${this.node.path}`,
      });
      vpcConfig = { subnets: config.Subnets, securityGroupIds: config.SecurityGroupIds };
    }
    const modelProps: sagemaker.CfnModelProps = {
      executionRoleArn: this.role.roleArn,
      primaryContainer: {
        modelPackageName: source.modelPackageName,
        image: source.imageUri,
        modelDataUrl: source.modelDataUrl,
        environment: sortedMap(props.environment),
        mode: 'SingleModel',
      },
      vpcConfig,
      enableNetworkIsolation: props.networkIsolation,
    };
    const model = new sagemaker.CfnModel(this, 'Model', modelProps);
    hashLogicalId(model, modelProps);
    this.modelName = model.attrModelName;

    if (impl instanceof BatchMode) {
      const given = (['endpointName', 'alarms', 'variantName'] as const).filter((key) => props[key] !== undefined);
      if (given.length > 0) {
        throw new Error(`modelEndpoint ${given.join(', ')} is set with EndpointMode.batch, which creates no endpoint: `
          + 'drop them (the transform pipeline publishes failed runs to its failure topic)');
      }
      this.transformPipeline = impl.createRunner(this, this.modelName);
      explainWildcards(this.role, this._wildcards);
      this.dependOnRolePolicies(model);
      return;
    }

    // The endpoint config
    const modeConfig = impl.renderConfig(this);
    const configProps: sagemaker.CfnEndpointConfigProps = {
      productionVariants: [{ ...modeConfig.variant, modelName: this.modelName, variantName: this.variantName }],
      dataCaptureConfig: modeConfig.dataCaptureConfig,
      asyncInferenceConfig: modeConfig.asyncInferenceConfig,
      kmsKeyId: modeConfig.kmsKeyId,
    };
    const config = new sagemaker.CfnEndpointConfig(this, 'Config', configProps);
    hashLogicalId(config, configProps);

    // The endpoint: its alarms need its name, and its rollback needs theirs, so
    // the alarm names are fixed here and the alarms created after it.
    const alarmOptions = props.alarms ?? {};
    const alarmsEnabled = alarmOptions.enabled ?? true;
    const alarmNames = alarmsEnabled
      ? { errors: this.alarmName('Invocation5XXErrors'), latency: this.alarmName('ModelLatency') }
      : undefined;
    const endpointConfig = impl.renderEndpoint(this, alarmNames ? [alarmNames.errors, alarmNames.latency] : []);
    const endpoint = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointConfigName: config.attrEndpointConfigName,
      endpointName: props.endpointName,
      deploymentConfig: endpointConfig.deploymentConfig,
      retainAllVariantProperties: endpointConfig.retainAllVariantProperties,
    });
    this._endpointName = endpoint.attrEndpointName;
    this._endpointArn = endpoint.attrEndpointArn;

    if (alarmNames) {
      [this.errorAlarm, this.latencyAlarm] = this.createAlarms(alarmNames, alarmOptions);
    }
    const live: LiveEndpoint = {
      endpointName: this.endpointName,
      metric: (name, metricProps) => this.metric(name, metricProps),
      endpointMetric: (name, metricProps) => this.endpointMetric(name, metricProps),
    };
    impl.afterEndpoint(this, live);

    if (impl instanceof RealtimeMode) {
      this.dataCaptureBucket = impl.dataCaptureBucket;
    }
    if (impl instanceof AsynchronousMode) {
      this.asyncBucket = impl.bucket;
      this.successTopic = impl.successTopic;
      this.errorTopic = impl.errorTopic;
    }
    explainWildcards(this.role, this._wildcards);
    this.dependOnRolePolicies(model);
  }

  /** The endpoint's name (generated unless `endpointName` was given); batch mode has none. */
  public get endpointName(): string {
    return this._endpointName ?? this.noEndpoint('endpointName');
  }

  /** The endpoint's ARN; batch mode has none. */
  public get endpointArn(): string {
    return this._endpointArn ?? this.noEndpoint('endpointArn');
  }

  /**
   * Grants calling the endpoint: `sagemaker:InvokeEndpoint` (and the streaming
   * variant) for real-time and serverless; `sagemaker:InvokeEndpointAsync`,
   * uploading requests and reading responses and failures for asynchronous.
   *
   * @param grantee the caller
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const impl = this.mode._impl;
    const grant = iam.Grant.addToPrincipal({ grantee, actions: impl.invokeActions, resourceArns: [this.endpointArn] });
    const extras = impl.grantInvokeExtras(grantee);
    return extras ? grant.combine(extras) : grant;
  }

  /**
   * A metric of this endpoint's variant in `AWS/SageMaker` (dimensions
   * `EndpointName` and `VariantName`).
   *
   * @param metricName the official metric name, e.g. `Invocations`
   * @param props statistic, period and the rest
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: this.variantName },
      ...props,
    });
  }

  /** Requests to the variant (`Invocations`, sum). */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: 'Sum', ...props });
  }

  /** Requests per instance (`InvocationsPerInstance`, sum): what autoscaling tracks. */
  public metricInvocationsPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationsPerInstance', { statistic: 'Sum', ...props });
  }

  /** Time the model takes to answer, in microseconds (`ModelLatency`, average). */
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: 'Average', ...props });
  }

  /** Time SageMaker adds, in microseconds (`OverheadLatency`, average). */
  public metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OverheadLatency', { statistic: 'Average', ...props });
  }

  /** Requests the model answered with a 4xx (`Invocation4XXErrors`, sum). */
  public metricInvocation4XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation4XXErrors', { statistic: 'Sum', ...props });
  }

  /** Requests the model answered with a 5xx (`Invocation5XXErrors`, sum). */
  public metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: 'Sum', ...props });
  }

  /** Serverless cold-start time, in microseconds (`ModelSetupTime`, average). */
  public metricModelSetupTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelSetupTime', { statistic: 'Average', ...props });
  }

  /** Asynchronous requests queued (`ApproximateBacklogSize`, average; dimension `EndpointName`). */
  public metricApproximateBacklogSize(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('ApproximateBacklogSize', { statistic: 'Average', ...props });
  }

  /** Asynchronous requests queued per instance (`ApproximateBacklogSizePerInstance`, average). */
  public metricApproximateBacklogSizePerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('ApproximateBacklogSizePerInstance', { statistic: 'Average', ...props });
  }

  /** Age of the oldest queued asynchronous request, in seconds (`ApproximateAgeOfOldestRequest`, maximum). */
  public metricApproximateAgeOfOldestRequest(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('ApproximateAgeOfOldestRequest', { statistic: 'Maximum', ...props });
  }

  /** 1 while asynchronous requests wait with no instance running (`HasBacklogWithoutCapacity`, average). */
  public metricHasBacklogWithoutCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('HasBacklogWithoutCapacity', { statistic: 'Average', ...props });
  }

  /** @internal */
  public _createDataBucket(id: string, encryptionKey?: kms.IKey): s3.IBucket {
    return createDataBucket(this, id, {
      encryptionKey,
      serverAccessLogsBucket: this.serverAccessLogsBucket,
      serverAccessLogsPrefix: `${Names.uniqueResourceName(this, { maxLength: 200 })}/${id}/`,
      withoutAccessLogsReason: 'server access logs are opt-in through ModelEndpoint serverAccessLogsBucket; only the SageMaker '
        + 'execution role and explicitly granted callers reach this bucket (TLS only, public access blocked)',
    });
  }

  private noEndpoint(what: string): never {
    throw new Error(`modelEndpoint ${this.node.path} is in batch mode and has no endpoint, hence no ${what}: `
      + 'use transformPipeline (grantStartExecution, metrics) instead');
  }

  private endpointMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName },
      ...props,
    });
  }

  /**
   * A name unique in the account and region (stack name + path), known before the endpoint
   * exists. Alarm names have at most 255 characters (CloudWatch PutMetricAlarm AlarmName) and
   * stack names at most 128 (CloudFormation CreateStack StackName), so the path part gets what
   * is left after the longest stack name, two hyphens and the metric name.
   */
  private alarmName(metricName: string): string {
    const maxLength = 255 - 128 - 2 - metricName.length;
    return `${Aws.STACK_NAME}-${Names.uniqueResourceName(this, { maxLength, separator: '-' })}-${metricName}`;
  }

  private createAlarms(names: { errors: string; latency: string }, options: EndpointAlarmOptions): cloudwatch.Alarm[] {
    const threshold = options.invocation5XXErrorsThreshold ?? 1;
    checkInteger('modelEndpoint alarms invocation5XXErrorsThreshold', threshold, 1, Number.MAX_SAFE_INTEGER);
    const evaluationPeriods = options.evaluationPeriods ?? 2;
    checkInteger('modelEndpoint alarms evaluationPeriods', evaluationPeriods, 1, 60);
    const latency = options.modelLatencyThreshold ?? Duration.seconds(1);
    const period = Duration.minutes(1);
    const errors = new cloudwatch.Alarm(this, 'ErrorAlarm', {
      alarmName: names.errors,
      alarmDescription: `5xx answers of ${this.node.path}; rolls back a deployment in progress`,
      metric: this.metricInvocation5XXErrors({ period }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const slow = new cloudwatch.Alarm(this, 'LatencyAlarm', {
      alarmName: names.latency,
      alarmDescription: `p99 model latency of ${this.node.path} at or above ${latency.toHumanString()}; rolls back a deployment in progress`,
      // ModelLatency is published in microseconds.
      metric: this.metricModelLatency({ statistic: 'p99', period }),
      threshold: latency.isUnresolved() ? latency.toMilliseconds() * 1000 : latency.toMilliseconds({ integral: false }) * 1000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    return [errors, slow];
  }

  /**
   * Makes the model wait for the role's policies (a reference to the role only
   * waits for the role itself): CreateModel checks that the role can pull the
   * image, and a transform or endpoint reads the data with it.
   */
  private dependOnRolePolicies(model: CfnResource): void {
    const policies = Construct.isConstruct(this.role) ? this.role.node.findAll().filter((c) => c instanceof iam.CfnPolicy) : [];
    policies.forEach((policy) => model.node.addDependency(policy));
  }
}

function checkName(property: string, name: string): void {
  if (!Token.isUnresolved(name) && !NAME.test(name)) {
    throw new Error(`modelEndpoint ${property} '${name}' is not a SageMaker name: 1-63 letters, digits and single hyphens, `
      + 'starting and ending with a letter or digit');
  }
}

function checkEnvironment(environment?: { [name: string]: string }): void {
  const entries = Object.entries(environment ?? {});
  // ContainerDefinition Environment: at most 100 entries, keys up to 1024 characters matching [a-zA-Z_][a-zA-Z0-9_]*.
  if (entries.length > 100) {
    throw new Error(`modelEndpoint environment has ${entries.length} variables: SageMaker accepts at most 100`);
  }
  for (const [name] of entries) {
    if (!Token.isUnresolved(name) && (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.length > 1024)) {
      throw new Error(`modelEndpoint environment variable name '${name}' is invalid: use letters, digits and _, not starting with a digit`);
    }
  }
}
