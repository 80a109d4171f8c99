import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { explainGrantWildcards } from './grants';

/** What a prefix grant includes besides the object actions. */
export interface PrefixGrantOptions {
  /**
   * `s3:ListBucket` on the bucket, for listings of the prefixes only. A service
   * that reads or writes objects it is told the keys of (an asynchronous
   * request, a capture) does not list.
   *
   * @default true
   */
  readonly list?: boolean;

  /**
   * `s3:AbortMultipartUpload` on the objects (writes only), so that a failed
   * large upload can clean up its parts.
   *
   * @default true
   */
  readonly abortMultipartUpload?: boolean;

  /**
   * Why the objects are granted by prefix (`<prefix>*`): the reason cdk-nag
   * shows for the wildcard.
   *
   * @default - the object keys under the prefixes are chosen at run time
   */
  readonly reason?: string;
}

/**
 * Grants reading the objects under `prefixes` of `bucket`: `s3:GetObject` on
 * `bucket/<prefix>*`, `s3:ListBucket` on the bucket for those prefixes only
 * (unless `list` is false), and decrypting with the bucket's KMS key, if it has one.
 *
 * @param prefixes key prefixes ('' for the whole bucket)
 */
export function grantPrefixRead(
  grantee: iam.IGrantable, bucket: s3.IBucket, prefixes: string | string[], options: PrefixGrantOptions = {},
): iam.Grant {
  const grant = grantPrefix(grantee, bucket, prefixes, ['s3:GetObject'], options);
  const key = bucket.encryptionKey?.grantDecrypt(grantee);
  return key ? grant.combine(key) : grant;
}

/**
 * Grants writing objects under `prefixes` of `bucket`: `s3:PutObject` (and
 * `s3:AbortMultipartUpload`, for large uploads, unless turned off) on
 * `bucket/<prefix>*`, `s3:ListBucket` on the bucket for those prefixes only
 * (unless `list` is false), and encrypting with the bucket's KMS key, if it has one
 * (`grantKeyEncrypt`).
 *
 * @param prefixes key prefixes ('' for the whole bucket)
 */
export function grantPrefixWrite(
  grantee: iam.IGrantable, bucket: s3.IBucket, prefixes: string | string[], options: PrefixGrantOptions = {},
): iam.Grant {
  const actions = (options.abortMultipartUpload ?? true) ? ['s3:PutObject', 's3:AbortMultipartUpload'] : ['s3:PutObject'];
  const grant = grantPrefix(grantee, bucket, prefixes, actions, options);
  const key = bucket.encryptionKey ? grantKeyEncrypt(grantee, bucket.encryptionKey) : undefined;
  return key ? grant.combine(key) : grant;
}

/**
 * Grants reading exactly one object (a model's `model.tar.gz`): `s3:GetObject`
 * on `bucket/<key>`, no listing, and decrypting with the bucket's KMS key, if it has one.
 */
export function grantObjectRead(grantee: iam.IGrantable, bucket: s3.IBucket, key: string): iam.Grant {
  const grant = iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [bucket.arnForObjects(key)] });
  const decrypt = bucket.encryptionKey?.grantDecrypt(grantee);
  return decrypt ? grant.combine(decrypt) : grant;
}

/**
 * Grants `s3:ListBucket` on `bucket` for listings whose prefix matches one of
 * `patterns` (`s3:prefix`, StringLike).
 */
export function grantPrefixList(grantee: iam.IGrantable, bucket: s3.IBucket, patterns: string[]): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:ListBucket'],
    resourceArns: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': patterns } },
  });
}

/**
 * What writing SSE-KMS objects takes, named one by one: `grantEncrypt` would add
 * `kms:ReEncrypt*` and `kms:GenerateDataKey*`, wildcards never needed here.
 * Multipart uploads to an SSE-KMS bucket take `kms:Decrypt` as well as
 * `kms:GenerateDataKey` (Amazon S3 user guide, "Multipart upload API and permissions").
 */
export function grantKeyEncrypt(grantee: iam.IGrantable, key: kms.IKey): iam.Grant {
  return key.grant(grantee, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');
}

function grantPrefix(
  grantee: iam.IGrantable, bucket: s3.IBucket, prefixes: string | string[], actions: string[], options: PrefixGrantOptions,
): iam.Grant {
  const all = typeof prefixes === 'string' ? [prefixes] : prefixes;
  const objects = iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: all.map((p) => bucket.arnForObjects(`${p}*`)),
  });
  const where = all.map((p) => (p === '' ? 'the whole bucket' : p)).join(', ');
  explainGrantWildcards(grantee, objects, options.reason
    ?? `object access is limited to ${where}; the object keys under it are chosen at run time (by SageMaker or the writer)`);
  if (!(options.list ?? true)) {
    return objects;
  }
  // ListBucket (ListObjectsV2) authorizes on the bucket; the s3:prefix condition key limits it to
  // listings of these prefixes (IAM user guide, "Amazon S3: Allows IAM users access to their S3 home
  // directory": "StringLike": {"s3:prefix": ["home/${aws:username}/*"]}). A listing without a prefix
  // has no s3:prefix key, which fails the condition: for the whole bucket ('') it is left out.
  const listing = all.some((p) => p === '')
    ? iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn] })
    : grantPrefixList(grantee, bucket, all.map((p) => `${p}*`));
  return objects.combine(listing);
}
