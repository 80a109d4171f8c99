import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { APPROVAL_STATUSES, ApprovalStatusCondition, grantRegisterModel } from './grants';
import { JobStep, JobStepProps } from './job';
import { argumentsOf } from '../private/job-step';
import { PipelineValue } from '../values';

/**
 * Registers a model version in a model package group (`CreateModelPackage`).
 * Added to a pipeline, it grants the execution role registering versions in
 * the group its `ModelPackageGroupName` names; a group named by a pipeline
 * value is known only at execution time, and then the caller grants it
 * (`IModelPackageGroup.grantRegister`).
 *
 * The grant carries a `sagemaker:ModelApprovalStatus` condition: the role may
 * register exactly the literal `ModelApprovalStatus` of the arguments (without
 * one, SageMaker's default `PendingManualApproval`). A status that a pipeline
 * value sets at execution time may be `PendingManualApproval` or `Rejected`,
 * never `Approved`: whoever starts the pipeline cannot approve what it registers.
 *
 * @example
 * const register = new RegisterModelStep({
 *   name: 'Register',
 *   arguments: {
 *     ModelPackageGroupName: 'my-models',
 *     ModelApprovalStatus: 'PendingManualApproval',
 *     InferenceSpecification: {
 *       Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1', ModelDataUrl: 's3://bucket/model.tar.gz' }],
 *       SupportedContentTypes: ['text/csv'],
 *       SupportedResponseMIMETypes: ['text/csv'],
 *     },
 *   },
 * });
 */
export class RegisterModelStep extends JobStep {
  constructor(props: JobStepProps) {
    super('RegisterModel', props, argumentsOf('registerModelStep', props,
      "{ name: 'Register', arguments: { ModelPackageGroupName, InferenceSpecification } }"));
  }

  /** The ARN of the new model package version (`ModelPackageArn`). */
  public get modelPackageArn(): PipelineValue {
    return this.property('ModelPackageArn');
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    const group = this.arguments.ModelPackageGroupName;
    if (typeof group === 'string') {
      grantRegisterModel(scope, executionRole, group, this.approvalStatuses());
    }
  }

  /**
   * What the execution role may register: the literal status of the arguments; without one,
   * SageMaker's default (PendingManualApproval); a status set at execution time (a pipeline
   * value, a deploy-time token) may not be Approved, so that no execution input approves a version.
   */
  private approvalStatuses(): ApprovalStatusCondition {
    const status = this.arguments.ModelApprovalStatus;
    if (status === undefined) {
      return { statuses: ['PendingManualApproval'], ifExists: true };
    }
    if (typeof status !== 'string' || Token.isUnresolved(status)) {
      return { statuses: ['PendingManualApproval', 'Rejected'] };
    }
    if (!APPROVAL_STATUSES.includes(status)) {
      throw new Error(`registerModelStep '${this.name}' arguments.ModelApprovalStatus '${status}' is not an approval status: `
        + `give one of ${APPROVAL_STATUSES.join(', ')}`);
    }
    return { statuses: [status] };
  }
}
