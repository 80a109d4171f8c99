import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { starterModel } from './fixtures/starter-model';
import { EndpointMode, ModelEndpoint } from '../src/endpoint';

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubEndpointServerlessInteg');

// The starter container, built by the deploy; the model data as a file asset.
const { model } = starterModel(stack);

const endpoint = new ModelEndpoint(stack, 'Endpoint', {
  model,
  mode: EndpointMode.serverless({ memorySizeMiB: 2048, maxConcurrency: 5 }),
});

Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));

const integ = new IntegTest(app, 'EndpointServerlessTest', { testCases: [stack] });

// The endpoint reaches InService ...
const described = integ.assertions
  .awsApiCall('SageMaker', 'describeEndpoint', { EndpointName: endpoint.endpointName })
  .expect(ExpectedResult.objectLike({ EndpointStatus: 'InService' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(40), interval: Duration.minutes(1) });

// ... and the model answers a CSV row (after a cold start).
const invoked = integ.assertions
  .awsApiCall('SageMakerRuntime', 'invokeEndpoint', {
    EndpointName: endpoint.endpointName,
    ContentType: 'text/csv',
    Accept: 'text/csv',
    Body: '1,1',
  })
  .expect(ExpectedResult.objectLike({ ContentType: 'text/csv', InvokedProductionVariant: 'AllTraffic' }));
invoked.provider.addToRolePolicy({ Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint'], Resource: [endpoint.endpointArn] });
described.next(invoked);
