import { Duration, Size } from 'aws-cdk-lib';
import { EndpointMode } from '../../src/endpoint';
import { InferenceInstanceType } from '../../src/pipeline';

describe('instance variant errors name the property, the value and the fix', () => {
  const cases: Array<[string, () => void, RegExp]> = [
    ['instance type name', () => InferenceInstanceType.of('m5.large'),
      /^inferenceInstanceType 'm5.large' is not a SageMaker instance type: give 'ml.<family>.<size>', e.g. 'ml.g6e.xlarge'$/],
    // plain JavaScript callers can pass any object with a name
    ['instance type', () => EndpointMode.realtime({ instanceType: { name: 'm5.large' } as unknown as InferenceInstanceType }),
      /^endpointMode.realtime instanceType 'm5.large' is not a SageMaker instance type: give one such as 'ml.m5.large'$/],
    ['instance count', () => EndpointMode.realtime({ initialInstanceCount: 0 }),
      /^endpointMode.realtime initialInstanceCount must be a whole number of at least 1, got 0$/],
    ['volume size', () => EndpointMode.realtime({ volumeSize: Size.gibibytes(1024) }),
      /^endpointMode.realtime volumeSize \(GiB\) must be a whole number from 1 to 512, got 1024$/],
    ['volume size in whole GiB', () => EndpointMode.asynchronous({ volumeSize: Size.mebibytes(1500) }),
      /^endpointMode.asynchronous volumeSize must be a whole number of GiB, e.g. Size.gibibytes\(30\)$/],
    ['download timeout', () => EndpointMode.realtime({ modelDataDownloadTimeout: Duration.seconds(30) }),
      /^endpointMode.realtime modelDataDownloadTimeout \(seconds\) must be a whole number from 60 to 3600, got 30$/],
    ['startup timeout', () => EndpointMode.realtime({ containerStartupHealthCheckTimeout: Duration.hours(2) }),
      /^endpointMode.realtime containerStartupHealthCheckTimeout \(seconds\) must be a whole number from 60 to 3600, got 7200$/],
    ['whole seconds', () => EndpointMode.realtime({ containerStartupHealthCheckTimeout: Duration.millis(90_500) }),
      /^endpointMode.realtime containerStartupHealthCheckTimeout must be a whole number of seconds, got 90.5 seconds$/],
  ];

  test.each(cases)('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
