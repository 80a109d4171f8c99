import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { OBJECTS_ONLY } from './grants';
import { CaptureTarget, ModeContext } from './mode';
import { grantKeyEncrypt, grantPrefixWrite } from '../../private/s3';
import { checkInteger, keyPrefix } from '../../private/validate';
import { DataCaptureOptions } from '../realtime';

// CaptureContentTypeHeader: 1-10 content types per list, each at most 256
// characters of `type/subtype` (SageMaker API reference, CaptureContentTypeHeader).
const CONTENT_TYPE = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*$/;

/** The rendered data capture and where it writes. */
export interface RenderedCapture {
  readonly config: sagemaker.CfnEndpointConfig.DataCaptureConfigProperty;
  readonly target: CaptureTarget;
}

/** Validates, creates the bucket if needed, grants the role and renders `DataCaptureConfig`. */
export function renderDataCapture(mode: string, ctx: ModeContext, options: DataCaptureOptions): RenderedCapture {
  const what = `endpointMode.${mode} dataCapture`;
  const samplingPercentage = options.samplingPercentage ?? 100;
  checkInteger(`${what} samplingPercentage`, samplingPercentage, 0, 100);
  const prefix = keyPrefix(`${what} prefix`, options.prefix ?? 'data-capture', 'data-capture');
  const csv = options.csvContentTypes ?? ['text/csv'];
  const json = options.jsonContentTypes ?? ['application/json'];
  for (const [name, list] of [['csvContentTypes', csv], ['jsonContentTypes', json]] as const) {
    if (list.length > 10) {
      throw new Error(`${what} ${name} lists ${list.length} content types: SageMaker accepts at most 10`);
    }
    for (const type of list) {
      if (!Token.isUnresolved(type) && (type.length > 256 || !CONTENT_TYPE.test(type))) {
        throw new Error(`${what} ${name} entry '${type}' is not a content type such as 'text/csv' or 'application/json'`);
      }
    }
  }
  if (csv.length + json.length === 0) {
    throw new Error(`${what} lists no content type: captures of other types are stored base64-encoded and unreadable by drift checks; `
      + "list at least one, e.g. jsonContentTypes: ['application/json']");
  }

  const bucket: s3.IBucket = options.bucket ?? ctx.createDataBucket('DataCaptureBucket', options.encryptionKey);
  // SageMaker writes captures with the model's execution role.
  grantPrefixWrite(ctx.role, bucket, `${prefix}/`, { ...OBJECTS_ONLY, reason: 'SageMaker writes captures under <prefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/, keys it names at run time' });
  if (options.encryptionKey) {
    grantKeyEncrypt(ctx.role, options.encryptionKey);
  }

  const enabled = options.enabled ?? true;
  return {
    target: { bucket, prefix },
    config: {
      enableCapture: enabled,
      initialSamplingPercentage: samplingPercentage,
      destinationS3Uri: bucket.s3UrlForObject(prefix),
      kmsKeyId: options.encryptionKey?.keyArn,
      captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      captureContentTypeHeader: {
        csvContentTypes: csv.length > 0 ? csv : undefined,
        jsonContentTypes: json.length > 0 ? json : undefined,
      },
    },
  };
}

