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
 * Steps (steps.ts) -- job steps take `arguments`: the Create*Job API request, PascalCase,
 * without the job name; plus `name`, `description?`, `dependsOn?: PipelineStep[]`, `cacheExpireAfter?`.
 *   TrainingStep          .modelArtifactsS3Uri
 *   ProcessingStep        propertyFiles?: [{name, outputName, filePath}]; .jsonGet(file, path); .outputS3Uri(output)
 *   TransformStep         .outputS3Path
 *   CreateModelStep       (type "Model") .modelName
 *   RegisterModelStep     .modelPackageArn
 *   FailStep              { errorMessage: PipelineValue }
 *   ConditionStep         { conditions: PipelineCondition[], ifSteps?, elseSteps? }  (branch steps are NOT top-level)
 *   PipelineCondition.compare(left, ConditionOperator.X, right) / .lessThanOrEqualTo(...) ...
 *   step.property(path)   -> {"Get": "Steps.<name>.<path>"}
 *
 * Definition (definition.ts)
 *   new PipelineDefinition({ parameters, steps }).toJson() / .render(scope)  (Stack.toJsonString)
 *   checks: unique step/parameter names, DependsOn targets, every Get resolves.
 *
 * Construct (sagemaker-pipeline.ts)
 *   new SageMakerPipeline(scope, id, { parameters?, steps?, imageUriParameterName?, pipelineName?,
 *     description?, schedule?, scheduleParameters?, newDataTrigger?, notifyOnFailure?, failureTopic?,
 *     maxParallelExecutionSteps? })       -- subclass it (TrainingPipeline does) or use it as is
 *   .role (execution role: sagemaker trust, PassRole on itself, logs/metrics under /aws/sagemaker)
 *   .addParameter(p), .addStep(s)  -- addStep grants Create/Describe/Stop + AddTags on the job type's
 *     ARNs (training-job, processing-job, transform-job, model) of this account/region.
 *     RegisterModel, data, images and KMS keys are granted by the caller (to .role).
 *   .grantStartExecution(grantee), .grantStartPipelineExecution(grantee), .metric*(), .onExecutionStatusChange()
 *   implements ISageMakerPipeline and aws-sagemaker IPipeline (usable with aws-scheduler-targets).
 */
export * from './pipeline';
export * from './values';
export * from './instance-type';
export * from './steps';
export * from './definition';
export * from './sagemaker-pipeline';
