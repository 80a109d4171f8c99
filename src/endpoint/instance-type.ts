import { Token } from 'aws-cdk-lib';

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
    if (!Token.isUnresolved(name) && !/^ml\.[a-z0-9-]+\.[a-z0-9-]+$/.test(name)) {
      throw new Error(`inferenceInstanceType '${name}' is not a SageMaker instance type: give 'ml.<family>.<size>', e.g. 'ml.g6e.xlarge'`);
    }
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
    return /^ml\.(g|p)\d/.test(this.name);
  }

  /** The name. */
  public toString(): string {
    return this.name;
  }
}
