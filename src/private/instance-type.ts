import { Token } from 'aws-cdk-lib';

/**
 * The one check every instance-type class runs on a name given to `.of()`:
 * SageMaker names are `ml.<family>.<size>` (CreateTrainingJob, CreateProcessingJob,
 * CreateTransformJob and CreateEndpointConfig all take the same pattern,
 * e.g. `^ml\.[a-z0-9]+\.[a-z0-9]+$` with sizes such as `24xlarge`). Tokens skip it.
 */
export function checkInstanceTypeName(property: string, name: string, example: string): void {
  if (typeof name !== 'string') {
    throw new Error(`${property} must be a string such as '${example}', got ${JSON.stringify(name)}`);
  }
  if (!Token.isUnresolved(name) && !/^ml\.[a-z0-9-]+\.[a-z0-9-]+$/.test(name)) {
    throw new Error(`${property} '${name}' is not a SageMaker instance type: give 'ml.<family>.<size>', e.g. '${example}'`);
  }
}

/** Whether a SageMaker instance type has NVIDIA GPUs (the g and p families). */
export function isGpuInstanceType(name: string): boolean {
  return /^ml\.(g|p)\d/.test(name);
}
