import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ISageMakerPipeline } from '../../src/pipeline';

/** A training pipeline the workflow can start: its name, ARN, image parameter and the train job's grant. */
export function fakePipeline(stack: Stack): ISageMakerPipeline {
  const pipelineArn = stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: 'training' });
  return {
    pipelineName: 'training',
    pipelineArn,
    imageUriParameterName: 'ImageUri',
    grantManageExecutions: (grantee: iam.IGrantable) => iam.Grant.addToPrincipal({
      grantee, actions: ['sagemaker:StartPipelineExecution'], resourceArns: [pipelineArn],
    }),
  } as unknown as ISageMakerPipeline;
}
