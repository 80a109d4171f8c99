import {
  ConditionStep, FailStep, PipelineCondition, PipelineParameter, PipelineStep, PipelineValue, ProcessingStep, RegisterModelStep, TrainingStep,
} from '../../pipeline';
import { IModelPackageGroup } from '../model-package-group';
import { ModelApprovalStatus, RegistrationOptions } from '../options';
import { QualityGate } from '../quality-gate';

/** What the registration step is built from. */
export interface RegisterStepInputs {
  readonly options: RegistrationOptions;
  readonly group: IModelPackageGroup;
  /** The literal approval status (`PendingManualApproval`, or `Approved` with auto-approval). */
  readonly approvalStatus: ModelApprovalStatus;
  /** The inference image: the options' own, or the pipeline's image parameter. */
  readonly image: PipelineValue;
  readonly trainingStep: TrainingStep;
  /** The evaluation step, whose report becomes the model quality statistics (none with EvaluationMethod.none()). */
  readonly evaluationStep?: ProcessingStep;
  /** `DriftCheckBaselines` of CreateModelPackage (from buildBaselineStep), by reference to the baseline step's output. */
  readonly driftCheckBaselines?: { [key: string]: any };
}

/** The RegisterModel step: the model version, with the evaluation report as its quality metrics. */
export function buildRegisterStep(inputs: RegisterStepInputs): RegisterModelStep {
  const o = inputs.options;
  const inferenceInstanceTypes = o.inferenceInstanceTypes ?? ['ml.m5.large'];
  // CreateModelPackage has fields this library does not type yet: the raw request.
  return new RegisterModelStep({
    name: 'RegisterModel',
    description: 'Registers the model version in the model package group',
    arguments: {
      ModelPackageGroupName: inputs.group.modelPackageGroupName,
      // A literal, never a parameter: RegisterModelStep conditions the role's CreateModelPackage on it.
      ModelApprovalStatus: inputs.approvalStatus,
      InferenceSpecification: {
        Containers: [{ Image: inputs.image, ModelDataUrl: inputs.trainingStep.modelArtifactsS3Uri }],
        SupportedContentTypes: o.contentTypes ?? ['text/csv'],
        SupportedResponseMIMETypes: o.responseTypes ?? ['text/csv'],
        SupportedRealtimeInferenceInstanceTypes: inferenceInstanceTypes,
        SupportedTransformInstanceTypes: inferenceInstanceTypes,
      },
      ModelMetrics: inputs.evaluationStep ? {
        ModelQuality: {
          Statistics: {
            ContentType: 'application/json',
            S3Uri: PipelineValue.join([inputs.evaluationStep.outputS3Uri('evaluation'), PipelineValue.fromString('/evaluation.json')]),
          },
        },
      } : undefined,
      DriftCheckBaselines: inputs.driftCheckBaselines,
    },
  });
}

/**
 * The QualityGate condition step around `register`, or `register` itself
 * without a gate. The threshold is the pipeline parameter `QualityThreshold`
 * (`addParameter` given: a person still approves what passes) or, with
 * auto-approval, the gate's literal threshold.
 */
export function buildQualityGate(gate: QualityGate | undefined, training: TrainingStep, evaluation: ProcessingStep | undefined,
  register: RegisterModelStep, addParameter: ((parameter: PipelineParameter) => PipelineParameter) | undefined): PipelineStep {
  if (!gate) {
    return register;
  }
  const threshold = addParameter
    ? addParameter(PipelineParameter.floatParameter('QualityThreshold', gate.threshold, {
      description: `the quality gate's threshold: ${gate.metricPath} ${gate.symbol} threshold to register (a person still approves)`,
    })).value
    : PipelineValue.fromNumber(gate.threshold);
  // A training metric's last value is FinalMetricDataList['<name>'].Value of DescribeTrainingJob (what the
  // SageMaker Python SDK's step.properties.FinalMetricDataList[...] renders).
  const metric = gate.trainingMetric ? training.property(`FinalMetricDataList['${gate.metricPath}'].Value`)
    : evaluation!.jsonGet('Evaluation', gate.metricPath);
  return new ConditionStep({
    name: 'QualityGate',
    description: `Registers the model only if ${gate.metricPath} ${gate.symbol} ${addParameter ? 'QualityThreshold' : gate.threshold}`,
    conditions: [PipelineCondition.compare(metric, gate.comparison, threshold)],
    ifSteps: [register],
    elseSteps: [new FailStep({
      name: 'QualityGateFailed',
      errorMessage: PipelineValue.join([
        PipelineValue.fromString(`quality gate failed: ${gate.metricPath} = `),
        metric,
        PipelineValue.fromString(`, required ${gate.symbol} `),
        threshold,
      ]),
    })],
  });
}
