import { checkRequired, isString } from '../image/private/input';
import { checkInstanceTypeName, isGpuInstanceType } from '../private/instance-type';

/*
 * One instance-type class per job family, all validated by one check
 * (private/instance-type.ts). They live in the pipeline layer so that
 * training, endpoints and, later, monitoring can all use them.
 */

/**
 * An instance type for SageMaker training and processing jobs (`ml.*`).
 *
 * The constants are common CPU and GPU types; `TrainingInstanceType.of()`
 * takes any other. Not every type is offered in every region or for spot
 * training: check the SageMaker pricing page for the region.
 *
 * @example
 * const gpu = TrainingInstanceType.ML_G5_2XLARGE;
 * const newer = TrainingInstanceType.of('ml.g6e.12xlarge');
 */
export class TrainingInstanceType {
  // General purpose (CPU)
  /** ml.m5.large: 2 vCPU, 8 GiB. */
  public static readonly ML_M5_LARGE = new TrainingInstanceType('ml.m5.large');
  /** ml.m5.xlarge: 4 vCPU, 16 GiB. */
  public static readonly ML_M5_XLARGE = new TrainingInstanceType('ml.m5.xlarge');
  /** ml.m5.2xlarge: 8 vCPU, 32 GiB. */
  public static readonly ML_M5_2XLARGE = new TrainingInstanceType('ml.m5.2xlarge');
  /** ml.m5.4xlarge: 16 vCPU, 64 GiB. */
  public static readonly ML_M5_4XLARGE = new TrainingInstanceType('ml.m5.4xlarge');
  /** ml.m6i.xlarge: 4 vCPU, 16 GiB. */
  public static readonly ML_M6I_XLARGE = new TrainingInstanceType('ml.m6i.xlarge');
  /** ml.m6i.2xlarge: 8 vCPU, 32 GiB. */
  public static readonly ML_M6I_2XLARGE = new TrainingInstanceType('ml.m6i.2xlarge');
  // Compute optimized (CPU)
  /** ml.c5.xlarge: 4 vCPU, 8 GiB. */
  public static readonly ML_C5_XLARGE = new TrainingInstanceType('ml.c5.xlarge');
  /** ml.c5.2xlarge: 8 vCPU, 16 GiB. */
  public static readonly ML_C5_2XLARGE = new TrainingInstanceType('ml.c5.2xlarge');
  /** ml.c6i.4xlarge: 16 vCPU, 32 GiB. */
  public static readonly ML_C6I_4XLARGE = new TrainingInstanceType('ml.c6i.4xlarge');
  // GPU
  /** ml.g4dn.xlarge: 1 NVIDIA T4. */
  public static readonly ML_G4DN_XLARGE = new TrainingInstanceType('ml.g4dn.xlarge');
  /** ml.g4dn.12xlarge: 4 NVIDIA T4. */
  public static readonly ML_G4DN_12XLARGE = new TrainingInstanceType('ml.g4dn.12xlarge');
  /** ml.g5.xlarge: 1 NVIDIA A10G. */
  public static readonly ML_G5_XLARGE = new TrainingInstanceType('ml.g5.xlarge');
  /** ml.g5.2xlarge: 1 NVIDIA A10G. */
  public static readonly ML_G5_2XLARGE = new TrainingInstanceType('ml.g5.2xlarge');
  /** ml.g5.12xlarge: 4 NVIDIA A10G. */
  public static readonly ML_G5_12XLARGE = new TrainingInstanceType('ml.g5.12xlarge');
  /** ml.g5.48xlarge: 8 NVIDIA A10G. */
  public static readonly ML_G5_48XLARGE = new TrainingInstanceType('ml.g5.48xlarge');
  /** ml.g6.xlarge: 1 NVIDIA L4. */
  public static readonly ML_G6_XLARGE = new TrainingInstanceType('ml.g6.xlarge');
  /** ml.g6e.xlarge: 1 NVIDIA L40S. */
  public static readonly ML_G6E_XLARGE = new TrainingInstanceType('ml.g6e.xlarge');
  /** ml.p3.2xlarge: 1 NVIDIA V100. */
  public static readonly ML_P3_2XLARGE = new TrainingInstanceType('ml.p3.2xlarge');
  /** ml.p4d.24xlarge: 8 NVIDIA A100, EFA. */
  public static readonly ML_P4D_24XLARGE = new TrainingInstanceType('ml.p4d.24xlarge');
  /** ml.p5.48xlarge: 8 NVIDIA H100, EFA. */
  public static readonly ML_P5_48XLARGE = new TrainingInstanceType('ml.p5.48xlarge');
  // Accelerators
  /** ml.trn1.32xlarge: 16 AWS Trainium. */
  public static readonly ML_TRN1_32XLARGE = new TrainingInstanceType('ml.trn1.32xlarge');

  /**
   * Any instance type, e.g. `ml.g6e.12xlarge`.
   *
   * @param instanceType `ml.<family>.<size>`
   */
  public static of(instanceType: string): TrainingInstanceType {
    checkRequired('trainingInstanceType.of instanceType', instanceType, isString, 'a string', "'ml.g5.xlarge'");
    checkInstanceTypeName('trainingInstanceType', instanceType, 'ml.g5.xlarge');
    return new TrainingInstanceType(instanceType);
  }

  /** The instance type's name, e.g. `ml.m5.xlarge`. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** Whether the type has NVIDIA GPUs (`ml.g*`, `ml.p*`). */
  public get isGpu(): boolean {
    return isGpuInstanceType(this.name);
  }

  /** The name. */
  public toString(): string {
    return this.name;
  }
}

/**
 * An ML instance type that hosts a real-time or asynchronous endpoint, or
 * runs a batch transform.
 *
 * The constants are the common choices; `InferenceInstanceType.of()` takes any
 * other type SageMaker offers in the region.
 *
 * @example
 * const cpu = EndpointMode.realtime({ instanceType: InferenceInstanceType.ML_C5_XLARGE });
 * // a type without a constant yet
 * const gpu = EndpointMode.realtime({ instanceType: InferenceInstanceType.of('ml.g6e.xlarge') });
 */
export class InferenceInstanceType {
  /** 2 vCPU, 4 GiB, burstable: development only (no autoscaling). */
  public static readonly ML_T2_MEDIUM = new InferenceInstanceType('ml.t2.medium');
  /** 2 vCPU, 8 GiB, general purpose. */
  public static readonly ML_M5_LARGE = new InferenceInstanceType('ml.m5.large');
  /** 4 vCPU, 16 GiB, general purpose. */
  public static readonly ML_M5_XLARGE = new InferenceInstanceType('ml.m5.xlarge');
  /** 2 vCPU, 8 GiB, general purpose (Intel Ice Lake). */
  public static readonly ML_M6I_LARGE = new InferenceInstanceType('ml.m6i.large');
  /** 2 vCPU, 4 GiB, compute optimized. */
  public static readonly ML_C5_LARGE = new InferenceInstanceType('ml.c5.large');
  /** 4 vCPU, 8 GiB, compute optimized. */
  public static readonly ML_C5_XLARGE = new InferenceInstanceType('ml.c5.xlarge');
  /** 2 vCPU, 4 GiB, compute optimized (Graviton, arm64 images). */
  public static readonly ML_C7G_LARGE = new InferenceInstanceType('ml.c7g.large');
  /** 1 NVIDIA T4 GPU, 4 vCPU, 16 GiB. */
  public static readonly ML_G4DN_XLARGE = new InferenceInstanceType('ml.g4dn.xlarge');
  /** 1 NVIDIA A10G GPU, 4 vCPU, 16 GiB. */
  public static readonly ML_G5_XLARGE = new InferenceInstanceType('ml.g5.xlarge');
  /** 1 NVIDIA L4 GPU, 4 vCPU, 16 GiB. */
  public static readonly ML_G6_XLARGE = new InferenceInstanceType('ml.g6.xlarge');
  /** 1 AWS Inferentia2 chip, 4 vCPU, 16 GiB. */
  public static readonly ML_INF2_XLARGE = new InferenceInstanceType('ml.inf2.xlarge');

  /**
   * Any instance type, by its SageMaker name (`ml.<family>.<size>`); a token
   * (e.g. a `CfnParameter`) is checked by SageMaker at deploy time.
   *
   * @param name the name, e.g. `ml.g6e.xlarge`
   */
  public static of(name: string): InferenceInstanceType {
    checkRequired('inferenceInstanceType.of name', name, isString, 'a string', "'ml.g6e.xlarge'");
    checkInstanceTypeName('inferenceInstanceType', name, 'ml.g6e.xlarge');
    return new InferenceInstanceType(name);
  }

  /** The SageMaker name, e.g. `ml.m5.large`. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /**
   * Whether the type is burstable (`ml.t*`): its CPU credits make
   * autoscaling on invocations meaningless, so autoscaling refuses it.
   */
  public get isBurstable(): boolean {
    return /^ml\.t\d/.test(this.name);
  }

  /** Whether the type has NVIDIA GPUs (`ml.g*`, `ml.p*`). */
  public get isGpu(): boolean {
    return isGpuInstanceType(this.name);
  }

  /** The name. */
  public toString(): string {
    return this.name;
  }
}

/**
 * An ML instance type that runs a processing job (data preparation,
 * evaluation, monitoring checks).
 *
 * @example
 * const type = ProcessingInstanceType.of('ml.m5.xlarge');
 */
export class ProcessingInstanceType {
  /** ml.t3.medium: 2 vCPU, 4 GiB, burstable. */
  public static readonly ML_T3_MEDIUM = new ProcessingInstanceType('ml.t3.medium');
  /** ml.m5.large: 2 vCPU, 8 GiB. */
  public static readonly ML_M5_LARGE = new ProcessingInstanceType('ml.m5.large');
  /** ml.m5.xlarge: 4 vCPU, 16 GiB. */
  public static readonly ML_M5_XLARGE = new ProcessingInstanceType('ml.m5.xlarge');
  /** ml.m5.4xlarge: 16 vCPU, 64 GiB. */
  public static readonly ML_M5_4XLARGE = new ProcessingInstanceType('ml.m5.4xlarge');
  /** ml.c5.xlarge: 4 vCPU, 8 GiB. */
  public static readonly ML_C5_XLARGE = new ProcessingInstanceType('ml.c5.xlarge');
  /** ml.g4dn.xlarge: 1 NVIDIA T4. */
  public static readonly ML_G4DN_XLARGE = new ProcessingInstanceType('ml.g4dn.xlarge');
  /** ml.g5.xlarge: 1 NVIDIA A10G. */
  public static readonly ML_G5_XLARGE = new ProcessingInstanceType('ml.g5.xlarge');

  /**
   * An instance type without a constant here.
   *
   * @param name the SageMaker name, `ml.<family>.<size>`
   */
  public static of(name: string): ProcessingInstanceType {
    checkRequired('processingInstanceType.of name', name, isString, 'a string', "'ml.m5.xlarge'");
    checkInstanceTypeName('processingInstanceType', name, 'ml.m5.xlarge');
    return new ProcessingInstanceType(name);
  }

  /** The SageMaker name, e.g. `ml.m5.xlarge`. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** Whether the type has NVIDIA GPUs. */
  public get isGpu(): boolean {
    return isGpuInstanceType(this.name);
  }

  /** The SageMaker name. */
  public toString(): string {
    return this.name;
  }
}
