import { Token } from 'aws-cdk-lib';

// Docker reference grammar (distribution/reference): a tag is [\w][\w.-]{0,127};
// a digest here is the sha256 form that ECR and buildx report.
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';
const TAG = new RegExp(IMAGE_TAG_PATTERN);
const DIGEST = /^sha256:[a-f0-9]{64}$/;
// ECR CreateRepository: 2-256 characters, lowercase path components separated by '/'.
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\/)*[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Throws unless the concrete value is an image tag or a sha256 digest. */
export function checkImageReference(property: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!TAG.test(value) && !DIGEST.test(value)) {
    throw new Error(`${property} '${value}' is neither an image tag nor a digest: `
      + 'use a tag of letters, digits, _, . and - (at most 128, not starting with . or -), '
      + "or a digest 'sha256:' followed by 64 lowercase hex digits");
  }
}

/** Throws unless the concrete value is a valid ECR repository name. */
export function checkRepositoryName(property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!REPOSITORY_NAME.test(value)) {
    throw new Error(`${property} '${value}' is not a valid ECR repository name: `
      + "use 2-256 lowercase letters, digits and the separators . _ - between them, with '/' for namespaces (e.g. 'ml/trainer')");
  }
}
