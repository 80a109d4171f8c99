import { App, CfnResource, Duration, IResolveContext, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { pipelineDefinition, stepNamed } from './definition-helper';
import { everyStepType } from './fixtures';
import { expectSoundDefinition, SCHEMA_GAPS, schemaErrors, structuralProblems } from './structure';
import {
  ConditionStep, FailStep, PipelineCondition, PipelineDefinition, PipelineParameter, PipelineValue, SageMakerPipeline, TrainingStep,
} from '../../src/pipeline';
import { expectError } from '../errors';

function build() {
  const stack = new Stack(new App(), 'Stack');
  const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const parts = everyStepType(role);
  new SageMakerPipeline(stack, 'Pipeline', { parameters: parts.parameters, steps: parts.steps });
  return { stack, definition: pipelineDefinition(stack), parts };
}

describe('PipelineDefinition rendering', () => {
  test('the definition is version 2020-12-01', () => {
    expect(build().definition.Version).toBe('2020-12-01');
  });

  test('parameters render with name, type and default', () => {
    expect(build().definition.Parameters).toEqual([
      { Name: 'ImageUri', Type: 'String', DefaultValue: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1' },
      { Name: 'Threshold', Type: 'Float', DefaultValue: 0.5 },
      { Name: 'InstanceCount', Type: 'Integer', DefaultValue: 1 },
    ]);
  });

  test('a parameter value renders as a Get', () => {
    expect(stepNamed(build().definition, 'Train').Arguments.AlgorithmSpecification.TrainingImage).toEqual({ Get: 'Parameters.ImageUri' });
  });

  test('a CDK token in an argument becomes an intrinsic', () => {
    expect(stepNamed(build().definition, 'Train').Arguments.RoleArn).toMatch(/^\$\{GetAtt:JobRole[0-9A-F]+\.Arn\}$/);
  });

  test('a step property renders as a Get on Steps', () => {
    const model = stepNamed(build().definition, 'Evaluate').Arguments.ProcessingInputs[0].S3Input.S3Uri;
    expect(model).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
  });

  test('a processing step declares its property files', () => {
    expect(stepNamed(build().definition, 'Evaluate').PropertyFiles).toEqual([
      { PropertyFileName: 'Evaluation', OutputName: 'evaluation', FilePath: 'evaluation.json' },
    ]);
  });

  test('a condition compares a JsonGet with a parameter', () => {
    expect(stepNamed(build().definition, 'Gate').Arguments.Conditions).toEqual([{
      Type: 'LessThanOrEqualTo',
      LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.Evaluation' }, Path: 'regression_metrics.mse.value' } },
      RightValue: { Get: 'Parameters.Threshold' },
    }]);
  });

  test('condition branches hold their steps, not the top level', () => {
    const { definition } = build();
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'Evaluate', 'Gate', 'CreateModel', 'Score']);
    expect(stepNamed(definition, 'Gate').Arguments.IfSteps.map((s: any) => s.Name)).toEqual(['Register']);
    expect(stepNamed(definition, 'Gate').Arguments.ElseSteps.map((s: any) => s.Name)).toEqual(['TooWeak']);
  });

  test('a fail message joins values with Std:Join', () => {
    expect(stepNamed(build().definition, 'TooWeak').Arguments.ErrorMessage['Std:Join'].On).toBe('');
    expect(stepNamed(build().definition, 'TooWeak').Arguments.ErrorMessage['Std:Join'].Values).toHaveLength(4);
  });

  test('a create-model step has type Model and its name is readable by later steps', () => {
    const { definition } = build();
    expect(stepNamed(definition, 'CreateModel').Type).toBe('Model');
    expect(stepNamed(definition, 'Score').Arguments.ModelName).toEqual({ Get: 'Steps.CreateModel.ModelName' });
  });

  test('dependsOn and caching render on the step', () => {
    const stack = new Stack();
    const first = new FailStep({ name: 'First', errorMessage: PipelineValue.fromString('x') });
    const second = new TrainingStep({
      name: 'Second',
      dependsOn: [first],
      cacheExpireAfter: Duration.hours(1),
      arguments: {},
    });
    const json = JSON.parse(stack.resolve(new PipelineDefinition({ steps: [first, second] }).render(stack)));
    expect(json.Steps[1]).toMatchObject({ DependsOn: ['First'], CacheConfig: { Enabled: true, ExpireAfter: 'PT1H' } });
  });

  test('every step type passes the structural check', () => {
    expectSoundDefinition(build().definition);
  });

  test('the structural check finds a missing training argument', () => {
    const { definition } = build();
    delete stepNamed(definition, 'Train').Arguments.OutputDataConfig;
    expect(structuralProblems(definition)).toEqual(["Training step 'Train' lacks Arguments.OutputDataConfig.S3OutputPath"]);
  });

  test('the structural check finds a dangling Get', () => {
    const { definition } = build();
    stepNamed(definition, 'Train').Arguments.OutputDataConfig.S3OutputPath = { Get: 'Parameters.Nope' };
    expect(structuralProblems(definition)).toEqual(["Get Parameters.Nope: no parameter 'Nope'"]);
  });

  test('a not-equal condition renders as the SDK writes it: Not around Equals', () => {
    const stack = new Stack();
    const mode = PipelineParameter.stringParameter('Mode', 'full');
    const gate = new ConditionStep({
      name: 'Gate',
      conditions: [PipelineCondition.notEqualTo(mode.value, PipelineValue.fromString('dry-run'))],
      ifSteps: [new FailStep({ name: 'Stop', errorMessage: PipelineValue.fromString('x') })],
    });
    const json = JSON.parse(stack.resolve(new PipelineDefinition({ parameters: [mode], steps: [gate] }).render(stack)));
    expect(json.Steps[0].Arguments.Conditions).toEqual([{
      Type: 'Not',
      Condition: { Type: 'Equals', LeftValue: { Get: 'Parameters.Mode' }, RightValue: 'dry-run' },
    }]);
    expectSoundDefinition(json);
    expect(schemaErrors(json) ?? []).toEqual([]);
  });

  test('the structural check rejects a condition type the definition language does not have', () => {
    const { definition } = build();
    stepNamed(definition, 'Gate').Arguments.Conditions[0].Type = 'NotEquals';
    expect(structuralProblems(definition)).toEqual([
      "Condition step 'Gate' has a condition of type NotEquals, not one of Equals, GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo, In, Not, Or",
    ]);
  });

  test('the structural check looks inside Not conditions', () => {
    const { definition } = build();
    const gate = stepNamed(definition, 'Gate');
    gate.Arguments.Conditions = [{ Type: 'Not', Condition: { ...gate.Arguments.Conditions[0], RightValue: { Get: 'Parameters.Nope' }, LeftValue: undefined } }];
    expect(structuralProblems(JSON.parse(JSON.stringify(definition)))).toEqual([
      "Condition step 'Gate' has a LessThanOrEqualTo condition without LeftValue or RightValue",
      "Get Parameters.Nope: no parameter 'Nope'",
    ]);
  });

  test('the definition matches the published schema (with its documented gaps)', () => {
    const errors = schemaErrors(build().definition);
    if (errors === undefined) {
      // eslint-disable-next-line no-console
      console.log('skipped: ../shared/data/sagemaker-pipeline-schema/pipeline-definition.schema.json is not on this machine');
      return;
    }
    // eslint-disable-next-line no-console
    console.log(`schema gaps stripped before validating:\n- ${SCHEMA_GAPS.join('\n- ')}`);
    expect(errors).toEqual([]);
  });
});

describe('PipelineDefinition errors', () => {
  const stack = () => new Stack();
  const fail = (name: string) => new FailStep({ name, errorMessage: PipelineValue.fromString('x') });

  test('an invalid step name', () => {
    expectError(() => fail('has space'), { construct: 'FailStep', property: 'name', value: "'has space'" }, "pipeline step name 'has space' is invalid: use 1 to 64 letters, digits, '-' or '_'");
  });

  test('an invalid parameter name', () => {
    expectError(() => PipelineParameter.stringParameter('a.b'), { construct: 'PipelineParameter.stringParameter', property: 'name', value: "'a.b'" }, "pipeline parameter name 'a.b' is invalid");
  });

  test('an integer parameter with a fractional default', () => {
    expectError(() => PipelineParameter.integerParameter('Count', 1.5), { construct: 'PipelineParameter.integerParameter', property: 'default value', value: '1.5' }, "pipeline parameter 'Count' is an integer but its default value is 1.5");
  });

  test('no steps', () => {
    expectError(() => new PipelineDefinition({ steps: [] }).render(stack()), { construct: 'PipelineDefinition', property: 'steps', value: '[]' }, 'pipeline definition has no steps');
  });

  test('two steps with one name', () => {
    expectError(() => new PipelineDefinition({ steps: [fail('A'), fail('A')] }).render(stack()), { construct: 'PipelineDefinition', property: 'steps.name', value: "two steps named 'A'" }, "pipeline step name 'A' is used by two steps");
  });

  test('a step placed twice', () => {
    const a = fail('A');
    expectError(() => new PipelineDefinition({ steps: [a, a] }).render(stack()), { construct: 'PipelineDefinition', property: 'step', value: "the step 'A' twice" }, "pipeline step 'A' is placed twice");
  });

  test('a parameter declared twice', () => {
    const p = PipelineParameter.stringParameter('P');
    expectError(() => new PipelineDefinition({ parameters: [p, p], steps: [fail('A')] }).render(stack()), { construct: 'PipelineDefinition', property: 'parameter', value: "the parameter 'P' twice" }, "pipeline parameter 'P' is declared twice");
  });

  test('dependsOn a step outside the pipeline', () => {
    const b = new FailStep({ name: 'B', errorMessage: PipelineValue.fromString('x'), dependsOn: [fail('Elsewhere')] });
    expectError(() => new PipelineDefinition({ steps: [b] }).render(stack()), { construct: 'PipelineStep', property: 'dependsOn', value: "a step not in the pipeline ('Elsewhere')" }, "pipeline step 'B' depends on 'Elsewhere', which is not in the pipeline");
  });

  test('a reference to an undeclared parameter', () => {
    const b = new FailStep({ name: 'B', errorMessage: PipelineParameter.stringParameter('Missing').value });
    expectError(() => new PipelineDefinition({ steps: [b] }).render(stack()), { construct: 'PipelineDefinition', property: 'parameter', value: "PipelineValue.parameter('Missing')" }, "pipeline refers to parameter 'Missing', which is not declared");
  });

  test('a reference to a step outside the pipeline', () => {
    const b = new FailStep({ name: 'B', errorMessage: PipelineValue.stepProperty('Ghost', 'ModelName') });
    expectError(() => new PipelineDefinition({ steps: [b] }).render(stack()), { construct: 'PipelineDefinition', property: 'step', value: "a property of the step 'Ghost'" }, "pipeline refers to step 'Ghost' (Steps.Ghost.ModelName), which is not in the pipeline");
  });

  test('a JsonGet on a property file the step does not declare', () => {
    const role = new iam.Role(stack(), 'R', { assumedBy: new iam.AccountRootPrincipal() });
    const { evaluate } = everyStepType(role);
    expectError(() => evaluate.jsonGet('Other', 'a.b'), { construct: 'ProcessingStep.jsonGet', property: 'property file', value: "'Other'" }, "processingStep 'Evaluate' has no property file 'Other' (it has: Evaluation)");
  });

  test('a malformed JSON path', () => {
    const role = new iam.Role(stack(), 'R', { assumedBy: new iam.AccountRootPrincipal() });
    const { evaluate } = everyStepType(role);
    expectError(() => evaluate.jsonGet('Evaluation', 'a..b'), { construct: 'ProcessingStep.jsonGet', property: 'path', value: "'a..b'" }, "pipeline JSON path 'a..b' is invalid");
  });
});

describe('Float literals (issue 11: the SageMaker SDK refuses a Float default written as 1)', () => {
  const rendered = (...parameters: PipelineParameter[]) => {
    const s = new Stack(new App(), 'Stack');
    const step = new FailStep({ name: 'Stop', errorMessage: PipelineValue.join(parameters.map((p) => p.value)) });
    return s.resolve(new PipelineDefinition({ parameters, steps: [step] }).render(s));
  };

  test('a whole-number Float default renders with a decimal point', () => {
    expect(rendered(PipelineParameter.floatParameter('T', 1))).toContain('{"Name":"T","Type":"Float","DefaultValue":1.0}');
  });

  test('a negative whole-number Float default renders with a decimal point', () => {
    expect(rendered(PipelineParameter.floatParameter('T', -2))).toContain('"DefaultValue":-2.0');
  });

  test('a fractional Float default renders as it is', () => {
    expect(rendered(PipelineParameter.floatParameter('T', 0.25))).toContain('"DefaultValue":0.25}');
  });

  test('an Integer default keeps no decimal point', () => {
    expect(rendered(PipelineParameter.integerParameter('N', 1))).toContain('"DefaultValue":1}');
  });

  test('the rendered definition is still JSON that reads the default as 1', () => {
    expect(JSON.parse(rendered(PipelineParameter.floatParameter('T', 1))).Parameters[0].DefaultValue).toBe(1);
  });

  test('a token among the values is left to CloudFormation, the float fixed beside it', () => {
    const s = new Stack(new App(), 'Stack');
    const role = new iam.Role(s, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    const t = PipelineParameter.floatParameter('T', 3);
    const step = new FailStep({ name: 'Stop', errorMessage: PipelineValue.join([PipelineValue.fromString(role.roleArn), t.value]) });
    const body = s.resolve(new PipelineDefinition({ parameters: [t], steps: [step] }).render(s));
    const parts = body['Fn::Join'][1];
    expect([parts.some((x: any) => typeof x === 'string' && x.includes('"DefaultValue":3.0')), parts.some((x: any) => x['Fn::GetAtt'])]).toEqual([true, true]);
  });

  test('toJson gives the default as a number, no marker', () => {
    const step = new FailStep({ name: 'Stop', errorMessage: PipelineValue.fromString('x') });
    expect(new PipelineDefinition({ parameters: [PipelineParameter.floatParameter('T', 1)], steps: [step] }).toJson().Parameters[0].DefaultValue).toBe(1);
  });

  test('the template\'s PipelineDefinitionBody carries the decimal point', () => {
    const s = new Stack(new App(), 'Stack');
    new SageMakerPipeline(s, 'P', {
      parameters: [PipelineParameter.floatParameter('T', 1)],
      steps: [new FailStep({ name: 'Stop', errorMessage: PipelineValue.fromString('x') })],
    });
    const body = Object.values<any>(Template.fromStack(s).findResources('AWS::SageMaker::Pipeline'))[0].Properties.PipelineDefinition.PipelineDefinitionBody;
    expect(JSON.stringify(body)).toContain('\\"DefaultValue\\":1.0');
  });
});

describe('PipelineParameter.defaultValue', () => {
  test('is a typed literal that renders as the default', () => {
    const p = PipelineParameter.integerParameter('N', 3);
    expect(p.defaultValue?._toJson()).toBe(3);
  });

  test('is absent without a default', () => {
    expect(PipelineParameter.stringParameter('S').defaultValue).toBeUndefined();
  });
});

describe('resolution of the definition in a synth', () => {
  /** A string token that counts its resolutions, by phase (aws-cdk-lib's reference search prepares; the template and tree.json do not). */
  function counted() {
    const calls = { preparing: 0, other: 0 };
    const token = Token.asString({
      creationStack: [],
      resolve: (context: IResolveContext) => {
        calls[context.preparing ? 'preparing' : 'other']++;
        return 'counted';
      },
    });
    return { token, calls };
  }

  function pipelineWith(stack: Stack, value: string): void {
    const step = new FailStep({ name: 'Stop', errorMessage: PipelineValue.fromString(value) });
    new CfnResource(stack, 'Pipeline', {
      type: 'AWS::SageMaker::Pipeline',
      properties: { PipelineDefinition: { PipelineDefinitionBody: new PipelineDefinition({ steps: [step] }).render(stack) } },
    });
  }

  test('the reference search sees each token of the definition once, without rendering the whole body', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const { token, calls } = counted();
    pipelineWith(stack, token);
    app.synth();
    // Once while preparing (the tokens alone); the body is rendered for the template, and reused for tree.json.
    expect(calls.preparing).toBe(1);
  });

  test('a reference to another stack inside the definition still becomes an export and an import', () => {
    const app = new App();
    const producer = new Stack(app, 'Producer');
    const role = new iam.Role(producer, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    const consumer = new Stack(app, 'Consumer');
    pipelineWith(consumer, role.roleArn);
    const assembly = app.synth();
    const body = assembly.getStackByName('Consumer').template.Resources.Pipeline.Properties.PipelineDefinition.PipelineDefinitionBody;
    expect(JSON.stringify(body)).toContain('Fn::ImportValue');
    expect(Object.keys(assembly.getStackByName('Producer').template.Outputs ?? {})).toHaveLength(1);
  });
});
