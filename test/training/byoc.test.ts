/**
 * Bring your own container: script mode (code baked in or uploaded), the
 * evaluation methods, and what the rendered steps give each container shape.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { build, newPipeline } from './helpers';
import { DeepLearningContainer, DlcFramework, DlcProcessor, DlcScope, SageMakerImage } from '../../src/image';
import { ConditionOperator } from '../../src/pipeline';
import { EvaluationMethod, QualityGate, TrainingCode } from '../../src/training';
import { expectError } from '../errors';
import { stepNamed } from '../pipeline/definition-helper';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'containers');
const CODE_DIR = path.join(FIXTURES, 'script-mode-code');
const EVAL_SCRIPT = path.join(FIXTURES, 'eval-script', 'evaluate.py');
const train = (definition: any) => stepNamed(definition, 'Train').Arguments;
const evaluate = (definition: any) => stepNamed(definition, 'Evaluate').Arguments;
const sklearn = () => DeepLearningContainer.fromFramework({
  framework: DlcFramework.SKLEARN, version: '1.4-2', scope: DlcScope.TRAINING, processor: DlcProcessor.CPU,
});

/** The entries of a ustar archive (gunzipped): name, mode, content. */
function untar(file: string): Array<{ name: string; mode: number; content: string }> {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  const out = [];
  for (let offset = 0; offset + 512 <= tar.length;) {
    const name = tar.subarray(offset, offset + 100).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString('ascii'), 8);
    const mode = parseInt(tar.subarray(offset + 100, offset + 108).toString('ascii'), 8);
    out.push({ name, mode, content: tar.subarray(offset + 512, offset + 512 + size).toString('utf8') });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('script mode: code baked into the image', () => {
  test('sets sagemaker_program (JSON-encoded, as the SageMaker Python SDK writes it) and the baked code directory', () => {
    const { definition } = build({ training: { code: TrainingCode.fromImage('train.py') } });
    expect(train(definition).HyperParameters).toEqual({
      sagemaker_program: '"train.py"',
      sagemaker_submit_directory: '"/opt/ml/code"',
    });
  });

  test('keeps the user hyperparameters beside the toolkit ones', () => {
    const { definition } = build({ training: { code: TrainingCode.fromImage('train.py'), hyperparameters: { epochs: '3' } } });
    expect(train(definition).HyperParameters.epochs).toBe('3');
  });

  test('an entry point outside the code directory', () => {
    expectError(() => TrainingCode.fromImage('../train.py'), { construct: 'TrainingCode.fromImage', property: 'entryPoint', value: "'../train.py'" },
      'trainingCode entryPoint must be a script path relative to the code directory, got \'../train.py\': e.g. \'train.py\'');
  });
});

describe('script mode: code uploaded from the repository', () => {
  test('the code is a channel named code whose archive is the submit directory', () => {
    const { definition } = build({ training: { code: TrainingCode.fromAsset(CODE_DIR, 'train.py') } });
    const args = train(definition);
    const code = args.InputDataConfig.find((c: any) => c.ChannelName === 'code');
    expect(code.DataSource.S3DataSource.S3Uri).toMatch(/^s3:\/\/.+\/[0-9a-f]{64}\.gz$/);
    const key = code.DataSource.S3DataSource.S3Uri.split('/').pop();
    expect(args.HyperParameters.sagemaker_submit_directory).toBe(JSON.stringify(`/opt/ml/input/data/code/${key}`));
    expect(args.HyperParameters.sagemaker_program).toBe('"train.py"');
  });

  test('the archive is a gzipped tar of the folder, the SDK\'s sourcedir.tar.gz, and the same on every synth', () => {
    const outdirs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const app = new App();
      const stack = new Stack(app, 'Stack');
      newPipeline(stack, { training: { code: TrainingCode.fromAsset(CODE_DIR, 'train.py') } });
      outdirs.push(app.synth().directory);
    }
    const assets = outdirs.map((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.gz')));
    expect(assets[0]).toHaveLength(1);
    expect(assets[0]).toEqual(assets[1]);
    const entries = untar(path.join(outdirs[0], assets[0][0]));
    expect(entries.map((e) => e.name)).toEqual(['helpers.py', 'train.py']);
    expect(entries.find((e) => e.name === 'train.py')!.content).toBe(fs.readFileSync(path.join(CODE_DIR, 'train.py'), 'utf8'));
  });

  test('the execution role reads the archive object only', () => {
    const { stack } = build({ training: { code: TrainingCode.fromAsset(CODE_DIR, 'train.py') } });
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const reads = statements.filter((s: any) => JSON.stringify(s.Resource).includes('.gz'));
    expect(reads.length).toBeGreaterThan(0);
    for (const s of reads) expect(JSON.stringify(s.Resource)).toMatch(/[0-9a-f]{64}\.gz\*?"/);
  });

  test('an entry point that is not in the folder', () => {
    expectError(() => build({ training: { code: TrainingCode.fromAsset(CODE_DIR, 'main.py') } }),
      { construct: 'TrainingPipeline', property: 'training.code entryPoint', value: "'main.py'" },
      `trainingPipeline training code entryPoint 'main.py' is not in '${CODE_DIR}': give the script's path relative to the code directory`);
  });

  test('a code folder that does not exist', () => {
    expectError(() => build({ training: { code: TrainingCode.fromAsset('no/such/dir', 'train.py') } }),
      { construct: 'TrainingPipeline', property: 'training.code directory', value: "'no/such/dir'" },
      "trainingPipeline training code directory 'no/such/dir' is not a directory: give the folder that holds the training script");
  });

  test('a channel named code beside uploaded code', () => {
    const { data } = build();
    expectError(() => build({ training: { code: TrainingCode.fromAsset(CODE_DIR, 'train.py'), extraChannels: [{ channelName: 'code', bucket: data }] } }),
      { construct: 'TrainingPipeline', property: 'training.extraChannels.channelName', value: "'code'" },
      "trainingPipeline training channelName 'code' is taken by training.code (the uploaded script): rename the channel");
  });

  test('a hyperparameter the toolkit settings own', () => {
    expectError(() => build({ training: { code: TrainingCode.fromImage('train.py'), hyperparameters: { sagemaker_program: 'x.py' } } }),
      { construct: 'TrainingPipeline', property: 'training.hyperparameters', value: "{ sagemaker_program: 'x.py' }" },
      "trainingPipeline training hyperparameters 'sagemaker_program' is set by training.code: drop it from hyperparameters, the library writes it");
  });
});

describe('evaluation methods', () => {
  test('the default is the contract: evaluate with --model-dir, --test-dir and --output-dir', () => {
    const { definition } = build();
    expect(evaluate(definition).AppSpecification).toEqual({
      ImageUri: { Get: 'Parameters.ImageUri' },
      ContainerEntrypoint: ['evaluate'],
      ContainerArguments: ['--model-dir', '/opt/ml/processing/model', '--test-dir', '/opt/ml/processing/test', '--output-dir', '/opt/ml/processing/evaluation'],
    });
  });

  test('a script runs on a stock image with the script mounted as the code input, as ScriptProcessor does', () => {
    const { definition } = build({ evaluation: { image: sklearn(), method: EvaluationMethod.script({ path: EVAL_SCRIPT }) } });
    const args = evaluate(definition);
    const code = args.ProcessingInputs.find((i: any) => i.InputName === 'code');
    expect(code.S3Input.LocalPath).toBe('/opt/ml/processing/input/code');
    const key = code.S3Input.S3Uri.split('/').pop();
    expect(key).toMatch(/^[0-9a-f]{64}\.py$/);
    expect(args.AppSpecification.ContainerEntrypoint).toEqual(['python3', `/opt/ml/processing/input/code/${key}`]);
    expect(args.AppSpecification.ContainerArguments).toEqual(['--model-dir', '/opt/ml/processing/model', '--test-dir', '/opt/ml/processing/test',
      '--output-dir', '/opt/ml/processing/evaluation']);
    expect(JSON.stringify(args.AppSpecification.ImageUri)).toContain('sagemaker-scikit-learn');
  });

  test('a user image runs its own command with the arguments given', () => {
    const { definition } = build({ evaluation: { method: EvaluationMethod.command({ command: ['python3', '/opt/program/score.py'], arguments: ['--fast'] }) } });
    expect(evaluate(definition).AppSpecification.ContainerEntrypoint).toEqual(['python3', '/opt/program/score.py']);
    expect(evaluate(definition).AppSpecification.ContainerArguments).toEqual(['--fast']);
  });

  test('the property file and the gate work for every method that evaluates', () => {
    for (const method of [EvaluationMethod.contract(), EvaluationMethod.script({ path: EVAL_SCRIPT }), EvaluationMethod.command({ command: ['score'] })]) {
      const { definition } = build({ evaluation: { method } });
      expect(stepNamed(definition, 'Evaluate').PropertyFiles).toEqual([{ PropertyFileName: 'Evaluation', OutputName: 'evaluation', FilePath: 'evaluation.json' }]);
      expect(stepNamed(definition, 'QualityGate').Arguments.Conditions[0].LeftValue['Std:JsonGet'].Path).toBe('regression_metrics.mse.value');
    }
  });

  test('instance type, count, volume, runtime and environment are options of every method', () => {
    const { definition } = build({ evaluation: { method: EvaluationMethod.command({ command: ['score'] }), instanceCount: 2, environment: { MODE: 'strict' } } });
    expect(evaluate(definition).ProcessingResources.ClusterConfig.InstanceCount).toBe(2);
    expect(evaluate(definition).Environment).toEqual({ MODE: 'strict' });
  });

  test('none: no evaluation step, the gate reads the final value of a training metric, registration follows training', () => {
    const { definition } = build({
      evaluation: { method: EvaluationMethod.none() },
      training: { metricDefinitions: [{ name: 'validation:loss', regex: 'validation_loss=([0-9.]+);' }] },
      qualityGate: QualityGate.onTrainingMetric('validation:loss', ConditionOperator.LESS_THAN_OR_EQUAL_TO, 0.3),
    });
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'Baseline', 'QualityGate']);
    const condition = stepNamed(definition, 'QualityGate').Arguments.Conditions[0];
    expect(condition.LeftValue).toEqual({ Get: "Steps.Train.FinalMetricDataList['validation:loss'].Value" });
    expect(stepNamed(definition, 'RegisterModel').Arguments.ModelMetrics).toBeUndefined();
    expect(definition.Parameters.map((p: any) => p.Name)).not.toContain('TestDataUri');
  });

  test('none without a gate registers every trained model', () => {
    const { definition } = build({ evaluation: { method: EvaluationMethod.none() }, qualityGate: undefined });
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'Baseline', 'RegisterModel']);
  });

  test('a gate on evaluation.json without an evaluation', () => {
    expectError(() => build({ evaluation: { method: EvaluationMethod.none() } }),
      { construct: 'TrainingPipeline', property: 'qualityGate', value: "QualityGate.lessThanOrEqualTo('regression_metrics.mse.value', 0.25) with EvaluationMethod.none()" },
      "trainingPipeline qualityGate reads 'regression_metrics.mse.value' of evaluation.json, but evaluation.method is EvaluationMethod.none(): there is no report to read");
  });

  test('a gate on a training metric that no metric definition parses', () => {
    expectError(() => build({ qualityGate: QualityGate.onTrainingMetric('val:loss', ConditionOperator.LESS_THAN, 1) }),
      { construct: 'TrainingPipeline', property: 'qualityGate metricName', value: "'val:loss'" },
      "trainingPipeline qualityGate metricName 'val:loss' is not one of training.metricDefinitions (none): add a metric definition");
  });

  test('a training-metric gate with NotEquals', () => {
    expectError(() => QualityGate.onTrainingMetric('loss', ConditionOperator.NOT_EQUALS, 1),
      { construct: 'QualityGate.onTrainingMetric', property: 'comparison', value: 'ConditionOperator.NOT_EQUALS' },
      'qualityGate comparison NotEquals is not a quality gate');
  });

  test('a contract command with another method', () => {
    expectError(() => build({ evaluation: { command: ['evaluate'], method: EvaluationMethod.command({ command: ['score'] }) } }),
      { construct: 'TrainingPipeline', property: 'evaluation.command', value: "['evaluate'] with EvaluationMethod.command" },
      'trainingPipeline evaluation command is given with method Command: command is the contract\'s entrypoint');
  });

  test('job options with EvaluationMethod.none()', () => {
    expectError(() => build({ qualityGate: undefined, evaluation: { method: EvaluationMethod.none(), instanceCount: 2 } }),
      { construct: 'TrainingPipeline', property: 'evaluation.method', value: 'EvaluationMethod.none() with instanceCount' },
      'trainingPipeline evaluation method is EvaluationMethod.none() but instanceCount is given: there is no evaluation job to configure');
  });

  test('an evaluation instance count over 100', () => {
    expectError(() => build({ evaluation: { instanceCount: 101 } }),
      { construct: 'TrainingPipeline', property: 'evaluation.instanceCount', value: '101' },
      'trainingPipeline evaluation instanceCount must be a whole number from 1 to 100, got 101');
  });

  test('a script that does not exist', () => {
    expectError(() => build({ evaluation: { method: EvaluationMethod.script({ path: 'nope.py' }) } }),
      { construct: 'TrainingPipeline', property: 'evaluation.method script path', value: "'nope.py'" },
      "trainingPipeline evaluation method script path 'nope.py' is not a file");
  });

  test('an empty command', () => {
    expectError(() => EvaluationMethod.command({ command: [] }), { construct: 'EvaluationMethod.command', property: 'command', value: '[]' },
      'evaluationMethod.command command must be a non-empty list, got []');
  });

  test('a stock image from SageMakerImage evaluates too', () => {
    const { definition } = build({ evaluation: { image: SageMakerImage.fromDeepLearningContainer({ framework: DlcFramework.PYTORCH, version: '2.3.0', scope: DlcScope.TRAINING, processor: DlcProcessor.CPU }), method: EvaluationMethod.script({ path: EVAL_SCRIPT }) } });
    expect(JSON.stringify(evaluate(definition).AppSpecification.ImageUri)).toContain('pytorch-training');
  });
});
