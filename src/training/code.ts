import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { CODE_CHANNEL } from './private/script';
import { sourceArchive } from './private/tar';
import { checkRequired, isString, show } from '../image/private/input';
import { grantPrefixRead } from '../private/s3';

/** Where the sagemaker-training toolkit finds code baked into the image (`environment.code_dir`). */
const BAKED_CODE_DIR = '/opt/ml/code';

/**
 * What a `TrainingCode` adds to the training job.
 */
export interface TrainingCodeConfig {
  /**
   * Hyperparameters the sagemaker-training toolkit reads (`sagemaker_program`,
   * `sagemaker_submit_directory`), JSON-encoded as the SageMaker Python SDK writes them.
   */
  readonly hyperparameters: { [name: string]: string };

  /**
   * The S3 URI of the code archive, read as the input channel `code`.
   *
   * @default - no code channel: the code is in the image
   */
  readonly codeS3Uri?: string;
}

/**
 * Script mode of the `sagemaker-training` toolkit (what AWS's framework Deep
 * Learning Containers run as `train`): the toolkit runs `sagemaker_program`
 * from `sagemaker_submit_directory`, with the `SM_*` variables and
 * `SM_CHANNEL_<NAME>` set.
 *
 * @example
 * // code baked into the image under /opt/ml/code (the Dockerfile copies it there)
 * const baked = TrainingCode.fromImage('train.py');
 * // code uploaded from the repository at deploy time
 * const uploaded = TrainingCode.fromAsset('training/src', 'train.py');
 */
export abstract class TrainingCode {
  /**
   * Code baked into the image at `/opt/ml/code` (the toolkit's default
   * submit directory): sets `sagemaker_program` only.
   *
   * @param entryPoint the script the toolkit runs, relative to `/opt/ml/code`, e.g. `train.py`
   */
  public static fromImage(entryPoint: string): TrainingCode {
    checkEntryPoint(entryPoint);
    return new ImageCode(entryPoint);
  }

  /**
   * Code uploaded from a local directory: an S3 asset (`sourcedir.tar.gz`, as
   * the SageMaker Python SDK packs it), read by the training job as the
   * channel `code` and granted to the pipeline role on its object only;
   * `sagemaker_submit_directory` points at the archive in that channel, so no
   * S3 call is made from inside the container (network isolation works).
   *
   * @param directory the folder that holds the entry point and its modules
   * @param entryPoint the script the toolkit runs, relative to `directory`
   */
  public static fromAsset(directory: string, entryPoint: string): TrainingCode {
    checkRequired('trainingCode.fromAsset directory', directory, isString, 'a string (the local folder of the code)', "'training/src'");
    checkEntryPoint(entryPoint);
    return new AssetCode(directory, entryPoint);
  }

  /** The script the toolkit runs. */
  public readonly entryPoint: string;

  protected constructor(entryPoint: string) {
    this.entryPoint = entryPoint;
  }

  /**
   * Uploads the code if needed, grants `role` reading it, and says what the job gets.
   *
   * @param scope the pipeline
   * @param role the role the training job runs as
   */
  public abstract bind(scope: Construct, role: iam.IGrantable): TrainingCodeConfig;
}

class ImageCode extends TrainingCode {
  public bind(_scope: Construct, _role: iam.IGrantable): TrainingCodeConfig {
    return {
      hyperparameters: {
        sagemaker_program: JSON.stringify(this.entryPoint),
        sagemaker_submit_directory: JSON.stringify(BAKED_CODE_DIR),
      },
    };
  }
}

class AssetCode extends TrainingCode {
  private asset?: s3assets.Asset;

  constructor(private readonly directory: string, entryPoint: string) {
    super(entryPoint);
  }

  public bind(scope: Construct, role: iam.IGrantable): TrainingCodeConfig {
    if (!this.asset) {
      if (fs.existsSync(this.directory) && !fs.existsSync(path.join(this.directory, this.entryPoint))) {
        throw new Error(`trainingPipeline training code entryPoint '${this.entryPoint}' is not in '${this.directory}': `
          + 'give the script\'s path relative to the code directory');
      }
      const archive = sourceArchive('trainingPipeline training code directory', this.directory);
      this.asset = new s3assets.Asset(scope, 'TrainingCode', { path: archive });
    }
    const asset = this.asset;
    grantPrefixRead(role, asset.bucket, asset.s3ObjectKey, {
      reason: 'the training job lists and reads the code archive by its key (an S3Prefix channel of one object)',
    });
    // A channel of one object lands under its own name in /opt/ml/input/data/code/.
    const name = Token.isUnresolved(asset.s3ObjectKey) ? asset.s3ObjectKey : path.posix.basename(asset.s3ObjectKey);
    return {
      hyperparameters: {
        sagemaker_program: JSON.stringify(this.entryPoint),
        sagemaker_submit_directory: JSON.stringify(`/opt/ml/input/data/${CODE_CHANNEL}/${name}`),
      },
      codeS3Uri: `s3://${asset.s3BucketName}/${asset.s3ObjectKey}`,
    };
  }
}

function checkEntryPoint(entryPoint: string): void {
  if (typeof entryPoint !== 'string' || !entryPoint.trim() || entryPoint.startsWith('/') || entryPoint.split('/').includes('..')) {
    throw new Error(`trainingCode entryPoint must be a script path relative to the code directory, got ${show(entryPoint)}: `
      + "e.g. 'train.py'");
  }
}
