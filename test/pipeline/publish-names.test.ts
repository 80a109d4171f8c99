import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FailStep, PipelineValue, SageMakerPipeline } from '../../src/pipeline';
import { expectError } from '../errors';

function pipeline(id = 'Nightly') {
  const stack = new Stack(new App(), 'Stack');
  return {
    stack,
    pipeline: new SageMakerPipeline(stack, id, {
      pipelineName: 'nightly',
      steps: [new FailStep({ name: 'Stop', errorMessage: PipelineValue.fromString('x') })],
    }),
  };
}

test('publishNames writes the pipeline name and ARN as outputs with stable names', () => {
  const { stack, pipeline: p } = pipeline();
  p.publishNames();
  const outputs = Template.fromStack(stack).toJSON().Outputs;
  expect(outputs.NightlyPipelineName.Value).toBe('nightly');
  expect(Object.keys(outputs).sort()).toEqual(['NightlyPipelineArn', 'NightlyPipelineName']);
});

test('publishNames takes an output prefix and writes SSM parameters under a path', () => {
  const { stack, pipeline: p } = pipeline();
  p.publishNames({ outputPrefix: 'Fraud', ssmPrefix: '/ml/fraud/' });
  const template = Template.fromStack(stack);
  template.hasOutput('FraudPipelineName', { Value: 'nightly' });
  template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/ml/fraud/PipelineName', Type: 'String', Value: 'nightly' });
  template.resourceCountIs('AWS::SSM::Parameter', 2);
});

test('publishNames checks its options and is called once', () => {
  expectError(() => pipeline().pipeline.publishNames({ outputPrefix: '1-bad' }),
    { construct: 'SageMakerPipeline.publishNames', property: 'outputPrefix', value: "'1-bad'" },
    "sageMakerPipeline publishNames outputPrefix must be letters and digits starting with a letter (at most 200), got '1-bad': e.g. 'FraudTraining'");
  expectError(() => pipeline().pipeline.publishNames({ ssmPrefix: 'ml/fraud' }),
    { construct: 'SageMakerPipeline.publishNames', property: 'ssmPrefix', value: "'ml/fraud'" },
    "sageMakerPipeline publishNames ssmPrefix must be an SSM path that starts with '/' (letters, digits, _ . - /), got 'ml/fraud': e.g. '/ml/fraud'");
  const { pipeline: p } = pipeline();
  p.publishNames();
  expectError(() => p.publishNames(), { construct: 'SageMakerPipeline.publishNames', property: 'publishNames', value: 'a second call' },
    'sageMakerPipeline publishNames was called twice on Stack/Nightly: call it once');
});
