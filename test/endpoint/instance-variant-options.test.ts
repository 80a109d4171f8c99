import { Duration, Size } from 'aws-cdk-lib';
import { EndpointMode } from '../../src/endpoint';
import { InferenceInstanceType } from '../../src/pipeline';
import { ErrorCase, expectError } from '../errors';

describe('instance variant errors name the property, the value and the fix', () => {
  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'InferenceInstanceType.of', property: 'inferenceInstanceType', value: "'m5.large'" }, () => InferenceInstanceType.of('m5.large'),
      /^inferenceInstanceType 'm5.large' is not a SageMaker instance type: give 'ml.<family>.<size>', e.g. 'ml.g6e.xlarge'$/],
    // plain JavaScript callers can pass any object with a name
    [{ construct: 'EndpointMode.realtime', property: 'instanceType', value: "{ name: 'm5.large' } (plain JavaScript)" }, () => EndpointMode.realtime({ instanceType: { name: 'm5.large' } as unknown as InferenceInstanceType }),
      /^endpointMode.realtime instanceType 'm5.large' is not a SageMaker instance type: give one such as 'ml.m5.large'$/],
    [{ construct: 'EndpointMode.realtime', property: 'initialInstanceCount', value: '0' }, () => EndpointMode.realtime({ initialInstanceCount: 0 }),
      /^endpointMode.realtime initialInstanceCount must be a whole number of at least 1, got 0$/],
    [{ construct: 'EndpointMode.realtime', property: 'volumeSize', value: 'Size.gibibytes(1024)' }, () => EndpointMode.realtime({ volumeSize: Size.gibibytes(1024) }),
      /^endpointMode.realtime volumeSize \(GiB\) must be a whole number from 1 to 512, got 1024$/],
    [{ construct: 'EndpointMode.asynchronous', property: 'volumeSize', value: 'Size.mebibytes(1500)' }, () => EndpointMode.asynchronous({ volumeSize: Size.mebibytes(1500) }),
      /^endpointMode.asynchronous volumeSize must be a whole number of gibibytes, got 1.46484375 gibibytes: e.g. Size.gibibytes\(1\)$/],
    [{ construct: 'EndpointMode.realtime', property: 'modelDataDownloadTimeout', value: 'Duration.seconds(30)' }, () => EndpointMode.realtime({ modelDataDownloadTimeout: Duration.seconds(30) }),
      /^endpointMode.realtime modelDataDownloadTimeout \(seconds\) must be a whole number from 60 to 3600, got 30$/],
    [{ construct: 'EndpointMode.realtime', property: 'containerStartupHealthCheckTimeout', value: 'Duration.hours(2)' }, () => EndpointMode.realtime({ containerStartupHealthCheckTimeout: Duration.hours(2) }),
      /^endpointMode.realtime containerStartupHealthCheckTimeout \(seconds\) must be a whole number from 60 to 3600, got 7200$/],
    [{ construct: 'EndpointMode.realtime', property: 'containerStartupHealthCheckTimeout', value: 'Duration.millis(90500)' }, () => EndpointMode.realtime({ containerStartupHealthCheckTimeout: Duration.millis(90_500) }),
      /^endpointMode.realtime containerStartupHealthCheckTimeout must be a whole number of seconds, got 90.5 seconds: e.g. Duration.seconds\(91\)$/],
  ];

  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});
