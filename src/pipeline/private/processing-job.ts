import { Duration } from 'aws-cdk-lib';
import { renderJobVpcConfig, runtimeSeconds, volumeSizeInGb } from './job-common';
import { checkInteger, sortedMap } from '../../private/validate';
import { ProcessingInstanceType } from '../instance-type';
import { checkEnvironment } from './training-job';
import { ProcessingJobOptions } from '../jobs/processing-job';
import { S3DataDistribution } from '../jobs/training-job';

/** The CreateProcessingJob request (without the job name) of typed options, checked. */
export function renderProcessingJob(property: string, job: ProcessingJobOptions): { [key: string]: any } {
  checkProcessingJob(property, job);
  const vpcConfig = renderJobVpcConfig(`${property} network`, job.network);
  const network = job.network;
  return {
    AppSpecification: {
      ImageUri: job.image,
      ContainerEntrypoint: job.entrypoint,
      ContainerArguments: job.containerArguments,
    },
    Environment: sortedMap(job.environment),
    ProcessingInputs: job.inputs?.map((i) => ({
      InputName: i.inputName,
      S3Input: {
        S3Uri: i.s3Uri,
        LocalPath: i.localPath,
        S3DataType: 'S3Prefix',
        S3InputMode: 'File',
        S3DataDistributionType: i.distribution ?? S3DataDistribution.FULLY_REPLICATED,
      },
    })),
    ProcessingOutputConfig: job.outputs ? {
      Outputs: job.outputs.map((o) => ({
        OutputName: o.outputName,
        S3Output: { S3Uri: o.s3Uri, LocalPath: o.localPath, S3UploadMode: 'EndOfJob' },
      })),
      KmsKeyId: job.encryptionKey?.keyArn,
    } : undefined,
    ProcessingResources: {
      ClusterConfig: {
        InstanceType: (job.instanceType ?? ProcessingInstanceType.ML_M5_LARGE).name,
        InstanceCount: job.instanceCount ?? 1,
        VolumeSizeInGB: volumeSizeInGb(`${property} volumeSize`, job.volumeSize, 30, 16_384),
        VolumeKmsKeyId: job.encryptionKey?.keyArn,
      },
    },
    StoppingCondition: {
      MaxRuntimeInSeconds: runtimeSeconds(`${property} maxRuntime`, job.maxRuntime ?? Duration.hours(1), 432_000,
        'give a Duration of at most 5 days'),
    },
    RoleArn: job.role.roleArn,
    NetworkConfig: vpcConfig || network?.networkIsolation || network?.interContainerTrafficEncryption ? {
      VpcConfig: vpcConfig,
      EnableNetworkIsolation: network?.networkIsolation,
      EnableInterContainerTrafficEncryption: network?.interContainerTrafficEncryption,
    } : undefined,
  };
}

/** Throws on options CreateProcessingJob would refuse. */
export function checkProcessingJob(property: string, job: ProcessingJobOptions): void {
  // CreateProcessingJob: InstanceCount 1-100, VolumeSizeInGB 1-16384, MaxRuntimeInSeconds 1-432000.
  checkInteger(`${property} instanceCount`, job.instanceCount, 1, 100);
  volumeSizeInGb(`${property} volumeSize`, job.volumeSize, 30, 16_384);
  runtimeSeconds(`${property} maxRuntime`, job.maxRuntime ?? Duration.hours(1), 432_000, 'give a Duration of at most 5 days');
  renderJobVpcConfig(`${property} network`, job.network);
  checkEnvironment(`${property} environment`, job.environment, { entries: 100, key: 256, value: 256 });
}
