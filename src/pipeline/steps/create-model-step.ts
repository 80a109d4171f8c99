import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { grantJobType } from './grants';
import { JobStep, JobStepProps } from './job';
import { argumentsOf } from '../private/job-step';
import { PipelineValue } from '../values';

/**
 * A SageMaker model (`CreateModel`), e.g. for a transform step to run. Added
 * to a pipeline, it grants the execution role `CreateModel`, `DescribeModel`
 * and `AddTags` on the models of the account and region.
 *
 * @example
 * declare const role: iam.IRole;
 * const model = new CreateModelStep({
 *   name: 'CreateModel',
 *   arguments: {
 *     ExecutionRoleArn: role.roleArn,
 *     PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1', ModelDataUrl: 's3://bucket/model.tar.gz' },
 *   },
 * });
 */
export class CreateModelStep extends JobStep {
  constructor(props: JobStepProps) {
    super('Model', props, argumentsOf('createModelStep', props, "{ name: 'CreateModel', arguments: { ExecutionRoleArn, PrimaryContainer } }"));
  }

  /** The name SageMaker gave the model (`ModelName`). */
  public get modelName(): PipelineValue {
    return this.property('ModelName');
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    grantJobType(scope, executionRole, 'model', ['sagemaker:CreateModel', 'sagemaker:DescribeModel']);
  }
}
