import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * What an image gives the construct that uses it.
 */
export interface SageMakerImageConfig {
  /**
   * The image URI that SageMaker pulls, `<registry>/<repository>:<tag>` or `@<digest>`.
   */
  readonly imageUri: string;
}

/**
 * A container image that SageMaker can run: a `CustomTrainingImage`, an AWS
 * Deep Learning Container, or any image in ECR.
 *
 * `TrainingPipeline` and `ModelEndpoint` accept this interface; they bind the
 * image to the role that SageMaker assumes, and the image grants that role
 * exactly what it needs to pull it.
 */
export interface ISageMakerImage {
  /**
   * Binds the image to the construct that uses it.
   *
   * @param scope the construct that uses the image (assets and mappings are created in its stack)
   * @param grantee the role SageMaker assumes to pull the image; it is granted pull access
   */
  bind(scope: Construct, grantee: iam.IGrantable): SageMakerImageConfig;
}
