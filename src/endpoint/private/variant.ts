import { Duration, Size, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { checkOptional, checkStruct, isKey, isNumber, show, wholeSeconds, wholeSize } from '../../image/private/input';
import { InferenceInstanceType } from '../../pipeline/instance-type';
import { checkInteger } from '../../private/validate';

/** The instance options that real-time and asynchronous modes share. */
export interface InstanceVariantOptions {
  readonly instanceType?: InferenceInstanceType;
  readonly initialInstanceCount?: number;
  readonly volumeSize?: Size;
  readonly modelDataDownloadTimeout?: Duration;
  readonly containerStartupHealthCheckTimeout?: Duration;
  readonly volumeEncryptionKey?: kms.IKey;
}

/** The options struct of a mode factory: an object or nothing (plain JavaScript may pass null). */
export function checkModeOptions(mode: string, options: unknown, example: string): void {
  checkStruct(`endpointMode.${mode} options`, options, true, example);
}

/**
 * An instance type given as the class; a plain string (what a JavaScript caller may pass) is
 * refused with the factory that makes one. Its name is `ml.<family>.<size>` (CreateEndpointConfig
 * ProductionVariant InstanceType, CreateTransformJob TransformResources InstanceType).
 */
export function checkInstanceType(what: string, instanceType: InferenceInstanceType | undefined): void {
  if (typeof instanceType === 'string') {
    throw new Error(`${what} must be an InferenceInstanceType, got the string '${instanceType}': give InferenceInstanceType.of('${instanceType}')`);
  }
  // Duck-typed: a jsii language passes a proxy of the class.
  checkOptional(what, instanceType, (v) => typeof v?.name === 'string', 'an InferenceInstanceType', 'InferenceInstanceType.ML_M5_LARGE');
  const name = instanceType?.name;
  if (name !== undefined && !Token.isUnresolved(name) && !/^ml\.[a-z0-9-]+\.[a-z0-9-]+$/.test(name)) {
    throw new Error(`${what} '${name}' is not a SageMaker instance type: give one such as 'ml.m5.large'`);
  }
}

/** Validates and renders the instance part of a production variant. */
export function renderInstanceVariant(mode: string, options: InstanceVariantOptions, defaultType: InferenceInstanceType) {
  const what = `endpointMode.${mode}`;
  checkInstanceType(`${what} instanceType`, options.instanceType);
  const instanceType = options.instanceType ?? defaultType;
  checkOptional(`${what} initialInstanceCount`, options.initialInstanceCount, isNumber, 'a number', '2');
  const initialInstanceCount = options.initialInstanceCount ?? 1;
  checkInteger(`${what} initialInstanceCount`, initialInstanceCount, 1, Number.MAX_SAFE_INTEGER);
  // ProductionVariant: VolumeSizeInGB 1-512, ModelDataDownloadTimeoutInSeconds and
  // ContainerStartupHealthCheckTimeoutInSeconds 60-3600 (SageMaker API reference, ProductionVariant).
  const volumeSizeInGb = wholeSize(`${what} volumeSize`, options.volumeSize, 'gibibytes');
  checkInteger(`${what} volumeSize (GiB)`, volumeSizeInGb, 1, 512);
  const download = wholeSeconds(`${what} modelDataDownloadTimeout`, options.modelDataDownloadTimeout);
  checkInteger(`${what} modelDataDownloadTimeout (seconds)`, download, 60, 3600);
  const startup = wholeSeconds(`${what} containerStartupHealthCheckTimeout`, options.containerStartupHealthCheckTimeout);
  checkInteger(`${what} containerStartupHealthCheckTimeout (seconds)`, startup, 60, 3600);
  checkOptional(`${what} volumeEncryptionKey`, options.volumeEncryptionKey, isKey, 'a kms.IKey', 'new kms.Key(this, \'VolumeKey\')');
  return {
    instanceType,
    initialInstanceCount,
    variant: {
      instanceType: instanceType.name,
      initialInstanceCount,
      initialVariantWeight: 1,
      volumeSizeInGb,
      modelDataDownloadTimeoutInSeconds: download,
      containerStartupHealthCheckTimeoutInSeconds: startup,
    },
    kmsKeyId: options.volumeEncryptionKey?.keyArn,
  };
}

/** A Duration in whole seconds, or undefined; tokens in seconds pass through. */
export function seconds(mode: string, property: string, duration?: Duration): number | undefined {
  return wholeSeconds(`endpointMode.${mode} ${property}`, duration);
}

/** A positive finite number (autoscaling targets), or undefined; tokens pass. */
export function checkPositive(what: string, value: number | undefined, example: string): void {
  checkOptional(what, value, isNumber, 'a number', example);
  if (value !== undefined && !Token.isUnresolved(value) && !(value > 0 && Number.isFinite(value))) {
    throw new Error(`${what} must be a positive finite number, got ${show(value)}: give e.g. ${example}`);
  }
}
