import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { AwsSolutionsChecks } from 'cdk-nag';
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
const stack = new Stack(app, 'SageMakerGitHubEndpointAsyncInteg');

const image = SageMakerImage.fromAsset(path.join(__dirname, '..', 'examples', 'container'));
const modelData = new s3assets.Asset(stack, 'ModelData', { path: modelArchive() });

// Scales to zero when idle and back up from zero when a request waits.
const endpoint = new ModelEndpoint(stack, 'Endpoint', {
  model: ModelSource.fromImage(image, { bucket: modelData.bucket, key: modelData.s3ObjectKey }),
  mode: EndpointMode.asynchronous({
    instanceType: InferenceInstanceType.ML_C5_LARGE,
    maxConcurrentInvocationsPerInstance: 2,
    autoScaling: { maxCapacity: 1 },
  }),
});

Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));

const integ = new IntegTest(app, 'EndpointAsyncTest', { testCases: [stack] });
const bucketName = endpoint.asyncBucket!.bucketName;

// The endpoint reaches InService ...
const described = integ.assertions
  .awsApiCall('SageMaker', 'describeEndpoint', { EndpointName: endpoint.endpointName })
  .expect(ExpectedResult.objectLike({ EndpointStatus: 'InService' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(40), interval: Duration.minutes(1) });

// ... a request uploaded under the input prefix ...
const uploaded = integ.assertions.awsApiCall('S3', 'putObject', {
  Bucket: bucketName,
  Key: 'async-input/integ.csv',
  Body: '1,1\n2,0\n',
  ContentType: 'text/csv',
});

// ... is accepted ...
const invoked = integ.assertions
  .awsApiCall('SageMakerRuntime', 'invokeEndpointAsync', {
    EndpointName: endpoint.endpointName,
    ContentType: 'text/csv',
    Accept: 'text/csv',
    InputLocation: `s3://${bucketName}/async-input/integ.csv`,
  })
  .assertAtPath('InferenceId', ExpectedResult.stringLikeRegexp('.+'));
invoked.provider.addToRolePolicy({ Effect: 'Allow', Action: ['sagemaker:InvokeEndpointAsync'], Resource: [endpoint.endpointArn] });

// ... and answered under the output prefix.
const answered = integ.assertions
  .awsApiCall('S3', 'listObjectsV2', { Bucket: bucketName, Prefix: 'async-output/' })
  .expect(ExpectedResult.objectLike({ KeyCount: 1 }))
  .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.minutes(1) });
// ListObjectsV2 is authorized as s3:ListBucket.
answered.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [endpoint.asyncBucket!.bucketArn] });

described.next(uploaded).next(invoked).next(answered);
