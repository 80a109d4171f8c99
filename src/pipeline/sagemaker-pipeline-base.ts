import { ArnComponents, ArnFormat, Resource, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import { ISageMakerPipeline, PipelineExecutionStatusChangeOptions } from './pipeline';
import { nameCaseVariants } from '../private/arns';
import { grantWithWildcard } from '../private/grants';

/** The CloudWatch namespace of SageMaker Pipelines metrics. */
const METRIC_NAMESPACE = 'AWS/Sagemaker/ModelBuildingPipeline';

/**
 * What an owned and an imported SageMaker pipeline share: grants, metrics
 * and execution events.
 *
 * @example
 * declare const ciRole: iam.IRole;
 * const pipeline: SageMakerPipelineBase = new SageMakerPipeline(this, 'Pipeline');
 * pipeline.grantManageExecutions(ciRole);
 */
export abstract class SageMakerPipelineBase extends Resource implements ISageMakerPipeline {
  public abstract readonly pipelineName: string;
  public abstract readonly pipelineArn: string;

  /**
   * The name of the parameter that takes the container image URI.
   *
   * @default - none: the pipeline takes no image parameter
   */
  public abstract readonly imageUriParameterName?: string;

  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:StartPipelineExecution'],
      resourceArns: this.arnsFor((name) => name),
    });
  }

  /**
   * Grants starting executions: what aws-cdk-lib's `sagemaker.IPipeline` asks
   * of a pipeline (so that this pipeline is a target of
   * `aws-scheduler-targets`' `SageMakerStartPipelineExecution`). It grants
   * exactly what `grantStartExecution` grants: `StartPipelineExecution` only.
   *
   * @param grantee the principal
   */
  public grantStartPipelineExecution(grantee: iam.IGrantable): iam.Grant {
    return this.grantStartExecution(grantee);
  }

  /** A reference to this pipeline, for the CDK's SageMaker interfaces. */
  public get pipelineRef(): sagemakerRefs.PipelineReference {
    return { pipelineName: this.pipelineName };
  }

  public grantManageExecutions(grantee: iam.IGrantable): iam.Grant {
    return this.grantStartExecution(grantee).combine(grantWithWildcard(grantee, {
      actions: ['sagemaker:DescribePipelineExecution', 'sagemaker:StopPipelineExecution', 'sagemaker:ListPipelineExecutionSteps'],
      resourceArns: this.arnsFor((name) => `${name}/execution/*`),
      reason: 'execution ids are made when an execution starts, so the caller may act on the executions of this pipeline only',
    }));
  }

  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { PipelineName: this.pipelineName },
      statistic: 'Sum',
      ...props,
    }).attachTo(this);
  }

  public metricExecutionStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionStarted', props);
  }

  public metricExecutionFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionFailed', props);
  }

  public metricExecutionSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionSucceeded', props);
  }

  public metricExecutionStopped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionStopped', props);
  }

  public metricExecutionDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionDuration', { statistic: 'Average', ...props });
  }

  public onExecutionStatusChange(id: string, options: PipelineExecutionStatusChangeOptions = {}): events.Rule {
    const statuses = options.statuses ?? [];
    const rule = new events.Rule(this, id, {
      ...options,
      description: options.description ?? (statuses.length > 0
        ? `Executions of the SageMaker pipeline ${this.pipelineName} that reach ${statuses.join(' or ')}`
        : `Status changes of the executions of the SageMaker pipeline ${this.pipelineName}`),
      eventPattern: undefined,
    });
    rule.addEventPattern({
      source: ['aws.sagemaker'],
      detailType: ['SageMaker Model Building Pipeline Execution Status Change'],
      detail: {
        pipelineArn: this.arnsFor((name) => name),
        ...(statuses.length > 0 ? { currentPipelineExecutionStatus: statuses } : {}),
      },
    });
    rule.addEventPattern(options.eventPattern);
    if (options.target) {
      rule.addTarget(options.target);
    }
    return rule;
  }

  /**
   * The account, region and partition of this pipeline's ARNs.
   *
   * @internal
   */
  protected _arnComponents(): ArnComponents {
    return { service: 'sagemaker', resource: 'pipeline' };
  }

  /**
   * SageMaker may write a pipeline's name in lowercase in its ARNs; a name
   * given in mixed case is granted in both forms.
   */
  private arnsFor(suffix: (name: string) => string): string[] {
    const components = this._arnComponents();
    return nameCaseVariants(this.pipelineName).map((name) => Stack.of(this).formatArn({
      ...components, resourceName: suffix(name), arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }));
  }
}

