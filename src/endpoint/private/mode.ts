import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { WildcardReason } from './grants';

/**
 * What a mode sees of the endpoint that uses it. Implemented by
 * `ModelEndpoint`; internal, so modes do not import the construct.
 */
export interface EndpointHost extends Construct {
  /** The execution role (of the model). */
  readonly role: iam.IRole;
  /** The one production variant's name. */
  readonly variantName: string;
  /** Whether the model runs in a VPC. */
  readonly _inVpc: boolean;
  /** Whether the model runs with network isolation. */
  readonly _networkIsolation: boolean;
  /** Wildcards of the role's policies that a mode accepts, with the reason. */
  readonly _wildcards: WildcardReason[];
  /** Creates a bucket for data that SageMaker writes: encrypted, TLS-only, private, versioned, retained. */
  _createDataBucket(id: string, encryptionKey?: kms.IKey): s3.IBucket;
}

/** What a mode sees of the endpoint once it exists. */
export interface LiveEndpoint {
  /** The endpoint's (generated) name. */
  readonly endpointName: string;
  /** A metric of the endpoint's variant, in `AWS/SageMaker`. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** A metric of the endpoint only (the asynchronous backlog metrics), in `AWS/SageMaker`. */
  endpointMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** The mode's part of the endpoint config. */
export interface ModeConfig {
  /** The production variant, without model and variant names. */
  readonly variant: Omit<sagemaker.CfnEndpointConfig.ProductionVariantProperty, 'modelName' | 'variantName'>;
  /** Data capture. */
  readonly dataCaptureConfig?: sagemaker.CfnEndpointConfig.DataCaptureConfigProperty;
  /** Asynchronous inference. */
  readonly asyncInferenceConfig?: sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty;
  /** The key of the instances' storage volumes. */
  readonly kmsKeyId?: string;
}

/** The mode's part of the endpoint. */
export interface ModeEndpointConfig {
  /** Deployment guardrails. */
  readonly deploymentConfig?: sagemaker.CfnEndpoint.DeploymentConfigProperty;
  /** Keep the live instance count across updates (autoscaling). */
  readonly retainAllVariantProperties?: boolean;
}

/** One endpoint mode: validates and renders its own part. */
export interface EndpointModeImpl {
  /** `realtime`, `serverless`, `asynchronous` or `batch`. */
  readonly kind: string;
  /** The SageMaker runtime actions that `grantInvoke` allows. */
  readonly invokeActions: string[];
  /** Checks the mode against the endpoint's other properties. */
  validate(host: EndpointHost): void;
  /** Renders the config part; may create buckets and topics, and grant the role. */
  renderConfig(host: EndpointHost): ModeConfig;
  /** Renders the endpoint part, given the names of the endpoint's own alarms. */
  renderEndpoint(host: EndpointHost, ownAlarmNames: string[]): ModeEndpointConfig;
  /** Adds what needs the live endpoint: autoscaling. */
  afterEndpoint(host: EndpointHost, endpoint: LiveEndpoint): void;
  /** More grants for invokers (asynchronous: S3 input and output). */
  grantInvokeExtras(grantee: iam.IGrantable): iam.Grant | undefined;
}
