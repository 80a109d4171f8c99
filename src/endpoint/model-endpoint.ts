import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EndpointAlarmOptions } from './alarm-options';
import { EndpointMode } from './endpoint-mode';
import { IModelEndpoint, ModelEndpointAttributes } from './model-endpoint-base';
import { ModelSource } from './model-source';
import { ISageMakerPipeline, PublishNamesOptions } from '../pipeline';
import { createAlarms, ownAlarmNames } from './private/alarms';
import { checkIsolatedEnvironment, checkModelEndpointProps, checkName } from './private/checks';
import { ImportedEndpoint } from './private/endpoints';
import { ModeContext } from './private/mode';
import {
  captureLocation, createEndpoint, createEndpointDataBucket, createModel, DEFAULT_CAPTURE_PREFIX, DEFAULT_VARIANT, dependOnRolePolicies,
  grantDescribeRollbackAlarms, publishedNames,
} from './private/model-resources';
import { modelKey, offerSharedModel, useSharedModel } from './private/shared-model';
import { checkOptional, checkStruct, isBoolean, isBucket, isKey, isString } from '../image/private/input';
import { cacheLogicalIds } from '../private/logical-id';
import { grantSageMakerLogsAndMetrics } from '../private/logs';
import { explainRolePolicy } from '../private/nag';
import { publishNames } from '../private/outputs';
import { keyPrefix } from '../private/validate';

/**
 * Properties of a `ModelEndpoint`.
 */
export interface ModelEndpointProps {
  /**
   * The model to serve.
   */
  readonly model: ModelSource;

  /**
   * How to serve it: `EndpointMode.realtime()`, `.serverless()`, `.asynchronous()` or `.batch()`.
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
   * Run the container without any network access: no outbound call, not even
   * to AWS services, and no AWS credentials inside the container; SageMaker
   * still downloads the model data into `/opt/ml/model` and the image with the
   * execution role. Set it to false for a container that calls out at run
   * time (an API, a database, code it downloads from S3).
   *
   * @default - true, except with `EndpointMode.serverless` (which does not support it)
   * and with a `vpc` (given so that the container reaches private resources)
   */
  readonly networkIsolation?: boolean;

  /**
   * The execution role SageMaker assumes to pull the image, read the model
   * data and write outputs; it receives exactly those grants.
   *
   * Endpoints of one stack that serve the same model with the same role (or
   * none given), environment and network isolation, outside a VPC, share one
   * SageMaker model and its role, up to 4 endpoints per model; give an
   * endpoint a role of its own to keep its model separate.
   *
   * @default - a role is created, or the one of an earlier endpoint of the
   * stack that serves the same model
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
 * A SageMaker model served the way the use case needs: real-time, serverless,
 * asynchronous or in batch.
 *
 * The hosted modes create an endpoint, read from `endpoint` (an
 * `IModelEndpoint`: name, ARN, `grantInvoke`, metrics, the data capture
 * location); batch creates a pipeline that runs transform jobs instead, read
 * from `transformPipeline`. Each is undefined in the other modes.
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
 * const served = new ModelEndpoint(this, 'Endpoint', {
 *   model: ModelSource.fromImage(image, { bucket: artifacts, key: 'models/model.tar.gz' }),
 *   mode: EndpointMode.serverless({ memorySizeMiB: 3072, maxConcurrency: 20 }),
 * });
 * const endpoint = served.endpoint!;
 * endpoint.grantInvoke(app);
 * new CfnOutput(this, 'EndpointName', { value: endpoint.endpointName });
 */
export class ModelEndpoint extends Construct {
  /**
   * An endpoint of another stack or app, by name, with the variant `AllTraffic`.
   *
   * @param scope the scope of the import
   * @param id its construct id
   * @param endpointName the endpoint's name
   */
  public static fromEndpointName(scope: Construct, id: string, endpointName: string): IModelEndpoint {
    checkName('modelEndpoint.fromEndpointName endpointName', endpointName);
    return ModelEndpoint.fromEndpointAttributes(scope, id, { endpointName });
  }

  /**
   * An endpoint of another stack or app, with its variant and data capture location.
   *
   * @param scope the scope of the import
   * @param id its construct id
   * @param attrs name, variant, capture location
   */
  public static fromEndpointAttributes(scope: Construct, id: string, attrs: ModelEndpointAttributes): IModelEndpoint {
    const what = 'modelEndpoint.fromEndpointAttributes';
    checkStruct(`${what} attrs`, attrs, false, "{ endpointName: 'fraud-scoring' }");
    checkName(`${what} endpointName`, attrs.endpointName);
    checkOptional(`${what} dataCaptureBucket`, attrs.dataCaptureBucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Captures', 'captures')");
    checkOptional(`${what} dataCapturePrefix`, attrs.dataCapturePrefix, isString, 'a string', "'data-capture'");
    checkOptional(`${what} dataCaptureEncryptionKey`, attrs.dataCaptureEncryptionKey, isKey, 'a kms.IKey', "kms.Key.fromKeyArn(this, 'CaptureKey', arn)");
    checkOptional(`${what} asynchronous`, attrs.asynchronous, isBoolean, 'true or false', 'true');
    const variantName = attrs.variantName ?? DEFAULT_VARIANT;
    checkName(`${what} variantName`, variantName);
    for (const [property, value] of [['dataCapturePrefix', attrs.dataCapturePrefix], ['dataCaptureEncryptionKey', attrs.dataCaptureEncryptionKey]] as const) {
      if (value !== undefined && !attrs.dataCaptureBucket) {
        throw new Error(`${what} ${property} is set without dataCaptureBucket: give the bucket the captures go to as well`);
      }
    }
    const name = attrs.endpointName;
    const prefix = keyPrefix(`${what} dataCapturePrefix`, attrs.dataCapturePrefix ?? DEFAULT_CAPTURE_PREFIX, DEFAULT_CAPTURE_PREFIX);
    return new ImportedEndpoint(scope, id, {
      endpointName: name,
      // SageMaker writes endpoint names in lowercase in the ARNs it reports and authorizes.
      endpointArn: Stack.of(scope).formatArn({
        service: 'sagemaker',
        resource: 'endpoint',
        resourceName: Token.isUnresolved(name) ? name : name.toLowerCase(),
      }),
      variantName,
      dataCapture: attrs.dataCaptureBucket
        ? captureLocation(attrs.dataCaptureBucket, prefix, name, variantName, attrs.dataCaptureEncryptionKey)
        : undefined,
      asynchronous: attrs.asynchronous ?? false,
    });
  }

  /** The execution role of the model (shared with the other endpoints of the stack that serve it). */
  public readonly role: iam.IRole;

  /** The model's (generated) name (shared with the other endpoints of the stack that serve it). */
  public readonly modelName: string;

  /** The mode the model is served in. */
  public readonly mode: EndpointMode;

  /**
   * The endpoint: name, ARN, `grantInvoke`, metrics and the data capture location.
   *
   * @default - none in batch mode, which creates no endpoint
   */
  public readonly endpoint?: IModelEndpoint;

  /**
   * The SageMaker Pipeline that runs the batch transform: start it from GitHub,
   * a schedule or new input; its parameters `InputS3Uri` and `OutputS3Uri`
   * override the locations.
   *
   * @default - none unless batch
   */
  public readonly transformPipeline?: ISageMakerPipeline;

  /**
   * The bucket of asynchronous requests, responses and failures.
   *
   * @default - none unless asynchronous
   */
  public readonly asyncBucket?: s3.IBucket;

  /**
   * The key prefix in `asyncBucket` under which callers upload requests, without a trailing '/'
   * (e.g. `async-input/Scoring`; `publishNames` publishes it as the `s3://` URI `AsyncInputLocation`).
   *
   * @default - none unless asynchronous
   */
  public readonly asyncInputPrefix?: string;

  /**
   * The key prefix in `asyncBucket` under which SageMaker writes responses (`S3OutputPath`).
   *
   * @default - none unless asynchronous
   */
  public readonly asyncOutputPrefix?: string;

  /**
   * The key prefix in `asyncBucket` under which SageMaker writes failures (`S3FailurePath`).
   *
   * @default - none unless asynchronous
   */
  public readonly asyncFailurePrefix?: string;

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
   * The alarm on `Invocation5XXErrors`.
   *
   * @default - none when alarms are disabled, or in batch mode
   */
  public readonly errorAlarm?: cloudwatch.IAlarm;

  /**
   * The alarm on p99 `ModelLatency`.
   *
   * @default - none when alarms are disabled, or in batch mode
   */
  public readonly latencyAlarm?: cloudwatch.IAlarm;

  private readonly batchLocations?: { readonly input: string; readonly output: string };

  constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    checkModelEndpointProps(this, props);
    this.mode = props.mode;

    const variantName = props.variantName ?? DEFAULT_VARIANT;
    const networkIsolation = props.networkIsolation ?? (props.mode._supportsNetworkIsolation && !props.vpc);
    checkIsolatedEnvironment(networkIsolation, props.environment);

    // Endpoints of one stack that serve the same model share the first one's model and role.
    const sharing = modelKey(props, networkIsolation);
    const shared = sharing === undefined ? undefined : useSharedModel(this, sharing);
    let model: sagemaker.CfnModel;
    if (shared) {
      this.role = shared.role;
      model = shared.model;
    } else {
      if (props.role) {
        this.role = props.role;
      } else {
        const role = new iam.Role(this, 'Role', {
          assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
          description: `SageMaker execution role of ${this.node.path}`,
        });
        explainRolePolicy(role);
        this.role = role;
      }
      const source = props.model.bind(this, this.role);
      const created = createModel(this, this.role, props, source, networkIsolation);
      if (sharing !== undefined) {
        offerSharedModel(this, sharing, { role: this.role, model: created });
      }
      model = created;
    }
    this.modelName = model.attrModelName;

    // The endpoint's alarms need its name, and its rollback needs theirs, so the
    // alarm names are fixed first and the alarms created after the endpoint.
    const alarmOptions = props.alarms ?? {};
    const alarmNames = (alarmOptions.enabled ?? true) ? ownAlarmNames(this) : undefined;
    const ctx: ModeContext = {
      scope: this,
      role: this.role,
      modelName: this.modelName,
      inVpc: props.vpc !== undefined,
      networkIsolation,
      endpointPropsGiven: (['endpointName', 'alarms', 'variantName'] as const).filter((key) => props[key] !== undefined),
      ownAlarmNames: alarmNames ? [alarmNames.errors, alarmNames.latency] : [],
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      createDataBucket: (bucketId, key) => createEndpointDataBucket(this, bucketId, props.serverAccessLogsBucket, key),
    };
    const binding = props.mode._bind(ctx);
    this.batchLocations = binding.batchLocations;
    grantSageMakerLogsAndMetrics(this, this.role, binding.logsResource);
    this.transformPipeline = binding.transformPipeline;

    const hosting = binding.hosting;
    if (hosting) {
      const endpoint = createEndpoint(this, {
        hosting, modelName: this.modelName, modeKind: this.mode.kind, variantName, endpointName: props.endpointName,
      });
      grantDescribeRollbackAlarms(this, this.role, hosting);
      this.endpoint = endpoint;
      this.asyncBucket = hosting.asyncTarget?.bucket;
      this.asyncInputPrefix = hosting.asyncTarget?.inputPrefix;
      this.asyncOutputPrefix = hosting.asyncTarget?.outputPrefix;
      this.asyncFailurePrefix = hosting.asyncTarget?.failurePrefix;
      this.successTopic = hosting.asyncTarget?.successTopic;
      this.errorTopic = hosting.asyncTarget?.errorTopic;
      if (alarmNames) {
        [this.errorAlarm, this.latencyAlarm] = createAlarms(this, endpoint, alarmNames, alarmOptions);
      }
      hosting.addScaling?.({
        endpointName: endpoint.endpointName,
        variantName,
        endpointMetric: (name, metricProps) => endpoint._endpointMetric(name, metricProps),
      });
    }
    // The model (and so the endpoint, through its config) waits for the role's policy; an endpoint
    // that shares an earlier endpoint's model waits for it itself, since it adds statements to it.
    const waiting = shared ? this.node.tryFindChild('Resource') as CfnResource | undefined : model;
    if (waiting) {
      dependOnRolePolicies(this.role, waiting);
    }
    cacheLogicalIds(this);
  }

  /**
   * Publishes what a client of this endpoint needs (a notebook, a script, the
   * deploy job) as stack outputs `<prefix><Name>` with stable names, and
   * optionally as SSM String parameters `<ssmPrefix>/<Name>`:
   *
   * | mode | names |
   * |---|---|
   * | realtime, serverless | `EndpointName`, and with data capture `DataCaptureLocation` (`s3://` URI of the variant's captures) |
   * | asynchronous | `EndpointName`, `AsyncInputLocation` (where requests go), `AsyncOutputLocation`, `AsyncFailureLocation` |
   * | batch | `TransformPipelineName`, `BatchInputLocation`, `BatchOutputLocation` (the defaults of `InputS3Uri` and `OutputS3Uri`) |
   *
   * Call it once.
   *
   * @param options output prefix (default: the construct id, letters and digits) and SSM path
   */
  public publishNames(options: PublishNamesOptions = {}): void {
    checkStruct('modelEndpoint publishNames options', options, true, "{ outputPrefix: 'Fraud' }");
    publishNames(this, 'modelEndpoint', publishedNames({
      path: this.node.path,
      endpoint: this.endpoint,
      asyncBucket: this.asyncBucket,
      asyncPrefixes: this.asyncInputPrefix === undefined ? undefined
        : { input: this.asyncInputPrefix, output: this.asyncOutputPrefix!, failure: this.asyncFailurePrefix! },
      transformPipeline: this.transformPipeline,
      batchLocations: this.batchLocations,
    }), options);
  }
}
