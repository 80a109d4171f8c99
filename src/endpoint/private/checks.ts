import { Token } from 'aws-cdk-lib';

/** SageMaker names of endpoints and variants (CreateEndpoint, ProductionVariant). */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Checks an endpoint or variant name; `property` names the owner and the property. */
export function checkName(property: string, name: string): void {
  if (!Token.isUnresolved(name) && !NAME.test(name)) {
    throw new Error(`${property} '${name}' is not a SageMaker name: 1-63 letters, digits and single hyphens, `
      + 'starting and ending with a letter or digit');
  }
}

export function checkEnvironment(environment?: { [name: string]: string }): void {
  const entries = Object.entries(environment ?? {});
  // ContainerDefinition Environment: at most 100 entries, keys up to 1024 characters matching [a-zA-Z_][a-zA-Z0-9_]*.
  if (entries.length > 100) {
    throw new Error(`modelEndpoint environment has ${entries.length} variables: SageMaker accepts at most 100`);
  }
  for (const [name] of entries) {
    if (!Token.isUnresolved(name) && (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.length > 1024)) {
      throw new Error(`modelEndpoint environment variable name '${name}' is invalid: use letters, digits and _, not starting with a digit`);
    }
  }
}

/**
 * A framework container whose code is an S3 URI downloads it itself at start-up, which
 * network isolation forbids (no outbound calls, no credentials).
 */
export function checkIsolatedEnvironment(networkIsolation: boolean, environment?: { [name: string]: string }): void {
  const submit = environment?.SAGEMAKER_SUBMIT_DIRECTORY;
  if (networkIsolation && submit !== undefined && !Token.isUnresolved(submit) && submit.startsWith('s3://')) {
    throw new Error(`modelEndpoint environment SAGEMAKER_SUBMIT_DIRECTORY is '${submit}', which the container downloads itself, but `
      + 'network isolation (on by default) forbids outbound calls: pack the code into the model data (code/ in model.tar.gz, '
      + "SAGEMAKER_SUBMIT_DIRECTORY '/opt/ml/model/code'), or set networkIsolation to false");
  }
}
