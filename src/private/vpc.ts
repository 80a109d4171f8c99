import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { grantWithWildcard } from './grants';

/** Where SageMaker places the network interfaces of a job or model. */
export interface VpcPlacement {
  readonly vpc: ec2.IVpc;
  /** @default - the VPC's private subnets with egress */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** @default - one security group is created (id `SecurityGroup` under the scope), outbound only */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** The description of the security group created when none is given. */
  readonly securityGroupDescription: string;
}

/** A rendered `VpcConfig` (the keys as the SageMaker API and CloudFormation spell them) and its security groups. */
export interface RenderedVpcConfig {
  readonly config: { readonly SecurityGroupIds: string[]; readonly Subnets: string[] };
  readonly securityGroups: ec2.ISecurityGroup[];
}

/**
 * The `VpcConfig` of a SageMaker job or model, and the grant of the EC2 actions
 * SageMaker takes with `role` to create its network interfaces there
 * (SageMaker developer guide, "Give SageMaker Access to Resources in your Amazon VPC").
 */
export function renderVpcConfig(scope: Construct, role: iam.IGrantable, placement: VpcPlacement): RenderedVpcConfig {
  const securityGroups = placement.securityGroups ?? [new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: placement.vpc,
    description: placement.securityGroupDescription,
    allowAllOutbound: true,
  })];
  const subnets = placement.vpc.selectSubnets(placement.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  // A policy of its own, so that no suppression of the role's default policy ever covers a '*' resource.
  grantWithWildcard(role, {
    actions: [
      'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface',
      'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs',
      'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
    ],
    resourceArns: ['*'],
    reason: 'EC2 Describe* actions have no resource-level permissions, and the network interfaces SageMaker creates '
      + 'in the VPC do not exist yet (SageMaker developer guide, "Give SageMaker Access to Resources in your Amazon VPC")',
  });
  return {
    config: { SecurityGroupIds: securityGroups.map((sg) => sg.securityGroupId), Subnets: subnets.subnetIds },
    securityGroups,
  };
}
