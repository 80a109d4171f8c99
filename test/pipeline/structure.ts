import * as fs from 'fs';
import Ajv from 'ajv';
import { allSteps, SCHEMA_PATH } from './definition-helper';
import { forEachGet } from '../../src/pipeline/private/checks';

const NAME = /^[A-Za-z0-9\-_]{1,64}$/;
const EXECUTION_VARIABLES = new Set([
  'PipelineExecutionId', 'PipelineExecutionArn', 'PipelineName', 'PipelineArn', 'CurrentDateTime', 'PipelineExecutionStartTime',
]);

function get(obj: any, path: string): any {
  return path.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

function isGetOrLiteral(value: any): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** Fields each step type must have in `Arguments` (from the Create* API references). */
const REQUIRED: { [type: string]: string[] } = {
  Training: [
    'AlgorithmSpecification.TrainingImage', 'AlgorithmSpecification.TrainingInputMode', 'RoleArn',
    'OutputDataConfig.S3OutputPath', 'ResourceConfig', 'StoppingCondition.MaxRuntimeInSeconds',
  ],
  Processing: [
    'AppSpecification.ImageUri', 'ProcessingResources.ClusterConfig.InstanceType', 'ProcessingResources.ClusterConfig.InstanceCount',
    'ProcessingResources.ClusterConfig.VolumeSizeInGB', 'RoleArn',
  ],
  Transform: [
    'ModelName', 'TransformInput.DataSource.S3DataSource.S3Uri', 'TransformInput.DataSource.S3DataSource.S3DataType',
    'TransformOutput.S3OutputPath', 'TransformResources.InstanceType', 'TransformResources.InstanceCount',
  ],
  Model: ['ExecutionRoleArn'],
  RegisterModel: ['ModelPackageGroupName', 'InferenceSpecification.Containers', 'InferenceSpecification.SupportedContentTypes',
    'InferenceSpecification.SupportedResponseMIMETypes'],
  Condition: ['Conditions'],
  Fail: ['ErrorMessage'],
};

/**
 * Structural problems of a parsed pipeline definition: what the published
 * schema does not check (required arguments per step type, references,
 * unique names, DependsOn). Empty when the definition is sound.
 */
export function structuralProblems(definition: any): string[] {
  const problems: string[] = [];
  if (definition.Version !== '2020-12-01') {
    problems.push(`Version is ${definition.Version}, not 2020-12-01`);
  }
  const parameters = new Map<string, any>();
  for (const p of definition.Parameters ?? []) {
    if (!NAME.test(p.Name)) problems.push(`parameter name '${p.Name}' is invalid`);
    if (parameters.has(p.Name)) problems.push(`parameter '${p.Name}' is declared twice`);
    parameters.set(p.Name, p);
    const expected = { String: 'string', Integer: 'number', Float: 'number', Boolean: 'boolean' }[p.Type as string];
    if (!expected) problems.push(`parameter '${p.Name}' has unknown type ${p.Type}`);
    if (p.DefaultValue !== undefined && typeof p.DefaultValue !== expected) {
      problems.push(`parameter '${p.Name}' (${p.Type}) has a default of type ${typeof p.DefaultValue}`);
    }
    if (p.Type === 'Integer' && p.DefaultValue !== undefined && !Number.isInteger(p.DefaultValue)) {
      problems.push(`parameter '${p.Name}' is Integer with default ${p.DefaultValue}`);
    }
  }

  const steps = allSteps(definition);
  if (steps.length === 0) problems.push('the definition has no steps');
  const byName = new Map<string, any>();
  for (const step of steps) {
    if (!NAME.test(step.Name)) problems.push(`step name '${step.Name}' is invalid`);
    if (byName.has(step.Name)) problems.push(`step name '${step.Name}' is used twice`);
    byName.set(step.Name, step);
  }

  for (const step of steps) {
    const required = REQUIRED[step.Type];
    if (!required) {
      problems.push(`step '${step.Name}' has unknown type ${step.Type}`);
      continue;
    }
    for (const field of required) {
      if (!isGetOrLiteral(get(step.Arguments, field))) {
        problems.push(`${step.Type} step '${step.Name}' lacks Arguments.${field}`);
      }
    }
    for (const dep of step.DependsOn ?? []) {
      if (!byName.has(dep)) problems.push(`step '${step.Name}' depends on unknown step '${dep}'`);
      if (dep === step.Name) problems.push(`step '${step.Name}' depends on itself`);
    }
    problems.push(...typeSpecificProblems(step));
  }

  forEachGet(definition.Steps, (ref) => {
    const [root, name, ...rest] = ref.split('.');
    if (root === 'Parameters') {
      if (!parameters.has(name)) problems.push(`Get ${ref}: no parameter '${name}'`);
    } else if (root === 'Steps') {
      const step = byName.get(name);
      if (!step) {
        problems.push(`Get ${ref}: no step '${name}'`);
      } else if (rest[0] === 'PropertyFiles') {
        const files = (step.PropertyFiles ?? []).map((f: any) => f.PropertyFileName);
        if (!files.includes(rest[1])) problems.push(`Get ${ref}: step '${name}' declares no property file '${rest[1]}'`);
      } else if (rest.length === 0) {
        problems.push(`Get ${ref}: names a step, not one of its properties`);
      }
    } else if (root === 'Execution') {
      if (!EXECUTION_VARIABLES.has(name)) problems.push(`Get ${ref}: unknown execution variable`);
    } else {
      problems.push(`Get ${ref}: unknown root '${root}'`);
    }
  });
  return problems;
}

function typeSpecificProblems(step: any): string[] {
  const problems: string[] = [];
  const args = step.Arguments ?? {};
  if (step.Type === 'Training') {
    const rc = args.ResourceConfig ?? {};
    const groups = rc.InstanceGroups;
    if (groups === undefined && (rc.InstanceType === undefined || rc.InstanceCount === undefined)) {
      problems.push(`Training step '${step.Name}' ResourceConfig has neither InstanceType+InstanceCount nor InstanceGroups`);
    }
    if (rc.VolumeSizeInGB === undefined) problems.push(`Training step '${step.Name}' lacks ResourceConfig.VolumeSizeInGB`);
    if (args.EnableManagedSpotTraining === true) {
      const run = args.StoppingCondition?.MaxRuntimeInSeconds;
      const wait = args.StoppingCondition?.MaxWaitTimeInSeconds;
      if (wait === undefined) problems.push(`Training step '${step.Name}' uses spot without StoppingCondition.MaxWaitTimeInSeconds`);
      if (typeof run === 'number' && typeof wait === 'number' && wait < run) {
        problems.push(`Training step '${step.Name}' MaxWaitTimeInSeconds ${wait} < MaxRuntimeInSeconds ${run}`);
      }
    }
    for (const channel of args.InputDataConfig ?? []) {
      if (!channel.ChannelName || !channel.DataSource?.S3DataSource?.S3Uri) {
        problems.push(`Training step '${step.Name}' has a channel without ChannelName or S3Uri`);
      }
    }
  }
  if (step.Type === 'Processing') {
    const outputs = (args.ProcessingOutputConfig?.Outputs ?? []).map((o: any) => o.OutputName);
    for (const file of step.PropertyFiles ?? []) {
      if (!outputs.includes(file.OutputName)) {
        problems.push(`Processing step '${step.Name}' property file '${file.PropertyFileName}' reads output '${file.OutputName}', which the job does not have`);
      }
    }
  } else if (step.PropertyFiles) {
    problems.push(`${step.Type} step '${step.Name}' has PropertyFiles (only processing steps write them)`);
  }
  if (step.Type === 'Condition') {
    for (const c of args.Conditions ?? []) {
      problems.push(...conditionProblems(step.Name, c));
    }
  }
  if (step.Type === 'RegisterModel') {
    for (const c of args.InferenceSpecification?.Containers ?? []) {
      if (!c.Image) problems.push(`RegisterModel step '${step.Name}' has a container without Image`);
    }
  }
  return problems;
}

/**
 * The condition types of the definition language, as the SageMaker Python SDK
 * writes them (sagemaker/workflow/conditions.py, ConditionTypeEnum): there is
 * no NotEquals or NotIn; a negation is a Not around another condition.
 */
export const CONDITION_TYPES = ['Equals', 'GreaterThan', 'GreaterThanOrEqualTo', 'LessThan', 'LessThanOrEqualTo', 'In', 'Not', 'Or'];

function conditionProblems(stepName: string, c: any): string[] {
  const where = `Condition step '${stepName}'`;
  if (!CONDITION_TYPES.includes(c?.Type)) {
    return [`${where} has a condition of type ${c?.Type}, not one of ${CONDITION_TYPES.join(', ')}`];
  }
  if (c.Type === 'Not') {
    return c.Condition === undefined ? [`${where} has a Not condition without Condition`] : conditionProblems(stepName, c.Condition);
  }
  if (c.Type === 'Or') {
    return Array.isArray(c.Conditions) && c.Conditions.length > 0
      ? c.Conditions.flatMap((inner: any) => conditionProblems(stepName, inner))
      : [`${where} has an Or condition without Conditions`];
  }
  if (c.Type === 'In') {
    return c.QueryValue === undefined || !Array.isArray(c.Values) ? [`${where} has an In condition without QueryValue or Values`] : [];
  }
  return c.LeftValue === undefined || c.RightValue === undefined ? [`${where} has a ${c.Type} condition without LeftValue or RightValue`] : [];
}


/** Fails the test with the list of problems when there are any. */
export function expectSoundDefinition(definition: any): void {
  expect(structuralProblems(definition)).toEqual([]);
}

/**
 * What the published schema (2025-04-03) does not know but the SageMaker
 * service accepts and the SageMaker Python SDK emits. The schema test strips
 * these from a copy before validating; each is an API field of the step's
 * Create* request or of the definition language.
 */
export const SCHEMA_GAPS = [
  'Std:Join and Std:JsonGet values (the schema allows only Get in argument values): replaced by a Get',
  'step-level PropertyFiles of Processing steps',
  'Training Arguments.Environment (CreateTrainingJob Environment)',
  'Training Arguments.ResourceConfig.InstanceGroups and KeepAlivePeriodInSeconds (CreateTrainingJob ResourceConfig)',
  'RegisterModel Arguments.ModelApprovalStatus (CreateModelPackage ModelApprovalStatus)',
  'a Get as ModelDataUrl of a Model step container (the schema wants a literal s3:// string): replaced by a literal',
  'Not conditions ({Type: Not, Condition}), which the SDK emits for ConditionNot (the schema has a NotEquals type instead): '
    + 'replaced by the negated condition',
];

function schemaView(definition: any): any {
  const copy = JSON.parse(JSON.stringify(definition));
  const replaceFunctions = (json: any): any => {
    if (Array.isArray(json)) return json.map(replaceFunctions);
    if (typeof json === 'object' && json !== null) {
      if (json['Std:Join'] || json['Std:JsonGet']) {
        return { Get: 'Execution.PipelineExecutionId' };
      }
      return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, replaceFunctions(v)]));
    }
    return json;
  };
  const view = replaceFunctions(copy);
  const stripNot = (c: any): any => (c?.Type === 'Not' ? stripNot(c.Condition)
    : c?.Type === 'Or' ? { ...c, Conditions: c.Conditions.map(stripNot) } : c);
  for (const step of allSteps(view)) {
    if (step.Type === 'Condition' && step.Arguments?.Conditions) {
      step.Arguments.Conditions = step.Arguments.Conditions.map(stripNot);
    }
    delete step.PropertyFiles;
    if (step.Type === 'Training') {
      delete step.Arguments.Environment;
      if (step.Arguments.ResourceConfig) {
        delete step.Arguments.ResourceConfig.InstanceGroups;
        delete step.Arguments.ResourceConfig.KeepAlivePeriodInSeconds;
      }
    }
    if (step.Type === 'RegisterModel') {
      delete step.Arguments.ModelApprovalStatus;
    }
    if (step.Type === 'Model') {
      for (const c of [step.Arguments.PrimaryContainer, ...(step.Arguments.Containers ?? [])]) {
        if (c && typeof c.ModelDataUrl === 'object') {
          c.ModelDataUrl = 's3://schema-placeholder/model.tar.gz';
        }
      }
    }
  }
  return view;
}

/** Schema errors of `definition`, or undefined when the schema is not on this machine. */
export function schemaErrors(definition: any): string[] | undefined {
  if (!fs.existsSync(SCHEMA_PATH)) {
    return undefined;
  }
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf-8'));
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  if (validate(schemaView(definition))) {
    return [];
  }
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
