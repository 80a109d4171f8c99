import { Arn, ArnFormat, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, Dependable, IDependable } from 'constructs';
import { PipelineDefinition } from './definition';
import { ISageMakerPipeline, PipelineExecutionStatus } from './pipeline';
import { NewDataTrigger, SageMakerPipelineOptions } from './pipeline-options';
import { stackFailureTopicKey } from './private/failure-key';
import { checkSageMakerPipelineProps } from './private/props';
import { ConditionedTopicTarget } from './private/topic-target';
import { PublishNamesOptions } from './publish-names';
import { SageMakerPipelineBase } from './sagemaker-pipeline-base';
import { PipelineStep } from './steps';
import { PipelineParameter } from './values';
import { checkRequired, isString } from '../image/private/input';
import { cacheLogicalIds } from '../private/logical-id';
import { grantSageMakerLogsAndMetrics } from '../private/logs';
import { explainRolePolicy } from '../private/nag';
import { PublishedName, publishNames } from '../private/outputs';
import { checkInteger } from '../private/validate';

/** `PipelineName` in the CreatePipeline API reference. */
const PIPELINE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;

/**
 * Properties of a `SageMakerPipeline`.
 */
export interface SageMakerPipelineProps extends SageMakerPipelineOptions {
  /**
   * The pipeline's parameters; more can be added with `addParameter`.
   *
   * @default - none
   */
  readonly parameters?: PipelineParameter[];

  /**
   * The pipeline's top-level steps; more can be added with `addStep`.
   *
   * @default - none; at least one must be added before synthesis
   */
  readonly steps?: PipelineStep[];

  /**
   * The name of the parameter that takes the container image URI (what the
   * GitHub workflow sets to the image it pushed).
   *
   * @default - the pipeline takes no image parameter
   */
  readonly imageUriParameterName?: string;
}

/**
 * An `AWS::SageMaker::Pipeline` rendered from typed parameters and steps,
 * with its execution role, and optionally a schedule, a new-data trigger and
 * failure notifications.
 *
 * The execution role starts as SageMaker's trust, `iam:PassRole` on itself
 * (to SageMaker only), and CloudWatch Logs and metrics under `/aws/sagemaker/`.
 * Each step added grants what it needs itself (`PipelineStep.bind`): a job
 * step the Create, Describe and Stop actions of its job type on this
 * account's and region's jobs of that type. Data, images and keys are granted
 * by whoever adds the step that uses them.
 *
 * @example
 * declare const train: TrainingStep;
 * const pipeline = new SageMakerPipeline(this, 'Pipeline', {
 *   parameters: [PipelineParameter.stringParameter('InputUri', 's3://bucket/train')],
 *   steps: [train],
 *   notifications: { notifyOnFailure: true },
 * });
 * declare const ciRole: iam.IRole;
 * pipeline.grantManageExecutions(ciRole);
 */
export class SageMakerPipeline extends SageMakerPipelineBase {
  /**
   * Imports a pipeline of this stack's account and region by name.
   *
   * @param pipelineName the pipeline's name
   */
  public static fromPipelineName(scope: Construct, id: string, pipelineName: string): ISageMakerPipeline {
    checkRequired('sageMakerPipeline.fromPipelineName pipelineName', pipelineName, isString, 'a string', "'churn-training'");
    class Import extends SageMakerPipelineBase {
      public readonly pipelineName = pipelineName;
      public readonly pipelineArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: pipelineName });
      public readonly imageUriParameterName = undefined;
    }
    return new Import(scope, id);
  }

  /**
   * Imports a pipeline by ARN (of any account and region).
   *
   * @param pipelineArn `arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>`
   */
  public static fromPipelineArn(scope: Construct, id: string, pipelineArn: string): ISageMakerPipeline {
    checkRequired('sageMakerPipeline.fromPipelineArn pipelineArn', pipelineArn, isString, 'a string',
      "'arn:aws:sagemaker:us-east-1:111122223333:pipeline/churn-training'");
    const components = Arn.split(pipelineArn, ArnFormat.SLASH_RESOURCE_NAME);
    if (!Token.isUnresolved(pipelineArn) && (components.service !== 'sagemaker' || components.resource !== 'pipeline' || !components.resourceName)) {
      throw new Error(`sageMakerPipeline pipelineArn '${pipelineArn}' is not a pipeline ARN: give `
        + 'arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>');
    }
    class Import extends SageMakerPipelineBase {
      public readonly pipelineName = components.resourceName!;
      public readonly pipelineArn = pipelineArn;
      public readonly imageUriParameterName = undefined;

      /** @internal */
      protected _arnComponents() {
        return { service: 'sagemaker', resource: 'pipeline', partition: components.partition, region: components.region, account: components.account };
      }
    }
    return new Import(scope, id, { environmentFromArn: pipelineArn });
  }

  public readonly pipelineName: string;
  public readonly pipelineArn: string;

  /**
   * The name of the parameter that takes the container image URI.
   *
   * @default - none: the pipeline takes no image parameter
   */
  public readonly imageUriParameterName?: string;

  /** The role SageMaker assumes to run the pipeline and its jobs. */
  public readonly role: iam.IRole;

  /**
   * The topic failed executions are published to.
   *
   * @default - none unless notifications are on
   */
  public readonly failureTopic?: sns.ITopic;

  /**
   * The EventBridge Scheduler schedule.
   *
   * @default - none unless `schedule` is given
   */
  public readonly schedule?: scheduler.Schedule;

  private readonly parameters: PipelineParameter[] = [];
  private readonly steps: PipelineStep[] = [];

  constructor(scope: Construct, id: string, props: SageMakerPipelineProps = {}) {
    checkSageMakerPipelineProps(props);
    super(scope, id);

    const pipelineName = props.pipelineName
      ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-', allowedSpecialCharacters: '-' }).toLowerCase();
    if (!Token.isUnresolved(pipelineName) && !PIPELINE_NAME_PATTERN.test(pipelineName)) {
      throw new Error(`sageMakerPipeline pipelineName '${pipelineName}' is invalid: use up to 256 letters, digits and '-', `
        + 'starting and ending with a letter or digit');
    }
    checkInteger('sageMakerPipeline maxParallelExecutionSteps', props.maxParallelExecutionSteps, 1, 256);
    this.pipelineName = pipelineName;
    this.pipelineArn = Stack.of(this).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: pipelineName });
    this.imageUriParameterName = props.imageUriParameterName;

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Runs the SageMaker pipeline ${this.node.path} and its jobs`,
    });
    this.role = role;
    explainRolePolicy(role);
    // Every job step passes this role to the job it creates.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
    grantSageMakerLogsAndMetrics(this, role, '*');

    const resource = new sagemaker.CfnPipeline(this, 'Resource', {
      pipelineName,
      pipelineDescription: props.description,
      roleArn: role.roleArn,
      pipelineDefinition: {
        PipelineDefinitionBody: Lazy.string({ produce: () => this.definition.render(this) }),
      },
      // An untyped (Json) property in CloudFormation: its keys are written as CloudFormation spells them.
      parallelismConfiguration: props.maxParallelExecutionSteps !== undefined
        ? { MaxParallelExecutionSteps: props.maxParallelExecutionSteps }
        : undefined,
    });
    // The role's policies must exist before an execution can use them. They are read at synthesis,
    // so that policies attached later (an image's pull policy, say) count too.
    const policies: IDependable = {};
    Dependable.implement(policies, {
      get dependencyRoots() {
        return role.node.children.filter((c): c is iam.Policy => c instanceof iam.Policy);
      },
    });
    resource.node.addDependency(policies);

    (props.parameters ?? []).forEach((p) => this.addParameter(p));
    (props.steps ?? []).forEach((s) => this.addStep(s));

    const triggers = props.triggers ?? {};
    if (triggers.schedule) {
      this.schedule = new scheduler.Schedule(this, 'Schedule', {
        schedule: triggers.schedule,
        description: `Starts the SageMaker pipeline ${pipelineName}`,
        target: new schedulerTargets.SageMakerStartPipelineExecution(this, {
          pipelineParameterList: parameterList('triggers.scheduleParameters', triggers.scheduleParameters),
          role: this.createScheduleRole(),
        }),
      });
    } else if (triggers.scheduleParameters) {
      throw new Error('sageMakerPipeline triggers.scheduleParameters is set without triggers.schedule: '
        + 'give a schedule or drop scheduleParameters');
    }

    if (triggers.newData) {
      this.addNewDataTrigger(triggers.newData);
    }
    // Parameters may be added after construction: the names are checked at synthesis.
    this.node.addValidation({
      validate: () => [
        ...this.checkTriggerParameters('triggers.scheduleParameters', triggers.scheduleParameters),
        ...this.checkTriggerParameters('triggers.newData parameters', triggers.newData?.parameters),
      ],
    });

    const notifications = props.notifications ?? {};
    if (notifications.notifyOnFailure === false && notifications.failureTopic) {
      throw new Error('sageMakerPipeline notifications.notifyOnFailure is false but notifications.failureTopic is given: '
        + 'drop one of them');
    }
    if (notifications.notifyOnFailure || notifications.failureTopic) {
      // A name known at synthesis: the key policy can name the rule without depending on it.
      const ruleName = notifications.failureTopic ? undefined : this.failureRuleName();
      this.failureTopic = notifications.failureTopic ?? this.createFailureTopic(ruleName!);
      this.onExecutionStatusChange('FailureRule', {
        statuses: [PipelineExecutionStatus.FAILED],
        ruleName,
        target: new ConditionedTopicTarget(this.failureTopic),
      });
    }
    cacheLogicalIds(this);
  }

  /**
   * The definition as it stands (rendered at synthesis).
   */
  public get definition(): PipelineDefinition {
    return new PipelineDefinition({ parameters: this.parameters, steps: this.steps });
  }

  /**
   * Adds a parameter.
   *
   * @param parameter the parameter
   */
  public addParameter(parameter: PipelineParameter): PipelineParameter {
    this.parameters.push(parameter);
    return parameter;
  }

  /**
   * Adds a top-level step (with the steps of its branches, for a condition)
   * and binds each, so that it grants the execution role what it needs.
   *
   * @param step the step
   */
  public addStep(step: PipelineStep): PipelineStep {
    this.steps.push(step);
    const visit = (s: PipelineStep) => {
      s.bind(this, this.role);
      s.childSteps.forEach(visit);
    };
    visit(step);
    return step;
  }

  /**
   * Publishes the names a client needs (a notebook, a script) as stack outputs
   * `<prefix>PipelineName` and `<prefix>PipelineArn` (subclasses add theirs),
   * and optionally as SSM parameters. Call it once.
   *
   * @param options output prefix and SSM path
   */
  public publishNames(options: PublishNamesOptions = {}): void {
    publishNames(this, this._constructName(), this._publishedNames(), options);
  }

  /**
   * The names `publishNames` writes; subclasses append theirs.
   *
   * @internal
   */
  protected _publishedNames(): PublishedName[] {
    return [
      { name: 'PipelineName', value: this.pipelineName, description: `The SageMaker pipeline ${this.node.path}` },
      { name: 'PipelineArn', value: this.pipelineArn, description: `The ARN of the SageMaker pipeline ${this.node.path}` },
    ];
  }

  /**
   * The construct's name as error messages spell it.
   *
   * @internal
   */
  protected _constructName(): string {
    return 'sageMakerPipeline';
  }

  private addNewDataTrigger(trigger: NewDataTrigger): void {
    const role = new iam.Role(this, 'NewDataTriggerRole', {
      // Only rules of this account may assume it (EventBridge user guide, "Using identity-based policies":
      // confused deputy prevention). The rule's ARN would be a cycle: the rule names this role.
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: `Lets EventBridge start the SageMaker pipeline ${this.node.path}`,
    });
    this.grantStartExecution(role);
    explainRolePolicy(role);
    const key = trigger.prefix === undefined || trigger.prefix === '' ? undefined : [{ prefix: trigger.prefix }];
    // aws-events-targets has no SageMaker pipeline target (aws-cdk issue 14887): the rule is written in L1.
    new events.CfnRule(this, 'NewDataRule', {
      description: `Starts the SageMaker pipeline ${this.pipelineName} when objects are created in the training data location`,
      eventPattern: {
        'source': ['aws.s3'],
        'detail-type': ['Object Created'],
        'detail': {
          bucket: { name: [trigger.bucket.bucketName] },
          ...(key ? { object: { key } } : {}),
        },
      },
      targets: [{
        id: 'Pipeline',
        arn: this.pipelineArn,
        roleArn: role.roleArn,
        sageMakerPipelineParameters: trigger.parameters
          ? { pipelineParameterList: parameterList('triggers.newData parameters', trigger.parameters) }
          : undefined,
      }],
    });
  }

  /**
   * The schedule's own role (the target grants it StartPipelineExecution on this pipeline), instead of
   * the stack-wide role aws-scheduler-targets would share between every schedule of the stack. Only
   * schedules of this account may assume it (EventBridge Scheduler user guide, "Set up the execution role":
   * confused deputy prevention).
   */
  private createScheduleRole(): iam.IRole {
    const role = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: `Lets EventBridge Scheduler start the SageMaker pipeline ${this.node.path}`,
    });
    explainRolePolicy(role);
    return role;
  }

  /** The pipeline's failure topic, encrypted with the stack's failure-topic key, which admits the rule `ruleName`. */
  private createFailureTopic(ruleName: string): sns.ITopic {
    return new sns.Topic(this, 'FailureTopic', {
      masterKey: stackFailureTopicKey(this, ruleName),
      enforceSSL: true,
      displayName: 'SageMaker pipeline failures',
    });
  }

  /** The failure rule's name: up to 64 characters, unique in the account and region. */
  private failureRuleName(): string {
    return Names.uniqueResourceName(this, { maxLength: 64 - '-failures'.length, separator: '-' }) + '-failures';
  }

  /**
   * Names in trigger parameters that the pipeline does not declare: StartPipelineExecution
   * rejects an execution whose PipelineParameters name an undeclared parameter.
   */
  private checkTriggerParameters(property: string, parameters: { [name: string]: string } | undefined): string[] {
    const declared = this.parameters.map((p) => p.name);
    return Object.keys(parameters ?? {})
      .filter((name) => !Token.isUnresolved(name) && !declared.includes(name))
      .map((name) => `sageMakerPipeline ${property} '${name}' is not a parameter of the pipeline `
        + `(declared: ${declared.length > 0 ? declared.join(', ') : 'none'}): fix the name or add the parameter`);
  }
}

function parameterList(property: string, parameters?: { [name: string]: string }): Array<{ name: string; value: string }> | undefined {
  if (!parameters) {
    return undefined;
  }
  const list = Object.entries(parameters).map(([name, value]) => ({ name, value }));
  // PipelineParameterList holds up to 200 entries (EventBridge Scheduler and EventBridge API references).
  if (list.length > 200) {
    throw new Error(`sageMakerPipeline ${property} has ${list.length} entries: EventBridge passes at most 200; pass the rest as the pipeline parameters' defaults`);
  }
  return list;
}
