import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { expectServing, starterModel } from './fixtures/starter-model';
import { EndpointMode, ModelEndpoint } from '../src/endpoint';
import { addNagPacks } from '../test/nag';

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubEndpointServerlessInteg');

// The starter container, built by the deploy; the model data as a file asset.
const { model } = starterModel(stack);

const endpoint = new ModelEndpoint(stack, 'Endpoint', {
  model,
  mode: EndpointMode.serverless({ memorySizeMiB: 2048, maxConcurrency: 5 }),
});

addNagPacks(stack);

const integ = new IntegTest(app, 'EndpointServerlessTest', { testCases: [stack] });

// The endpoint reaches InService and the model answers a CSV row.
expectServing(integ, endpoint.endpoint!);
