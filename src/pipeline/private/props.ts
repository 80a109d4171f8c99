import {
  checkList, checkOptional, checkRequired, checkStruct, isBoolean, isBucket, isDuration, isKey, isMap, isNumber, isRole, isSize, isString,
  isTopic,
} from '../../image/private/input';
import { InferenceInstanceType, ProcessingInstanceType, TrainingInstanceType } from '../instance-type';
import { S3DataDistribution, TrainingInputMode } from '../jobs/training-job';
import type { SageMakerPipelineProps } from '../sagemaker-pipeline';
import { PipelineValue } from '../values';

/**
 * Checks of what the pipeline core is given, for every language's callers, at one place per
 * entry point and before anything is built: plain JavaScript (and jsii languages passing null)
 * can leave out required values or give values of another kind, which would otherwise surface
 * as TypeErrors (`props.conditions.length`) or, worse, as a step named 'undefined'. The
 * messages have the shape of the other constructs': `<construct> <prop> ..., got <value>: <fix>`.
 * Limits of the values themselves are checked where they are rendered (training-job.ts, ...).
 */

const isValue = (v: unknown): boolean => PipelineValue._isPipelineValue(v);
const VALUE = 'a PipelineValue';
const VALUE_EXAMPLE = "PipelineValue.fromString('s3://bucket/prefix')";
/** A step of this library: every step has a name and renders itself. */
const isStep = (v: any): boolean => typeof v?.name === 'string' && typeof v?._toJson === 'function' && typeof v?.bind === 'function';
const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every(isString);

/** The props of every step: a struct with a name (checked against the schema in checkPipelineName). */
export function checkStepProps(construct: string, props: unknown, example: string): void {
  checkStruct(`${construct} props`, props, false, example);
  const p = props as { [key: string]: any };
  checkRequired(`${construct} name`, p.name, isString, 'a string', "'Train' (1 to 64 letters, digits, '-' or '_')");
  checkOptional(`${construct} description`, p.description, isString, 'a string', "'trains the model'");
  checkList(`${construct} dependsOn`, p.dependsOn, isStep, 'a PipelineStep', 'trainStep');
}

/** The props of a job step: step props, the cache period, and either the typed job or raw arguments. */
export function checkJobStepProps(construct: string, props: unknown, example: string): void {
  checkStepProps(construct, props, example);
  const p = props as { [key: string]: any };
  checkOptional(`${construct} cacheExpireAfter`, p.cacheExpireAfter, isDuration, 'a Duration', 'Duration.days(1)');
  checkOptional(`${construct} job`, p.job, isMap, 'an object of the job options', example);
  checkOptional(`${construct} arguments`, p.arguments, isMap, 'an object (the raw request)', '{ RoleArn: role.roleArn, ... }');
}

/** The props of a step that takes only its raw request (CreateModelStep, RegisterModelStep). */
export function checkArgumentsStepProps(construct: string, props: unknown, example: string): void {
  checkStepProps(construct, props, example);
  const p = props as { [key: string]: any };
  checkOptional(`${construct} cacheExpireAfter`, p.cacheExpireAfter, isDuration, 'a Duration', 'Duration.days(1)');
  checkRequired(`${construct} arguments`, p.arguments, isMap, 'an object (the raw request, PascalCase as in the API reference)',
    example);
}

/** `ProcessingStepProps.propertyFiles`. */
export function checkPropertyFiles(construct: string, files: unknown): void {
  checkList(`${construct} propertyFiles`, files, isMap, 'a PropertyFile', "{ name: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' }");
  for (const [i, f] of ((files ?? []) as any[]).entries()) {
    checkRequired(`${construct} propertyFiles[${i}] name`, f.name, isString, 'a string', "'Evaluation'");
    checkRequired(`${construct} propertyFiles[${i}] outputName`, f.outputName, isString, 'a string', "'evaluation'");
    checkRequired(`${construct} propertyFiles[${i}] filePath`, f.filePath, isString, 'a string', "'evaluation.json'");
  }
}

/** `JobNetworkOptions`. */
function checkNetwork(what: string, network: any): void {
  checkOptional(`${what} network`, network, isMap, 'an object', '{ securityGroups, subnets }');
  if (network === undefined) {
    return;
  }
  checkList(`${what} network securityGroups`, network.securityGroups, (v) => typeof v?.securityGroupId === 'string',
    'an ec2.ISecurityGroup', 'ec2.SecurityGroup.fromSecurityGroupId(...)');
  checkList(`${what} network subnets`, network.subnets, (v) => typeof v?.subnetId === 'string', 'an ec2.ISubnet', 'vpc.privateSubnets[0]');
  checkOptional(`${what} network networkIsolation`, network.networkIsolation, isBoolean, 'true or false', 'true');
  checkOptional(`${what} network interContainerTrafficEncryption`, network.interContainerTrafficEncryption, isBoolean,
    'true or false', 'true');
}

const isInputMode = (v: unknown): boolean => (Object.values(TrainingInputMode) as unknown[]).includes(v);
const INPUT_MODE = `a TrainingInputMode (${Object.values(TrainingInputMode).join(', ')})`;
const isDistribution = (v: unknown): boolean => (Object.values(S3DataDistribution) as unknown[]).includes(v);
const DISTRIBUTION = `an S3DataDistribution (${Object.values(S3DataDistribution).join(', ')})`;

/**
 * The settings of a training channel (a job's channel, or a `ChannelSettings` of a
 * `TrainingPipeline`): `what` names where they were given.
 */
export function checkChannelSettings(what: string, c: any): void {
  checkOptional(`${what} contentType`, c.contentType, isString, 'a string', "'text/csv'");
  checkOptional(`${what} inputMode`, c.inputMode, isInputMode, INPUT_MODE, 'TrainingInputMode.FILE');
  checkOptional(`${what} distribution`, c.distribution, isDistribution, DISTRIBUTION, 'S3DataDistribution.SHARDED_BY_S3_KEY');
  checkOptional(`${what} instanceGroupNames`, c.instanceGroupNames, isStringList, 'a list of strings', "['gpus']");
}

/** `TrainingJobOptions`: `what` is `<construct> '<name>' job`. */
export function checkTrainingJobOptions(what: string, job: any): void {
  checkRequired(`${what} image`, job.image, isValue, VALUE, "PipelineValue.fromString('<account>.dkr.ecr.<region>.amazonaws.com/model:1')");
  checkRequired(`${what} role`, job.role, isRole, 'an iam.IRole', 'iam.Role.fromRoleArn(...)');
  checkRequired(`${what} channels`, job.channels, Array.isArray, 'a list of channels',
    `[{ channelName: 'train', s3Uri: ${VALUE_EXAMPLE} }]`);
  for (const [i, c] of (job.channels as any[]).entries()) {
    checkRequired(`${what} channels[${i}]`, c, isMap, 'a TrainingJobChannel', `{ channelName: 'train', s3Uri: ${VALUE_EXAMPLE} }`);
    checkRequired(`${what} channels[${i}] channelName`, c.channelName, isString, 'a string', "'train'");
    checkRequired(`${what} channels[${i}] s3Uri`, c.s3Uri, isValue, VALUE, VALUE_EXAMPLE);
    checkChannelSettings(`${what} channels[${i}]`, c);
  }
  checkRequired(`${what} outputS3Uri`, job.outputS3Uri, isString, 'a string', "'s3://bucket/models'");
  checkOptional(`${what} inputMode`, job.inputMode, isInputMode, INPUT_MODE, 'TrainingInputMode.FILE');
  checkOptional(`${what} instanceType`, job.instanceType, isValue, VALUE, "PipelineValue.fromString('ml.m5.xlarge')");
  checkOptional(`${what} instanceCount`, job.instanceCount, isValue, VALUE, 'PipelineValue.fromNumber(2)');
  checkList(`${what} instanceGroups`, job.instanceGroups, isMap, 'a TrainingInstanceGroup',
    "{ groupName: 'gpus', instanceType: TrainingInstanceType.ML_G5_XLARGE }");
  for (const [i, g] of ((job.instanceGroups ?? []) as any[]).entries()) {
    checkRequired(`${what} instanceGroups[${i}] groupName`, g.groupName, isString, 'a string', "'gpus'");
    checkRequired(`${what} instanceGroups[${i}] instanceType`, g.instanceType, (v) => v instanceof TrainingInstanceType,
      'a TrainingInstanceType', 'TrainingInstanceType.ML_G5_XLARGE');
    checkOptional(`${what} instanceGroups[${i}] instanceCount`, g.instanceCount, isNumber, 'a number', '2');
  }
  checkOptional(`${what} volumeSize`, job.volumeSize, isSize, 'a Size', 'Size.gibibytes(50)');
  checkOptional(`${what} encryptionKey`, job.encryptionKey, isKey, 'a kms.IKey', 'kms.Key.fromKeyArn(...)');
  checkOptional(`${what} maxRuntime`, job.maxRuntime, isDuration, 'a Duration', 'Duration.hours(4)');
  checkOptional(`${what} spot`, job.spot, isBoolean, 'true or false', 'true');
  checkOptional(`${what} maxWaitTime`, job.maxWaitTime, isDuration, 'a Duration', 'Duration.hours(8)');
  checkOptional(`${what} keepAlivePeriod`, job.keepAlivePeriod, isDuration, 'a Duration', 'Duration.minutes(10)');
  checkOptional(`${what} hyperparameters`, job.hyperparameters, isMap, 'a map of strings', "{ epochs: '10' }");
  checkOptional(`${what} environment`, job.environment, isMap, 'a map of strings', "{ LOG_LEVEL: 'info' }");
  checkList(`${what} metricDefinitions`, job.metricDefinitions, isMap, 'a MetricDefinition', "{ name: 'loss', regex: 'loss=([0-9.]+)' }");
  for (const [i, m] of ((job.metricDefinitions ?? []) as any[]).entries()) {
    checkRequired(`${what} metricDefinitions[${i}] name`, m.name, isString, 'a string', "'loss'");
    checkRequired(`${what} metricDefinitions[${i}] regex`, m.regex, isString, 'a string', "'loss=([0-9.]+)'");
  }
  checkNetwork(what, job.network);
}

/** `ProcessingJobOptions`: `what` is `<construct> '<name>' job`. */
export function checkProcessingJobOptions(what: string, job: any): void {
  checkRequired(`${what} image`, job.image, isValue, VALUE, "PipelineValue.fromString('<account>.dkr.ecr.<region>.amazonaws.com/model:1')");
  checkRequired(`${what} role`, job.role, isRole, 'an iam.IRole', 'iam.Role.fromRoleArn(...)');
  checkOptional(`${what} entrypoint`, job.entrypoint, isStringList, 'a list of strings', "['python3', 'evaluate.py']");
  checkOptional(`${what} containerArguments`, job.containerArguments, isStringList, 'a list of strings', "['--threshold', '0.5']");
  checkOptional(`${what} environment`, job.environment, isMap, 'a map of strings', "{ LOG_LEVEL: 'info' }");
  for (const [list, name] of [['inputs', 'inputName'], ['outputs', 'outputName']] as const) {
    const example = `{ ${name}: 'data', s3Uri: ${VALUE_EXAMPLE}, localPath: '/opt/ml/processing/data' }`;
    checkList(`${what} ${list}`, job[list], isMap, `a ProcessingJob${list === 'inputs' ? 'Input' : 'Output'}`, example);
    for (const [i, entry] of ((job[list] ?? []) as any[]).entries()) {
      checkRequired(`${what} ${list}[${i}] ${name}`, entry[name], isString, 'a string', "'data'");
      checkRequired(`${what} ${list}[${i}] s3Uri`, entry.s3Uri, isValue, VALUE, VALUE_EXAMPLE);
      checkRequired(`${what} ${list}[${i}] localPath`, entry.localPath, isString, 'a string', "'/opt/ml/processing/data'");
    }
  }
  checkOptional(`${what} instanceType`, job.instanceType, (v) => v instanceof ProcessingInstanceType, 'a ProcessingInstanceType',
    'ProcessingInstanceType.ML_M5_XLARGE');
  checkOptional(`${what} instanceCount`, job.instanceCount, isNumber, 'a number', '1');
  checkOptional(`${what} volumeSize`, job.volumeSize, isSize, 'a Size', 'Size.gibibytes(50)');
  checkOptional(`${what} maxRuntime`, job.maxRuntime, isDuration, 'a Duration', 'Duration.hours(1)');
  checkOptional(`${what} encryptionKey`, job.encryptionKey, isKey, 'a kms.IKey', 'kms.Key.fromKeyArn(...)');
  checkNetwork(what, job.network);
}

/** `TransformJobOptions`: `what` is `<construct> '<name>' job`. */
export function checkTransformJobOptions(what: string, job: any): void {
  checkRequired(`${what} modelName`, job.modelName, isValue, VALUE, 'createModelStep.modelName');
  checkRequired(`${what} inputS3Uri`, job.inputS3Uri, isValue, VALUE, "PipelineValue.fromString('s3://bucket/input')");
  checkRequired(`${what} outputS3Uri`, job.outputS3Uri, isValue, VALUE, "PipelineValue.fromString('s3://bucket/output')");
  checkOptional(`${what} contentType`, job.contentType, isString, 'a string', "'text/csv'");
  checkOptional(`${what} accept`, job.accept, isString, 'a string', "'text/csv'");
  checkOptional(`${what} instanceType`, job.instanceType, (v) => v instanceof InferenceInstanceType, 'an InferenceInstanceType',
    'InferenceInstanceType.ML_M5_LARGE');
  checkOptional(`${what} instanceCount`, job.instanceCount, isNumber, 'a number', '1');
  checkOptional(`${what} encryptionKey`, job.encryptionKey, isKey, 'a kms.IKey', 'kms.Key.fromKeyArn(...)');
  checkOptional(`${what} environment`, job.environment, isMap, 'a map of strings', "{ LOG_LEVEL: 'info' }");
}

/** The props of a `SageMakerPipeline` (every one is optional, but each must be of its kind). */
export function checkSageMakerPipelineProps(props: SageMakerPipelineProps | undefined): void {
  const p = 'sageMakerPipeline';
  checkStruct(`${p} props`, props, true, '{ parameters, steps }');
  if (props === undefined) {
    return;
  }
  checkOptional(`${p} pipelineName`, props.pipelineName, isString, 'a string', "'churn-training'");
  checkOptional(`${p} description`, props.description, isString, 'a string', "'trains the churn model'");
  checkOptional(`${p} maxParallelExecutionSteps`, props.maxParallelExecutionSteps, isNumber, 'a number', '4');
  checkList(`${p} parameters`, props.parameters, (v) => typeof v?.name === 'string' && typeof v?._toJson === 'function'
    && isValue(v?.value), 'a PipelineParameter', "PipelineParameter.stringParameter('InputUri', 's3://bucket/input')");
  checkList(`${p} steps`, props.steps, isStep, 'a PipelineStep', "new FailStep({ name: 'Stop', errorMessage })");
  checkOptional(`${p} imageUriParameterName`, props.imageUriParameterName, isString, 'a string', "'ImageUri'");
  checkOptional(`${p} triggers`, props.triggers, isMap, 'an object', '{ schedule: scheduler.ScheduleExpression.rate(Duration.days(1)) }');
  const triggers = props.triggers ?? {};
  checkOptional(`${p} triggers.schedule`, triggers.schedule, (v) => typeof v?.expressionString === 'string',
    'a scheduler.ScheduleExpression', 'scheduler.ScheduleExpression.rate(Duration.days(1))');
  checkOptional(`${p} triggers.scheduleParameters`, triggers.scheduleParameters, isMap, 'a map of strings', "{ InputUri: 's3://bucket/x' }");
  checkOptional(`${p} triggers.newData`, triggers.newData, isMap, 'a NewDataTrigger', "{ bucket, prefix: 'incoming/' }");
  if (triggers.newData) {
    checkRequired(`${p} triggers.newData.bucket`, triggers.newData.bucket, isBucket, 'an s3.IBucket',
      "s3.Bucket.fromBucketName(this, 'Landing', 'landing')");
    checkOptional(`${p} triggers.newData.prefix`, triggers.newData.prefix, isString, 'a string', "'incoming/'");
    checkOptional(`${p} triggers.newData.parameters`, triggers.newData.parameters, isMap, 'a map of strings', "{ InputUri: 's3://bucket/x' }");
  }
  checkOptional(`${p} notifications`, props.notifications, isMap, 'an object', '{ notifyOnFailure: true }');
  checkOptional(`${p} notifications.notifyOnFailure`, props.notifications?.notifyOnFailure, isBoolean, 'true or false', 'true');
  checkOptional(`${p} notifications.failureTopic`, props.notifications?.failureTopic, isTopic, 'an sns.ITopic',
    "sns.Topic.fromTopicArn(this, 'Alerts', arn)");
}

/** What the static factories of `PipelineValue`, `PipelineParameter` and `PipelineCondition` take. */
export const checkValue = (what: string, value: unknown): void => checkRequired(what, value, isValue, VALUE, 'PipelineValue.fromNumber(0.25)');
export { isStep, isValue };
