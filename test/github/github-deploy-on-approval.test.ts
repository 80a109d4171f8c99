import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DeployOnApproval, DeployOnApprovalProps, GitHubRepository } from '../../src/github';
import { ModelPackageGroup } from '../../src/training';
import { expectError } from '../errors';
import { expectNagClean } from '../nag';

const MY_MODEL = GitHubRepository.of('my-org', 'my-model');

interface Fixture {
  readonly stack: Stack;
  readonly construct: DeployOnApproval;
}

function fixture(props: Partial<DeployOnApprovalProps> = {}, groupName = 'churn-models'): Fixture {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const construct = new DeployOnApproval(stack, 'Deploy', {
    repository: MY_MODEL,
    modelPackageGroup: new ModelPackageGroup(stack, 'Models', { modelPackageGroupName: groupName }),
    tokenSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'github/dispatch-token'),
    ...props,
  });
  return { stack, construct };
}

function create(props: Partial<DeployOnApprovalProps>): () => void {
  return () => fixture(props);
}

function onlyTarget(stack: Stack): any {
  const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule')) as any[];
  expect(rules).toHaveLength(1);
  expect(rules[0].Properties.Targets).toHaveLength(1);
  return rules[0].Properties.Targets[0];
}

describe('DeployOnApproval', () => {
  test('the rule matches approvals of the group only', () => {
    const { stack } = fixture();
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        'detail': {
          ModelPackageGroupName: ['churn-models'],
          ModelApprovalStatus: ['Approved'],
        },
      },
    });
  });

  test('a mixed-case group is matched as written and in lowercase', () => {
    const { stack } = fixture({}, 'ChurnModels');
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { ModelPackageGroupName: ['ChurnModels', 'churnmodels'] } },
    });
  });

  test('the target posts repository_dispatch with the package ARN, the group and the status', () => {
    const target = onlyTarget(fixture().stack);
    expect(target.InputTransformer.InputPathsMap).toEqual({
      'detail-ModelPackageArn': '$.detail.ModelPackageArn',
      'detail-ModelPackageGroupName': '$.detail.ModelPackageGroupName',
    });
    expect(target.InputTransformer.InputTemplate).toBe(
      '{"event_type":"sagemaker-model-approved","client_payload":{'
      + '"model_package_arn":<detail-ModelPackageArn>,'
      + '"model_package_group":<detail-ModelPackageGroupName>,'
      + '"approval_status":"Approved"}}');
    expect(target.HttpParameters).toEqual({
      HeaderParameters: { 'Accept': 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' },
    });
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
    expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toMatch(/^DeployDeadLetterQueue/);
  });

  test('the client payload stays within GitHub limits (at most 10 keys)', () => {
    const template = JSON.parse(onlyTarget(fixture().stack).InputTransformer.InputTemplate.replace(/<[^>]+>/g, '"x"'));
    expect(Object.keys(template)).toEqual(['event_type', 'client_payload']);
    expect(Object.keys(template.client_payload).length).toBeLessThanOrEqual(10);
  });

  test('the default event type is the one the workflow listens for', () => {
    expect(DeployOnApproval.DEFAULT_EVENT_TYPE).toBe('sagemaker-model-approved');
    expect(fixture().construct.eventType).toBe('sagemaker-model-approved');
  });

  test('a custom event type is dispatched', () => {
    const target = onlyTarget(fixture({ eventType: 'deploy-churn' }).stack);
    expect(target.InputTransformer.InputTemplate).toMatch(/^\{"event_type":"deploy-churn",/);
  });

  test('the API destination posts to the repository dispatches endpoint, at 1 call per second', () => {
    const { stack } = fixture();
    Template.fromStack(stack).hasResourceProperties('AWS::Events::ApiDestination', {
      HttpMethod: 'POST',
      InvocationEndpoint: 'https://api.github.com/repos/my-org/my-model/dispatches',
      InvocationRateLimitPerSecond: 1,
      ConnectionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeployConnection'), 'Arn'] },
    });
  });

  test('the rate limit can be raised', () => {
    const { stack } = fixture({ invocationRateLimitPerSecond: 5 });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::ApiDestination', { InvocationRateLimitPerSecond: 5 });
  });

  test('the connection sends a Bearer token from a dynamic reference to the secret only', () => {
    const { stack } = fixture();
    const connections = Object.values(Template.fromStack(stack).findResources('AWS::Events::Connection')) as any[];
    expect(connections).toHaveLength(1);
    const props = connections[0].Properties;
    expect(props.AuthorizationType).toBe('API_KEY');
    expect(props.AuthParameters.ApiKeyAuthParameters.ApiKeyName).toBe('Authorization');
    expect(props.AuthParameters.ApiKeyAuthParameters.ApiKeyValue).toEqual({
      'Fn::Join': ['', [
        'Bearer {{resolve:secretsmanager:arn:',
        { Ref: 'AWS::Partition' },
        ':secretsmanager:us-east-1:123456789012:secret:github/dispatch-token:SecretString:::}}',
      ]],
    });
    expect(Object.keys(props.AuthParameters)).toEqual(['ApiKeyAuthParameters']);
  });

  test('the token field and version are part of the dynamic reference', () => {
    const { stack } = fixture({ tokenSecretField: 'token', tokenSecretVersionId: 'v-2026' });
    const value = JSON.stringify(Template.fromStack(stack).findResources('AWS::Events::Connection'));
    expect(value).toContain(':secret:github/dispatch-token:SecretString:token::v-2026}}');
  });

  test('an owned secret is referenced by its ARN', () => {
    const stack = new Stack(new App(), 'Stack');
    const secret = new secretsmanager.Secret(stack, 'Token');
    new DeployOnApproval(stack, 'Deploy', {
      repository: MY_MODEL,
      modelPackageGroup: ModelPackageGroup.fromModelPackageGroupName(stack, 'Models', 'churn'),
      tokenSecret: secret,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Connection', {
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyValue: { 'Fn::Join': ['', ['Bearer {{resolve:secretsmanager:', { Ref: Match.stringLikeRegexp('^Token') }, ':SecretString:::}}']] },
        },
      },
    });
  });

  test('the dead-letter queue is encrypted, enforces TLS and keeps events 14 days', () => {
    const { stack } = fixture();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('only events of the rule may send to the dead-letter queue', () => {
    const { stack } = fixture();
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::SQS::QueuePolicy')) as any[];
    expect(policies).toHaveLength(1);
    const allows = policies[0].Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toEqual([expect.objectContaining({
      Action: 'sqs:SendMessage',
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^DeployRule/), 'Arn'] } } },
    })]);
  });

  test('the retention, retries and event age can be set', () => {
    const target = onlyTarget(fixture({
      deadLetterRetentionPeriod: Duration.days(4), retryAttempts: 3, maxEventAge: Duration.hours(2),
    }).stack);
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 3 });
    const { stack } = fixture({ deadLetterRetentionPeriod: Duration.days(4) });
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 345600 });
  });

  test('the events role may invoke the API destination only', () => {
    const { stack } = fixture();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: 'events:InvokeApiDestination',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeployDestination'), 'Arn'] },
        }],
      },
    });
  });

  test('the alarm fires on any undelivered event of the rule, and notifies nobody by default', () => {
    const { stack } = fixture();
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0].Properties;
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect(alarm.AlarmActions).toBeUndefined();
    const metrics = alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => ({
      name: m.MetricStat.Metric.MetricName,
      namespace: m.MetricStat.Metric.Namespace,
      dimensions: m.MetricStat.Metric.Dimensions,
      stat: m.MetricStat.Stat,
    }));
    const rule = { Name: 'RuleName', Value: { Ref: expect.stringMatching(/^DeployRule/) } };
    expect(metrics).toEqual(['FailedInvocations', 'InvocationsSentToDlq', 'InvocationsFailedToBeSentToDlq'].map((name) => ({
      name, namespace: 'AWS/Events', dimensions: [rule], stat: 'Sum',
    })));
    expect(alarm.Metrics.find((m: any) => m.ReturnData !== false).Expression).toBe('FILL(failed, 0) + FILL(toDlq, 0) + FILL(notToDlq, 0)');
  });

  test('the alarm notifies the alarm topic on alarm and on OK', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Alerts');
    new DeployOnApproval(stack, 'Deploy', {
      repository: MY_MODEL,
      modelPackageGroup: ModelPackageGroup.fromModelPackageGroupName(stack, 'Models', 'churn'),
      tokenSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'github/dispatch-token'),
      alarmTopic: topic,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    });
  });

  test('no Lambda and no custom resource', () => {
    const template = Template.fromStack(fixture().stack).toJSON();
    const types = Object.values(template.Resources).map((r: any) => r.Type);
    expect(types.filter((t) => t.startsWith('AWS::Lambda::') || t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource')).toEqual([]);
  });

  test('cdk-nag finds nothing', () => {
    const stack = new Stack(new App(), 'Stack');
    new DeployOnApproval(stack, 'Deploy', {
      repository: MY_MODEL,
      modelPackageGroup: new ModelPackageGroup(stack, 'Models'),
      tokenSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'github/dispatch-token'),
      // the user's topic, encrypted as the compliance packs want it (SNSEncryptedKMS)
      alarmTopic: new sns.Topic(stack, 'Alerts', { enforceSSL: true, masterKey: new kms.Key(stack, 'AlertsKey', { enableKeyRotation: true }) }),
    });
    expectNagClean(stack);
  });

  test('cdk-nag finds nothing without alarmTopic: the alarm says why it has no action, naming alarmTopic', () => {
    const stack = new Stack(new App(), 'Stack');
    const approval = new DeployOnApproval(stack, 'Deploy', {
      repository: MY_MODEL,
      modelPackageGroup: new ModelPackageGroup(stack, 'Models'),
      tokenSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'github/dispatch-token'),
    });
    const rules = (approval.alarm.node.defaultChild as CfnResource).getMetadata('cdk_nag').rules_to_suppress;
    expect(rules.map((r: any) => r.id)).toEqual(['NIST.800.53.R5-CloudWatchAlarmAction', 'HIPAA.Security-CloudWatchAlarmAction']);
    expect(rules[0].reason).toContain('give alarmTopic (an SNS topic)');
    expectNagClean(stack);
  });

  test('with alarmTopic the alarm carries no CloudWatchAlarmAction suppression', () => {
    const stack = new Stack(new App(), 'Stack');
    const approval = new DeployOnApproval(stack, 'Deploy', {
      repository: MY_MODEL,
      modelPackageGroup: new ModelPackageGroup(stack, 'Models'),
      tokenSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'github/dispatch-token'),
      alarmTopic: new sns.Topic(stack, 'Alerts'),
    });
    expect((approval.alarm.node.defaultChild as CfnResource).getMetadata('cdk_nag')).toBeUndefined();
  });

  describe('errors', () => {
    test('an event type over 100 characters', () => {
      expectError(create({ eventType: 'x'.repeat(101) }), { construct: 'DeployOnApproval', property: 'eventType', value: '\'x\'.repeat(101)' },
        `deployOnApproval eventType '${'x'.repeat(101)}' must be 1 to 100 characters (GitHub's limit for repository_dispatch), `
        + "got 101: use a short name such as 'sagemaker-model-approved'");
    });

    test('an empty event type', () => {
      expectError(create({ eventType: '' }), { construct: 'DeployOnApproval', property: 'eventType', value: '\'\'' }, "deployOnApproval eventType '' must be 1 to 100 characters");
    });

    test('a token field with a colon', () => {
      expectError(create({ tokenSecretField: 'github:token' }), { construct: 'DeployOnApproval', property: 'tokenSecretField', value: '\'github:token\'' },
        "deployOnApproval tokenSecretField 'github:token' must be non-empty and hold no ':' (a CloudFormation dynamic reference "
        + 'cannot carry it): rename the JSON field, or leave it out to use the whole secret');
    });

    test('an empty token field', () => {
      expectError(create({ tokenSecretField: '' }), { construct: 'DeployOnApproval', property: 'tokenSecretField', value: '\'\'' }, "deployOnApproval tokenSecretField '' must be non-empty");
    });

    test('a version id with a colon', () => {
      expectError(create({ tokenSecretVersionId: 'a:b' }), { construct: 'DeployOnApproval', property: 'tokenSecretVersionId', value: '\'a:b\'' },
        "deployOnApproval tokenSecretVersionId 'a:b' must be non-empty and hold no ':' (a CloudFormation dynamic reference "
        + 'cannot carry it): give the version id Secrets Manager shows');
    });

    test('a rate limit out of range', () => {
      expectError(create({ invocationRateLimitPerSecond: 0 }), { construct: 'DeployOnApproval', property: 'invocationRateLimitPerSecond', value: '0' },
        'deployOnApproval invocationRateLimitPerSecond must be a whole number from 1 to 300, got 0');
      expectError(create({ invocationRateLimitPerSecond: 301 }), { construct: 'DeployOnApproval', property: 'invocationRateLimitPerSecond', value: '301' },
        'deployOnApproval invocationRateLimitPerSecond must be a whole number from 1 to 300, got 301');
      expectError(create({ invocationRateLimitPerSecond: 1.5 }), { construct: 'DeployOnApproval', property: 'invocationRateLimitPerSecond', value: '1.5' },
        'deployOnApproval invocationRateLimitPerSecond must be a whole number from 1 to 300, got 1.5');
    });

    test('retry attempts out of range', () => {
      expectError(create({ retryAttempts: 186 }), { construct: 'DeployOnApproval', property: 'retryAttempts', value: '186' }, 'deployOnApproval retryAttempts must be a whole number from 0 to 185, got 186');
      expectError(create({ retryAttempts: -1 }), { construct: 'DeployOnApproval', property: 'retryAttempts', value: '-1' }, 'deployOnApproval retryAttempts must be a whole number from 0 to 185, got -1');
    });

    test('an event age out of range', () => {
      expectError(create({ maxEventAge: Duration.hours(25) }), { construct: 'DeployOnApproval', property: 'maxEventAge', value: 'Duration.hours(25)' },
        'deployOnApproval maxEventAge must be a whole number of seconds from 60 to 86400, got 90000 (1 day 1 hour): use e.g. Duration.hours(24)');
      expectError(create({ maxEventAge: Duration.seconds(59) }), { construct: 'DeployOnApproval', property: 'maxEventAge', value: 'Duration.seconds(59)' },
        'deployOnApproval maxEventAge must be a whole number of seconds from 60 to 86400, got 59 (59 seconds)');
    });

    test('a dead-letter retention out of range', () => {
      expectError(create({ deadLetterRetentionPeriod: Duration.days(15) }), { construct: 'DeployOnApproval', property: 'deadLetterRetentionPeriod', value: 'Duration.days(15)' },
        'deployOnApproval deadLetterRetentionPeriod must be a whole number of seconds from 60 to 1209600, got 1296000 (15 days): use e.g. Duration.days(14)');
    });
  });
});
