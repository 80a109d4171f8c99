import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { expectServing, starterModel } from './fixtures/starter-model';
import { CapacitySize, EndpointMode, ModelEndpoint, TrafficShifting } from '../src/endpoint';
import { InferenceInstanceType } from '../src/pipeline';
import { addNagPacks } from '../test/nag';

const app = new App();
const stack = new Stack(app, 'SageMakerGitHubEndpointRealtimeInteg');

// The starter container, built by the deploy; the model data as a file asset.
const { model } = starterModel(stack);

const endpoint = new ModelEndpoint(stack, 'Endpoint', {
  model,
  mode: EndpointMode.realtime({
    instanceType: InferenceInstanceType.ML_C5_LARGE,
    initialInstanceCount: 2,
    autoScaling: { maxCapacity: 3 },
    deployment: {
      trafficShifting: TrafficShifting.canary({ canarySize: CapacitySize.instances(1), waitInterval: Duration.minutes(2) }),
    },
  }),
});

addNagPacks(stack);

const integ = new IntegTest(app, 'EndpointRealtimeTest', { testCases: [stack] });

// The endpoint reaches InService and the model answers a CSV row.
expectServing(integ, endpoint.endpoint!);
