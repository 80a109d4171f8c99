/**
 * A second training pipeline, the way a team with a framework container
 * works: PyTorch's Deep Learning Container in script mode, the training code
 * uploaded from the repository (TrainingCode.fromAsset), and evaluation by a
 * script on a stock scikit-learn image. Prep → train → evaluate → gate → register.
 */
import * as path from 'path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { DlcFramework, DlcProcessor, DlcScope, SageMakerImage } from '../src/image';
import { TrainingInstanceType } from '../src/pipeline';
import { EvaluationMethod, ModelPackageGroup, QualityGate, TrainingCode, TrainingPipeline } from '../src/training';
import { explainTestBucket } from '../test/nag';

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'containers');

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubTrainingScriptModeInteg');

const pytorch = SageMakerImage.fromDeepLearningContainer({
  framework: DlcFramework.PYTORCH, version: '2.6.0', scope: DlcScope.TRAINING, processor: DlcProcessor.CPU,
});
const sklearn = SageMakerImage.fromDeepLearningContainer({
  framework: DlcFramework.SKLEARN, version: '1.4-2', scope: DlcScope.TRAINING, processor: DlcProcessor.CPU,
});

// The test's own data and artifacts buckets, destroyed with it.
const bucket = (id: string) => {
  const b = new s3.Bucket(stack, id, {
    versioned: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  explainTestBucket(b);
  return b;
};
const data = bucket('Data');
const artifacts = bucket('Artifacts');
const group = new ModelPackageGroup(stack, 'Models', { removalPolicy: RemovalPolicy.DESTROY });

const pipeline = new TrainingPipeline(stack, 'Training', {
  image: pytorch,
  artifacts: { bucket: artifacts },
  registration: { modelPackageGroup: group },
  // The preparation makes the 'train' channel (CSV, its content type set on the output) and the test data: no trainingData nor testData. Its
  // input is the pipeline parameter PreparationRawDataUri (s3://<data bucket>/raw/ by default).
  preparation: {
    image: sklearn,
    script: path.join(FIXTURES, 'prep-script', 'prepare.py'),
    inputs: [{ inputName: 'raw', bucket: data, prefix: 'raw/' }],
    outputs: [{ outputName: 'train', channelName: 'train', channel: { contentType: 'text/csv' } }, { outputName: 'test', testData: true }],
  },
  training: {
    code: TrainingCode.fromAsset(path.join(FIXTURES, 'script-mode-code'), 'train.py'),
    instanceType: TrainingInstanceType.ML_M5_LARGE,
    maxRuntime: Duration.hours(1),
    metricDefinitions: [{ name: 'rows', regex: 'rows=([0-9]+);' }],
  },
  evaluation: {
    image: sklearn,
    method: EvaluationMethod.script({ path: path.join(FIXTURES, 'eval-script', 'evaluate.py') }),
  },
  qualityGate: QualityGate.lessThanOrEqualTo('regression_metrics.mse.value', 1.0),
});

Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));
Aspects.of(stack).add(new NIST80053R5Checks({ verbose: true, reports: false }));
Aspects.of(stack).add(new HIPAASecurityChecks({ verbose: true, reports: false }));

const integ = new IntegTest(app, 'TrainingScriptModeTest', { testCases: [stack] });
// CloudFormation accepted the definition and SageMaker holds the pipeline, ready to start.
integ.assertions
  .awsApiCall('SageMaker', 'describePipeline', { PipelineName: pipeline.pipelineName })
  .expect(ExpectedResult.objectLike({ PipelineStatus: 'Active' }));
