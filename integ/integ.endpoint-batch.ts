import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { starterModel } from './fixtures/starter-model';
import { EndpointMode, ModelEndpoint } from '../src/endpoint';
import { InferenceInstanceType } from '../src/pipeline';
import { addNagPacks, explainTestBucket } from '../test/nag';

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubEndpointBatchInteg');

const { model } = starterModel(stack);

// The data to score and the predictions: the test's own bucket.
const data = new s3.Bucket(stack, 'Data', {
  versioned: true,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  encryption: s3.BucketEncryption.S3_MANAGED,
});
explainTestBucket(data);

const scoring = new ModelEndpoint(stack, 'Scoring', {
  model,
  mode: EndpointMode.batch({
    inputBucket: data,
    instanceType: InferenceInstanceType.ML_C5_LARGE,
    accept: 'text/csv',
  }),
});

// A second scoring of the same model on other input: it shares the first one's model and role
// (one AWS::SageMaker::Model in the stack), with its own pipeline, topic and rule.
new ModelEndpoint(stack, 'Rescoring', {
  model,
  mode: EndpointMode.batch({
    inputBucket: data,
    inputPrefix: 'rescore-input/',
    instanceType: InferenceInstanceType.ML_C5_LARGE,
    accept: 'text/csv',
  }),
});

addNagPacks(stack);

const integ = new IntegTest(app, 'EndpointBatchTest', { testCases: [stack] });
const pipelineName = scoring.transformPipeline!.pipelineName;

// Input lands under the input prefix ...
const uploaded = integ.assertions.awsApiCall('S3', 'putObject', {
  Bucket: data.bucketName,
  Key: 'batch-input/rows.csv',
  Body: '1,1\n2,0\n0,3\n',
  ContentType: 'text/csv',
});

// ... a run starts, as the GitHub deploy job would start it ...
const started = integ.assertions.awsApiCall('SageMaker', 'startPipelineExecution', {
  PipelineName: pipelineName,
  PipelineExecutionDisplayName: 'integ',
});

// ... and succeeds.
const succeeded = integ.assertions
  .awsApiCall('SageMaker', 'describePipelineExecution', { PipelineExecutionArn: started.getAttString('PipelineExecutionArn') })
  .expect(ExpectedResult.objectLike({ PipelineExecutionStatus: 'Succeeded' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(45), interval: Duration.minutes(1) });

uploaded.next(started).next(succeeded);
