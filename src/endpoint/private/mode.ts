import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ISageMakerPipeline } from '../../pipeline';

/**
 * What a mode is given when a `ModelEndpoint` binds it: everything it reads of
 * the endpoint, so that the mode itself keeps no state and one mode object can
 * serve any number of endpoints.
 */
export interface ModeContext {
  /** The `ModelEndpoint`: the scope of whatever the mode creates. */
  readonly scope: Construct;
  /** The model's execution role. */
  readonly role: iam.IRole;
  /** The model's (generated) name. */
  readonly modelName: string;
  /** Whether the model runs in a VPC. */
  readonly inVpc: boolean;
  /** Whether the model runs with network isolation. */
  readonly networkIsolation: boolean;
  /** The endpoint-only props the user set (`endpointName`, `alarms`, `variantName`), for modes without an endpoint. */
  readonly endpointPropsGiven: string[];
  /** The names of the endpoint's own alarms (none when alarms are off). */
  readonly ownAlarmNames: string[];
  /** The bucket that receives the server access logs of the buckets the endpoint creates or shares. */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** Creates a bucket for data that SageMaker writes: encrypted, TLS-only, private, versioned, retained. */
  createDataBucket(id: string, encryptionKey?: kms.IKey): s3.IBucket;
}

/** What a mode sees of the endpoint once it exists. */
export interface LiveEndpoint {
  /** The endpoint's (generated) name. */
  readonly endpointName: string;
  /** The one production variant's name. */
  readonly variantName: string;
  /** A metric of the endpoint only (the asynchronous backlog metrics), in `AWS/SageMaker`. */
  endpointMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Where data capture writes. */
export interface CaptureTarget {
  readonly bucket: s3.IBucket;
  /** Without a trailing '/'. */
  readonly prefix: string;
  /** The key SageMaker encrypts the captures with (`KmsKeyId`), if any. */
  readonly encryptionKey?: kms.IKey;
}

/** The asynchronous mode's S3 locations and topics. */
export interface AsyncTarget {
  readonly bucket: s3.IBucket;
  readonly inputPrefix: string;
  readonly outputPrefix: string;
  readonly failurePrefix: string;
  /** Keys callers encrypt and decrypt with. */
  readonly keys: kms.IKey[];
  readonly successTopic?: sns.ITopic;
  readonly errorTopic?: sns.ITopic;
}

/** What a hosting mode (real-time, serverless, asynchronous) gives the endpoint to render. */
export interface Hosting {
  /** The production variant, without model and variant names. */
  readonly variant: Omit<sagemaker.CfnEndpointConfig.ProductionVariantProperty, 'modelName' | 'variantName'>;
  /** Data capture, when on. */
  readonly dataCapture?: { readonly config: sagemaker.CfnEndpointConfig.DataCaptureConfigProperty; readonly target: CaptureTarget };
  /** Asynchronous inference. */
  readonly asyncInferenceConfig?: sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty;
  /** The asynchronous mode's locations and topics. */
  readonly asyncTarget?: AsyncTarget;
  /** The key of the instances' storage volumes. */
  readonly kmsKeyId?: string;
  /** Deployment guardrails. */
  readonly deploymentConfig?: sagemaker.CfnEndpoint.DeploymentConfigProperty;
  /** Keep the live instance count across updates (autoscaling). */
  readonly retainAllVariantProperties?: boolean;
  /** The SageMaker runtime actions that `grantInvoke` allows. */
  readonly invokeActions: string[];
  /** Adds what needs the live endpoint (autoscaling), in the endpoint's scope. */
  readonly addScaling?: (endpoint: LiveEndpoint) => void;
}

/** What a mode gives the endpoint: a hosted endpoint, or a transform pipeline. */
export interface ModeBinding {
  /** The hosted endpoint's parts; none for batch. */
  readonly hosting?: Hosting;
  /** The pipeline that runs batch transforms; none for hosted modes. */
  readonly transformPipeline?: ISageMakerPipeline;
  /** The resource type of the SageMaker jobs or endpoints whose logs and metrics the role writes. */
  readonly logsResource: 'Endpoints' | 'TransformJobs';
  /** Batch: the S3 URIs the transform pipeline reads and writes unless its parameters say otherwise. */
  readonly batchLocations?: { readonly input: string; readonly output: string };
}

/** One endpoint mode: checks its options when created, and binds without keeping state. */
export interface EndpointModeImpl {
  /** Whether SageMaker can run the mode's model with network isolation. */
  readonly supportsNetworkIsolation: boolean;
  /** Renders everything the endpoint needs; may create buckets and topics in `ctx.scope` and grant the role. */
  bind(ctx: ModeContext): ModeBinding;
}
