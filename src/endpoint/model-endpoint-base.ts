import { IResource, Resource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { grantPrefixRead } from '../private/s3';

/**
 * Where an endpoint's data capture lands: SageMaker writes every captured
 * request and response as JSON Lines under
 * `<prefix>/<endpoint name>/<variant name>/yyyy/mm/dd/hh/`.
 */
export interface DataCaptureLocation {
  /** The bucket of the captures. */
  readonly bucket: s3.IBucket;

  /** The key prefix given to SageMaker (`DestinationS3Uri`), without a trailing '/', e.g. `data-capture`. */
  readonly prefix: string;

  /**
   * The key prefix of this endpoint's variant: `<prefix>/<endpoint name>/<variant name>/`,
   * under which the hourly `yyyy/mm/dd/hh/` folders are.
   */
  readonly variantPrefix: string;

  /**
   * The KMS key SageMaker encrypts the captures with (`DataCaptureConfig.KmsKeyId`):
   * whoever reads them needs `kms:Decrypt` on it (`grantReadDataCapture` grants it).
   *
   * @default - none: the captures are encrypted as the bucket encrypts its objects
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A SageMaker endpoint that serves a model: one a `ModelEndpoint` creates
 * (its `endpoint`) or one imported with `ModelEndpoint.fromEndpointName` or
 * `ModelEndpoint.fromEndpointAttributes`. What callers, alarms and monitoring need.
 */
export interface IModelEndpoint extends IResource {
  /**
   * The endpoint's name.
   *
   * @attribute
   */
  readonly endpointName: string;

  /**
   * The endpoint's ARN.
   *
   * @attribute
   */
  readonly endpointArn: string;

  /** The name of the production variant that serves the model. */
  readonly variantName: string;

  /**
   * Where the endpoint's data capture lands.
   *
   * @default - none: capture is off, or not known for an imported endpoint
   */
  readonly dataCapture?: DataCaptureLocation;

  /**
   * Grants calling the endpoint: `InvokeEndpoint` (and the response stream)
   * for a real-time or serverless endpoint; for an asynchronous one that this
   * app creates, `InvokeEndpointAsync` plus uploading under its input prefix,
   * reading under its output and failure prefixes and listing those prefixes
   * (poll for an answer by listing its key: until it exists, `GetObject` is
   * AccessDenied, not NoSuchKey, without `s3:ListBucket`). Not
   * `DescribeEndpoint`.
   *
   * @param grantee the caller
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants reading the captured requests and responses of this endpoint's
   * variant: listing and getting the objects under `dataCapture.variantPrefix`,
   * and decrypting them with the capture key and the bucket's key, if either
   * is a KMS key. A drift check, a notebook or a labelling job reads them so.
   * Throws when the endpoint has no `dataCapture`.
   *
   * @param grantee the reader
   */
  grantReadDataCapture(grantee: iam.IGrantable): iam.Grant;

  /**
   * A metric of this endpoint's variant in `AWS/SageMaker` (dimensions `EndpointName` and `VariantName`).
   *
   * @param metricName the official metric name, e.g. `Invocations`
   * @param props statistic, period and the rest
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Requests to the variant (`Invocations`, Sum). */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Requests per instance (`InvocationsPerInstance`, Sum): what autoscaling tracks. */
  metricInvocationsPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Time the model takes to answer, in microseconds (`ModelLatency`, Average). */
  metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Time SageMaker adds, in microseconds (`OverheadLatency`, Average). */
  metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Requests the model answered with a 4xx (`Invocation4XXErrors`, Sum). */
  metricInvocation4XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Requests the model answered with a 5xx (`Invocation5XXErrors`, Sum). */
  metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Serverless cold-start time, in microseconds (`ModelSetupTime`, Average). */
  metricModelSetupTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Asynchronous requests queued (`ApproximateBacklogSize`, Average; dimension `EndpointName`). */
  metricApproximateBacklogSize(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Asynchronous requests queued per instance (`ApproximateBacklogSizePerInstance`, Average; dimension `EndpointName`). */
  metricApproximateBacklogSizePerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Age of the oldest queued asynchronous request, in seconds (`ApproximateAgeOfOldestRequest`, Maximum; dimension `EndpointName`). */
  metricApproximateAgeOfOldestRequest(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** 1 while asynchronous requests wait with no instance running (`HasBacklogWithoutCapacity`, Average; dimension `EndpointName`). */
  metricHasBacklogWithoutCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * An endpoint that exists already, for `ModelEndpoint.fromEndpointAttributes`.
 */
export interface ModelEndpointAttributes {
  /** The endpoint's name. */
  readonly endpointName: string;

  /**
   * The name of the production variant that serves the model.
   *
   * @default 'AllTraffic'
   */
  readonly variantName?: string;

  /**
   * The bucket the endpoint captures requests and responses to.
   *
   * @default - capture is unknown: the import has no `dataCapture`
   */
  readonly dataCaptureBucket?: s3.IBucket;

  /**
   * The key prefix of the captures in `dataCaptureBucket` (`DestinationS3Uri`).
   *
   * @default 'data-capture'
   */
  readonly dataCapturePrefix?: string;

  /**
   * The KMS key the endpoint's captures are encrypted with (its
   * `DataCaptureConfig.KmsKeyId`), for `grantReadDataCapture`.
   *
   * @default - none: the captures are encrypted as `dataCaptureBucket` encrypts its objects
   */
  readonly dataCaptureEncryptionKey?: kms.IKey;

  /**
   * Whether the endpoint serves asynchronous inference, so that `grantInvoke`
   * allows `sagemaker:InvokeEndpointAsync` instead of `sagemaker:InvokeEndpoint`.
   * The S3 locations of an imported asynchronous endpoint are not known: grant
   * them on their bucket.
   *
   * @default false
   */
  readonly asynchronous?: boolean;
}

/**
 * What an owned and an imported endpoint share: grants and metrics, implemented once.
 */
export abstract class ModelEndpointBase extends Resource implements IModelEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;
  public abstract readonly variantName: string;
  public abstract readonly dataCapture?: DataCaptureLocation;

  /**
   * The SageMaker runtime actions `grantInvoke` allows.
   *
   * @internal
   */
  protected abstract readonly _invokeActions: string[];

  /**
   * Grants `_invokeActions` on this endpoint, plus what the mode needs besides
   * (asynchronous: uploading requests, reading responses and failures).
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: this._invokeActions, resourceArns: [this.endpointArn] });
    const extras = this._grantInvokeExtras(grantee);
    return extras ? grant.combine(extras) : grant;
  }

  public grantReadDataCapture(grantee: iam.IGrantable): iam.Grant {
    const capture = this.dataCapture;
    if (!capture) {
      throw new Error(`modelEndpoint grantReadDataCapture: ${this.node.path} has no dataCapture to read: turn data capture on `
        + '(EndpointMode.realtime dataCapture), or import the endpoint with fromEndpointAttributes and its dataCaptureBucket');
    }
    const grant = grantPrefixRead(grantee, capture.bucket, capture.variantPrefix, { reason: 'captures are filed by SageMaker under <variant>/yyyy/mm/dd/hh/' });
    return capture.encryptionKey ? grant.combine(capture.encryptionKey.grantDecrypt(grantee)) : grant;
  }

  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: this.variantName },
      ...props,
    }).attachTo(this);
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: 'Sum', ...props });
  }

  public metricInvocationsPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationsPerInstance', { statistic: 'Sum', ...props });
  }

  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: 'Average', ...props });
  }

  public metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OverheadLatency', { statistic: 'Average', ...props });
  }

  public metricInvocation4XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation4XXErrors', { statistic: 'Sum', ...props });
  }

  public metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: 'Sum', ...props });
  }

  public metricModelSetupTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelSetupTime', { statistic: 'Average', ...props });
  }

  public metricApproximateBacklogSize(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this._endpointMetric('ApproximateBacklogSize', { statistic: 'Average', ...props });
  }

  public metricApproximateBacklogSizePerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this._endpointMetric('ApproximateBacklogSizePerInstance', { statistic: 'Average', ...props });
  }

  public metricApproximateAgeOfOldestRequest(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this._endpointMetric('ApproximateAgeOfOldestRequest', { statistic: 'Maximum', ...props });
  }

  public metricHasBacklogWithoutCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this._endpointMetric('HasBacklogWithoutCapacity', { statistic: 'Average', ...props });
  }

  /**
   * A metric of the endpoint only (dimension `EndpointName`): the asynchronous backlog metrics.
   *
   * @internal
   */
  public _endpointMetric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName },
      ...props,
    }).attachTo(this);
  }

  /**
   * More grants for callers, beyond the runtime actions on the endpoint.
   *
   * @internal
   */
  protected _grantInvokeExtras(grantee: iam.IGrantable): iam.Grant | undefined {
    void grantee;
    return undefined;
  }
}
