import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { fixture } from './util';
import { EndpointMode, ModelEndpoint } from '../../src/endpoint';

/** The rules of the NIST 800-53 R5 and HIPAA Security packs that the endpoint's own resources answer for. */
const RULES = ['CloudWatchAlarmAction', 'SageMakerEndpointConfigurationKMSKeyConfigured'];

/** Unsuppressed findings of the two compliance packs for `RULES`. */
function complianceFindings(stack: Stack): string[] {
  Aspects.of(stack).add(new NIST80053R5Checks({ verbose: false, reports: false }));
  Aspects.of(stack).add(new HIPAASecurityChecks({ verbose: false, reports: false }));
  const annotations = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp(`(NIST\\.800\\.53\\.R5|HIPAA\\.Security)-(${RULES.join('|')})`);
  return [...annotations.findError('*', pattern), ...annotations.findWarning('*', pattern)].map((m) => `${m.id}: ${String(m.entry.data).split(':')[0]}`);
}

function suppressions(stack: Stack, type: string): string[] {
  return Object.values<any>(Template.fromStack(stack).findResources(type))
    .flatMap((r) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((rule: any) => `${rule.id}: ${rule.reason}`));
}

describe('NIST 800-53 R5 and HIPAA: the endpoint alarms and configs', () => {
  const modes: Array<[string, (stack: Stack) => EndpointMode]> = [
    ['realtime', () => EndpointMode.realtime({ autoScaling: { maxCapacity: 2 } })],
    ['serverless', () => EndpointMode.serverless()],
    ['asynchronous', () => EndpointMode.asynchronous({ autoScaling: { maxCapacity: 2 } })],
    ['batch', (stack) => EndpointMode.batch({ inputBucket: s3.Bucket.fromBucketName(stack, 'Input', 'input-bucket') })],
  ];

  test.each(modes)('%s: no unsuppressed finding of those rules by default', (_name, mode) => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: mode(stack) });
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('without a topic, each rollback alarm explains that it acts through the guardrail and names alarms.topic', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime() });
    const reasons = suppressions(stack, 'AWS::CloudWatch::Alarm');
    expect(reasons).toHaveLength(4);
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      expect(reasons).toContain(`${pack}-CloudWatchAlarmAction: the alarm acts through the endpoint's deployment guardrail, which rolls an update back `
        + 'while it fires; give ModelEndpoint alarms.topic to notify people as well');
    }
  });

  test('alarms.topic gives every alarm an action and OK action: nothing to suppress', () => {
    const { stack, model } = fixture();
    const topic = new sns.Topic(stack, 'Alerts', { masterKey: new kms.Key(stack, 'AlertsKey', { enableKeyRotation: true }) });
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.realtime(), alarms: { topic } });
    expect(suppressions(stack, 'AWS::CloudWatch::Alarm')).toEqual([]);
    expect(complianceFindings(stack)).toEqual([]);
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }], OKActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    }, 2);
  });

  test('volumeEncryptionKey sets the config\'s KmsKeyId: nothing to suppress', () => {
    const { stack, model } = fixture();
    const key = new kms.Key(stack, 'VolumeKey', { enableKeyRotation: true });
    new ModelEndpoint(stack, 'Endpoint', { model, mode: EndpointMode.asynchronous({ volumeEncryptionKey: key }) });
    expect(suppressions(stack, 'AWS::SageMaker::EndpointConfig')).toEqual([]);
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('without a key, the config names volumeEncryptionKey; serverless says it has no volume to encrypt', () => {
    const a = fixture();
    new ModelEndpoint(a.stack, 'Endpoint', { model: a.model, mode: EndpointMode.realtime() });
    expect(suppressions(a.stack, 'AWS::SageMaker::EndpointConfig')[0]).toMatch(/give the mode's volumeEncryptionKey for a customer managed key/);
    const b = fixture();
    new ModelEndpoint(b.stack, 'Endpoint', { model: b.model, mode: EndpointMode.serverless() });
    expect(suppressions(b.stack, 'AWS::SageMaker::EndpointConfig')[0]).toMatch(/a serverless endpoint has no instances or volumes of its own/);
  });
});
