import { Duration, Size, Token } from 'aws-cdk-lib';
import { checkInteger } from '../../private/validate';
import { JobNetworkOptions } from '../jobs/common';

/** `VpcConfig` of a job, or undefined outside a VPC. */
export function renderJobVpcConfig(property: string, network: JobNetworkOptions | undefined) {
  const groups = network?.securityGroups;
  const subnets = network?.subnets;
  if ((groups === undefined) !== (subnets === undefined)) {
    throw new Error(`${property} has ${groups ? 'securityGroups' : 'subnets'} but no ${groups ? 'subnets' : 'securityGroups'}: `
      + 'a job in a VPC needs both, give both or neither');
  }
  if (!groups || !subnets) {
    return undefined;
  }
  return { SecurityGroupIds: groups.map((g) => g.securityGroupId), Subnets: subnets.map((s) => s.subnetId) };
}

/** A volume size in whole GiB, checked against the API's range. */
export function volumeSizeInGb(property: string, size: Size | undefined, defaultGb: number, maxGb: number): number {
  const gb = size === undefined ? defaultGb : size.toGibibytes();
  if (!Token.isUnresolved(gb)) {
    checkInteger(`${property} (GiB)`, gb, 1, maxGb);
  }
  return gb;
}

/** A run time in whole seconds, checked against the API's range. */
export function runtimeSeconds(property: string, duration: Duration, maxSeconds: number, fix: string): number {
  if (!duration.isUnresolved()) {
    checkInteger(`${property} (seconds)`, duration.toSeconds(), 1, maxSeconds, fix);
    return duration.toSeconds();
  }
  try {
    return duration.toSeconds();
  } catch {
    // Duration.hours(token).toSeconds() throws: a token cannot be converted between units.
    throw new Error(`${property} must be given with Duration.seconds() when its value is a token (got a token in another unit): `
      + 'a token cannot be converted between units at synth time; write Duration.seconds(parameter.valueAsNumber)');
  }
}
