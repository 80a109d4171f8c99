import { ArnFormat, CfnResource, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EndpointAlarmOptions } from './alarm-options';
import { EndpointMode, EndpointModeKind } from './endpoint-mode';
import { DataCaptureLocation, IModelEndpoint, ModelEndpointAttributes } from './model-endpoint-base';
import { ModelSource } from './model-source';
import { ISageMakerPipeline, PublishNamesOptions } from '../pipeline';
import { createAlarms, ownAlarmNames } from './private/alarms';
import { checkIsolatedEnvironment, checkModelEndpointProps, checkName } from './private/checks';
import { HostedEndpoint, ImportedEndpoint } from './private/endpoints';
import { hashLogicalId } from './private/hash';
import { Hosting, ModeContext } from './private/mode';
import { checkOptional, checkStruct, isBoolean, isBucket, isString } from '../image/private/input';
import { createDataBucket } from '../private/buckets';
import { cacheLogicalIds } from '../private/logical-id';
import { grantSageMakerLogsAndMetrics } from '../private/logs';
import { addCheckovSkip, addComplianceSuppression, explainRolePolicy } from '../private/nag';
import { PublishedName, publishNames } from '../private/outputs';
import { keyPrefix, sortedMap } from '../private/validate';
import { renderVpcConfig } from '../private/vpc';

/** The production variant's name unless one is given. */
const DEFAULT_VARIANT = 'AllTraffic';

/** Where captures go in their bucket unless a prefix is given. */
const DEFAULT_CAPTURE_PREFIX = 'data-capture';

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
    checkOptional(`${what} asynchronous`, attrs.asynchronous, isBoolean, 'true or false', 'true');
    const variantName = attrs.variantName ?? DEFAULT_VARIANT;
    checkName(`${what} variantName`, variantName);
    if (attrs.dataCapturePrefix !== undefined && !attrs.dataCaptureBucket) {
      throw new Error(`${what} dataCapturePrefix is set without dataCaptureBucket: give the bucket the captures go to as well`);
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
      dataCapture: attrs.dataCaptureBucket ? captureLocation(attrs.dataCaptureBucket, prefix, name, variantName) : undefined,
      asynchronous: attrs.asynchronous ?? false,
    });
  }

  /** The execution role of the model. */
  public readonly role: iam.IRole;

  /** The model's (generated) name. */
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
  private asyncPrefixes?: { readonly input: string; readonly output: string; readonly failure: string };

  constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    checkModelEndpointProps(this, props);
    this.mode = props.mode;

    const variantName = props.variantName ?? DEFAULT_VARIANT;
    const networkIsolation = props.networkIsolation ?? (props.mode._supportsNetworkIsolation && !props.vpc);
    checkIsolatedEnvironment(networkIsolation, props.environment);

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
    const model = this.createModel(props, source, networkIsolation);
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
      createDataBucket: (bucketId, key) => this.createDataBucket(bucketId, props.serverAccessLogsBucket, key),
    };
    const binding = props.mode._bind(ctx);
    this.batchLocations = binding.batchLocations;
    grantSageMakerLogsAndMetrics(this, this.role, binding.logsResource);
    this.transformPipeline = binding.transformPipeline;

    const hosting = binding.hosting;
    if (hosting) {
      const endpoint = this.createEndpoint(hosting, variantName, props.endpointName);
      this.grantDescribeRollbackAlarms(hosting);
      this.endpoint = endpoint;
      this.asyncBucket = hosting.asyncTarget?.bucket;
      const target = hosting.asyncTarget;
      this.asyncPrefixes = target && { input: target.inputPrefix, output: target.outputPrefix, failure: target.failurePrefix };
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
    this.dependOnRolePolicies(model);
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
    publishNames(this, 'modelEndpoint', this.publishedNames(), options);
  }

  private publishedNames(): PublishedName[] {
    const path = this.node.path;
    const names: PublishedName[] = [];
    if (this.endpoint) {
      names.push({ name: 'EndpointName', value: this.endpoint.endpointName, description: `The SageMaker endpoint of ${path}` });
      const capture = this.endpoint.dataCapture;
      if (capture) {
        names.push({
          name: 'DataCaptureLocation',
          value: capture.bucket.s3UrlForObject(capture.variantPrefix),
          description: `Where SageMaker writes the captured requests and responses of ${path} (yyyy/mm/dd/hh/*.jsonl below it)`,
        });
      }
    }
    const bucket = this.asyncBucket;
    const prefixes = this.asyncPrefixes;
    if (bucket && prefixes) {
      names.push(
        { name: 'AsyncInputLocation', value: bucket.s3UrlForObject(`${prefixes.input}/`), description: `Where callers upload asynchronous requests to ${path}` },
        { name: 'AsyncOutputLocation', value: bucket.s3UrlForObject(`${prefixes.output}/`), description: `Where ${path} writes asynchronous responses` },
        { name: 'AsyncFailureLocation', value: bucket.s3UrlForObject(`${prefixes.failure}/`), description: `Where ${path} writes failed asynchronous requests` },
      );
    }
    if (this.transformPipeline && this.batchLocations) {
      names.push(
        { name: 'TransformPipelineName', value: this.transformPipeline.pipelineName, description: `The SageMaker pipeline that runs the batch transform of ${path}` },
        { name: 'BatchInputLocation', value: this.batchLocations.input, description: `What the batch transform of ${path} scores (its InputS3Uri default)` },
        { name: 'BatchOutputLocation', value: this.batchLocations.output, description: `Where the batch transform of ${path} writes (its OutputS3Uri default)` },
      );
    }
    return names;
  }

  private createModel(props: ModelEndpointProps, source: ReturnType<ModelSource['bind']>, networkIsolation: boolean): sagemaker.CfnModel {
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
      // No outbound calls and no credentials in the container; SageMaker still fetches the image and
      // model data with the execution role (Developer Guide, "Run Training and Inference Containers
      // in Internet-Free Mode"; CreateModel EnableNetworkIsolation). Rendered only when on.
      enableNetworkIsolation: networkIsolation ? true : undefined,
    };
    const model = new sagemaker.CfnModel(this, 'Model', modelProps);
    hashLogicalId(model, modelProps);
    // What the library turned off is explained to checkov; an explicit networkIsolation: false stays a finding.
    if (!networkIsolation && props.networkIsolation === undefined) {
      addCheckovSkip(model, 'CKV_AWS_370', props.mode._supportsNetworkIsolation
        ? 'the model runs in a VPC, which is given so that the container reaches private resources: network isolation is off'
        : 'serverless inference does not support network isolation (SageMaker Developer Guide, Serverless Inference, feature exclusions)');
    }
    return model;
  }

  /** Renders what the mode bound: the endpoint config, then the endpoint. */
  private createEndpoint(hosting: Hosting, variantName: string, endpointName?: string): HostedEndpoint {
    const configProps: sagemaker.CfnEndpointConfigProps = {
      productionVariants: [{ ...hosting.variant, modelName: this.modelName, variantName }],
      dataCaptureConfig: hosting.dataCapture?.config,
      asyncInferenceConfig: hosting.asyncInferenceConfig,
      kmsKeyId: hosting.kmsKeyId,
    };
    const config = new sagemaker.CfnEndpointConfig(this, 'Config', configProps);
    hashLogicalId(config, configProps);
    if (!hosting.kmsKeyId) {
      // KmsKeyId encrypts "the storage volume attached to the ML compute instance that hosts the endpoint"
      // (CreateEndpointConfig); without a key SageMaker encrypts it with an AWS managed key.
      addComplianceSuppression(config, 'SageMakerEndpointConfigurationKMSKeyConfigured', this.mode.kind === EndpointModeKind.SERVERLESS
        ? 'KmsKeyId encrypts the storage volume of the instances that host an endpoint; a serverless endpoint has no instances or '
          + 'volumes of its own, and EndpointMode.serverless offers no key'
        : 'the instances\' storage volumes are encrypted with an AWS managed key; give the mode\'s volumeEncryptionKey for a '
          + 'customer managed key (not on instance types with local NVMe storage, whose volumes the instance encrypts itself)');
    }
    const resource = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointConfigName: config.attrEndpointConfigName,
      endpointName,
      deploymentConfig: hosting.deploymentConfig,
      retainAllVariantProperties: hosting.retainAllVariantProperties,
    });
    const capture = hosting.dataCapture?.target;
    return new HostedEndpoint(this, 'Endpoint', {
      endpointName: resource.attrEndpointName,
      endpointArn: resource.attrEndpointArn,
      variantName,
      dataCapture: capture ? captureLocation(capture.bucket, capture.prefix, resource.attrEndpointName, variantName) : undefined,
      invokeActions: hosting.invokeActions,
      asyncTarget: hosting.asyncTarget,
    });
  }

  /**
   * The deployment guardrails read the rollback alarms: "Ensure that your IAM execution role has
   * permission to perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms you
   * specify" (Developer Guide, "Auto-Rollback Configuration and Monitoring"). Granted on the alarms
   * by name, so no alarm resource is referenced (the model waits for this policy).
   */
  private grantDescribeRollbackAlarms(hosting: Hosting): void {
    // renderDeployment renders the rollback alarms as plain objects, never tokens.
    const rollback = hosting.deploymentConfig?.autoRollbackConfiguration as sagemaker.CfnEndpoint.AutoRollbackConfigProperty | undefined;
    const alarms = (rollback?.alarms ?? []) as sagemaker.CfnEndpoint.AlarmProperty[];
    if (alarms.length === 0) {
      return;
    }
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:DescribeAlarms'],
      resources: alarms.map((alarm) => Stack.of(this).formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: alarm.alarmName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })),
    }));
  }

  private createDataBucket(id: string, serverAccessLogsBucket?: s3.IBucket, encryptionKey?: kms.IKey): s3.IBucket {
    return createDataBucket(this, id, {
      encryptionKey,
      serverAccessLogsBucket,
      serverAccessLogsPrefix: `${Names.uniqueResourceName(this, { maxLength: 200 })}/${id}/`,
      withoutAccessLogsReason: 'server access logs are opt-in through ModelEndpoint serverAccessLogsBucket; only the SageMaker '
        + 'execution role and explicitly granted callers reach this bucket (TLS only, public access blocked)',
    });
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

function captureLocation(bucket: s3.IBucket, prefix: string, endpointName: string, variantName: string): DataCaptureLocation {
  return { bucket, prefix, variantPrefix: `${prefix}/${endpointName}/${variantName}/` };
}
