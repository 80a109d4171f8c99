import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * The network of a job's containers.
 */
export interface JobNetworkOptions {
  /**
   * The security groups of the job's network interfaces in a VPC (`VpcConfig`);
   * give `subnets` too. The role that runs the job needs the EC2 network
   * interface permissions (SageMaker developer guide, "Give SageMaker Access to
   * Resources in your Amazon VPC").
   *
   * @default - SageMaker's network
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The subnets of the job's network interfaces; give `securityGroups` too.
   *
   * @default - SageMaker's network
   */
  readonly subnets?: ec2.ISubnet[];

  /**
   * Block all network access of the containers (data still arrives from S3).
   *
   * @default false
   */
  readonly networkIsolation?: boolean;

  /**
   * Encrypt the traffic between the instances of a distributed job (slower).
   *
   * @default false
   */
  readonly interContainerTrafficEncryption?: boolean;
}
