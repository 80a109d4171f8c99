import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { EndpointMode, InferenceInstanceType, ModelEndpoint, ModelSource } from '../src/endpoint';
import { SageMakerImage } from '../src/image';

/** A model.tar.gz holding the starter container's model.json (y = 2·x1 + 3·x2 + 1), written deterministically. */
function modelArchive(): string {
  const content = Buffer.from(JSON.stringify({ weights: [2, 3], bias: 1, epoch: 0 }));
  const header = Buffer.alloc(512);
  header.write('model.json', 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  const tar = Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
  const dir = path.join(os.tmpdir(), 'cdk-sagemaker-github-integ-model');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'model.tar.gz');
  fs.writeFileSync(file, zlib.gzipSync(tar, { level: 9 }));
  return file;
}

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubEndpointBatchInteg');

const image = SageMakerImage.fromAsset(path.join(__dirname, '..', 'examples', 'container'));
const modelData = new s3assets.Asset(stack, 'ModelData', { path: modelArchive() });

// The data to score and the predictions: the test's own bucket.
const data = new s3.Bucket(stack, 'Data', {
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  encryption: s3.BucketEncryption.S3_MANAGED,
});
NagSuppressions.addResourceSuppressions(data, [{
  id: 'AwsSolutions-S1',
  reason: 'the integ test\'s scratch data bucket: server access logs would record only the test\'s own requests',
}]);

const scoring = new ModelEndpoint(stack, 'Scoring', {
  model: ModelSource.fromImage(image, { bucket: modelData.bucket, key: modelData.s3ObjectKey }),
  mode: EndpointMode.batch({
    inputBucket: data,
    instanceType: InferenceInstanceType.ML_C5_LARGE,
    accept: 'text/csv',
  }),
});

Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));

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
