import { TrainingInstanceGroup } from '../../pipeline';
import { isGpuInstanceType } from '../../private/instance-type';
import { Distribution, DistributionLauncher } from '../distribution';

/**
 * The instance types SMDDP runs on: `SM_DATAPARALLEL_SUPPORTED_INSTANCE_TYPES` in the SageMaker
 * Python SDK (`sagemaker/fw_utils.py`, v2.257), which the developer guide's "Supported frameworks,
 * AWS Regions, and instances types" page for the SMDDP library matches (P3, P3dn, P4d, P4de; no P5 or G).
 */
export const SMDDP_INSTANCE_TYPES = ['ml.p3.16xlarge', 'ml.p3dn.24xlarge', 'ml.p4d.24xlarge', 'ml.p4de.24xlarge'];

/** The cluster a distribution runs on, as the training options give it (literals; undefined where unknown). */
export interface DistributionCluster {
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly instanceGroups?: TrainingInstanceGroup[];
}

/** Whether an instance type has accelerators a launcher starts one process per device on (NVIDIA GPUs, Trainium). */
function accelerated(instanceType: string): boolean {
  return isGpuInstanceType(instanceType) || /^ml\.trn\d/.test(instanceType);
}

/**
 * The hyperparameters the framework containers read for `distribution`, JSON-encoded as the
 * SageMaker Python SDK writes them (`EstimatorBase._json_encode_hyperparameters`), after checking
 * the launcher against the cluster.
 */
export function renderDistribution(p: string, d: Distribution, cluster: DistributionCluster): { [name: string]: string } {
  const groups = cluster.instanceGroups;
  let instanceType = cluster.instanceType;
  let instanceCount = cluster.instanceCount;
  if (groups) {
    if (d.instanceGroup === undefined) {
      throw new Error(`${p} distribution has no instanceGroup, but training.instanceGroups makes a heterogeneous cluster: `
        + `name the one group that runs the distributed job (one of ${groups.map((g) => g.groupName).join(', ')})`);
    }
    const group = groups.find((g) => g.groupName === d.instanceGroup);
    if (!group) {
      throw new Error(`${p} distribution instanceGroup '${d.instanceGroup}' is not a group of training.instanceGroups `
        + `(${groups.map((g) => g.groupName).join(', ')}): fix the name`);
    }
    instanceType = group.instanceType.name;
    instanceCount = group.instanceCount ?? 1;
  } else if (d.instanceGroup !== undefined) {
    throw new Error(`${p} distribution instanceGroup '${d.instanceGroup}' needs training.instanceGroups: describe the groups, or drop instanceGroup`);
  }
  if (d.instanceGroup !== undefined && (d.launcher === DistributionLauncher.TORCHRUN || d.launcher === DistributionLauncher.PARAMETER_SERVER)) {
    // The developer guide's "Run distributed training on a heterogeneous cluster" lists MPI and SMDDP only.
    throw new Error(`${p} distribution ${d.launcher} with instanceGroup '${d.instanceGroup}' is not supported: SageMaker runs `
      + 'only MPI and SMDDP on one group of a heterogeneous cluster; use Distribution.mpi() or Distribution.smddp(), or drop instanceGroups');
  }
  if (d.launcher === DistributionLauncher.SMDDP && instanceType !== undefined && !SMDDP_INSTANCE_TYPES.includes(instanceType)) {
    throw new Error(`${p} distribution smddp runs only on ${SMDDP_INSTANCE_TYPES.join(', ')}, got ${instanceType}: `
      + 'pick one of those instance types, or use Distribution.torchrun()');
  }
  const multiProcess = d.launcher === DistributionLauncher.MPI && (d.processesPerHost ?? 1) > 1;
  if (instanceCount === 1 && instanceType !== undefined && !accelerated(instanceType) && !multiProcess) {
    throw new Error(`${p} distribution ${d.launcher} on a single host is not distributed, got 1 × ${instanceType}: `
      + 'raise the instance count, pick a multi-GPU instance type, or drop distribution');
  }
  const hp: { [name: string]: string } = {};
  switch (d.launcher) {
    case DistributionLauncher.TORCHRUN:
      // sagemaker/pytorch/estimator.py: LAUNCH_TORCH_DISTRIBUTED_ENV_NAME, INSTANCE_TYPE_ENV_NAME.
      hp.sagemaker_torch_distributed_enabled = 'true';
      break;
    case DistributionLauncher.MPI:
      hp.sagemaker_mpi_enabled = 'true';
      if (d.processesPerHost !== undefined) {
        hp.sagemaker_mpi_num_of_processes_per_host = String(d.processesPerHost);
      }
      hp.sagemaker_mpi_custom_mpi_options = JSON.stringify(d.customMpiOptions ?? '');
      break;
    case DistributionLauncher.SMDDP:
      hp.sagemaker_distributed_dataparallel_enabled = 'true';
      hp.sagemaker_distributed_dataparallel_custom_mpi_options = JSON.stringify(d.customMpiOptions ?? '');
      break;
    case DistributionLauncher.PARAMETER_SERVER:
      hp.sagemaker_parameter_server_enabled = 'true';
      break;
  }
  if ((d.launcher === DistributionLauncher.TORCHRUN || d.launcher === DistributionLauncher.SMDDP) && instanceType !== undefined) {
    hp.sagemaker_instance_type = JSON.stringify(instanceType);
  }
  if (d.instanceGroup !== undefined) {
    hp.sagemaker_distribution_instance_groups = JSON.stringify([d.instanceGroup]);
  }
  return hp;
}
