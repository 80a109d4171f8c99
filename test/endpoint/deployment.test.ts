import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { buildEndpoint, fixture } from './util';
import { CapacitySize, EndpointMode, ModelEndpoint, TrafficShifting } from '../../src/endpoint';

describe('deployment errors name the property, the value and the fix', () => {
  const cases: Array<[string, () => void, RegExp]> = [
    ['capacity instances', () => CapacitySize.instances(0), /^capacitySize.instances count must be a whole number of at least 1, got 0$/],
    ['capacity percent', () => CapacitySize.percent(120), /^capacitySize.percent percent must be a whole number from 1 to 100, got 120$/],
    ['canary size', () => TrafficShifting.canary({ canarySize: CapacitySize.percent(60) }),
      /^trafficShifting.canary canarySize is 60%: SageMaker allows at most 50% of the fleet; give CapacitySize.percent\(1..50\) or a number of instances$/],
    ['linear step', () => TrafficShifting.linear({ stepSize: CapacitySize.percent(5) }),
      /^trafficShifting.linear stepSize is 5%: SageMaker allows 10% to 50% of the fleet per step/],
    ['canary instances vs fleet', () => EndpointMode.realtime({ initialInstanceCount: 2, deployment: { trafficShifting: TrafficShifting.canary({ canarySize: CapacitySize.instances(2) }) } }),
      /^endpointMode.realtime deployment canarySize of 2 instance\(s\) is 100% of the 2-instance fleet: SageMaker allows at most 50%; give fewer instances/],
    ['linear instances vs fleet', () => EndpointMode.realtime({ initialInstanceCount: 20, deployment: { trafficShifting: TrafficShifting.linear({ stepSize: CapacitySize.instances(1) }) } }),
      /^endpointMode.realtime deployment linear stepSize of 1 instance\(s\) is 5% of the 20-instance fleet: SageMaker allows 10% to 50%/],
    ['auto-rollback without alarm', () => buildEndpoint(() => EndpointMode.realtime({ deployment: { autoRollback: true } }), () => ({ alarms: { enabled: false } })),
      /^endpointMode.realtime deployment autoRollback is on but there is no alarm to watch: give rollbackAlarms, keep the endpoint's own alarms \(alarms.enabled\), or set autoRollback to false$/],
    ['auto-rollback with an empty alarm list', () => buildEndpoint(() => EndpointMode.realtime({ deployment: { rollbackAlarms: [], autoRollback: true } })),
      /^endpointMode.realtime deployment autoRollback is on but there is no alarm to watch/],
    ['too many rollback alarms', () => {
      const f = fixture();
      const alarms = Array.from({ length: 11 }, (_, i) => cloudwatch.Alarm.fromAlarmName(f.stack, `A${i}`, `a${i}`));
      new ModelEndpoint(f.stack, 'Endpoint', { model: f.model, mode: EndpointMode.realtime({ deployment: { rollbackAlarms: alarms } }) });
    }, /^endpointMode.realtime deployment rollbackAlarms lists 11 alarms: SageMaker watches at most 10$/],
    ['wait interval', () => buildEndpoint(() => EndpointMode.realtime({ deployment: { trafficShifting: TrafficShifting.canary({ waitInterval: Duration.hours(2) }) } })),
      /^endpointMode.realtime deployment waitInterval \(seconds\) must be a whole number from 0 to 3600, got 7200$/],
    ['termination wait', () => buildEndpoint(() => EndpointMode.realtime({ deployment: { terminationWait: Duration.hours(2) } })),
      /^endpointMode.realtime deployment terminationWait \(seconds\) must be a whole number from 0 to 3600, got 7200$/],
    ['all-at-once wait interval', () => buildEndpoint(() => EndpointMode.realtime({ deployment: { trafficShifting: TrafficShifting.allAtOnce({ waitInterval: Duration.hours(2) }) } })),
      /^endpointMode.realtime deployment waitInterval \(seconds\) must be a whole number from 0 to 3600, got 7200$/],
    ['execution timeout', () => buildEndpoint(() => EndpointMode.realtime({ deployment: { maximumExecutionTimeout: Duration.hours(9) } })),
      /^endpointMode.realtime deployment maximumExecutionTimeout \(seconds\) must be a whole number from 600 to 28800, got 32400$/],
    ['execution timeout below the waits', () => buildEndpoint(() => EndpointMode.realtime({
      initialInstanceCount: 4,
      deployment: {
        trafficShifting: TrafficShifting.linear({ stepSize: CapacitySize.percent(25), waitInterval: Duration.minutes(30) }),
        terminationWait: Duration.minutes(30),
        maximumExecutionTimeout: Duration.hours(2),
      },
    })), /^endpointMode.realtime deployment maximumExecutionTimeout \(7200 s\) must exceed the total wait of 9000 s \(4 waitInterval\(s\) of 1800 s plus terminationWait of 1800 s\): raise maximumExecutionTimeout \(at most 28800 s\), or shorten waitInterval or terminationWait$/],
  ];

  test.each(cases)('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
