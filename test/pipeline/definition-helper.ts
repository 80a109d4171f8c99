import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * Renders a CloudFormation value as text, with intrinsics replaced by
 * placeholders: `${Ref:Logical}`, `${GetAtt:Logical.Attr}`, `${Aws:AccountId}`.
 */
function placeholder(value: any): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (value.Ref) {
    return value.Ref.startsWith('AWS::') ? `\${Aws:${value.Ref.slice(5)}}` : `\${Ref:${value.Ref}}`;
  }
  if (value['Fn::GetAtt']) {
    return `\${GetAtt:${value['Fn::GetAtt'].join('.')}}`;
  }
  if (value['Fn::Join']) {
    const [sep, parts] = value['Fn::Join'];
    return parts.map(placeholder).join(sep);
  }
  if (value['Fn::Select']) {
    return `\${Select:${JSON.stringify(value['Fn::Select'])}}`.replace(/"/g, '\'');
  }
  if (value['Fn::FindInMap']) {
    return `\${FindInMap:${value['Fn::FindInMap'].map(placeholder).join('.')}}`;
  }
  return `\${${Object.keys(value)[0]}}`;
}

/**
 * The pipeline definitions of `stack`, parsed, by the logical ID of their
 * `AWS::SageMaker::Pipeline`; CloudFormation intrinsics become placeholder strings.
 */
export function pipelineDefinitions(stack: Stack): { [logicalId: string]: any } {
  const pipelines = Template.fromStack(stack).findResources('AWS::SageMaker::Pipeline');
  const out: { [logicalId: string]: any } = {};
  for (const [id, resource] of Object.entries<any>(pipelines)) {
    const body = resource.Properties.PipelineDefinition.PipelineDefinitionBody;
    out[id] = JSON.parse(placeholder(body));
  }
  return out;
}

/** The single pipeline definition of `stack`, parsed. */
export function pipelineDefinition(stack: Stack): any {
  const all = Object.values(pipelineDefinitions(stack));
  if (all.length !== 1) {
    throw new Error(`expected one AWS::SageMaker::Pipeline, found ${all.length}`);
  }
  return all[0];
}

/** Every step of a parsed definition, those in condition branches included. */
export function allSteps(definition: any): any[] {
  const out: any[] = [];
  const visit = (step: any) => {
    out.push(step);
    if (step.Type === 'Condition') {
      [...(step.Arguments.IfSteps ?? []), ...(step.Arguments.ElseSteps ?? [])].forEach(visit);
    }
  };
  (definition.Steps ?? []).forEach(visit);
  return out;
}

/** The step named `name` (anywhere in the definition). */
export function stepNamed(definition: any, name: string): any {
  const step = allSteps(definition).find((s) => s.Name === name);
  if (!step) {
    throw new Error(`no step '${name}' in the definition; steps: ${allSteps(definition).map((s) => s.Name).join(', ')}`);
  }
  return step;
}

/** The published schema, when the shared data directory is beside the repository. */
export const SCHEMA_PATH = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'sagemaker-pipeline-schema', 'pipeline-definition.schema.json');

export function schemaAvailable(): boolean {
  return fs.existsSync(SCHEMA_PATH);
}
