import { checkInteger, sortedMap } from '../../private/validate';
import { InferenceInstanceType } from '../instance-type';
import { TransformJobOptions } from '../jobs/transform-job';

/** The CreateTransformJob request (without the job name) of typed options, checked. */
export function renderTransformJob(property: string, job: TransformJobOptions): { [key: string]: any } {
  checkInteger(`${property} instanceCount`, job.instanceCount, 1, Number.MAX_SAFE_INTEGER);
  return {
    ModelName: job.modelName,
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: job.inputS3Uri } },
      ContentType: job.contentType,
    },
    TransformOutput: { S3OutputPath: job.outputS3Uri, Accept: job.accept, KmsKeyId: job.encryptionKey?.keyArn },
    TransformResources: {
      InstanceType: (job.instanceType ?? InferenceInstanceType.ML_M5_LARGE).name,
      InstanceCount: job.instanceCount ?? 1,
      VolumeKmsKeyId: job.encryptionKey?.keyArn,
    },
    Environment: sortedMap(job.environment),
  };
}
