import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ConditionStep, CreateModelStep, FailStep, PipelineCondition, PipelineParameter, PipelineValue, ProcessingStep,
  RegisterModelStep, TrainingStep, TransformStep,
} from '../../src/pipeline';

/** One step of each type, wired together as a batch or training pipeline would. */
export function everyStepType(role: iam.IRole) {
  const image = PipelineParameter.stringParameter('ImageUri', '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1');
  const threshold = PipelineParameter.floatParameter('Threshold', 0.5);
  const count = PipelineParameter.integerParameter('InstanceCount', 1);
  const train = new TrainingStep({
    name: 'Train',
    arguments: {
      AlgorithmSpecification: { TrainingImage: image.value, TrainingInputMode: 'File' },
      RoleArn: role.roleArn,
      OutputDataConfig: { S3OutputPath: 's3://bucket/models' },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: count.value, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
  });
  const evaluate = new ProcessingStep({
    name: 'Evaluate',
    arguments: {
      AppSpecification: { ImageUri: image.value, ContainerEntrypoint: ['evaluate'] },
      ProcessingInputs: [{
        InputName: 'model',
        S3Input: { S3Uri: train.modelArtifactsS3Uri, LocalPath: '/opt/ml/processing/model', S3DataType: 'S3Prefix', S3InputMode: 'File' },
      }],
      ProcessingOutputConfig: {
        Outputs: [{ OutputName: 'evaluation', S3Output: { S3Uri: 's3://bucket/eval', LocalPath: '/opt/ml/processing/evaluation', S3UploadMode: 'EndOfJob' } }],
      },
      ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } },
      RoleArn: role.roleArn,
    },
    propertyFiles: [{ name: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' }],
  });
  const model = new CreateModelStep({
    name: 'CreateModel',
    arguments: { ExecutionRoleArn: role.roleArn, PrimaryContainer: { Image: image.value, ModelDataUrl: train.modelArtifactsS3Uri } },
  });
  const transform = new TransformStep({
    name: 'Score',
    arguments: {
      ModelName: model.modelName,
      TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/input' } }, ContentType: 'text/csv' },
      TransformOutput: { S3OutputPath: 's3://bucket/output' },
      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
    },
  });
  const register = new RegisterModelStep({
    name: 'Register',
    arguments: {
      ModelPackageGroupName: 'models',
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: image.value, ModelDataUrl: train.modelArtifactsS3Uri }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
    },
  });
  const mse = evaluate.jsonGet('Evaluation', 'regression_metrics.mse.value');
  const fail = new FailStep({
    name: 'TooWeak',
    errorMessage: PipelineValue.join([PipelineValue.fromString('mse '), mse, PipelineValue.fromString(' > '), threshold.value]),
  });
  const gate = new ConditionStep({
    name: 'Gate',
    conditions: [PipelineCondition.lessThanOrEqualTo(mse, threshold.value)],
    ifSteps: [register],
    elseSteps: [fail],
  });
  return {
    parameters: [image, threshold, count],
    steps: [train, evaluate, gate, model, transform],
    train,
    evaluate,
    gate,
    register,
    fail,
    model,
    transform,
  };
}
