import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { checkOptional, checkRequired, checkStruct, isBucket, isString } from '../image/private/input';
import { grantPrefixRead } from '../private/s3';
import { keyPrefix } from '../private/validate';
import { IModelPackageGroup, TrainingPipeline } from '../training';
import { BASELINES_PREFIX } from '../training/private/baseline';

/**
 * What a monitor learns of its baseline when it binds it.
 */
export interface MonitorBaselineConfig {
  /**
   * The S3 prefix that holds `baseline.json` (fixed at deploy time); for the
   * served version's baseline, the prefix its baseline must be under.
   */
  readonly s3Uri: string;

  /**
   * Whether the monitor reads the baseline of the model version the endpoint
   * serves at run time (its model package's `DriftCheckBaselines`).
   */
  readonly servedModelVersion: boolean;

  /**
   * The model package group whose versions may be read.
   *
   * @default - any model package of the account and region
   */
  readonly modelPackageGroup?: IModelPackageGroup;
}

/**
 * Options of `MonitorBaseline.fromServedModelVersion`.
 */
export interface ServedModelBaselineOptions {
  /** The bucket the baselines are in (the training pipeline's artifacts bucket). */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix the baselines are under.
   *
   * @default 'baselines/' (where `TrainingPipeline` writes them)
   */
  readonly prefix?: string;

  /**
   * The group the served versions belong to: only its versions are read.
   *
   * @default - any model package of the account and region
   */
  readonly modelPackageGroup?: IModelPackageGroup;
}

/**
 * The reference the monitor compares captured traffic against: the baseline
 * the training pipeline computed from the training data (`baseline.json`, with
 * `statistics.json` and `constraints.json` beside it).
 *
 * | factory | baseline | known |
 * |---|---|---|
 * | `fromServedModelVersion`, `fromTrainingPipeline` | the drift-check baseline of the model version the endpoint serves | at each run: endpoint → config → model → model package `DriftCheckBaselines` |
 * | `fromS3` | a fixed prefix | at deploy time |
 *
 * No Lambda finds the served version: the monitor's runner (a Step Functions
 * state machine) calls `DescribeEndpoint`, `DescribeEndpointConfig`,
 * `DescribeModel` and `DescribeModelPackage` itself, so a deploy of a new
 * version moves the baseline with it, with nothing to redeploy.
 *
 * @example
 * declare const training: TrainingPipeline;
 * const served = MonitorBaseline.fromTrainingPipeline(training);
 * declare const bucket: s3.IBucket;
 * const fixed = MonitorBaseline.fromS3(bucket, 'baselines/churn-v3');
 */
export abstract class MonitorBaseline {
  /**
   * A baseline at a fixed S3 prefix: the folder that holds `baseline.json`
   * (what the checker's `baseline --output` writes).
   *
   * @param bucket the bucket
   * @param prefix the folder, e.g. `baselines/churn-v3`
   */
  public static fromS3(bucket: s3.IBucket, prefix: string): MonitorBaseline {
    checkRequired('monitorBaseline.fromS3 bucket', bucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Baselines', 'my-baselines')");
    checkRequired('monitorBaseline.fromS3 prefix', prefix, isString, 'a string (the folder of baseline.json)', "'baselines/churn-v3'");
    return new S3Baseline(bucket, keyPrefix('monitorBaseline.fromS3 prefix', prefix, 'baselines/churn-v3'));
  }

  /**
   * The baseline of the model version the endpoint serves, read at each run
   * from its model package's `DriftCheckBaselines` (which `TrainingPipeline`
   * records for every version it registers). A run whose endpoint serves no
   * model package, or a version without a baseline, fails with a message that
   * says so.
   *
   * @param options where the baselines are, and the group of the versions
   */
  public static fromServedModelVersion(options: ServedModelBaselineOptions): MonitorBaseline {
    const what = 'monitorBaseline.fromServedModelVersion';
    checkStruct(`${what} options`, options, false, '{ bucket: training.artifactsBucket }');
    checkRequired(`${what} bucket`, options.bucket, isBucket, 'an s3.IBucket (where the baselines are)', 'training.artifactsBucket');
    checkOptional(`${what} prefix`, options.prefix, isString, 'a string', "'baselines'");
    checkOptional(`${what} modelPackageGroup`, options.modelPackageGroup, (v) => typeof v?.modelPackageGroupName === 'string'
      && typeof v?.grantRead === 'function', 'an IModelPackageGroup', 'training.modelPackageGroup');
    const prefix = options.prefix === undefined
      ? BASELINES_PREFIX
      : `${keyPrefix(`${what} prefix`, options.prefix, 'baselines')}/`;
    return new ServedBaseline(options.bucket, prefix, options.modelPackageGroup);
  }

  /**
   * The baseline of the served model version, as a `TrainingPipeline`
   * records it: in its artifacts bucket under `baselines/`, for versions of its group.
   * The pipeline must compute baselines (`driftBaseline.enabled` is not false).
   *
   * @param training the pipeline that trained the served model
   */
  public static fromTrainingPipeline(training: TrainingPipeline): MonitorBaseline {
    if (!training || typeof training !== 'object' || !training.artifactsBucket) {
      throw new Error('monitorBaseline.fromTrainingPipeline training must be a TrainingPipeline, got '
        + `${training === undefined ? 'nothing' : training === null ? 'null' : typeof training}: give the pipeline that trained the served model`);
    }
    if (!training.baselineStep) {
      throw new Error(`monitorBaseline.fromTrainingPipeline training '${training.node.path}' has driftBaseline.enabled false, so its model `
        + 'versions carry no DriftCheckBaselines to monitor against: remove driftBaseline.enabled: false from that TrainingPipeline, '
        + 'or give a fixed baseline with MonitorBaseline.fromS3');
    }
    return new ServedBaseline(training.artifactsBucket, BASELINES_PREFIX, training.modelPackageGroup);
  }

  protected constructor() {}

  /**
   * Grants the monitor's role reading the baselines and says where they are.
   *
   * @param grantee the role the checker runs as
   */
  public abstract bind(grantee: iam.IGrantable): MonitorBaselineConfig;
}

const READ_REASON = 'the checker reads baseline.json under the baselines prefix; the folder per training execution is named at run time';

class S3Baseline extends MonitorBaseline {
  constructor(private readonly bucket: s3.IBucket, private readonly prefix: string) {
    super();
  }

  public bind(grantee: iam.IGrantable): MonitorBaselineConfig {
    grantPrefixRead(grantee, this.bucket, `${this.prefix}/`, { list: true, reason: READ_REASON });
    return { s3Uri: `s3://${this.bucket.bucketName}/${this.prefix}/`, servedModelVersion: false };
  }
}

class ServedBaseline extends MonitorBaseline {
  constructor(private readonly bucket: s3.IBucket, private readonly prefix: string, private readonly group?: IModelPackageGroup) {
    super();
  }

  public bind(grantee: iam.IGrantable): MonitorBaselineConfig {
    grantPrefixRead(grantee, this.bucket, this.prefix, { list: true, reason: READ_REASON });
    return { s3Uri: `s3://${this.bucket.bucketName}/${this.prefix}`, servedModelVersion: true, modelPackageGroup: this.group };
  }
}
