import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as assets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DeepLearningContainer, DeepLearningContainerProps } from './deep-learning-container';
import { ISageMakerImage, SageMakerImageConfig } from './image';
import { checkOptional, checkRequired, checkStruct, isMap, isRepository, isString } from './private/input';
import { checkImageReference } from './private/reference';
import { grantEcrPull } from '../private/ecr';

/**
 * Options for an image built from a local directory at deploy time.
 */
export interface AssetImageOptions {
  /**
   * Build arguments passed to `docker build`.
   *
   * @default - none
   */
  readonly buildArgs?: { [key: string]: string };

  /**
   * The Dockerfile stage to build.
   *
   * @default - the last stage
   */
  readonly target?: string;

  /**
   * The Dockerfile, relative to the directory.
   *
   * @default 'Dockerfile'
   */
  readonly file?: string;

  /**
   * The platform to build for. SageMaker instances run `linux/amd64`
   * (Graviton `ml.*g` instances run `linux/arm64`).
   *
   * @default Platform.LINUX_AMD64
   */
  readonly platform?: assets.Platform;
}

/**
 * Where an image comes from, other than a `CustomTrainingImage` pushed by CI
 * (which is an `ISageMakerImage` itself).
 *
 * @example
 * // an image that a laptop deploy builds and publishes to the CDK asset repository
 * const local = SageMakerImage.fromAsset('container', {
 *   buildArgs: { BASE_IMAGE: 'python:3.11-slim' },
 * });
 *
 * // an image that already sits in some repository
 * declare const repository: ecr.IRepository;
 * const pinned = SageMakerImage.fromEcrRepository(repository, 'sha256:' + 'a'.repeat(64));
 */
export abstract class SageMakerImage implements ISageMakerImage {
  /**
   * An image in an existing ECR repository, by tag or digest.
   *
   * @param repository the repository
   * @param tagOrDigest a tag, or a digest `sha256:...` (pins the exact image)
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest: string): ISageMakerImage {
    checkRequired('sageMakerImage.fromEcrRepository repository', repository, isRepository, 'an ecr.IRepository',
      "ecr.Repository.fromRepositoryName(this, 'Repo', 'serving')");
    checkRequired('sageMakerImage.fromEcrRepository tagOrDigest', tagOrDigest, isString, 'a string', "'v1' or 'sha256:...'");
    checkImageReference('sageMakerImage.fromEcrRepository tagOrDigest', tagOrDigest);
    return new EcrRepositoryImage(repository, tagOrDigest);
  }

  /**
   * An image built from a local directory at deploy time and published to the
   * CDK bootstrap asset repository (`cdk deploy` needs Docker; synthesis does not build).
   *
   * @param directory the build context, with a Dockerfile
   * @param options build options
   */
  public static fromAsset(directory: string, options: AssetImageOptions = {}): ISageMakerImage {
    const what = 'sageMakerImage.fromAsset';
    checkRequired(`${what} directory`, directory, isString, 'a string', "'container'");
    checkStruct(`${what} options`, options, true, "{ file: 'Dockerfile' }");
    checkOptional(`${what} buildArgs`, options.buildArgs, isMap, 'a map of strings', "{ BASE_IMAGE: 'python:3.11-slim' }");
    for (const [name, value] of Object.entries(options.buildArgs ?? {})) {
      checkRequired(`${what} buildArgs ${name}`, value, isString, 'a string', "'python:3.11-slim'");
    }
    checkOptional(`${what} target`, options.target, isString, 'a string', "'serve'");
    checkOptional(`${what} file`, options.file, isString, 'a string', "'Dockerfile'");
    checkOptional(`${what} platform`, options.platform, (v) => typeof v?.platform === 'string', 'an ecr-assets Platform', 'Platform.LINUX_AMD64');
    return new AssetImage(directory, options);
  }

  /**
   * An AWS Deep Learning Container, looked up in the published image table.
   */
  public static fromDeepLearningContainer(props: DeepLearningContainerProps): ISageMakerImage {
    checkStruct('sageMakerImage.fromDeepLearningContainer props', props, false, "{ framework: DlcFramework.PYTORCH, version: '2.6', scope: DlcScope.INFERENCE }");
    return DeepLearningContainer.fromFramework(props);
  }

  protected constructor() {}

  /** Binds the image to its user and grants the grantee pull access. */
  public abstract bind(scope: Construct, grantee: iam.IGrantable): SageMakerImageConfig;
}

class EcrRepositoryImage extends SageMakerImage {
  constructor(private readonly repository: ecr.IRepository, private readonly tagOrDigest: string) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): SageMakerImageConfig {
    void scope; // an existing repository creates nothing in the user's stack
    grantEcrPull(grantee, this.repository);
    return { imageUri: this.repository.repositoryUriForTagOrDigest(this.tagOrDigest) };
  }
}

class AssetImage extends SageMakerImage {
  private asset?: assets.DockerImageAsset;

  constructor(private readonly directory: string, private readonly options: AssetImageOptions) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): SageMakerImageConfig {
    // One asset however many roles the image is bound to.
    if (!this.asset) {
      this.asset = new assets.DockerImageAsset(scope, 'ImageAsset', {
        directory: this.directory,
        buildArgs: this.options.buildArgs,
        target: this.options.target,
        file: this.options.file,
        platform: this.options.platform ?? assets.Platform.LINUX_AMD64,
      });
    }
    grantEcrPull(grantee, this.asset.repository);
    return { imageUri: this.asset.imageUri };
  }
}
