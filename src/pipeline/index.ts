/*
 * The pipeline core: a typed SageMaker Pipeline definition (version 2020-12-01)
 * and the construct that deploys one. Shared by training, batch transform and,
 * later, monitoring. Nothing here knows about those users.
 *
 * Values (values.ts)
 *   PipelineParameter.stringParameter|integerParameter|floatParameter|booleanParameter(name, default?, {description})
 *     .value                      -> {"Get": "Parameters.<name>"}
 *   PipelineValue.fromString|fromNumber|fromBoolean(v)   literals (may hold CDK tokens)
 *   PipelineValue.parameter(name), .stepProperty(step, path), .executionId(), .executionArn()
 *   PipelineValue.join(values, separator)                -> {"Std:Join": {"On", "Values"}}
 *   PipelineValue.jsonGet(step, propertyFile, path)      -> {"Std:JsonGet": {"PropertyFile": {"Get"}, "Path"}}
 *   A PipelineValue may appear anywhere inside step arguments; rendering replaces it.
 *
 * Steps (steps/: base.ts, job.ts, condition.ts) -- name, description?, dependsOn?; job steps cacheExpireAfter?.
 *   TrainingStep({ job: TrainingJobOptions } | { arguments })      .modelArtifactsS3Uri
 *   ProcessingStep({ job: ProcessingJobOptions } | { arguments }, propertyFiles?)  .jsonGet(file, path); .outputS3Uri(output)
 *   TransformStep({ job: TransformJobOptions } | { arguments })    .outputS3Path
 *   CreateModelStep({ arguments }) (type "Model") .modelName;  RegisterModelStep({ arguments }) .modelPackageArn
 *   (`arguments` is the raw Create* request, PascalCase, without the job name: the escape hatch)
 *   FailStep { errorMessage }; ConditionStep { conditions, ifSteps?, elseSteps? } (branch steps are NOT top-level)
 *   PipelineCondition.compare(left, ConditionOperator.X, right) / .lessThanOrEqualTo(...) ...
 *   step.property(path) -> {"Get": "Steps.<name>.<path>"};  step.bind(scope, role): the step grants what it needs.
 *
 * Jobs (jobs/): typed Create*Job requests, rendered and checked by the steps.
 *
 * Definition (definition.ts)
 *   new PipelineDefinition({ parameters, steps }).toJson() / .render(scope)  (Float defaults written as 1.0)
 *   checks: unique step/parameter names, DependsOn targets, every Get resolves.
 *
 * Construct (sagemaker-pipeline.ts, sagemaker-pipeline-base.ts)
 *   ISageMakerPipeline (IResource): pipelineName/Arn, grantStartExecution (start only),
 *     grantManageExecutions (start, describe, list steps, stop), metric*(), onExecutionStatusChange(id, { statuses, target })
 *   SageMakerPipelineBase implements it; SageMakerPipeline.fromPipelineName / fromPipelineArn import.
 *   new SageMakerPipeline(scope, id, { parameters?, steps?, imageUriParameterName?, pipelineName?,
 *     description?, schedule?, scheduleParameters?, newDataTrigger?, notifyOnFailure?, failureTopic?,
 *     maxParallelExecutionSteps? })       -- subclass it (TrainingPipeline does) or use it as is
 *   .role (execution role: sagemaker trust, PassRole on itself, logs/metrics under /aws/sagemaker)
 *   .addParameter(p), .addStep(s)  -- addStep binds every step (branches included): each grants its own job's actions.
 */
export * from './pipeline';
export * from './values';
export * from './instance-type';
export * from './jobs';
export * from './steps';
export * from './definition';
export * from './pipeline-options';
export * from './sagemaker-pipeline-base';
export * from './sagemaker-pipeline';
export * from './publish-names';
