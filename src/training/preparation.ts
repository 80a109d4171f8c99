import { Duration, Size } from 'aws-cdk-lib';
import { ChannelSettings, DataLocation } from './data';
import { ISageMakerImage } from '../image';
import { ProcessingInstanceType } from '../pipeline';

/**
 * An input of the data preparation job: an S3 prefix at `/opt/ml/processing/input/<inputName>`.
 * Its S3 URI is the pipeline parameter `Preparation<InputName>DataUri` (the name in PascalCase,
 * e.g. `PreparationRawDataUri` for `raw`), so an execution can prepare other data under the
 * bucket and prefix, which the role may read (with auto-approval and an output that is
 * `testData`, it is fixed).
 */
export interface PreparationInput extends DataLocation {
  /** The input's name: 1 to 64 letters, digits, `-` or `_` (also its folder). */
  readonly inputName: string;
}

/**
 * An output of the data preparation job: what it writes to
 * `/opt/ml/processing/output/<outputName>`, uploaded under the artifacts
 * bucket (per execution) and read by the next steps by reference.
 */
export interface PreparationOutput {
  /** The output's name: 1 to 64 letters, digits, `-` or `_` (also its folder). */
  readonly outputName: string;

  /**
   * The training channel this output feeds (`trainingData` or one of
   * `training.extraChannels`, by `channelName`). That channel's bucket and
   * prefix are then not read. Without `trainingData`, a channel that no extra
   * channel declares is created, and the first output that names one is the
   * main channel.
   *
   * @default - none (then `testData` must be true)
   */
  readonly channelName?: string;

  /**
   * The settings of the channel this output creates (its content type, input
   * mode, distribution, instance groups), when neither `trainingData` nor
   * `training.extraChannels` declares `channelName` (a declared channel has
   * its own settings).
   *
   * @default - the channel's defaults: no content type, `File`, fully replicated, every instance
   */
  readonly channel?: ChannelSettings;

  /**
   * Whether this output is the test data the evaluation scores the model on
   * (instead of `testData`'s location, which may then be left out).
   *
   * @default false
   */
  readonly testData?: boolean;
}

/**
 * A data preparation step before training: a processing job that reads raw
 * data and writes the training channels and the test data. Give `command`
 * (an image's own program) or `script` (a local file run by `interpreter`).
 */
export interface PreparationOptions {
  /** What the job reads. */
  readonly inputs: PreparationInput[];

  /** What it writes: each output feeds a training channel or the test data. */
  readonly outputs: PreparationOutput[];

  /**
   * The image.
   *
   * @default - the pipeline's `image`
   */
  readonly image?: ISageMakerImage;

  /**
   * The job's entrypoint (e.g. `['prepare']` in the image).
   *
   * @default - none: give `script`
   */
  readonly command?: string[];

  /**
   * A script file from the repository (uploaded as an S3 asset and mounted at
   * `/opt/ml/processing/input/code/`), run by `interpreter`.
   *
   * @default - none: give `command`
   */
  readonly script?: string;

  /**
   * The command that runs `script`.
   *
   * @default ['python3']
   */
  readonly interpreter?: string[];

  /**
   * Arguments of the command or script.
   *
   * @default - none
   */
  readonly arguments?: string[];

  /**
   * Environment variables of the job.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * The instance type.
   *
   * @default ProcessingInstanceType.ML_M5_LARGE
   */
  readonly instanceType?: ProcessingInstanceType;

  /**
   * The number of instances (1 to 100).
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The storage volume of each instance (1 to 16384 GiB).
   *
   * @default Size.gibibytes(30)
   */
  readonly volumeSize?: Size;

  /**
   * How long the job may run (at most 5 days).
   *
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;
}
