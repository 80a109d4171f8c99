import { IResource, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { ModelApproval, ModelApprovalStatus } from './options';
import { checkRequired, isString } from '../image/private/input';
import { APPROVAL_STATUSES, grantRegisterModel } from '../pipeline/steps/grants';
import { nameCaseVariants } from '../private/arns';
import { grantWithWildcard } from '../private/grants';

/** Why the versions of a group are granted with a wildcard. */
const VERSIONS_REASON = 'model package versions are named <group>/<version> when training registers them: '
  + 'the statement covers the versions of the named model package group only';

/** `ModelPackageGroupName` in the CreateModelPackageGroup API reference. */
const GROUP_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * A SageMaker model package group: the versioned registry of a model, where a
 * training pipeline registers versions and an endpoint deploys one from.
 */
export interface IModelPackageGroup extends IResource {
  /** The group's name. */
  readonly modelPackageGroupName: string;

  /** The group's ARN. */
  readonly modelPackageGroupArn: string;

  /**
   * Grants registering versions in the group (`CreateModelPackage` and
   * describing them), conditioned on the approval status they get
   * (`sagemaker:ModelApprovalStatus`): `PendingManualApproval` only, or also
   * `Approved` with `ModelApproval.AUTO`.
   *
   * @param grantee the principal
   * @param approval who approves what the grantee registers (`ModelApproval.MANUAL` when omitted)
   */
  grantRegister(grantee: iam.IGrantable, approval?: ModelApproval): iam.Grant;

  /**
   * Grants approving and rejecting the group's versions, for the people or
   * roles who approve: `UpdateModelPackage` on the versions, on condition that
   * each call sets an approval status (`sagemaker:ModelApprovalStatus` is one
   * of `Approved`, `Rejected`, `PendingManualApproval`), and what `grantRead`
   * grants, to find and inspect them (SDK, CLI, the Studio model registry).
   * Approving a version is what deploys it.
   *
   * @param grantee the principal
   */
  grantApprove(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants reading the group and its versions (what a deployment needs).
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

/**
 * Properties of a `ModelPackageGroup`.
 */
export interface ModelPackageGroupProps {
  /**
   * The group's name: up to 63 letters, digits and `-`.
   *
   * @default - a unique name generated from the construct path
   */
  readonly modelPackageGroupName?: string;

  /**
   * What the group holds.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * What happens to the group (and the record of its versions) when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * What an owned and an imported model package group share.
 *
 * @example
 * declare const deployRole: iam.IRole;
 * const group: ModelPackageGroupBase = new ModelPackageGroup(this, 'Models');
 * group.grantRead(deployRole);
 */
export abstract class ModelPackageGroupBase extends Resource implements IModelPackageGroup {
  public abstract readonly modelPackageGroupName: string;
  public abstract readonly modelPackageGroupArn: string;

  public grantRegister(grantee: iam.IGrantable, approval: ModelApproval = ModelApproval.MANUAL): iam.Grant {
    // Pipelines tag what they create with the execution that created it (sagemaker:AddTags).
    return grantRegisterModel(this, grantee, this.modelPackageGroupName, {
      statuses: approval === ModelApproval.AUTO
        ? [ModelApprovalStatus.PENDING_MANUAL_APPROVAL, ModelApprovalStatus.APPROVED]
        : [ModelApprovalStatus.PENDING_MANUAL_APPROVAL],
    });
  }

  public grantApprove(grantee: iam.IGrantable): iam.Grant {
    // sagemaker:ModelApprovalStatus is a condition key of UpdateModelPackage ("Actions, resources,
    // and condition keys for Amazon SageMaker", Service Authorization Reference): the status in the
    // request. StringEquals refuses calls that set none (metadata or inference specification changes).
    return this.grantRead(grantee).combine(grantWithWildcard(grantee, {
      actions: ['sagemaker:UpdateModelPackage'],
      resourceArns: this.versionArns(),
      conditions: { StringEquals: { 'sagemaker:ModelApprovalStatus': APPROVAL_STATUSES } },
      reason: VERSIONS_REASON,
    }));
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    // Versions are named <group>/<version> and made by training runs: only a
    // wildcard under the group names them. ListModelPackages authorizes on the
    // model-package resource type (Service Authorization Reference, Amazon SageMaker).
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:DescribeModelPackageGroup'],
      resourceArns: this.groupArns(),
    }).combine(grantWithWildcard(grantee, {
      actions: ['sagemaker:ListModelPackages'],
      resourceArns: [...this.groupArns(), ...this.versionArns()],
      reason: VERSIONS_REASON,
    })).combine(grantWithWildcard(grantee, {
      actions: ['sagemaker:DescribeModelPackage'],
      resourceArns: this.versionArns(),
      reason: VERSIONS_REASON,
    }));
  }

  /** SageMaker may write names in lowercase in ARNs: a mixed-case name is granted in both forms. */
  private names(): string[] {
    return nameCaseVariants(this.modelPackageGroupName);
  }

  private groupArns(): string[] {
    return this.names().map((n) => Stack.of(this).formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: n }));
  }

  private versionArns(): string[] {
    return this.names().map((n) => Stack.of(this).formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${n}/*` }));
  }
}

/**
 * A model package group (`AWS::SageMaker::ModelPackageGroup`), retained by default.
 *
 * @example
 * const group = new ModelPackageGroup(this, 'Models', {
 *   description: 'Churn models that passed the quality gate',
 * });
 */
export class ModelPackageGroup extends ModelPackageGroupBase {
  /**
   * Imports a group by name (in the stack's account and region).
   *
   * @param modelPackageGroupName the group's name
   */
  public static fromModelPackageGroupName(scope: Construct, id: string, modelPackageGroupName: string): IModelPackageGroup {
    checkGroupName('modelPackageGroup.fromModelPackageGroupName modelPackageGroupName', modelPackageGroupName);
    class Import extends ModelPackageGroupBase {
      public readonly modelPackageGroupName = modelPackageGroupName;
      public readonly modelPackageGroupArn = Stack.of(scope).formatArn({
        service: 'sagemaker', resource: 'model-package-group', resourceName: modelPackageGroupName,
      });
    }
    return new Import(scope, id);
  }

  public readonly modelPackageGroupName: string;
  public readonly modelPackageGroupArn: string;

  constructor(scope: Construct, id: string, props: ModelPackageGroupProps = {}) {
    super(scope, id);
    const name = props.modelPackageGroupName
      ?? Names.uniqueResourceName(this, { maxLength: 63, separator: '-', allowedSpecialCharacters: '-' }).toLowerCase();
    checkGroupName('modelPackageGroup modelPackageGroupName', name);
    const resource = new sagemaker.CfnModelPackageGroup(this, 'Resource', {
      modelPackageGroupName: name,
      modelPackageGroupDescription: props.description,
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    // Ref returns the ARN for this resource type, and there is no name attribute: the name is the literal.
    this.modelPackageGroupName = name;
    this.modelPackageGroupArn = resource.attrModelPackageGroupArn;
  }
}

/** A model package group name (CreateModelPackageGroup ModelPackageGroupName); `what` names the construct and the property. */
function checkGroupName(what: string, name: string): void {
  checkRequired(what, name, isString, 'a string', "'churn'");
  if (!Token.isUnresolved(name) && !GROUP_NAME_PATTERN.test(name)) {
    throw new Error(`${what} '${name}' is invalid: use up to 63 letters, digits and '-', starting and ending with a letter or digit`);
  }
}
