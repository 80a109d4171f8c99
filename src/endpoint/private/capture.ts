import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { OBJECTS_ONLY } from './grants';
import { CaptureTarget, ModeContext } from './mode';
import { endpointPrefix, stackBucket } from './stack-bucket';
import { checkList, checkOptional, checkStruct, isBoolean, isBucket, isKey, isNumber, isString } from '../../image/private/input';
import { grantKeyEncrypt, grantPrefixWrite } from '../../private/s3';
import { checkInteger, keyPrefix } from '../../private/validate';
import { DataCaptureOptions } from '../realtime';

// CaptureContentTypeHeader: 1-10 content types per list, each at most 256
// characters of `type/subtype` (SageMaker API reference, CaptureContentTypeHeader).
const CONTENT_TYPE = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*$/;

/** Where captures go in their bucket unless a prefix is given (then under a prefix per endpoint in the stack's bucket). */
const DEFAULT_PREFIX = 'data-capture';

/** The construct id of the stack's one capture bucket: part of the API, since changing it replaces the bucket. */
export const STACK_CAPTURE_BUCKET_ID = 'ModelEndpointDataCaptureBucket';

/** The stack's one data capture bucket (its endpoints' execution roles write under their own prefixes). */
const STACK_CAPTURE_BUCKET = {
  id: STACK_CAPTURE_BUCKET_ID,
  holds: 'capture',
  ownBucket: 'dataCapture.bucket',
  reachedBy: 'the SageMaker execution roles of the stack\'s endpoints (each under its own prefix)',
};

/** The data capture options of a mode, checked for every language's callers when the mode is created. */
export function checkDataCaptureOptions(mode: string, options: DataCaptureOptions | undefined): void {
  const what = `endpointMode.${mode} dataCapture`;
  checkStruct(what, options, true, '{ samplingPercentage: 20 }');
  if (!options) {
    return;
  }
  checkOptional(`${what} enabled`, options.enabled, isBoolean, 'true or false', 'false');
  checkOptional(`${what} samplingPercentage`, options.samplingPercentage, isNumber, 'a number', '20');
  checkInteger(`${what} samplingPercentage`, options.samplingPercentage, 0, 100);
  checkOptional(`${what} bucket`, options.bucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Captures', 'captures')");
  checkOptional(`${what} prefix`, options.prefix, isString, 'a string', "'data-capture'");
  checkOptional(`${what} encryptionKey`, options.encryptionKey, isKey, 'a kms.IKey', "new kms.Key(this, 'CaptureKey')");
  checkList(`${what} csvContentTypes`, options.csvContentTypes, isString, 'a string', "'text/csv'");
  checkList(`${what} jsonContentTypes`, options.jsonContentTypes, isString, 'a string', "'application/json'");
}

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
  const prefix = options.prefix !== undefined || options.bucket !== undefined
    ? keyPrefix(`${what} prefix`, options.prefix ?? DEFAULT_PREFIX, DEFAULT_PREFIX)
    : `${DEFAULT_PREFIX}/${endpointPrefix(ctx.scope)}`;
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
    throw new Error(`${what} csvContentTypes and jsonContentTypes list no content type: captures of other types are stored base64-encoded and unreadable by drift checks; `
      + "list at least one, e.g. jsonContentTypes: ['application/json']");
  }

  const bucket: s3.IBucket = options.bucket ?? stackBucket(ctx.scope, ctx.serverAccessLogsBucket, STACK_CAPTURE_BUCKET);
  // SageMaker writes captures with the model's execution role.
  grantPrefixWrite(ctx.role, bucket, `${prefix}/`, { ...OBJECTS_ONLY, reason: 'SageMaker writes captures under <prefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/, keys it names at run time' });
  if (options.encryptionKey) {
    grantKeyEncrypt(ctx.role, options.encryptionKey);
  }

  const enabled = options.enabled ?? true;
  return {
    target: { bucket, prefix, encryptionKey: options.encryptionKey },
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

