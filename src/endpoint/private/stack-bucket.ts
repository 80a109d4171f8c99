import * as crypto from 'crypto';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createDataBucket } from '../../private/buckets';
import { cacheLogicalIds } from '../../private/logical-id';

/** A bucket the endpoints of a stack share, each under its own prefix. */
export interface StackBucketOptions {
  /** Its construct id under the stack: part of the API, since changing it replaces the bucket. */
  readonly id: string;
  /** What it holds, in an error: 'capture', 'asynchronous request'. */
  readonly holds: string;
  /** The property that gives an endpoint a bucket of its own instead, in an error. */
  readonly ownBucket: string;
  /** Who reaches it, in the reason for going without server access logs. */
  readonly reachedBy: string;
}

/** The server access logs bucket each shared bucket was created with. */
const CREATED_WITH_LOGS = new WeakMap<s3.IBucket, s3.IBucket | undefined>();

/**
 * The stack's one bucket of `options.id`, created by the first endpoint that needs it
 * (DESIGN.md "Footprint": one bucket and bucket policy per stack, each endpoint under its own
 * prefix). Encrypted with S3-managed keys: it is shared, so no endpoint's key is its key.
 */
export function stackBucket(scope: Construct, serverAccessLogsBucket: s3.IBucket | undefined, options: StackBucketOptions): s3.IBucket {
  const stack = Stack.of(scope);
  const found = stack.node.tryFindChild(options.id) as s3.IBucket | undefined;
  if (found) {
    if (!CREATED_WITH_LOGS.has(found)) {
      throw new Error(`modelEndpoint ${scope.node.path}: stack ${stack.node.path} already holds a construct '${options.id}' that the library `
        + `did not create, where it keeps the stack's shared ${options.holds} bucket: give that construct another id, `
        + `or give this endpoint a bucket of its own in ${options.ownBucket}`);
    }
    const logs = CREATED_WITH_LOGS.get(found);
    if (serverAccessLogsBucket !== undefined && serverAccessLogsBucket !== logs) {
      throw new Error(`modelEndpoint serverAccessLogsBucket of ${scope.node.path} differs from the one the stack's shared ${options.holds} bucket `
        + `was created with (${logs ? logs.node.path : 'none'}, by an earlier endpoint): give every endpoint of the stack the same `
        + `serverAccessLogsBucket, or give this endpoint a bucket of its own in ${options.ownBucket}`);
    }
    return found;
  }
  const bucket = createDataBucket(stack, options.id, {
    serverAccessLogsBucket,
    serverAccessLogsPrefix: `${options.id}/`,
    withoutAccessLogsReason: `server access logs are opt-in through ModelEndpoint serverAccessLogsBucket; only ${options.reachedBy} `
      + 'and explicitly granted callers reach this bucket (TLS only, public access blocked)',
  });
  CREATED_WITH_LOGS.set(bucket, serverAccessLogsBucket);
  cacheLogicalIds(bucket);
  return bucket;
}

/**
 * The endpoint's own prefix in a shared bucket: its construct path in the stack, readable, in
 * the characters S3 keys keep unescaped; a hash stands in for a path too long for SageMaker's
 * S3 URIs (DestinationS3Uri and S3OutputPath: at most 512 characters).
 */
export function endpointPrefix(scope: Construct): string {
  const stack = Stack.of(scope);
  const relative = scope.node.scopes.slice(stack.node.scopes.length).map((c) => c.node.id.replace(/[^A-Za-z0-9_.-]/g, '-'));
  const path = relative.join('/');
  if (path.length <= 200) {
    return path;
  }
  const hash = crypto.createHash('md5').update(scope.node.path).digest('hex').slice(0, 8).toUpperCase();
  return `${path.slice(0, 190)}-${hash}`;
}
