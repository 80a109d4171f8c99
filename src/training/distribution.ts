import { checkInteger } from '../private/validate';

/**
 * The launchers of AWS's framework containers.
 */
export enum DistributionLauncher {
  /** `torchrun` (PyTorch DDP and FSDP): `sagemaker_torch_distributed_enabled`. */
  TORCHRUN = 'torchrun',
  /** `mpirun` (Horovod, MPI-based jobs): `sagemaker_mpi_enabled`. */
  MPI = 'mpi',
  /** The SageMaker distributed data parallel library (SMDDP): `sagemaker_distributed_dataparallel_enabled`. */
  SMDDP = 'smddp',
  /** TensorFlow parameter servers: `sagemaker_parameter_server_enabled`. */
  PARAMETER_SERVER = 'parameterServer',
}

/**
 * Options every launcher takes.
 */
export interface DistributionOptions {
  /**
   * In a heterogeneous cluster (`training.instanceGroups`), the one instance
   * group that runs the distributed job (`sagemaker_distribution_instance_groups`;
   * SageMaker takes one group). MPI and SMDDP only.
   *
   * @default - every host (required with `instanceGroups`)
   */
  readonly instanceGroup?: string;
}

/**
 * Options of the MPI launcher.
 */
export interface MpiDistributionOptions extends DistributionOptions {
  /**
   * Processes started on each host (`sagemaker_mpi_num_of_processes_per_host`), usually one per GPU.
   *
   * @default - the container's default (one)
   */
  readonly processesPerHost?: number;

  /**
   * More `mpirun` options (`sagemaker_mpi_custom_mpi_options`), e.g. `-x NCCL_DEBUG=WARN`.
   *
   * @default - none
   */
  readonly customMpiOptions?: string;
}

/**
 * Options of the SageMaker distributed data parallel launcher.
 */
export interface SmddpDistributionOptions extends DistributionOptions {
  /**
   * More `mpirun` options (`sagemaker_distributed_dataparallel_custom_mpi_options`).
   *
   * @default - none
   */
  readonly customMpiOptions?: string;
}

/**
 * How the framework container launches a distributed job. It renders the
 * hyperparameters that AWS's framework containers read (the names the
 * SageMaker Python SDK writes: `sagemaker/estimator.py` `Framework` and
 * `sagemaker/pytorch/estimator.py`), and is checked against the cluster.
 *
 * With a distribution, the instance type and count are fixed at deploy time
 * (no `TrainingInstanceType`/`TrainingInstanceCount` parameters): the
 * launcher's settings are checked against them, and SMDDP and torchrun read
 * the instance type.
 *
 * @example
 * const ddp = Distribution.torchrun();
 * const horovod = Distribution.mpi({ processesPerHost: 8 });
 */
export class Distribution {
  /** `torchrun` on every host (PyTorch DDP, FSDP); the container starts one process per GPU. */
  public static torchrun(options: DistributionOptions = {}): Distribution {
    return new Distribution(DistributionLauncher.TORCHRUN, options, undefined, undefined);
  }

  /** `mpirun` across the hosts. */
  public static mpi(options: MpiDistributionOptions = {}): Distribution {
    checkInteger('distribution processesPerHost', options.processesPerHost, 1, 1024, 'give the number of processes per host, e.g. the GPUs of one instance');
    return new Distribution(DistributionLauncher.MPI, options, options.processesPerHost, options.customMpiOptions);
  }

  /** The SageMaker distributed data parallel library (only on the instance types AWS lists for it). */
  public static smddp(options: SmddpDistributionOptions = {}): Distribution {
    return new Distribution(DistributionLauncher.SMDDP, options, undefined, options.customMpiOptions);
  }

  /** TensorFlow parameter servers, one per host. */
  public static parameterServer(options: DistributionOptions = {}): Distribution {
    return new Distribution(DistributionLauncher.PARAMETER_SERVER, options, undefined, undefined);
  }

  /** The launcher. */
  public readonly launcher: DistributionLauncher;

  /**
   * The instance group that runs the job.
   *
   * @default - every host
   */
  public readonly instanceGroup?: string;

  /**
   * MPI processes per host.
   *
   * @default - the container's default
   */
  public readonly processesPerHost?: number;

  /**
   * More `mpirun` options.
   *
   * @default - none
   */
  public readonly customMpiOptions?: string;

  private constructor(launcher: DistributionLauncher, options: DistributionOptions, processesPerHost: number | undefined,
    customMpiOptions: string | undefined) {
    this.launcher = launcher;
    this.instanceGroup = options.instanceGroup;
    this.processesPerHost = processesPerHost;
    this.customMpiOptions = customMpiOptions;
  }
}
