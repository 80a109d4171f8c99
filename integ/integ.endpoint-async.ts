import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { starterModel } from './fixtures/starter-model';
import { EndpointMode, ModelEndpoint } from '../src/endpoint';
import { InferenceInstanceType } from '../src/pipeline';
import { addNagPacks } from '../test/nag';

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubEndpointAsyncInteg');

const { model } = starterModel(stack);

// Scales to zero when idle and back up from zero when a request waits.
const endpoint = new ModelEndpoint(stack, 'Endpoint', {
  model,
  mode: EndpointMode.asynchronous({
    instanceType: InferenceInstanceType.ML_C5_LARGE,
    maxConcurrentInvocationsPerInstance: 2,
    autoScaling: { maxCapacity: 1 },
  }),
});

addNagPacks(stack);

const integ = new IntegTest(app, 'EndpointAsyncTest', { testCases: [stack] });
const bucketName = endpoint.asyncBucket!.bucketName;

// The endpoint reaches InService ...
const described = integ.assertions
  .awsApiCall('SageMaker', 'describeEndpoint', { EndpointName: endpoint.endpoint!.endpointName })
  .expect(ExpectedResult.objectLike({ EndpointStatus: 'InService' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(40), interval: Duration.minutes(1) });

// ... a request uploaded under the input prefix ...
const uploaded = integ.assertions.awsApiCall('S3', 'putObject', {
  Bucket: bucketName,
  Key: `${endpoint.asyncInputPrefix}/integ.csv`,
  Body: '1,1\n2,0\n',
  ContentType: 'text/csv',
});

// ... is accepted ...
const invoked = integ.assertions
  .awsApiCall('SageMakerRuntime', 'invokeEndpointAsync', {
    EndpointName: endpoint.endpoint!.endpointName,
    ContentType: 'text/csv',
    Accept: 'text/csv',
    InputLocation: `s3://${bucketName}/${endpoint.asyncInputPrefix}/integ.csv`,
  })
  .assertAtPath('InferenceId', ExpectedResult.stringLikeRegexp('.+'));
invoked.provider.addToRolePolicy({ Effect: 'Allow', Action: ['sagemaker:InvokeEndpointAsync'], Resource: [endpoint.endpoint!.endpointArn] });

// ... and answered under the output prefix.
const answered = integ.assertions
  .awsApiCall('S3', 'listObjectsV2', { Bucket: bucketName, Prefix: `${endpoint.asyncOutputPrefix}/` })
  .expect(ExpectedResult.objectLike({ KeyCount: 1 }))
  .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.minutes(1) });
// ListObjectsV2 is authorized as s3:ListBucket.
answered.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [endpoint.asyncBucket!.bucketArn] });

described.next(uploaded).next(invoked).next(answered);
