import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { expectServing, starterModel } from './fixtures/starter-model';
import { CapacitySize, EndpointMode, ModelEndpoint, TrafficShifting } from '../src/endpoint';
import { InferenceInstanceType } from '../src/pipeline';

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

Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));

const integ = new IntegTest(app, 'EndpointRealtimeTest', { testCases: [stack] });

// The endpoint reaches InService and the model answers a CSV row.
expectServing(integ, endpoint.endpoint!);
