import { Token } from 'aws-cdk-lib';

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
    if (!Token.isUnresolved(instanceType) && !/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(instanceType)) {
      throw new Error(`trainingInstanceType '${instanceType}' is not a SageMaker instance type: give 'ml.<family>.<size>', e.g. 'ml.g5.xlarge'`);
    }
    return new TrainingInstanceType(instanceType);
  }

  /** The instance type's name, e.g. `ml.m5.xlarge`. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** Whether the type has NVIDIA GPUs (`ml.g*`, `ml.p*`). */
  public get isGpu(): boolean {
    return /^ml\.(g|p)\d/.test(this.name);
  }

  /** The name. */
  public toString(): string {
    return this.name;
  }
}
