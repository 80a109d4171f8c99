import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { checkFinite, checkRequired, isBoolean, isNumber, show } from '../image/private/input';
import { S3DataDistribution, TrainingInputMode } from '../pipeline';

/**
 * Data under an S3 prefix.
 */
export interface DataLocation {
  /** The bucket. Its region must be the pipeline's. */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix, without the bucket and without a leading `/`
   * (e.g. `datasets/churn/train/`).
   *
   * @default - the whole bucket
   */
  readonly prefix?: string;
}

/**
 * How the training job reads a channel: what `TrainingChannel` sets besides
 * its name and location, and what a preparation output sets for the channel
 * it creates (`PreparationOutput.channel`).
 */
export interface ChannelSettings {
  /**
   * The MIME type of the data, passed to the container.
   *
   * @default - none
   */
  readonly contentType?: string;

  /**
   * How the job reads the channel.
   *
   * @default TrainingInputMode.FILE
   */
  readonly inputMode?: TrainingInputMode;

  /**
   * How the objects are spread over the instances.
   *
   * @default S3DataDistribution.FULLY_REPLICATED
   */
  readonly distribution?: S3DataDistribution;

  /**
   * In a heterogeneous cluster (`training.instanceGroups`), the groups that
   * get this channel (e.g. only the data loaders); at most 5.
   *
   * @default - every instance
   */
  readonly instanceGroupNames?: string[];
}

/**
 * An input channel of the training job: data at `/opt/ml/input/data/<channelName>`.
 */
export interface TrainingChannel extends DataLocation, ChannelSettings {
  /**
   * The channel's name: letters, digits, `.`, `-` and `_`, at most 64 characters.
   */
  readonly channelName: string;
}

/**
 * Helpers that turn typed values into the strings SageMaker passes as hyperparameters.
 *
 * @example
 * const hyperparameters = {
 *   'epochs': Hyperparameter.fromNumber(10),
 *   'use-amp': Hyperparameter.fromBoolean(true),
 *   'layers': Hyperparameter.fromJson([64, 32]),
 * };
 */
export class Hyperparameter {
  /** A number, as text. */
  public static fromNumber(value: number): string {
    checkRequired('hyperparameter.fromNumber value', value, isNumber, 'a number', '0.1');
    checkFinite('hyperparameter.fromNumber value', value, '0.1');
    return Token.isUnresolved(value) ? Token.asString(value) : String(value);
  }

  /** `true` or `false`. */
  public static fromBoolean(value: boolean): string {
    checkRequired('hyperparameter.fromBoolean value', value, isBoolean, 'true or false', 'true');
    return value ? 'true' : 'false';
  }

  /**
   * Any JSON value, serialized (a list, an object): raw JSON is the point, so
   * the value is untyped.
   */
  public static fromJson(value: any): string {
    const fix = 'give a value JSON can hold (null, a number, a string, a list or an object), e.g. { layers: [64, 32] }';
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (e) {
      throw new Error(`hyperparameter.fromJson value cannot be written as JSON, got ${show(value)} (${(e as Error).message}): ${fix}`);
    }
    if (json === undefined) {
      throw new Error(`hyperparameter.fromJson value ${value === undefined ? 'is required' : `cannot be written as JSON, got ${show(value)}`}: ${fix}`);
    }
    return json;
  }

  private constructor() {}
}
