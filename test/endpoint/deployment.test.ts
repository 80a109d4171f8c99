import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { buildEndpoint, fixture } from './util';
import { CapacitySize, EndpointMode, ModelEndpoint, TrafficShifting } from '../../src/endpoint';
import { ErrorCase, expectError } from '../errors';

describe('deployment errors name the property, the value and the fix', () => {
  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'CapacitySize.instances', property: 'count', value: '0' }, () => CapacitySize.instances(0), /^capacitySize.instances count must be a whole number of at least 1, got 0$/],
    [{ construct: 'CapacitySize.percent', property: 'percent', value: '120' }, () => CapacitySize.percent(120), /^capacitySize.percent percent must be a whole number from 1 to 100, got 120$/],
    [{ construct: 'TrafficShifting.canary', property: 'canarySize', value: 'CapacitySize.percent(60)' }, () => TrafficShifting.canary({ canarySize: CapacitySize.percent(60) }),
      /^trafficShifting.canary canarySize is 60%: SageMaker allows at most 50% of the fleet; give CapacitySize.percent\(1..50\) or a number of instances$/],
    [{ construct: 'TrafficShifting.linear', property: 'stepSize', value: 'CapacitySize.percent(5)' }, () => TrafficShifting.linear({ stepSize: CapacitySize.percent(5) }),
      /^trafficShifting.linear stepSize is 5%: SageMaker allows 10% to 50% of the fleet per step/],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.canarySize', value: 'CapacitySize.instances(2) of 2 instances' }, () => EndpointMode.realtime({ initialInstanceCount: 2, deployment: { trafficShifting: TrafficShifting.canary({ canarySize: CapacitySize.instances(2) }) } }),
      /^endpointMode.realtime deployment canarySize of 2 instance\(s\) is 100% of the 2-instance fleet: SageMaker allows at most 50%; give fewer instances/],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.stepSize', value: 'CapacitySize.instances(1) of 20 instances' }, () => EndpointMode.realtime({ initialInstanceCount: 20, deployment: { trafficShifting: TrafficShifting.linear({ stepSize: CapacitySize.instances(1) }) } }),
      /^endpointMode.realtime deployment linear stepSize of 1 instance\(s\) is 5% of the 20-instance fleet: SageMaker allows 10% to 50%/],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.autoRollback', value: 'true without alarms' }, () => buildEndpoint(() => EndpointMode.realtime({ deployment: { autoRollback: true } }), () => ({ alarms: { enabled: false } })),
      /^endpointMode.realtime deployment autoRollback is on but there is no alarm to watch: give rollbackAlarms, keep the endpoint's own alarms \(alarms.enabled\), or set autoRollback to false$/],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.rollbackAlarms', value: '[]' }, () => buildEndpoint(() => EndpointMode.realtime({ deployment: { rollbackAlarms: [], autoRollback: true } })),
      /^endpointMode.realtime deployment rollbackAlarms is an empty list: SageMaker needs 1 to 10 alarms to roll back on; give at least one alarm, leave rollbackAlarms out for the endpoint's own alarms, or set autoRollback to false$/],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.rollbackAlarms', value: '11 alarms' }, () => {
      const f = fixture();
      const alarms = Array.from({ length: 11 }, (_, i) => cloudwatch.Alarm.fromAlarmName(f.stack, `A${i}`, `a${i}`));
      new ModelEndpoint(f.stack, 'Endpoint', { model: f.model, mode: EndpointMode.realtime({ deployment: { rollbackAlarms: alarms } }) });
    }, /^endpointMode.realtime deployment rollbackAlarms lists 11 alarms: SageMaker watches at most 10$/],
    [{ construct: 'TrafficShifting.canary', property: 'waitInterval', value: 'Duration.hours(2)' }, () => buildEndpoint(() => EndpointMode.realtime({ deployment: { trafficShifting: TrafficShifting.canary({ waitInterval: Duration.hours(2) }) } })),
      /^trafficShifting.canary waitInterval \(seconds\) must be a whole number from 0 to 3600, got 7200$/],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.terminationWait', value: 'Duration.hours(2)' }, () => buildEndpoint(() => EndpointMode.realtime({ deployment: { terminationWait: Duration.hours(2) } })),
      /^endpointMode.realtime deployment terminationWait \(seconds\) must be a whole number from 0 to 3600, got 7200$/],
    [{ construct: 'TrafficShifting.allAtOnce', property: 'waitInterval', value: 'Duration.hours(2)' }, () => buildEndpoint(() => EndpointMode.realtime({ deployment: { trafficShifting: TrafficShifting.allAtOnce({ waitInterval: Duration.hours(2) }) } })),
      /^trafficShifting.allAtOnce waitInterval \(seconds\) must be a whole number from 0 to 3600, got 7200$/],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.maximumExecutionTimeout', value: 'Duration.hours(9)' }, () => buildEndpoint(() => EndpointMode.realtime({ deployment: { maximumExecutionTimeout: Duration.hours(9) } })),
      /^endpointMode.realtime deployment maximumExecutionTimeout \(seconds\) must be a whole number from 600 to 28800, got 32400$/],
    [{ construct: 'EndpointMode.realtime', property: 'deployment.maximumExecutionTimeout', value: 'Duration.hours(2) below 9000 s of waits' }, () => buildEndpoint(() => EndpointMode.realtime({
      initialInstanceCount: 4,
      deployment: {
        trafficShifting: TrafficShifting.linear({ stepSize: CapacitySize.percent(25), waitInterval: Duration.minutes(30) }),
        terminationWait: Duration.minutes(30),
        maximumExecutionTimeout: Duration.hours(2),
      },
    })), /^endpointMode.realtime deployment maximumExecutionTimeout \(7200 s\) must exceed the total wait of 9000 s \(4 waitInterval\(s\) of 1800 s plus terminationWait of 1800 s\): raise maximumExecutionTimeout \(at most 28800 s\), or shorten waitInterval or terminationWait$/],
  ];

  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});
