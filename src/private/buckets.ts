import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { explainDecision } from './nag';

/** How a bucket of models, captures or results is made. */
export interface DataBucketOptions {
  /** Encrypts with this key (and an S3 Bucket Key); otherwise S3-managed keys. */
  readonly encryptionKey?: kms.IKey;
  /** Where server access logs go; none when absent. */
  readonly serverAccessLogsBucket?: s3.IBucket;
  readonly serverAccessLogsPrefix?: string;
  readonly lifecycleRules?: s3.LifecycleRule[];
  /**
   * Why the bucket may go without server access logs when no log bucket is
   * given: name the prop that gives one (the reason cdk-nag and checkov show).
   */
  readonly withoutAccessLogsReason: string;
  /**
   * Why S3-managed keys when no key is given: name the prop that gives one.
   *
   * @default - a reason that names no prop
   */
  readonly withoutKmsKeyReason?: string;
  /**
   * Why the bucket is not replicated to another Region: name the prop that
   * takes a (replicated) bucket of the user's own instead.
   *
   * @default - a reason that names no prop
   */
  readonly withoutReplicationReason?: string;
}

const WITHOUT_KMS_KEY = 'no KMS key was given, so objects are encrypted at rest with S3-managed keys (SSE-S3, AES-256), '
  + 'which need no key policy and cost no KMS requests; give the construct a KMS key (or a bucket of your own) for SSE-KMS';

// Cross-Region Replication needs a versioned destination bucket in another Region and a
// replication role (Amazon S3 user guide, "Replicating objects within and across Regions").
const WITHOUT_REPLICATION = 'the bucket is versioned and retained, so overwritten and deleted objects are kept; '
  + 'replication needs a destination bucket in another Region, which a stack of one Region does not own: '
  + 'give the construct a replicated bucket of your own where the data must outlive a Region';

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
  const resource = bucket.node.defaultChild as s3.CfnBucket;
  if (!options.serverAccessLogsBucket) {
    explainDecision(resource, { awsSolutions: 'AwsSolutions-S1', compliance: 'S3BucketLoggingEnabled', checkov: 'CKV_AWS_18' },
      options.withoutAccessLogsReason);
  }
  if (!options.encryptionKey) {
    explainDecision(resource, { compliance: 'S3DefaultEncryptionKMS' }, options.withoutKmsKeyReason ?? WITHOUT_KMS_KEY);
  }
  explainDecision(resource, { compliance: 'S3BucketReplicationEnabled' }, options.withoutReplicationReason ?? WITHOUT_REPLICATION);
  return bucket;
}
