import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { pipelineDefinition } from './definition-helper';
import { everyStepType } from './fixtures';
import { expectSoundDefinition } from './structure';
import { PipelineParameter, SageMakerPipeline, SageMakerPipelineProps } from '../../src/pipeline';
import { nameCaseVariants } from '../../src/private/arns';
import { expectNagClean } from '../nag';

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

  test('each job type grants create, describe and stop on its own ARNs', () => {
    const actions = statementsOf(build().template()).map((s) => [].concat(s.Action).join(','));
    expect(actions).toEqual(expect.arrayContaining([
      'sagemaker:CreateTrainingJob,sagemaker:DescribeTrainingJob,sagemaker:StopTrainingJob,sagemaker:AddTags',
      'sagemaker:CreateProcessingJob,sagemaker:DescribeProcessingJob,sagemaker:StopProcessingJob,sagemaker:AddTags',
      'sagemaker:CreateTransformJob,sagemaker:DescribeTransformJob,sagemaker:StopTransformJob,sagemaker:AddTags',
      'sagemaker:CreateModel,sagemaker:DescribeModel,sagemaker:AddTags',
    ]));
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

  test('the pipeline waits for its role\'s policies, not the role alone', () => {
    const [pipeline] = Object.values<any>(build().template().findResources('AWS::SageMaker::Pipeline'));
    expect(pipeline.DependsOn).toEqual([expect.stringMatching(/^PipelineRoleDefaultPolicy/), expect.stringMatching(/^PipelineRoleSageMakerLogsAndMetrics/)]);
  });

  test('no cdk-nag suppression of the default policy covers a \'*\' resource; logs and PutMetricData have a policy of their own', () => {
    const template = build().template();
    const [defaultPolicy] = Object.values<any>(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^PipelineRoleDefaultPolicy') } }));
    const appliesTo = defaultPolicy.Metadata.cdk_nag.rules_to_suppress.flatMap((r: any) => r.applies_to ?? ['(all findings)']);
    expect(appliesTo.filter((a: any) => typeof a === 'string')).toEqual([]);
    expect(appliesTo.map((a: any) => new RegExp(a.regex.slice(1, -2)).test('Resource::*'))).not.toContain(true);
    expect(appliesTo.map((a: any) => new RegExp(a.regex.slice(1, -2)).test('Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/*')))
      .not.toContain(true);
    const [metrics] = Object.values<any>(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^PipelineRoleSageMakerLogsAndMetrics') } }));
    const statements = metrics.Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements[1]).toEqual({ Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*', Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } } });
    const [rule] = metrics.Metadata.cdk_nag.rules_to_suppress;
    expect(rule.applies_to[0]).toEqual('Resource::*');
    const logsRegex = new RegExp(rule.applies_to[1].regex.slice(1, -2));
    expect(logsRegex.test('Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/*')).toBe(true);
    expect(logsRegex.test('Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/other/*')).toBe(false);
  });

  test('a pipeline without steps fails at synthesis', () => {
    const stack = new Stack(new App(), 'Stack');
    new SageMakerPipeline(stack, 'Pipeline');
    expect(() => Template.fromStack(stack)).toThrow('pipeline definition has no steps: add at least one step');
  });

  test('an invalid pipeline name', () => {
    expect(() => build({ pipelineName: 'bad_name' })).toThrow("sageMakerPipeline pipelineName 'bad_name' is invalid");
  });

  test('a parallelism of 0', () => {
    expect(() => build({ maxParallelExecutionSteps: 0 })).toThrow('sageMakerPipeline maxParallelExecutionSteps must be a whole number from 1 to 256, got 0');
  });
});

describe('SageMakerPipeline grants', () => {
  test('grantStartExecution: start on the pipeline, describe/stop/list on its executions', () => {
    const { stack, pipeline } = build({ pipelineName: 'churn' }, { account: '111122223333', region: 'us-east-1' });
    const user = new iam.User(stack, 'Ci');
    pipeline.grantStartExecution(user);
    const statements = statementsOf(Template.fromStack(stack)).filter((s) => JSON.stringify(s.Action).includes('Pipeline'));
    expect(statements).toEqual([
      { Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:pipeline/churn']] } },
      {
        Action: ['sagemaker:DescribePipelineExecution', 'sagemaker:StopPipelineExecution', 'sagemaker:ListPipelineExecutionSteps'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:pipeline/churn/execution/*']] },
      },
    ]);
  });

  test('for a role, the execution wildcard sits in one policy of its own with a scoped cdk-nag suppression', () => {
    const { stack, pipeline } = build({ pipelineName: 'churn' });
    const role = new iam.Role(stack, 'Ci', { assumedBy: new iam.AccountRootPrincipal() });
    pipeline.grantStartExecution(role);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Ci') }], PolicyName: Match.stringLikeRegexp('SageMakerPipelineExecutions') },
    });
    const [policy] = Object.values(policies) as any[];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({
      Action: ['sagemaker:DescribePipelineExecution', 'sagemaker:StopPipelineExecution', 'sagemaker:ListPipelineExecutionSteps'],
    })]);
    expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([expect.objectContaining({ id: 'AwsSolutions-IAM5' })]);
    expectNagClean(stack);
  });

  test('a mixed-case name is granted in both cases', () => {
    const { stack, pipeline } = build({ pipelineName: 'Churn' }, { account: '111122223333', region: 'us-east-1' });
    const user = new iam.User(stack, 'Ci');
    pipeline.grantStartPipelineExecution(user);
    const start = statementsOf(Template.fromStack(stack)).find((s) => s.Action === 'sagemaker:StartPipelineExecution');
    expect(start.Resource.map((r: any) => r['Fn::Join'][1][2])).toEqual([':sagemaker:us-east-1:111122223333:pipeline/Churn', ':sagemaker:us-east-1:111122223333:pipeline/churn']);
  });
});

describe('SageMakerPipeline triggers', () => {
  test('a schedule starts the pipeline through EventBridge Scheduler with parameters', () => {
    const { template } = build({ schedule: scheduler.ScheduleExpression.rate(Duration.days(7)), scheduleParameters: { Threshold: '0.3' } });
    template().hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(7 days)',
      Target: Match.objectLike({ SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'Threshold', Value: '0.3' }] } }),
    });
  });

  test('the scheduler role may start this pipeline only', () => {
    const { template } = build({ pipelineName: 'churn', schedule: scheduler.ScheduleExpression.rate(Duration.days(7)) }, { account: '111122223333', region: 'us-east-1' });
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: PIPELINE_CHURN_ARN }] },
      Roles: [Match.objectLike({ Ref: Match.stringLikeRegexp('SchedulerRole') })],
    });
  });

  test('a schedule parameter the pipeline does not declare', () => {
    const { template } = build({ schedule: scheduler.ScheduleExpression.rate(Duration.days(7)), scheduleParameters: { Thresold: '0.3' } });
    expect(template).toThrow("sageMakerPipeline scheduleParameters 'Thresold' is not a parameter of the pipeline "
      + '(declared: ImageUri, Threshold, InstanceCount): fix the name or add the parameter');
  });

  test('a new-data trigger parameter the pipeline does not declare', () => {
    const stack = new Stack(new App(), 'Stack');
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const parts = everyStepType(jobRole);
    new SageMakerPipeline(stack, 'Pipeline', {
      parameters: parts.parameters,
      steps: parts.steps,
      newDataTrigger: { bucket: s3.Bucket.fromBucketName(stack, 'L', 'landing'), parameters: { InputUri: 's3://landing/x' } },
    });
    expect(() => Template.fromStack(stack)).toThrow("sageMakerPipeline newDataTrigger parameters 'InputUri' is not a parameter of the pipeline "
      + '(declared: ImageUri, Threshold, InstanceCount): fix the name or add the parameter');
  });

  test('a trigger parameter added with addParameter after construction is accepted', () => {
    const { pipeline, template } = build({ schedule: scheduler.ScheduleExpression.rate(Duration.days(7)), scheduleParameters: { Later: 'x' } });
    pipeline.addParameter(PipelineParameter.stringParameter('Later', 'y'));
    expect(template).not.toThrow();
  });

  test('schedule parameters without a schedule', () => {
    expect(() => build({ scheduleParameters: { A: 'b' } })).toThrow('sageMakerPipeline scheduleParameters is set without schedule');
  });

  test('more than 200 trigger parameters', () => {
    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`p${i}`, 'x']));
    expect(() => build({ schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), scheduleParameters: many }))
      .toThrow('sageMakerPipeline trigger parameters has 201 entries: EventBridge passes at most 200');
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
      newDataTrigger: { bucket, prefix: 'incoming/', parameters: { Threshold: '0.4' } },
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
      pipelineName: 'churn', parameters: parts.parameters, steps: parts.steps, newDataTrigger: { bucket: s3.Bucket.fromBucketName(stack, 'L', 'landing') },
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
    const { template } = build({ pipelineName: 'churn', notifyOnFailure: true });
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
    const template = build({ notifyOnFailure: true }).template();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] })]) },
    });
  });

  test('the failure topic accepts TLS only', () => {
    build({ notifyOnFailure: true }).template().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('a given topic is used, not created', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:111122223333:alerts');
    const jobRole = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const parts = everyStepType(jobRole);
    const pipeline = new SageMakerPipeline(stack, 'Pipeline', { parameters: parts.parameters, steps: parts.steps, failureTopic: topic });
    expect([pipeline.failureTopic, Template.fromStack(stack).findResources('AWS::SNS::Topic')]).toEqual([topic, {}]);
  });

  test('notifications off with a topic', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:111122223333:alerts');
    expect(() => new SageMakerPipeline(stack, 'P', { notifyOnFailure: false, failureTopic: topic })).toThrow('sageMakerPipeline notifyOnFailure is false but failureTopic is given');
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
      schedule: scheduler.ScheduleExpression.rate(Duration.days(7)),
      notifyOnFailure: true,
    });
    expectNagClean(stack);
  });
});

describe('nameCaseVariants', () => {
  test('a lowercase name is granted once, a mixed-case name also in lowercase, a token as is', () => {
    const stack = new Stack();
    const token = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }).roleName;
    expect([nameCaseVariants('churn'), nameCaseVariants('Churn'), nameCaseVariants(token)]).toEqual([['churn'], ['Churn', 'churn'], [token]]);
  });
});
