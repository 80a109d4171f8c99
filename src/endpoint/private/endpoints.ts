import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AsyncTarget } from './mode';
import { INVOKE_ACTIONS } from './realtime';
import { grantWithWildcard } from '../../private/grants';
import { grantPrefixList } from '../../private/s3';
import { DataCaptureLocation, ModelEndpointBase } from '../model-endpoint-base';

/** What the endpoint a `ModelEndpoint` creates is made of. */
export interface HostedEndpointProps {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly variantName: string;
  readonly dataCapture?: DataCaptureLocation;
  readonly invokeActions: string[];
  readonly asyncTarget?: AsyncTarget;
}

/** The endpoint a `ModelEndpoint` creates in a hosted mode (its `endpoint`). */
export class HostedEndpoint extends ModelEndpointBase {
  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly variantName: string;
  public readonly dataCapture?: DataCaptureLocation;
  protected readonly _invokeActions: string[];
  private readonly asyncTarget?: AsyncTarget;

  constructor(scope: Construct, id: string, props: HostedEndpointProps) {
    super(scope, id);
    this.endpointName = props.endpointName;
    this.endpointArn = props.endpointArn;
    this.variantName = props.variantName;
    this.dataCapture = props.dataCapture;
    this._invokeActions = props.invokeActions;
    this.asyncTarget = props.asyncTarget;
  }

  protected _grantInvokeExtras(grantee: iam.IGrantable): iam.Grant | undefined {
    const target = this.asyncTarget;
    if (!target) {
      return undefined;
    }
    const { bucket, inputPrefix, outputPrefix, failurePrefix } = target;
    let grant = grantWithWildcard(grantee, {
      actions: ['s3:PutObject'],
      resourceArns: [bucket.arnForObjects(`${inputPrefix}/*`)],
      reason: `callers upload asynchronous requests under ${inputPrefix}/ with keys of their choosing`,
    }).combine(grantWithWildcard(grantee, {
      actions: ['s3:GetObject'],
      resourceArns: [bucket.arnForObjects(`${outputPrefix}/*`), bucket.arnForObjects(`${failurePrefix}/*`)],
      reason: `SageMaker names each asynchronous response and failure under ${outputPrefix}/ and ${failurePrefix}/ at run time`,
    })).combine(
      // Until SageMaker writes the response, GetObject of its key is AccessDenied (403), not NoSuchKey, for a
      // caller without s3:ListBucket (Amazon S3 API reference, GetObject): a caller polls by listing the key.
      grantPrefixList(grantee, bucket, [`${outputPrefix}/*`, `${failurePrefix}/*`]),
    );
    for (const key of target.keys) {
      grant = grant.combine(key.grant(grantee, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'));
    }
    return grant;
  }
}

/** What an imported endpoint knows of itself. */
export interface ImportedEndpointProps {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly variantName: string;
  readonly dataCapture?: DataCaptureLocation;
  readonly asynchronous: boolean;
}

/** An endpoint of another stack or app (`ModelEndpoint.fromEndpointName` / `fromEndpointAttributes`). */
export class ImportedEndpoint extends ModelEndpointBase {
  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly variantName: string;
  public readonly dataCapture?: DataCaptureLocation;
  protected readonly _invokeActions: string[];

  constructor(scope: Construct, id: string, props: ImportedEndpointProps) {
    super(scope, id);
    this.endpointName = props.endpointName;
    this.endpointArn = props.endpointArn;
    this.variantName = props.variantName;
    this.dataCapture = props.dataCapture;
    this._invokeActions = props.asynchronous ? ['sagemaker:InvokeEndpointAsync'] : INVOKE_ACTIONS;
  }
}
