import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { pipelineDefinition } from './definition-helper';
import { everyStepType } from './fixtures';
import { expectSoundDefinition } from './structure';
import {
  PipelineExecutionStatus, PipelineExecutionStatusChangeOptions, PipelineParameter, SageMakerPipeline, SageMakerPipelineProps,
} from '../../src/pipeline';
import { nameCaseVariants } from '../../src/private/arns';
import { expectError } from '../errors';
import { expectNagClean, explainTestRole } from '../nag';
import { synthValidated } from '../synth-errors';

function build(props: SageMakerPipelineProps = {}, env?: { account?: string; region?: string }) {
  const stack = new Stack(new App(), 'Stack', { env });
  const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const parts = everyStepType(jobRole);
  const pipeline = new SageMakerPipeline(stack, 'Pipeline', { parameters: parts.parameters, steps: parts.steps, ...props });
  return { stack, pipeline, template: () => Template.fromStack(stack) };
}

const PIPELINE_CHURN_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:pipeline/churn']] };

const statementsOf = (template: Template) => Object.values<any>(template.findResources('AWS::IAM::Policy'))
  .flatMap((p) => p.Properties.PolicyDocument.Statement);

describe('SageMakerPipeline resource', () => {
  test('the pipeline gets a generated lowercase name', () => {
    build().template().hasResourceProperties('AWS::SageMaker::Pipeline', { PipelineName: 'stack-pipeline-013d2286' });
  });

  test('a given name is used', () => {
    build({ pipelineName: 'churn-training' }).template().hasResourceProperties('AWS::SageMaker::Pipeline', { PipelineName: 'churn-training' });
  });

  test('the pipeline runs as its own role', () => {
    build().template().hasResourceProperties('AWS::SageMaker::Pipeline', { RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineRole'), 'Arn'] } });
  });

  test('description and parallelism reach the resource', () => {
    build({ description: 'trains', maxParallelExecutionSteps: 2 }).template().hasResourceProperties('AWS::SageMaker::Pipeline', {
      PipelineDescription: 'trains', ParallelismConfiguration: { MaxParallelExecutionSteps: 2 },
    });
  });

  test('the rendered definition is sound', () => {
    expectSoundDefinition(pipelineDefinition(build().stack));
  });

  test('the role is assumed by SageMaker only', () => {
    build().template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }] },
      Description: Match.stringLikeRegexp('Stack/Pipeline'),
    });
  });

  test('the role may pass itself, to SageMaker only', () => {
    expect(statementsOf(build().template())).toContainEqual({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PipelineRole/), 'Arn'] },
    });
  });

  test('job ARNs are scoped to the job type in this account and region', () => {
    const training = statementsOf(build().template()).find((s) => [].concat(s.Action).includes('sagemaker:CreateTrainingJob' as never));
    expect(training.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':training-job/*']] });
  });

  test('logs are limited to /aws/sagemaker/ log groups', () => {
    const logs = statementsOf(build().template()).find((s) => [].concat(s.Action).includes('logs:PutLogEvents' as never));
    expect(logs.Resource['Fn::Join'][1].slice(-1)).toEqual([':log-group:/aws/sagemaker/*']);
  });

  test('metrics are limited to /aws/sagemaker/ namespaces', () => {
    expect(statementsOf(build().template())).toContainEqual({
      Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*', Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
    });
  });

  test('the pipeline waits for its role\'s one policy, not the role alone', () => {
    const [pipeline] = Object.values<any>(build().template().findResources('AWS::SageMaker::Pipeline'));
    expect(pipeline.DependsOn).toEqual([expect.stringMatching(/^PipelineRoleDefaultPolicy/)]);
  });

  test('the role has one IAM policy', () => {
    const policies = build().template().findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^PipelineRole') }] } });
    expect(Object.keys(policies)).toEqual([expect.stringMatching(/^PipelineRoleDefaultPolicy/)]);
  });

  test('each cdk-nag suppression of the role\'s policy names its resources, none by pattern', () => {
    const [policy] = Object.values<any>(build().template().findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('^PipelineRoleDefaultPolicy') },
    }));
    const rules = policy.Metadata.cdk_nag.rules_to_suppress;
    // IAMNoInlinePolicy has no findings to name: the whole policy is the finding, explained once per pack.
    const inline = rules.filter((r: any) => /IAMNoInlinePolicy$/.test(r.id));
    expect(inline.map((r: any) => r.id).sort()).toEqual(['HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy']);
    const appliesTo = rules.filter((r: any) => !inline.includes(r)).flatMap((r: any) => r.applies_to ?? ['(all findings)']);
    expect(appliesTo.filter((a: any) => typeof a !== 'string' || a === '(all findings)')).toEqual([]);
  });

  test('a pipeline without steps fails at synthesis', () => {
    const stack = new Stack(new App(), 'Stack');
    new SageMakerPipeline(stack, 'Pipeline');
    expectError(() => synthValidated(stack), { construct: 'SageMakerPipeline', property: 'steps', value: 'none' }, 'pipeline definition has no steps: add at least one step');
  });

  test('an invalid pipeline name', () => {
    expectError(() => build({ pipelineName: 'bad_name' }), { construct: 'SageMakerPipeline', property: 'pipelineName', value: "'bad_name'" }, "sageMakerPipeline pipelineName 'bad_name' is invalid");
  });

  test('a parallelism of 0', () => {
    expectError(() => build({ maxParallelExecutionSteps: 0 }), { construct: 'SageMakerPipeline', property: 'maxParallelExecutionSteps', value: '0' }, 'sageMakerPipeline maxParallelExecutionSteps must be a whole number from 1 to 256, got 0');
  });
});

describe('SageMakerPipeline grants', () => {
  const ENV = { account: '111122223333', region: 'us-east-1' };
  const churnArn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:111122223333:pipeline/churn${suffix}`]] });
  const userStatements = (stack: Stack) => Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy', {
    Properties: { Users: [{ Ref: Match.stringLikeRegexp('^Ci') }] },
  })).flatMap((p) => p.Properties.PolicyDocument.Statement);

  test('grantStartExecution: start on the pipeline, nothing else', () => {
    const { stack, pipeline } = build({ pipelineName: 'churn' }, ENV);
    pipeline.grantStartExecution(new iam.User(stack, 'Ci'));
    expect(userStatements(stack)).toEqual([{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: churnArn('') }]);
  });

  test('grantManageExecutions: start on the pipeline, describe/stop/list steps on its executions', () => {
    const { stack, pipeline } = build({ pipelineName: 'churn' }, ENV);
    pipeline.grantManageExecutions(new iam.User(stack, 'Ci'));
    expect(userStatements(stack)).toEqual([
      { Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: churnArn('') },
      {
        Action: ['sagemaker:DescribePipelineExecution', 'sagemaker:StopPipelineExecution', 'sagemaker:ListPipelineExecutionSteps'],
        Effect: 'Allow',
        Resource: churnArn('/execution/*'),
      },
    ]);
  });

  test('for a role, the execution wildcard stays in its one policy, explained on exactly that resource', () => {
    const { stack, pipeline } = build({ pipelineName: 'churn' }, ENV);
    const role = new iam.Role(stack, 'Ci', { assumedBy: new iam.AccountRootPrincipal() });
    pipeline.grantManageExecutions(role);
    explainTestRole(role);
    const policies = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Ci') }] },
    }));
    expect([policies.length, policies[0].Metadata.cdk_nag.rules_to_suppress.filter((r: any) => r.id.startsWith('AwsSolutions-'))]).toEqual([1, [{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringContaining('execution ids are made when an execution starts'),
      applies_to: ['Resource::arn:<AWS::Partition>:sagemaker:us-east-1:111122223333:pipeline/churn/execution/*'],
    }]]);
    expectNagClean(stack);
  });

  test('a mixed-case name is granted in both cases', () => {
    const { stack, pipeline } = build({ pipelineName: 'Churn' }, ENV);
    const user = new iam.User(stack, 'Ci');
    pipeline.grantStartExecution(user);
    const start = statementsOf(Template.fromStack(stack)).find((s) => s.Action === 'sagemaker:StartPipelineExecution');
    expect(start.Resource.map((r: any) => r['Fn::Join'][1][2])).toEqual([':sagemaker:us-east-1:111122223333:pipeline/Churn', ':sagemaker:us-east-1:111122223333:pipeline/churn']);
  });
});

describe('SageMakerPipeline imports', () => {
  test('fromPipelineName: the ARN of the stack\'s account and region, no image parameter', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    const imported = SageMakerPipeline.fromPipelineName(stack, 'Imported', 'churn');
    expect([imported.pipelineName, stack.resolve(imported.pipelineArn), imported.imageUriParameterName]).toEqual([
      'churn', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:pipeline/churn']] }, undefined,
    ]);
  });

  test('fromPipelineArn: grants name the pipeline of the ARN\'s own account and region', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    const imported = SageMakerPipeline.fromPipelineArn(stack, 'Imported', 'arn:aws:sagemaker:eu-west-1:444455556666:pipeline/scoring');
    imported.grantStartExecution(new iam.User(stack, 'Ci'));
    expect([imported.pipelineName, statementsOf(Template.fromStack(stack))[0].Resource])
      .toEqual(['scoring', 'arn:aws:sagemaker:eu-west-1:444455556666:pipeline/scoring']);
  });

  test('fromPipelineArn with an ARN of something else', () => {
    const stack = new Stack(new App(), 'Stack');
    expectError(() => SageMakerPipeline.fromPipelineArn(stack, 'Imported', 'arn:aws:sagemaker:eu-west-1:444455556666:model/scoring'),
      { construct: 'SageMakerPipeline.fromPipelineArn', property: 'pipelineArn', value: "'arn:aws:sagemaker:eu-west-1:444455556666:model/scoring'" },
      "sageMakerPipeline pipelineArn 'arn:aws:sagemaker:eu-west-1:444455556666:model/scoring' is not a pipeline ARN: "
      + 'give arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>');
  });

  test('an imported pipeline\'s metrics carry its name', () => {
    const stack = new Stack(new App(), 'Stack');
    const metric = SageMakerPipeline.fromPipelineName(stack, 'Imported', 'churn').metricExecutionFailed();
    expect([metric.metricName, metric.dimensions]).toEqual(['ExecutionFailed', { PipelineName: 'churn' }]);
  });
});

describe('SageMakerPipeline.onExecutionStatusChange', () => {
  const rule = (options?: PipelineExecutionStatusChangeOptions) => {
    const { stack, pipeline } = build({ pipelineName: 'churn' });
    pipeline.onExecutionStatusChange('OnChange', options);
    return Object.values<any>(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0].Properties;
  };

  test('statuses filter the event', () => {
    const pattern = rule({ statuses: [PipelineExecutionStatus.SUCCEEDED, PipelineExecutionStatus.STOPPED] }).EventPattern;
    expect(pattern.detail.currentPipelineExecutionStatus).toEqual(['Succeeded', 'Stopped']);
  });

  test('without statuses, every status change of this pipeline matches', () => {
    expect(rule().EventPattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Building Pipeline Execution Status Change'],
      'detail': { pipelineArn: [expect.objectContaining({ 'Fn::Join': expect.anything() })] },
    });
  });

  test('the target and the rule options reach the rule', () => {
    const { stack, pipeline } = build({ pipelineName: 'churn' });
    const topic = new sns.Topic(stack, 'Topic');
    pipeline.onExecutionStatusChange('OnChange', { target: new eventsTargets.SnsTopic(topic), ruleName: 'churn-runs', description: 'runs' });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Name: 'churn-runs', Description: 'runs', Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Topic') } })],
    });
  });

  test('an extra event pattern narrows the rule', () => {
    expect(rule({ eventPattern: { detail: { pipelineExecutionDisplayName: ['nightly'] } } }).EventPattern.detail.pipelineExecutionDisplayName)
      .toEqual(['nightly']);
  });
});

describe('SageMakerPipeline triggers', () => {
  test('a schedule starts the pipeline through EventBridge Scheduler with parameters', () => {
    const { template } = build({ triggers: { schedule: scheduler.ScheduleExpression.rate(Duration.days(7)), scheduleParameters: { Threshold: '0.3' } } });
    template().hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(7 days)',
      Target: Match.objectLike({ SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'Threshold', Value: '0.3' }] } }),
    });
  });

  test('the scheduler role may start this pipeline only', () => {
    const { template } = build({ pipelineName: 'churn', triggers: { schedule: scheduler.ScheduleExpression.rate(Duration.days(7)) } }, { account: '111122223333', region: 'us-east-1' });
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: PIPELINE_CHURN_ARN }] },
      Roles: [Match.objectLike({ Ref: Match.stringLikeRegexp('^PipelineScheduleRole') })],
    });
  });

  test('a schedule parameter the pipeline does not declare', () => {
    const { stack } = build({ triggers: { schedule: scheduler.ScheduleExpression.rate(Duration.days(7)), scheduleParameters: { Thresold: '0.3' } } });
    expectError(() => synthValidated(stack), { construct: 'SageMakerPipeline', property: 'triggers.scheduleParameters', value: "{ Thresold: '0.3' }" }, "sageMakerPipeline triggers.scheduleParameters 'Thresold' is not a parameter of the pipeline "
      + '(declared: ImageUri, Threshold, InstanceCount): fix the name or add the parameter');
  });

  test('a new-data trigger parameter the pipeline does not declare', () => {
    const stack = new Stack(new App(), 'Stack');
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const parts = everyStepType(jobRole);
    new SageMakerPipeline(stack, 'Pipeline', {
      parameters: parts.parameters,
      steps: parts.steps,
      triggers: { newData: { bucket: s3.Bucket.fromBucketName(stack, 'L', 'landing'), parameters: { InputUri: 's3://landing/x' } } },
    });
    expectError(() => synthValidated(stack), { construct: 'SageMakerPipeline', property: 'triggers.newData.parameters', value: "{ InputUri: 's3://landing/x' }" },
      "sageMakerPipeline triggers.newData parameters 'InputUri' is not a parameter of the pipeline "
      + '(declared: ImageUri, Threshold, InstanceCount): fix the name or add the parameter');
  });

  test('a trigger parameter added with addParameter after construction is accepted', () => {
    const { pipeline, template } = build({ triggers: { schedule: scheduler.ScheduleExpression.rate(Duration.days(7)), scheduleParameters: { Later: 'x' } } });
    pipeline.addParameter(PipelineParameter.stringParameter('Later', 'y'));
    expect(template).not.toThrow();
  });

  test('schedule parameters without a schedule', () => {
    expectError(() => build({ triggers: { scheduleParameters: { A: 'b' } } }), { construct: 'SageMakerPipeline', property: 'triggers.scheduleParameters', value: "{ A: 'b' } without a schedule" },
      'sageMakerPipeline triggers.scheduleParameters is set without triggers.schedule: '
      + 'give a schedule or drop scheduleParameters');
  });

  test('more than 200 trigger parameters', () => {
    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`p${i}`, 'x']));
    expectError(() => build({ triggers: { schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), scheduleParameters: many } }),
      { construct: 'SageMakerPipeline', property: 'triggers.scheduleParameters', value: 'a map of 201 entries' }, "sageMakerPipeline triggers.scheduleParameters has 201 entries: EventBridge passes at most 200; pass the rest as the pipeline parameters' defaults");
  });

  test('new data under a prefix starts the pipeline through an EventBridge rule', () => {
    const stack = new Stack(new App(), 'Stack');
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const parts = everyStepType(jobRole);
    const bucket = s3.Bucket.fromBucketName(stack, 'Landing', 'landing');
    new SageMakerPipeline(stack, 'Pipeline', {
      pipelineName: 'churn',
      parameters: parts.parameters,
      steps: parts.steps,
      triggers: { newData: { bucket, prefix: 'incoming/', parameters: { Threshold: '0.4' } } },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { bucket: { name: ['landing'] }, object: { key: [{ prefix: 'incoming/' }] } } },
      Targets: [{
        Id: 'Pipeline',
        Arn: { 'Fn::Join': ['', Match.arrayWith([':pipeline/churn'])] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('NewDataTriggerRole'), 'Arn'] },
        SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'Threshold', Value: '0.4' }] },
      }],
    });
  });

  test('the new-data role is assumed by EventBridge and may start this pipeline only', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const parts = everyStepType(jobRole);
    new SageMakerPipeline(stack, 'Pipeline', {
      pipelineName: 'churn', parameters: parts.parameters, steps: parts.steps, triggers: { newData: { bucket: s3.Bucket.fromBucketName(stack, 'L', 'landing') } },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })] } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: PIPELINE_CHURN_ARN }] },
      Roles: [{ Ref: Match.stringLikeRegexp('NewDataTriggerRole') }],
    });
  });
});

describe('SageMakerPipeline notifications and metrics', () => {
  test('failed executions go to a new encrypted topic', () => {
    const { template } = build({ pipelineName: 'churn', notifications: { notifyOnFailure: true } });
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Building Pipeline Execution Status Change'],
        'detail': { pipelineArn: [Match.anyValue()], currentPipelineExecutionStatus: ['Failed'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('FailureTopic') } })],
    });
  });

  test('the failure topic is KMS-encrypted with a rotated key EventBridge may use', () => {
    const template = build({ notifications: { notifyOnFailure: true } }).template();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] })]) },
    });
  });

  test('the failure topic accepts TLS only', () => {
    build({ notifications: { notifyOnFailure: true } }).template().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('a given topic is used, not created', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:111122223333:alerts');
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const parts = everyStepType(jobRole);
    const pipeline = new SageMakerPipeline(stack, 'Pipeline', { parameters: parts.parameters, steps: parts.steps, notifications: { failureTopic: topic } });
    expect([pipeline.failureTopic, Template.fromStack(stack).findResources('AWS::SNS::Topic')]).toEqual([topic, {}]);
  });

  test('notifications off with a topic', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:111122223333:alerts');
    expectError(() => new SageMakerPipeline(stack, 'P', { notifications: { notifyOnFailure: false, failureTopic: topic } }),
      { construct: 'SageMakerPipeline', property: 'notifications.failureTopic', value: 'a topic, with notifyOnFailure: false' }, 'sageMakerPipeline notifications.notifyOnFailure is false but notifications.failureTopic is given: drop one of them');
  });

  test('no notifications by default', () => {
    expect(build().template().findResources('AWS::SNS::Topic')).toEqual({});
  });

  test.each([
    ['metricExecutionStarted', 'ExecutionStarted', 'Sum'],
    ['metricExecutionFailed', 'ExecutionFailed', 'Sum'],
    ['metricExecutionSucceeded', 'ExecutionSucceeded', 'Sum'],
    ['metricExecutionStopped', 'ExecutionStopped', 'Sum'],
    ['metricExecutionDuration', 'ExecutionDuration', 'Average'],
  ])('%s is %s (%s) in AWS/Sagemaker/ModelBuildingPipeline by PipelineName', (method, name, statistic) => {
    const { stack, pipeline } = build({ pipelineName: 'churn' });
    const metric = (pipeline as any)[method]();
    expect([metric.namespace, metric.metricName, metric.statistic, stack.resolve(metric.dimensions)])
      .toEqual(['AWS/Sagemaker/ModelBuildingPipeline', name, statistic, { PipelineName: 'churn' }]);
  });

  test('a pipeline with every trigger is cdk-nag clean', () => {
    const { stack } = build({
      triggers: { schedule: scheduler.ScheduleExpression.rate(Duration.days(7)) },
      notifications: { notifyOnFailure: true },
    });
    expectNagClean(stack);
  });
});

describe('SageMakerPipeline event sources are constrained', () => {
  const eventsStatements = (doc: any) => doc.Statement.filter((st: any) => st.Principal?.Service === 'events.amazonaws.com');
  const FAILURE_RULE_ARN = {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, Match.stringLikeRegexp('^:events:us-east-1:111122223333:rule/Stack-Pipeline-[0-9A-F]{8}-failures$')]],
  };

  test('the created topic lets EventBridge publish for the failure rule of this account only, in one statement', () => {
    const template = build({ notifications: { notifyOnFailure: true } }, { account: '111122223333', region: 'us-east-1' }).template();
    const policies = Object.values<any>(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policies.flatMap((p) => eventsStatements(p.Properties.PolicyDocument))).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'sns:Publish',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Resource: { Ref: Match.stringLikeRegexp('^PipelineFailureTopic') },
          Condition: Match.objectEquals({
            ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineFailureRule'), 'Arn'] } },
            StringEquals: { 'aws:SourceAccount': '111122223333' },
          }),
        })]),
      },
    });
  });

  test('the key has one EventBridge statement, conditioned on the rule and the account', () => {
    const template = build({ notifications: { notifyOnFailure: true } }, { account: '111122223333', region: 'us-east-1' }).template();
    const keys = Object.values<any>(template.findResources('AWS::KMS::Key'));
    const statements = keys.flatMap((k) => eventsStatements(k.Properties.KeyPolicy));
    expect(statements).toHaveLength(1);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' }, ArnEquals: { 'aws:SourceArn': FAILURE_RULE_ARN } },
        }]),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { Name: Match.stringLikeRegexp('^Stack-Pipeline-.*-failures$') });
  });

  test('pipelines of one stack share one key, retained, whose one EventBridge statement lists each failure rule', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    for (const id of ['Train', 'Score', 'Check']) {
      const parts = everyStepType(jobRole);
      new SageMakerPipeline(stack, id, { parameters: parts.parameters, steps: parts.steps, notifications: { notifyOnFailure: true } });
    }
    const template = Template.fromStack(stack);
    const keys = template.findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toEqual([expect.stringMatching(/^SageMakerPipelineFailureTopicKey[0-9A-F]{8}$/)]);
    const [keyId, key] = Object.entries<any>(keys)[0];
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const [statement] = eventsStatements(key.Properties.KeyPolicy);
    expect(eventsStatements(key.Properties.KeyPolicy)).toHaveLength(1);
    const ruleArn = (id: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(new RegExp(`^:events:us-east-1:111122223333:rule/Stack-${id}-[0-9A-F]{8}-failures$`))]],
    });
    expect(statement.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
      ArnEquals: { 'aws:SourceArn': [ruleArn('Train'), ruleArn('Score'), ruleArn('Check')] },
    });
    // Each rule names its own pipeline's rule ARN: the listed ones are the rules' own names.
    const ruleNames = Object.values<any>(template.findResources('AWS::Events::Rule')).map((r) => r.Properties.Name).sort();
    expect(statement.Condition.ArnEquals['aws:SourceArn'].map((arn: any) => arn['Fn::Join'][1][2].split('rule/')[1]).sort()).toEqual(ruleNames);
    const topics = Object.values<any>(template.findResources('AWS::SNS::Topic'));
    expect(topics.map((t) => t.Properties.KmsMasterKeyId)).toEqual([1, 2, 3].map(() => ({ 'Fn::GetAtt': [keyId, 'Arn'] })));
  });

  test('each stack has its own failure-topic key', () => {
    const app = new App();
    const stacks = ['One', 'Two'].map((name) => {
      const stack = new Stack(app, name);
      const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
      const parts = everyStepType(jobRole);
      new SageMakerPipeline(stack, 'Pipeline', { parameters: parts.parameters, steps: parts.steps, notifications: { notifyOnFailure: true } });
      return stack;
    });
    expect(stacks.map((stack) => Object.keys(Template.fromStack(stack).findResources('AWS::KMS::Key')).length)).toEqual([1, 1]);
  });

  test('a construct of the user\'s own with the key\'s id is an error that names it and the fix', () => {
    const stack = new Stack(new App(), 'Stack');
    new sns.Topic(stack, 'SageMakerPipelineFailureTopicKey');
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const parts = everyStepType(jobRole);
    const expected = "sageMakerPipeline notifications: stack Stack already holds a construct 'SageMakerPipelineFailureTopicKey' that the library did not create, "
      + "where it keeps the stack's failure-topic key: give that construct another id, or give the pipeline a topic of your own in notifications.failureTopic";
    expect(expectError(() => new SageMakerPipeline(stack, 'Pipeline', { parameters: parts.parameters, steps: parts.steps, notifications: { notifyOnFailure: true } }),
      { construct: 'SageMakerPipeline', property: 'notifications.failureTopic', value: "a construct of your own with the id 'SageMakerPipelineFailureTopicKey'" },
      expected)).toBe(expected);
  });

  test('a given topic of the stack gets the conditioned statement only, and its key nothing', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    const topic = new sns.Topic(stack, 'Alerts');
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const parts = everyStepType(jobRole);
    new SageMakerPipeline(stack, 'Pipeline', { parameters: parts.parameters, steps: parts.steps, notifications: { failureTopic: topic } });
    const template = Template.fromStack(stack);
    const statements = Object.values<any>(template.findResources('AWS::SNS::TopicPolicy')).flatMap((p) => eventsStatements(p.Properties.PolicyDocument));
    expect(statements.map((st: any) => Object.keys(st.Condition ?? {}).sort())).toEqual([['ArnEquals', 'StringEquals']]);
    expect(template.findResources('AWS::KMS::Key')).toEqual({});
  });

  test('the new-data role may be assumed by EventBridge rules of this account only', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const parts = everyStepType(jobRole);
    new SageMakerPipeline(stack, 'Pipeline', {
      parameters: parts.parameters, steps: parts.steps, triggers: { newData: { bucket: s3.Bucket.fromBucketName(stack, 'L', 'landing') } },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
        }],
      },
    });
  });
});

describe('SageMakerPipeline as aws-cdk-lib sagemaker.IPipeline', () => {
  test('it is a target of aws-scheduler-targets SageMakerStartPipelineExecution, whose role may start it only', () => {
    const { stack, pipeline, template } = build({ pipelineName: 'churn' }, { account: '111122223333', region: 'us-east-1' });
    const asCdk: sagemaker.IPipeline = pipeline;
    new scheduler.Schedule(stack, 'Nightly', {
      schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
      target: new schedulerTargets.SageMakerStartPipelineExecution(asCdk),
    });
    template().hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ Arn: PIPELINE_CHURN_ARN }),
    });
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: PIPELINE_CHURN_ARN }] },
      Roles: [Match.objectLike({ Ref: Match.stringLikeRegexp('SchedulerRoleForTarget') })],
    });
  });

  test('an imported pipeline is a Scheduler target too', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    const imported = SageMakerPipeline.fromPipelineName(stack, 'Churn', 'churn');
    new scheduler.Schedule(stack, 'Nightly', {
      schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
      target: new schedulerTargets.SageMakerStartPipelineExecution(imported),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: PIPELINE_CHURN_ARN }] },
    });
  });

  test('grantStartPipelineExecution grants what grantStartExecution grants', () => {
    const { stack, pipeline } = build({ pipelineName: 'churn' });
    const a = new iam.Role(stack, 'A', { assumedBy: new iam.AccountRootPrincipal() });
    const b = new iam.Role(stack, 'B', { assumedBy: new iam.AccountRootPrincipal() });
    const viaCdk = pipeline.grantStartPipelineExecution(a);
    const own = pipeline.grantStartExecution(b);
    expect(stack.resolve(viaCdk.principalStatements.map((st) => st.toStatementJson())))
      .toEqual(stack.resolve(own.principalStatements.map((st) => st.toStatementJson())));
    expect(viaCdk.principalStatements.flatMap((st) => st.actions)).toEqual(['sagemaker:StartPipelineExecution']);
  });
});

describe('nameCaseVariants', () => {
  test('a lowercase name is granted once, a mixed-case name also in lowercase, a token as is', () => {
    const stack = new Stack();
    const token = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }).roleName;
    expect([nameCaseVariants('churn'), nameCaseVariants('Churn'), nameCaseVariants(token)]).toEqual([['churn'], ['Churn', 'churn'], [token]]);
  });
});
