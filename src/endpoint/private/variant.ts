import { Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
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

/** Validates and renders the instance part of a production variant. */
export function renderInstanceVariant(mode: string, options: InstanceVariantOptions, defaultType: InferenceInstanceType) {
  const instanceType = options.instanceType ?? defaultType;
  if (!Token.isUnresolved(instanceType.name) && !/^ml\.[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceType.name)) {
    throw new Error(`endpointMode.${mode} instanceType '${instanceType.name}' is not a SageMaker instance type: give one such as 'ml.m5.large'`);
  }
  const initialInstanceCount = options.initialInstanceCount ?? 1;
  checkInteger(`endpointMode.${mode} initialInstanceCount`, initialInstanceCount, 1, Number.MAX_SAFE_INTEGER);
  // ProductionVariant: VolumeSizeInGB 1-512, ModelDataDownloadTimeoutInSeconds and
  // ContainerStartupHealthCheckTimeoutInSeconds 60-3600 (SageMaker API reference, ProductionVariant).
  const volumeSizeInGb = options.volumeSize === undefined ? undefined : wholeGiB(mode, options.volumeSize);
  checkInteger(`endpointMode.${mode} volumeSize (GiB)`, volumeSizeInGb, 1, 512);
  const download = seconds(mode, 'modelDataDownloadTimeout', options.modelDataDownloadTimeout);
  checkInteger(`endpointMode.${mode} modelDataDownloadTimeout (seconds)`, download, 60, 3600);
  const startup = seconds(mode, 'containerStartupHealthCheckTimeout', options.containerStartupHealthCheckTimeout);
  checkInteger(`endpointMode.${mode} containerStartupHealthCheckTimeout (seconds)`, startup, 60, 3600);
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

/** A Duration in whole seconds, or undefined; tokens pass through. */
export function seconds(mode: string, property: string, duration?: Duration): number | undefined {
  if (duration === undefined) {
    return undefined;
  }
  if (duration.isUnresolved()) {
    return duration.toSeconds();
  }
  const value = duration.toSeconds({ integral: false });
  if (!Number.isInteger(value)) {
    throw new Error(`endpointMode.${mode} ${property} must be a whole number of seconds, got ${value} seconds`);
  }
  return value;
}

function wholeGiB(mode: string, size: Size): number {
  if (size.isUnresolved()) {
    return size.toGibibytes();
  }
  const value = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(value)) {
    throw new Error(`endpointMode.${mode} volumeSize must be a whole number of GiB, e.g. Size.gibibytes(30)`);
  }
  return value;
}
