import { Fn, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DeepLearningContainer, ISageMakerImage } from '../image';
import { OBJECTS_ONLY } from './private/grants';
import { checkSameRegion } from './private/region';
import { sourceKey } from './private/shared-model';
import { checkOptional, checkRequired, checkStruct, isBucket, isString } from '../image/private/input';
import { grantObjectRead, grantPrefixRead } from '../private/s3';
import { TrainingPipeline } from '../training';

/**
 * An object in S3: the model artifacts (`model.tar.gz`) that SageMaker
 * unpacks into `/opt/ml/model`.
 */
export interface ModelDataLocation {
  /** The bucket. */
  readonly bucket: s3.IBucket;

  /** The object key, e.g. `models/2024-06-01/model.tar.gz`. */
  readonly key: string;
}

/**
 * What SageMaker needs, besides the model package itself, to create a model
 * from it: the container image and the artifacts that the package points to.
 */
export interface ModelPackageSourceOptions {
  /**
   * The image the model package names, so that the execution role is granted
   * pull access to it (a `CustomTrainingImage` that the training pipeline uses).
   *
   * @default - no pull access is granted: the image must already be pullable by
   * the execution role (an AWS-owned image or a repository policy)
   */
  readonly image?: ISageMakerImage;

  /**
   * The bucket that holds the artifacts the model package points to.
   *
   * @default - no read access is granted: the artifacts must already be readable
   * by the execution role
   */
  readonly artifactsBucket?: s3.IBucket;

  /**
   * The key prefix of the artifacts in `artifactsBucket`; read access is
   * limited to objects under it.
   *
   * @default - every object of `artifactsBucket`
   */
  readonly artifactsPrefix?: string;
}

/**
 * What `ModelSource.fromTrainingPipeline` needs besides the pipeline and the version.
 */
export interface TrainingPipelineSourceOptions {
  /**
   * The image the pipeline trains with, which the model package names for
   * inference, so that the execution role is granted pull access to it.
   *
   * @default - no pull access is granted: the image must already be pullable by
   * the execution role (an AWS-owned image or a repository policy)
   */
  readonly image?: ISageMakerImage;
}

/**
 * What a model source gives the endpoint that binds it.
 */
export interface ModelSourceConfig {
  /**
   * The versioned model package ARN.
   *
   * @default - the model is an image (with optional model data)
   */
  readonly modelPackageName?: string;

  /**
   * The image URI.
   *
   * @default - a model package names its own image
   */
  readonly imageUri?: string;

  /**
   * The `s3://` URL of the model artifacts.
   *
   * @default - none: the image carries the model, or the model package names it
   */
  readonly modelDataUrl?: string;

  /**
   * Whether the source is a Deep Learning Container built for training, which
   * cannot serve.
   *
   * @default false
   */
  readonly trainingOnly?: boolean;
}

/**
 * Where the served model comes from: a model package that a training
 * pipeline registered, or an image with optional model artifacts.
 *
 * @example
 * // what the TrainingPipeline registers; the GitHub deploy job passes the ARN
 * const packageArn = new CfnParameter(this, 'ModelPackageArn', { type: 'String' });
 * declare const image: CustomTrainingImage;
 * declare const training: TrainingPipeline;
 * const fromRegistry = ModelSource.fromTrainingPipeline(training, packageArn.valueAsString, { image });
 *
 * // a model package of another registry, with its artifacts
 * declare const artifacts: s3.IBucket;
 * const fromPackage = ModelSource.fromModelPackage(packageArn.valueAsString, {
 *   image,
 *   artifactsBucket: artifacts,
 *   artifactsPrefix: 'models/',
 * });
 *
 * // an image and a model.tar.gz
 * const fromImage = ModelSource.fromImage(image, { bucket: artifacts, key: 'models/model.tar.gz' });
 *
 * // the same, named by its S3 URI (here a parameter the deploy job fills in)
 * const modelDataUrl = new CfnParameter(this, 'ModelDataUrl', { type: 'String' });
 * const fromUrl = ModelSource.fromImageAndModelDataUrl(image, modelDataUrl.valueAsString);
 */
export abstract class ModelSource {
  /**
   * A versioned model package (`arn:...:model-package/<group>/<version>`),
   * which may be a token such as a `CfnParameter`.
   *
   * The execution role is granted `sagemaker:DescribeModelPackage` on it, and,
   * when given, pull access to its image and read access to its artifacts:
   * CreateModel resolves the package's container, and SageMaker then pulls
   * that image and downloads those artifacts with the execution role.
   *
   * @param modelPackageArn the versioned model package ARN
   * @param options the image and artifacts the package points to
   */
  public static fromModelPackage(modelPackageArn: string, options: ModelPackageSourceOptions = {}): ModelSource {
    const what = 'modelSource.fromModelPackage';
    checkRequired(`${what} modelPackageArn`, modelPackageArn, isString, 'a string',
      "'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/3', or a CfnParameter's valueAsString");
    checkStruct(`${what} options`, options, true, '{ image, artifactsBucket }');
    checkOptional(`${what} image`, options.image, isImage, 'an ISageMakerImage', 'a CustomTrainingImage');
    checkOptional(`${what} artifactsBucket`, options.artifactsBucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Artifacts', 'artifacts')");
    checkOptional(`${what} artifactsPrefix`, options.artifactsPrefix, isString, 'a string', "'models/'");
    if (!Token.isUnresolved(modelPackageArn) && !/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[^/]+\/\d+$/.test(modelPackageArn)) {
      throw new Error(`modelSource.fromModelPackage modelPackageArn '${modelPackageArn}' is not a versioned model package ARN: `
        + 'give arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version> (what a TrainingPipeline registers)');
    }
    if (options.artifactsPrefix !== undefined && options.artifactsBucket === undefined) {
      throw new Error('modelSource.fromModelPackage artifactsPrefix is set without artifactsBucket: give the bucket that holds the artifacts too');
    }
    return new ModelPackageSource(modelPackageArn, options);
  }

  /**
   * A version that a `TrainingPipeline` registered: the execution role may
   * describe it and read the pipeline's model artifacts (`artifactsBucket`
   * under `modelArtifactsPrefix`), and pull `image` when given.
   *
   * @param training the pipeline that trained and registered the model
   * @param modelPackageArn the versioned model package ARN, e.g. a `CfnParameter` the deploy job sets
   * @param options the image the model package names
   */
  public static fromTrainingPipeline(training: TrainingPipeline, modelPackageArn: string, options: TrainingPipelineSourceOptions = {}): ModelSource {
    const what = 'modelSource.fromTrainingPipeline';
    checkRequired(`${what} training`, training, (v) => typeof v?.modelPackageGroup?.modelPackageGroupName === 'string' && isBucket(v?.artifactsBucket),
      'a TrainingPipeline', 'the pipeline that registers the model');
    checkRequired(`${what} modelPackageArn`, modelPackageArn, isString, 'a string', "a CfnParameter's valueAsString that the deploy job sets");
    checkStruct(`${what} options`, options, true, '{ image }');
    checkOptional(`${what} image`, options.image, isImage, 'an ISageMakerImage', 'a CustomTrainingImage');
    const group = training.modelPackageGroup.modelPackageGroupName;
    const arnGroup = /:model-package\/([^/]+)\/\d+$/.exec(modelPackageArn)?.[1];
    // SageMaker writes the group name in lowercase in model package ARNs.
    if (arnGroup !== undefined && !Token.isUnresolved(modelPackageArn) && !Token.isUnresolved(group) && arnGroup !== group.toLowerCase()) {
      throw new Error(`modelSource.fromTrainingPipeline modelPackageArn '${modelPackageArn}' is not a version of the pipeline's group `
        + `'${group}': give a version the pipeline registered (arn:...:model-package/${group.toLowerCase()}/<version>), or use fromModelPackage`);
    }
    return ModelSource.fromModelPackage(modelPackageArn, {
      image: options.image,
      artifactsBucket: training.artifactsBucket,
      artifactsPrefix: training.modelArtifactsPrefix,
    });
  }

  /**
   * A container image, with the model artifacts it serves.
   *
   * The image must be an inference image: a Deep Learning Container whose scope
   * is training is refused.
   *
   * @param image the image that answers `GET /ping` and `POST /invocations` on port 8080
   * @param modelData the `model.tar.gz` SageMaker unpacks into `/opt/ml/model`
   */
  public static fromImage(image: ISageMakerImage, modelData?: ModelDataLocation): ModelSource {
    const what = 'modelSource.fromImage';
    checkServingImage(what, image);
    checkStruct(`${what} modelData`, modelData, true, "{ bucket, key: 'models/model.tar.gz' }");
    if (modelData) {
      checkRequired(`${what} modelData bucket`, modelData.bucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Artifacts', 'artifacts')");
      checkRequired(`${what} modelData key`, modelData.key, isString, 'a string', "'models/model.tar.gz'");
    }
    if (modelData && !Token.isUnresolved(modelData.key) && (modelData.key === '' || modelData.key.startsWith('/'))) {
      throw new Error(`modelSource.fromImage modelData key '${modelData.key}' must be an object key without a leading '/', e.g. 'models/model.tar.gz'`);
    }
    if (modelData && !Token.isUnresolved(modelData.key) && modelData.key.endsWith('/')) {
      throw new Error(`modelSource.fromImage modelData key '${modelData.key}' names a prefix, not an object: give the key of the model.tar.gz, e.g. '${modelData.key}model.tar.gz'`);
    }
    return new ImageSource(image, modelData);
  }

  /**
   * A container image, with the model artifacts it serves named by their S3 URI:
   * the `S3ModelArtifacts` a training job reports, or a `CfnParameter` that a
   * deploy fills in. The role may read that one object (`s3:GetObject`), as with
   * `fromImage`; the template is the same as `fromImage` with the bucket
   * imported by name, without the app importing the bucket.
   *
   * A bucket encrypted with a customer managed KMS key needs `kms:Decrypt` for
   * `endpoint.role` as well: grant it on the key, or use `fromImage` with a
   * bucket that has its `encryptionKey`.
   *
   * @param image the image that answers `GET /ping` and `POST /invocations` on port 8080
   * @param modelDataUrl `s3://<bucket>/<key>` of the `model.tar.gz` SageMaker unpacks into `/opt/ml/model`
   */
  public static fromImageAndModelDataUrl(image: ISageMakerImage, modelDataUrl: string): ModelSource {
    const what = 'modelSource.fromImageAndModelDataUrl';
    checkServingImage(what, image);
    checkRequired(`${what} modelDataUrl`, modelDataUrl, isString, 'a string', "'s3://artifacts/models/model.tar.gz'");
    if (!Token.isUnresolved(modelDataUrl)) {
      parseModelDataUrl(`${what} modelDataUrl`, modelDataUrl);
    } else if (Tokenization.reverseString(modelDataUrl).firstToken === undefined && !modelDataUrl.startsWith(S3_SCHEME)) {
      // A literal before the first token: it must be the scheme.
      throw notAnS3Uri(`${what} modelDataUrl`, modelDataUrl);
    }
    return new UrlSource(image, modelDataUrl);
  }

  protected constructor() {}

  /**
   * Throws when the model's data is in a region other than `stackRegion` (both known).
   *
   * @internal
   */
  public _checkRegion(stackRegion: string): void {
    void stackRegion;
  }

  /**
   * What the source serves, so that endpoints of one stack that serve the same share one model:
   * equal keys, the same model. Undefined for a source that cannot tell (its model is never shared).
   *
   * @internal
   */
  public _shareKey(): string | undefined {
    return undefined;
  }

  /**
   * Binds the source to the model that uses it and grants the execution role
   * what SageMaker needs to create and run the model.
   *
   * @param scope the model's construct
   * @param role the execution role
   */
  public abstract bind(scope: Construct, role: iam.IRole): ModelSourceConfig;
}

/** An `ISageMakerImage`: anything that binds. */
function isImage(value: any): boolean {
  return typeof value?.bind === 'function';
}

/** Refuses what is not an image, or a Deep Learning Container for training. */
function checkServingImage(what: string, image: ISageMakerImage): void {
  checkRequired(`${what} image`, image, isImage, 'an ISageMakerImage', "a CustomTrainingImage, or SageMakerImage.fromAsset('container')");
  if (image instanceof DeepLearningContainer && image.scope === 'training') {
    throw new Error(`${what} image is the ${image.framework} ${image.version} Deep Learning Container for training `
      + `(${image.repositoryName}), which cannot serve: select it with scope DlcScope.INFERENCE (or INFERENCE_GRAVITON)`);
  }
}

/**
 * CreateModel's ModelDataUrl: at most 1024 characters, `(https|s3)://([^/]+)/?(.*)`, one
 * gzip-compressed tar archive (API_ContainerDefinition). Only `s3://` is taken here: the role's
 * grant is written from the bucket and key. Bucket names: 3 to 63 characters of lowercase
 * letters, digits, '.' and '-', beginning and ending with a letter or digit (S3's naming rules).
 */
const MAX_MODEL_DATA_URL = 1024;
const S3_SCHEME = 's3://';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function notAnS3Uri(what: string, url: string): Error {
  return new Error(`${what} '${url}' is not an S3 URI of an object: give s3://<bucket>/<key>, e.g. 's3://artifacts/models/model.tar.gz'`);
}

function parseModelDataUrl(what: string, url: string): { bucket: string; key: string } {
  if (url.length > MAX_MODEL_DATA_URL) {
    throw new Error(`${what} is ${url.length} characters long, more than CreateModel's ${MAX_MODEL_DATA_URL}: use a shorter key`);
  }
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(url);
  if (!match || match[2] === '') {
    throw notAnS3Uri(what, url);
  }
  const [, bucket, key] = match;
  if (!BUCKET_NAME.test(bucket)) {
    throw new Error(`${what} '${url}' names the bucket '${bucket}', which is not an S3 bucket name: `
      + "3 to 63 lowercase letters, digits, '.' and '-', e.g. 's3://artifacts/models/model.tar.gz'");
  }
  if (key.endsWith('/')) {
    throw new Error(`${what} '${url}' names a prefix, not an object: give the key of the model.tar.gz, e.g. '${url}model.tar.gz'`);
  }
  return { bucket, key };
}

class ModelPackageSource extends ModelSource {
  constructor(private readonly arn: string, private readonly options: ModelPackageSourceOptions) {
    super();
  }

  public _checkRegion(stackRegion: string): void {
    // arn:<partition>:sagemaker:<region>:...
    const arnRegion = Token.isUnresolved(this.arn) ? undefined : this.arn.split(':')[3];
    if (arnRegion !== undefined && !Token.isUnresolved(stackRegion) && arnRegion !== stackRegion) {
      throw new Error(`modelEndpoint model is the model package '${this.arn}' of region '${arnRegion}', but the endpoint's stack is in `
        + `'${stackRegion}': CreateModel takes model packages of its own region only; register the model in '${stackRegion}' or deploy the stack to '${arnRegion}'`);
    }
    const bucket = this.options.artifactsBucket;
    checkSameRegion('modelEndpoint model artifactsBucket', bucket?.env.region, stackRegion);
  }

  public bind(scope: Construct, role: iam.IRole): ModelSourceConfig {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeModelPackage'],
      resources: [this.arn],
    }));
    this.options.image?.bind(scope, role);
    const bucket = this.options.artifactsBucket;
    if (bucket) {
      const prefix = this.options.artifactsPrefix ?? '';
      grantPrefixRead(role, bucket, prefix, {
        ...OBJECTS_ONLY,
        reason: 'a model package names its artifacts at registration time; the role reads objects under the artifacts prefix only',
      });
    }
    return { modelPackageName: this.arn };
  }

  /** @internal */
  public _shareKey(): string | undefined {
    return sourceKey('package', this.arn, this.options.image, this.options.artifactsBucket, this.options.artifactsPrefix);
  }
}

class ImageSource extends ModelSource {
  constructor(private readonly image: ISageMakerImage, private readonly modelData?: ModelDataLocation) {
    super();
  }

  public _checkRegion(stackRegion: string): void {
    checkSameRegion('modelEndpoint model modelData bucket', this.modelData?.bucket.env.region, stackRegion);
  }

  public bind(scope: Construct, role: iam.IRole): ModelSourceConfig {
    const { imageUri } = this.image.bind(scope, role);
    let modelDataUrl: string | undefined;
    if (this.modelData) {
      const { bucket, key } = this.modelData;
      grantObjectRead(role, bucket, key);
      modelDataUrl = bucket.s3UrlForObject(key);
    }
    return { imageUri, modelDataUrl };
  }

  /** @internal */
  public _shareKey(): string | undefined {
    return sourceKey('image', this.image, this.modelData?.bucket, this.modelData?.key);
  }
}

class UrlSource extends ModelSource {
  constructor(private readonly image: ISageMakerImage, private readonly modelDataUrl: string) {
    super();
  }

  public bind(scope: Construct, role: iam.IRole): ModelSourceConfig {
    const { imageUri } = this.image.bind(scope, role);
    const stack = Stack.of(scope);
    // A URI known at synth: the ARN as s3.Bucket.fromBucketName(...).arnForObjects(key) writes it, so both
    // forms synthesize alike.
    // A URI that begins with a literal s3:// (tokens after it): the ARN is the rest after arn:<partition>:s3:::.
    // A URI that is a token from its start (a parameter): the same at deploy time, by Fn::Split.
    const url = this.modelDataUrl;
    const objectArn = !Token.isUnresolved(url)
      ? objectArnOf(stack, parseModelDataUrl('modelSource.fromImageAndModelDataUrl modelDataUrl', url))
      : url.startsWith(S3_SCHEME)
        ? `arn:${stack.partition}:s3:::${url.slice(S3_SCHEME.length)}`
        : Fn.join('', ['arn:', stack.partition, ':s3:::', Fn.select(1, Fn.split(S3_SCHEME, url))]);
    iam.Grant.addToPrincipal({ grantee: role, actions: ['s3:GetObject'], resourceArns: [objectArn] });
    return { imageUri, modelDataUrl: this.modelDataUrl };
  }

  /** @internal */
  public _shareKey(): string | undefined {
    return sourceKey('url', this.image, this.modelDataUrl);
  }
}

function objectArnOf(stack: Stack, { bucket, key }: { bucket: string; key: string }): string {
  return `${stack.formatArn({ service: 's3', region: '', account: '', resource: bucket })}/${key}`;
}
