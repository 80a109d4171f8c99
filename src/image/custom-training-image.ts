import { CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { IBuildableImage } from './buildable-image';
import { DeepLearningContainer } from './deep-learning-container';
import { ISageMakerImage, SageMakerImageConfig } from './image';
import { checkFinite, checkOptional, checkStruct, isBoolean, isDuration, isKey, isRepository, isString } from './private/input';
import { checkImageReference, checkRepositoryName, IMAGE_TAG_PATTERN } from './private/reference';
import { ECR_PUSH_ACTIONS, grantEcrAuthorizationToken, grantEcrPull } from '../private/ecr';
import { cacheLogicalIds } from '../private/logical-id';
import { addCheckovSkip } from '../private/nag';
import { checkInteger } from '../private/validate';

/**
 * Properties of a `CustomTrainingImage`.
 */
export interface CustomTrainingImageProps {
  /**
   * An existing repository to adopt instead of creating one.
   *
   * An adopted repository is used as it is: its scanning, lifecycle, tag
   * mutability, encryption and removal policy stay the owner's, so the
   * options that configure a new repository cannot be given with it.
   *
   * @default - a dedicated repository is created
   */
  readonly repository?: ecr.IRepository;

  /**
   * A physical name for the new repository.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly repositoryName?: string;

  /**
   * The tag (a git SHA, say) or digest (`sha256:...`) that SageMaker runs.
   *
   * @default - chosen at deploy time: a CloudFormation parameter named after this
   * construct's id (`<Id>ImageTag`, default value `latest`), which the generated
   * GitHub workflow sets to the pushed git SHA with `cdk deploy --parameters`
   */
  readonly imageTag?: string;

  /**
   * The tag that the GitHub workflow's buildx registry cache writes to.
   *
   * It is the one tag that stays mutable and that the lifecycle never expires.
   *
   * @default 'buildcache'
   */
  readonly cacheTag?: string;

  /**
   * How many release images (tagged, other than the cache tag) the lifecycle keeps.
   *
   * @default 30
   */
  readonly maxReleaseImages?: number;

  /**
   * How long untagged images (superseded cache layers, failed pushes) are kept.
   *
   * @default Duration.days(7)
   */
  readonly untaggedImageExpiry?: Duration;

  /**
   * A customer-managed KMS key that encrypts the repository.
   *
   * @default - AES-256 encryption with an AWS-owned key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the repository when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Delete the images with the repository. Only together with `RemovalPolicy.DESTROY`.
   *
   * @default false
   */
  readonly emptyOnDelete?: boolean;

  /**
   * The AWS Deep Learning Container that the Dockerfile builds `FROM`.
   *
   * The GitHub workflow logs in to its registry, grants its build role
   * pulling it, and passes it as the `BASE_IMAGE` build argument.
   *
   * @default - the Dockerfile's base needs no AWS registry
   */
  readonly baseImage?: DeepLearningContainer;
}

/**
 * The custom container's home in ECR: pushed by GitHub, pulled by SageMaker.
 *
 * It creates (or adopts) a dedicated repository that scans on push, keeps the
 * last `maxReleaseImages` release tags, expires untagged images, never
 * expires the build-cache tag, and makes release tags immutable while the
 * cache tag stays writable. It is an `ISageMakerImage`: `TrainingPipeline` and
 * `ModelEndpoint` take it as their image; and an `IBuildableImage`:
 * `GitHubWorkflow` builds and pushes it.
 *
 * @example
 * const image = new CustomTrainingImage(this, 'TrainingImage', {
 *   maxReleaseImages: 20,
 * });
 *
 * // the role a GitHub Actions job assumes may pull and push (the registry cache is read too)
 * declare const buildRole: iam.IRole;
 * image.grantPullPush(buildRole);
 */
export class CustomTrainingImage extends Construct implements ISageMakerImage, IBuildableImage {
  /** The repository the image lives in. */
  public readonly repository: ecr.IRepository;

  /** The tag or digest SageMaker runs (a parameter reference unless `imageTag` was given). */
  public readonly imageTag: string;

  /** The image URI SageMaker pulls. */
  public readonly imageUri: string;

  /** The mutable tag of the buildx registry cache. */
  public readonly cacheTag: string;

  /**
   * The deploy-time parameter that holds the tag.
   *
   * @default - none when `imageTag` was given
   */
  public readonly imageTagParameter?: CfnParameter;

  /**
   * The Deep Learning Container the Dockerfile builds from.
   *
   * @default - none
   */
  public readonly baseImage?: DeepLearningContainer;

  constructor(scope: Construct, id: string, props: CustomTrainingImageProps = {}) {
    super(scope, id);
    checkProps(props);

    this.cacheTag = props.cacheTag ?? 'buildcache';
    checkImageReference('customTrainingImage cacheTag', this.cacheTag);
    if (this.cacheTag.startsWith('sha256:')) {
      throw new Error(`customTrainingImage cacheTag '${this.cacheTag}' is a digest: give a tag such as 'buildcache'`);
    }
    this.baseImage = props.baseImage;

    if (props.repository) {
      const given = ([
        'repositoryName', 'maxReleaseImages', 'untaggedImageExpiry', 'encryptionKey', 'removalPolicy', 'emptyOnDelete',
      ] as const).filter((key) => props[key] !== undefined);
      if (given.length > 0) {
        throw new Error(`customTrainingImage ${given.join(', ')} cannot be set with an adopted repository: `
          + 'configure the existing repository itself, or drop `repository` to let this construct create one');
      }
      this.repository = props.repository;
    } else {
      this.repository = this.createRepository(props);
      cacheLogicalIds(this.repository);
    }

    if (props.imageTag !== undefined) {
      checkImageReference('customTrainingImage imageTag', props.imageTag);
      this.imageTag = props.imageTag;
    } else {
      this.imageTagParameter = new CfnParameter(this, 'ImageTag', {
        type: 'String',
        default: 'latest',
        description: `Tag of the ${this.node.path} image that SageMaker runs (the GitHub workflow passes the git SHA)`,
        allowedPattern: IMAGE_TAG_PATTERN,
        constraintDescription: 'an image tag: letters, digits, _, . and -, at most 128 characters',
      });
      // A short, predictable name so that `cdk deploy --parameters <Id>ImageTag=<sha>` works.
      const parameterName = `${id.replace(/[^A-Za-z0-9]/g, '')}ImageTag`;
      checkParameterNameFree(this, parameterName, id);
      this.imageTagParameter.overrideLogicalId(parameterName);
      this.imageTag = this.imageTagParameter.valueAsString;
    }
    this.imageUri = this.repository.repositoryUriForTagOrDigest(this.imageTag);
  }

  /**
   * Grants SageMaker's role what it needs to pull this image.
   */
  public bind(scope: Construct, grantee: iam.IGrantable): SageMakerImageConfig {
    // The URI is the same from every stack: unlike an asset or a mapping, nothing is created in `scope`.
    void scope;
    this.grantPull(grantee);
    return { imageUri: this.imageUri };
  }

  /**
   * Grants pulling images from the repository (and `ecr:GetAuthorizationToken`).
   *
   * @param grantee the principal that pulls the image
   */
  public grantPull(grantee: iam.IGrantable): iam.Grant {
    return grantEcrPull(grantee, this.repository);
  }

  /**
   * Grants pushing images to the repository (and `ecr:GetAuthorizationToken`),
   * the actions of `ecr.IRepository.grantPush`.
   *
   * @param grantee the principal that pushes the image
   */
  public grantPush(grantee: iam.IGrantable): iam.Grant {
    return grantEcrAuthorizationToken(grantee)
      .combine(this.repository.grant(grantee, 'ecr:BatchCheckLayerAvailability', ...ECR_PUSH_ACTIONS));
  }

  /**
   * Grants pulling and pushing images of the repository (and
   * `ecr:GetAuthorizationToken`), the actions of `ecr.IRepository.grantPullPush`:
   * what a build that reads and writes the buildx registry cache needs.
   *
   * The base image and `ecr:DescribeImages` are not part of it: the build job
   * of a `GitHubWorkflow` grants those itself.
   *
   * @param grantee the principal that builds and pushes the image
   */
  public grantPullPush(grantee: iam.IGrantable): iam.Grant {
    return grantEcrPull(grantee, this.repository, ...ECR_PUSH_ACTIONS);
  }

  private createRepository(props: CustomTrainingImageProps): ecr.Repository {
    checkRepositoryName('customTrainingImage repositoryName', props.repositoryName);
    const maxReleaseImages = literal('maxReleaseImages', props.maxReleaseImages ?? 30);
    checkInteger('customTrainingImage maxReleaseImages', maxReleaseImages, 1, 10_000);
    const expiry = props.untaggedImageExpiry ?? Duration.days(7);
    if (expiry.isUnresolved()) {
      throw new Error('customTrainingImage untaggedImageExpiry must be known at synth time: the lifecycle policy is '
        + 'written into the template as JSON text; give a literal Duration such as Duration.days(7)');
    }
    const untaggedDays = expiry.toDays({ integral: false });
    checkInteger('customTrainingImage untaggedImageExpiry (days)', untaggedDays, 1, 10_000,
      'give a whole number of days, e.g. Duration.days(7)');

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (props.emptyOnDelete && removalPolicy !== RemovalPolicy.DESTROY) {
      throw new Error(`customTrainingImage emptyOnDelete is true but removalPolicy is ${removalPolicy}: `
        + 'images are only deleted with the repository, so set removalPolicy to RemovalPolicy.DESTROY or drop emptyOnDelete');
    }

    const repository = new ecr.Repository(this, 'Repository', {
      repositoryName: props.repositoryName,
      imageScanOnPush: true,
      // Release tags (git SHAs) never move; the buildx cache tag must be overwritten on every build.
      imageTagMutability: ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION,
      imageTagMutabilityExclusionFilters: [ecr.ImageTagMutabilityExclusionFilter.wildcard(this.cacheTag)],
      encryption: props.encryptionKey ? ecr.RepositoryEncryption.KMS : ecr.RepositoryEncryption.AES_256,
      encryptionKey: props.encryptionKey,
      removalPolicy,
      emptyOnDelete: props.emptyOnDelete,
    });
    const cfnRepository = repository.node.defaultChild as ecr.CfnRepository;
    // checkov's CKV_AWS_51 wants IMMUTABLE; ECR's IMMUTABLE_WITH_EXCLUSION keeps every release tag immutable.
    addCheckovSkip(cfnRepository, 'CKV_AWS_51', `release tags are immutable (IMMUTABLE_WITH_EXCLUSION); only the buildx cache tag '${this.cacheTag}' `
      + 'is excluded, because buildx overwrites its registry cache on every build');
    if (!props.encryptionKey) {
      addCheckovSkip(cfnRepository, 'CKV_AWS_136', 'images are encrypted at rest with AES-256 (ECR default); give encryptionKey for a customer managed KMS key');
    }

    // ECR evaluates rules by priority, and an image that matches the tag
    // selection of a higher-priority rule cannot be expired by a lower one
    // (ECR user guide, "Lifecycle policy evaluation rules"): the cache rule
    // comes first and keeps its one image, so no later rule can delete it.
    repository.addLifecycleRule({
      rulePriority: 1,
      description: `Keep the buildx registry cache (${this.cacheTag})`,
      tagStatus: ecr.TagStatus.TAGGED,
      tagPatternList: [this.cacheTag],
      maxImageCount: 1,
    });
    repository.addLifecycleRule({
      rulePriority: 2,
      description: `Expire untagged images after ${untaggedDays} days`,
      tagStatus: ecr.TagStatus.UNTAGGED,
      maxImageAge: Duration.days(untaggedDays),
    });
    // Lower-priority rules still count images matched above, so the cache image takes one place.
    repository.addLifecycleRule({
      rulePriority: 3,
      description: `Keep the last ${maxReleaseImages} release images`,
      tagStatus: ecr.TagStatus.TAGGED,
      tagPatternList: ['*'],
      maxImageCount: maxReleaseImages + 1,
    });
    return repository;
  }
}

/** Everything a `CustomTrainingImage` is given, checked before anything is built, for every language's callers. */
function checkProps(props: CustomTrainingImageProps): void {
  const what = 'customTrainingImage';
  checkStruct(`${what} props`, props, true, '{ maxReleaseImages: 20 }');
  checkOptional(`${what} repository`, props.repository, isRepository, 'an ecr.IRepository', "ecr.Repository.fromRepositoryName(this, 'Repo', 'trainer')");
  for (const key of ['repositoryName', 'imageTag', 'cacheTag'] as const) {
    checkOptional(`${what} ${key}`, props[key], isString, 'a string', key === 'repositoryName' ? "'ml/trainer'" : "'v1'");
  }
  checkFinite(`${what} maxReleaseImages`, props.maxReleaseImages, '30');
  checkOptional(`${what} untaggedImageExpiry`, props.untaggedImageExpiry, isDuration, 'a Duration', 'Duration.days(7)');
  checkOptional(`${what} encryptionKey`, props.encryptionKey, isKey, 'a kms.IKey', "new kms.Key(this, 'ImageKey')");
  checkOptional(`${what} removalPolicy`, props.removalPolicy, (v) => Object.values(RemovalPolicy).includes(v), 'a RemovalPolicy', 'RemovalPolicy.RETAIN');
  checkOptional(`${what} emptyOnDelete`, props.emptyOnDelete, isBoolean, 'true or false', 'true');
  checkOptional(`${what} baseImage`, props.baseImage, (v) => v instanceof DeepLearningContainer, 'a DeepLearningContainer',
    'DeepLearningContainer.fromFramework({ framework: DlcFramework.PYTORCH, version: \'2.6\', scope: DlcScope.TRAINING, processor: DlcProcessor.GPU })');
}

/** The lifecycle policy is JSON text in the template: its numbers must be literal. */
function literal(property: string, value: number): number {
  if (Token.isUnresolved(value)) {
    throw new Error(`customTrainingImage ${property} must be known at synth time: the lifecycle policy is `
      + 'written into the template as JSON text; give a number, not a token');
  }
  return value;
}

/** Two images whose ids sanitize to one name would clash on the `<Id>ImageTag` parameter. */
function checkParameterNameFree(image: Construct, name: string, id: string): void {
  const stack = Stack.of(image);
  const taken = stack.node.findAll().some((c) => c instanceof CfnParameter && c.node.scope !== image
    && stack.resolve((c as CfnParameter).logicalId) === name);
  if (taken) {
    throw new Error(`customTrainingImage id '${id}' gives the deploy-time parameter name '${name}', which another `
      + 'parameter of this stack already has: give the images distinct ids, or pass imageTag');
  }
}
