import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Grants reading the objects under `prefixes` of `bucket`: `s3:GetObject` on
 * `bucket/<prefix>*`, `s3:ListBucket` on the bucket for those prefixes only,
 * and decrypting with the bucket's KMS key, if it has one.
 *
 * @param prefixes key prefixes ('' for the whole bucket)
 */
export function grantPrefixRead(grantee: iam.IGrantable, bucket: s3.IBucket, prefixes: string | string[]): iam.Grant {
  const grant = grantPrefix(grantee, bucket, prefixes, ['s3:GetObject']);
  const key = bucket.encryptionKey?.grantDecrypt(grantee);
  return key ? grant.combine(key) : grant;
}

/**
 * Grants writing objects under `prefixes` of `bucket`: `s3:PutObject` (and
 * `s3:AbortMultipartUpload`, for large uploads) on `bucket/<prefix>*`,
 * `s3:ListBucket` on the bucket for those prefixes only, and encrypting with
 * the bucket's KMS key, if it has one. Multipart uploads to an SSE-KMS bucket
 * take `kms:Decrypt` as well as `kms:GenerateDataKey` (Amazon S3 user guide,
 * "Multipart upload API and permissions").
 *
 * @param prefixes key prefixes ('' for the whole bucket)
 */
export function grantPrefixWrite(grantee: iam.IGrantable, bucket: s3.IBucket, prefixes: string | string[]): iam.Grant {
  const grant = grantPrefix(grantee, bucket, prefixes, ['s3:PutObject', 's3:AbortMultipartUpload']);
  const key = bucket.encryptionKey?.grant(grantee, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');
  return key ? grant.combine(key) : grant;
}

function grantPrefix(grantee: iam.IGrantable, bucket: s3.IBucket, prefixes: string | string[], actions: string[]): iam.Grant {
  const list = typeof prefixes === 'string' ? [prefixes] : prefixes;
  const objects = iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: list.map((p) => bucket.arnForObjects(`${p}*`)),
  });
  // ListBucket (ListObjectsV2) authorizes on the bucket; the s3:prefix condition key limits it to
  // listings of these prefixes (IAM user guide, "Amazon S3: Allows IAM users access to their S3 home
  // directory": "StringLike": {"s3:prefix": ["home/${aws:username}/*"]}). A listing without a prefix
  // has no s3:prefix key, which fails the condition: for the whole bucket ('') it is left out.
  const wholeBucket = list.some((p) => p === '');
  const listing = iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:ListBucket'],
    resourceArns: [bucket.bucketArn],
    conditions: wholeBucket ? undefined : { StringLike: { 's3:prefix': list.map((p) => `${p}*`) } },
  });
  return objects.combine(listing);
}
