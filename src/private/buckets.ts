import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { addCheckovSkip, addNagSuppression } from './nag';

/** How a bucket of models, captures or results is made. */
export interface DataBucketOptions {
  /** Encrypts with this key (and an S3 Bucket Key); otherwise S3-managed keys. */
  readonly encryptionKey?: kms.IKey;
  /** Where server access logs go; none when absent. */
  readonly serverAccessLogsBucket?: s3.IBucket;
  readonly serverAccessLogsPrefix?: string;
  readonly lifecycleRules?: s3.LifecycleRule[];
  /** Why the bucket may go without server access logs when no log bucket is given (the cdk-nag S1 reason). */
  readonly withoutAccessLogsReason: string;
}

/**
 * A bucket for what must not be lost (models, captured inferences, results):
 * encrypted, TLS only, public access blocked, versioned, retained.
 */
export function createDataBucket(scope: Construct, id: string, options: DataBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: options.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: options.encryptionKey,
    bucketKeyEnabled: options.encryptionKey ? true : undefined,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    serverAccessLogsBucket: options.serverAccessLogsBucket,
    serverAccessLogsPrefix: options.serverAccessLogsBucket ? options.serverAccessLogsPrefix : undefined,
    lifecycleRules: options.lifecycleRules,
  });
  if (!options.serverAccessLogsBucket) {
    addNagSuppression(bucket.node.defaultChild as s3.CfnBucket, 'AwsSolutions-S1', options.withoutAccessLogsReason);
    addCheckovSkip(bucket.node.defaultChild as s3.CfnBucket, 'CKV_AWS_18', options.withoutAccessLogsReason);
  }
  return bucket;
}
