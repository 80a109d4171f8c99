/**
 * The drift-check baseline of a TrainingPipeline (issue #17 item 1): a Baseline
 * step on the training data as the Train step reads it, never cached, written
 * per execution, recorded by reference as RegisterModel's DriftCheckBaselines.
 */
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from './helpers';
import { expectError } from '../errors';
import { stepNamed } from '../pipeline/definition-helper';

const SCRIPT = path.join(__dirname, '..', 'fixtures', 'containers', 'prep-script', 'prepare.py');
const BASELINE_OUTPUT = { Get: "Steps.Baseline.ProcessingOutputConfig.Outputs['baseline'].S3Output.S3Uri" };
const baselineStep = (definition: any) => stepNamed(definition, 'Baseline');
const register = (definition: any) => stepNamed(definition, 'RegisterModel').Arguments;
const dataInput = (definition: any) => baselineStep(definition).Arguments.ProcessingInputs.find((i: any) => i.InputName === 'data').S3Input.S3Uri;

describe('TrainingPipeline drift baseline', () => {
  test('by default a Baseline step runs the checker on the TrainingDataUri the Train step reads, uncached', () => {
    const { definition, pipeline } = build();
    const step = baselineStep(definition);
    expect(step.Type).toBe('Processing');
    expect(step.CacheConfig).toBeUndefined();
    expect(pipeline.baselineStep).toBeDefined();
    const train = stepNamed(definition, 'Train').Arguments.InputDataConfig.find((c: any) => c.ChannelName === 'train');
    expect(dataInput(definition)).toEqual({ Get: 'Parameters.TrainingDataUri' });
    expect(dataInput(definition)).toEqual(train.DataSource.S3DataSource.S3Uri);
    expect(step.Arguments.AppSpecification.ContainerArguments).toEqual([
      'baseline', '--data', '/opt/ml/processing/input/data', '--output', '/opt/ml/processing/output/baseline',
    ]);
    expect(step.Arguments.AppSpecification.ImageUri).toMatch(/\/sagemaker-scikit-learn:1\.4-2-py312-cpu-py3$/);
  });

  test('its output is a prefix of its own per execution under baselines/ of the artifacts bucket', () => {
    const output = baselineStep(build().definition).Arguments.ProcessingOutputConfig.Outputs[0];
    expect(output.OutputName).toBe('baseline');
    const uri = output.S3Output.S3Uri['Std:Join'];
    expect(uri.Values[uri.Values.length - 1]).toEqual({ Get: 'Execution.PipelineExecutionId' });
    expect(JSON.stringify(uri.Values)).toMatch(/\/baselines\/"/);
  });

  test('RegisterModel records this execution\'s statistics and constraints by reference as DriftCheckBaselines', () => {
    expect(register(build().definition).DriftCheckBaselines).toEqual({
      ModelDataQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: { 'Std:Join': { On: '', Values: [BASELINE_OUTPUT, '/statistics.json'] } } },
        Constraints: { ContentType: 'application/json', S3Uri: { 'Std:Join': { On: '', Values: [BASELINE_OUTPUT, '/constraints.json'] } } },
      },
    });
  });

  test('targetColumn leaves the label out of the baseline', () => {
    const args = baselineStep(build({ driftBaseline: { targetColumn: 'last' } }).definition).Arguments.AppSpecification.ContainerArguments;
    expect(args.slice(-2)).toEqual(['--target-column', 'last']);
  });

  test('with a preparation step feeding the training channel, the baseline reads that output by reference', () => {
    const probe = build();
    const { definition } = build({
      preparation: {
        inputs: [{ inputName: 'raw', bucket: probe.data, prefix: 'churn/raw/' }],
        outputs: [{ outputName: 'train', channelName: 'train' }, { outputName: 'test', testData: true }],
        script: SCRIPT,
      },
    });
    const prepared = { Get: "Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" };
    expect(dataInput(definition)).toEqual(prepared);
    expect(definition.Parameters.map((p: any) => p.Name)).not.toContain('TrainingDataUri');
  });

  test('the role writes baselines/ and reads the checker asset; the pulls include the scikit-learn image', () => {
    const statements = Object.values<any>(Template.fromStack(build().stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const text = JSON.stringify(statements);
    const put = statements.find((s) => JSON.stringify(s.Action).includes('s3:PutObject') && JSON.stringify(s.Resource).includes('TrainingArtifactsBucket'));
    expect(JSON.stringify(put.Resource)).toContain('/baselines/*');
    const code = statements.find((s) => s.Action === 's3:GetObject' && /[0-9a-f]{64}\.zip/.test(JSON.stringify(s.Resource)));
    expect(code).toBeDefined();
    expect(text).toContain(':repository/sagemaker-scikit-learn');
  });

  test('enabled: false leaves out the step, DriftCheckBaselines and the baselines/ grant', () => {
    const { definition, stack, pipeline } = build({ driftBaseline: { enabled: false } });
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'Evaluate', 'QualityGate']);
    expect(register(definition).DriftCheckBaselines).toBeUndefined();
    expect(pipeline.baselineStep).toBeUndefined();
    const text = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(text).not.toContain('/baselines/');
    expect(text).not.toContain('sagemaker-scikit-learn');
  });

  test('a network-isolated pipeline runs the baseline isolated too', () => {
    const step = baselineStep(build({ network: { networkIsolation: true } }).definition);
    expect(step.Arguments.NetworkConfig.EnableNetworkIsolation).toBe(true);
  });
});

describe('TrainingPipeline driftBaseline errors', () => {
  const construct = 'TrainingPipeline';
  test('enabled that is not a boolean', () => {
    expectError(() => build({ driftBaseline: { enabled: 'no' as any } }), { construct, property: 'driftBaseline.enabled', value: "'no'" },
      'trainingPipeline driftBaseline.enabled must be true or false, got string "no": give enabled: false to turn the baseline off, or leave it out');
  });

  test('an empty targetColumn', () => {
    expectError(() => build({ driftBaseline: { targetColumn: '' } }), { construct, property: 'driftBaseline.targetColumn', value: "''" },
      "trainingPipeline driftBaseline.targetColumn must be the label column's header name, 0-based index or 'last', got string \"\": give e.g. targetColumn: 'last'");
  });

  test('a targetColumn with surrounding spaces', () => {
    expectError(() => build({ driftBaseline: { targetColumn: ' y' } }), { construct, property: 'driftBaseline.targetColumn', value: "' y'" },
      "got string \" y\": give e.g. targetColumn: 'last' (no surrounding spaces, at most 256 characters)");
  });

  test('a targetColumn that is not a string', () => {
    expectError(() => build({ driftBaseline: { targetColumn: 2 as any } }), { construct, property: 'driftBaseline.targetColumn', value: '2' },
      "trainingPipeline driftBaseline.targetColumn must be the label column's header name, 0-based index or 'last', got number 2");
  });

  test('a negative index as targetColumn', () => {
    expectError(() => build({ driftBaseline: { targetColumn: '-1' } }), { construct, property: 'driftBaseline.targetColumn', value: "'-1'" },
      "trainingPipeline driftBaseline.targetColumn '-1' is not a column: give a header name, a 0-based index (0, 1, ...) or 'last'");
  });

  test('a targetColumn with the baseline off', () => {
    expectError(() => build({ driftBaseline: { enabled: false, targetColumn: 'last' } }),
      { construct, property: 'driftBaseline.targetColumn', value: "'last' with enabled: false" },
      "trainingPipeline driftBaseline.targetColumn 'last' is given but driftBaseline.enabled is false: drop targetColumn, or turn the baseline on");
  });

  test('driftBaseline that is not an object', () => {
    expectError(() => build({ driftBaseline: true as any }), { construct, property: 'driftBaseline', value: 'true' },
      "trainingPipeline driftBaseline must be an object, got boolean true: give { targetColumn: 'last' }, or { enabled: false } to turn the baseline off");
  });
});
