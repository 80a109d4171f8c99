import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { buildMonitor, monitorFixture } from './fixtures';
import { EndpointMode, ModelEndpoint, ModelSource } from '../../src/endpoint';
import { ModelMonitor, ModelQualityMetric, MonitorBaseline, ProblemType } from '../../src/monitoring';
import { ModelPackageGroup } from '../../src/training';
import { expectNagClean } from '../nag';

function resources(stack: Stack, type: string): any[] {
  return Object.values(Template.fromStack(stack).findResources(type));
}

/** The definition of the state machine whose id starts with `prefix`, parsed (tokens flattened to placeholders). */
function definition(stack: Stack, prefix: string): any {
  const found = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
  const id = Object.keys(found).find((k) => k.startsWith(prefix))!;
  const body = found[id].Properties.DefinitionString;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text);
}

/** The monitor pipeline's definition, parsed (tokens flattened to placeholders). */
function pipelineDefinition(stack: Stack): any {
  const pipeline = resources(stack, 'AWS::SageMaker::Pipeline')[0];
  const body = pipeline.Properties.PipelineDefinition.PipelineDefinitionBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text);
}

describe('ModelMonitor', () => {
  test('an hourly EventBridge Scheduler schedule starts the runner with the scheduled time', () => {
    const { stack } = buildMonitor();
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: { Arn: { Ref: Match.stringLikeRegexp('^MonitorRunner') }, Input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}' },
    });
  });

  test('the runner fixes the window (the last period, less the capture delay) and starts the pipeline once per window', () => {
    const { stack } = buildMonitor({ schedule: scheduler.ScheduleExpression.rate(Duration.hours(2)), captureDelay: Duration.minutes(10) });
    const asl = definition(stack, 'MonitorRunner');
    expect(asl.QueryLanguage).toBe('JSONata');
    expect(asl.States.Window.Assign.end).toContain('$states.input.scheduledTime');
    expect(asl.States.Window.Assign.end).toContain('- 600000');
    expect(asl.States.Prefixes.Assign.windowStart).toBe('{% $fromMillis($end - 7200000) %}');
    expect(asl.States.StartCheck.Arguments.ClientRequestToken).toBe("{% 'monitor-' & $string($end) & '-' & $string(7200000) & '-window' %}");
    expect(asl.States.StartCheck.Arguments.PipelineParameters.map((p: any) => p.Name)).toEqual(['BaselineUri', 'CaptureUri', 'WindowStart', 'WindowEnd']);
  });

  test('a window without captures is published as skipped, never checked as "no drift"', () => {
    const { stack } = buildMonitor();
    const asl = definition(stack, 'MonitorRunner');
    expect(asl.States.ListCaptures.Arguments).toEqual({ Bucket: '{% $captureBucket %}', Prefix: '{% $captureKeyPrefix %}', MaxKeys: 1 });
    expect(asl.States.HasCaptures.Choices).toEqual([{ Condition: '{% $captured = 0 %}', Next: 'PublishSkipped' }]);
    expect(asl.States.PublishSkipped.Arguments.MetricData.map((m: any) => [m.MetricName, m.Value])).toEqual([['Skipped', 1], ['Records', 0], ['ReportPublished', 1]]);
    expect(asl.States.PublishSkipped.Arguments.Namespace).toBe('CdkSageMakerGitHub/ModelMonitor');
  });

  test('the served model version\'s baseline is read at run time: endpoint, config, model, model package', () => {
    const f = monitorFixture();
    const group = new ModelPackageGroup(f.stack, 'Group');
    new ModelMonitor(f.stack, 'Monitor', {
      endpoint: f.endpoint,
      baseline: MonitorBaseline.fromServedModelVersion({ bucket: f.baselines, modelPackageGroup: group }),
    });
    const asl = definition(f.stack, 'MonitorRunner');
    expect(asl.States.Prefixes.Next).toBe('DescribeEndpoint');
    expect(['DescribeEndpoint', 'DescribeEndpointConfig', 'DescribeModel', 'DescribeModelPackage'].map((s) => asl.States[s].Resource))
      .toEqual(['describeEndpoint', 'describeEndpointConfig', 'describeModel', 'describeModelPackage'].map((a) => `arn:TOKEN:states:::aws-sdk:sagemaker:${a}`));
    // The integrations are in the stack's partition (arn:aws-cn:states:::aws-sdk:... in China).
    const runner = Object.entries(Template.fromStack(f.stack).findResources('AWS::StepFunctions::StateMachine'))
      .find(([k]) => k.startsWith('MonitorRunner'))![1];
    expect(runner.Properties.DefinitionString['Fn::Join'][1]).toContainEqual({ Ref: 'AWS::Partition' });
    expect(asl.States.ServedBaseline.Assign.baseline).toBe("{% $replace($statistics, /statistics\\.json$/, '') %}");
    expect(asl.States.HasBaseline.Choices.map((c: any) => c.Next)).toEqual(['NoBaseline', 'ForeignBaseline']);
    expect(asl.States.Window.Assign.baselineRoot).toBe('s3://baselines-bucket/baselines/');
    // No default: the runner passes the served version's baseline to every execution.
    expect(pipelineDefinition(f.stack).Parameters.find((p: any) => p.Name === 'BaselineUri').DefaultValue).toBeUndefined();
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sagemaker:DescribeEndpoint' })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^MonitorRunnerRole') }],
    });
  });

  test('the check runs the library\'s checker on the stock scikit-learn image, without step caching', () => {
    const { stack } = buildMonitor({ minRecords: 250 });
    const step = pipelineDefinition(stack).Steps[0];
    expect(step.Name).toBe('CheckDrift');
    expect(step.CacheConfig).toBeUndefined();
    expect(step.Arguments.AppSpecification.ImageUri).toBe('683313688378.dkr.ecr.us-east-1.TOKEN/sagemaker-scikit-learn:1.4-2-py312-cpu-py3');
    for (const part of step.Arguments.AppSpecification.ContainerEntrypoint) {
      expect(part.length).toBeLessThanOrEqual(256);
    }
    expect(step.Arguments.AppSpecification.ContainerArguments).toEqual([
      'check', '--baseline', '/opt/ml/processing/input/baseline/baseline.json', '--captures', '/opt/ml/processing/input/captures',
      '--start', { Get: 'Parameters.WindowStart' }, '--end', { Get: 'Parameters.WindowEnd' }, '--min-records', '250',
      '--endpoint', 'TOKEN', '--cloudwatch-namespace', 'CdkSageMakerGitHub/ModelMonitor', '--output', '/opt/ml/processing/output/report',
    ]);
    expect(step.Arguments.ProcessingInputs.map((i: any) => i.InputName)).toEqual(['code', 'baseline', 'captures']);
    expect(step.Arguments.ProcessingInputs[0].S3Input.S3Uri).toMatch(/^s3:\/\/cdk-hnb659fds-assets-123456789012-us-east-1\/[0-9a-f]{64}\.zip$/);
  });

  test('the job publishes metrics in the monitor\'s namespace only, reads the variant\'s captures and writes reports', () => {
    const { stack } = buildMonitor({ metricNamespace: 'Fraud/Monitor' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^MonitorPipelineRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'Fraud/Monitor' } } }),
        ]),
      },
    });
  });

  test('the job decrypts captures SageMaker encrypts with a key of their own (dataCapture encryptionKey)', () => {
    const f = monitorFixture();
    const key = new kms.Key(f.stack, 'CaptureKey');
    const served = new ModelEndpoint(f.stack, 'Encrypted', {
      model: ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3'),
      mode: EndpointMode.realtime({ dataCapture: { encryptionKey: key } }),
    });
    const { stack } = buildMonitor({ endpoint: served.endpoint! }, f);
    const keyId = Object.keys(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0];
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^MonitorPipelineRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } })]) },
    });
  });

  test('ground truth: a condition picks the quality check when the window has labels', () => {
    const { stack, monitor } = buildMonitor({ groundTruth: { problemType: ProblemType.REGRESSION } });
    const [condition] = pipelineDefinition(stack).Steps;
    expect(condition.Type).toBe('Condition');
    expect(condition.Arguments.Conditions).toEqual([{ Type: 'Equals', LeftValue: { Get: 'Parameters.HasGroundTruth' }, RightValue: true }]);
    const quality = condition.Arguments.IfSteps[0];
    expect(quality.Arguments.AppSpecification.ContainerArguments).toEqual(expect.arrayContaining(['--ground-truth', '--problem-type', 'regression']));
    expect(condition.Arguments.ElseSteps[0].Arguments.AppSpecification.ContainerArguments).not.toContain('--ground-truth');
    expect(monitor.groundTruthS3Uri).toMatch(/^s3:\/\/\$\{Token\[TOKEN\.\d+\]\}\/ground-truth\/$/);
    const asl = definition(stack, 'MonitorRunner');
    expect(asl.States.StartCheck.Arguments.PipelineParameters.map((p: any) => p.Name)).toContain('HasGroundTruth');
  });

  test('grantWriteGroundTruth grants writing labels under the ground-truth prefix only', () => {
    const { stack, monitor } = buildMonitor({ groundTruth: { problemType: ProblemType.BINARY_CLASSIFICATION, prefix: 'labels' } });
    const labeller = new iam.Role(stack, 'Labeller', { assumedBy: new iam.AccountRootPrincipal() });
    monitor.grantWriteGroundTruth(labeller);
    const policy = resources(stack, 'AWS::IAM::Policy').find((p) => JSON.stringify(p.Properties.Roles).includes('Labeller'));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorBucket') as any, 'Arn'] }, '/labels/*']] },
    }].map((s) => expect.objectContaining({ Action: s.Action })));
  });

  test('alarms: dataset drift and drift share do not breach on missing data; the silent alarm does', () => {
    const { stack } = buildMonitor({ alarms: { driftShareThreshold: 0.3 } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DatasetDrift',
      Namespace: 'CdkSageMakerGitHub/ModelMonitor',
      Threshold: 1,
      Period: 3600,
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DriftShare', Threshold: 0.3, TreatMissingData: 'notBreaching' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ReportPublished', Period: 7200, Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    });
  });

  test('model-quality alarms fire below the threshold, or above it for errors; feature alarms per feature; SNS on each', () => {
    const f = monitorFixture();
    const topic = new sns.Topic(f.stack, 'Topic');
    const { stack, monitor } = buildMonitor({
      groundTruth: { problemType: ProblemType.REGRESSION },
      alarms: { modelQuality: [{ metric: ModelQualityMetric.RMSE, threshold: 3 }, { metric: ModelQualityMetric.R2, threshold: 0.6 }], features: ['age'], topic },
    }, f);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Rmse', Threshold: 3, ComparisonOperator: 'GreaterThanThreshold' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'R2', Threshold: 0.6, ComparisonOperator: 'LessThanThreshold' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FeatureDrift',
      Dimensions: Match.arrayWith([{ Name: 'Feature', Value: 'age' }]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
    });
    expect(monitor.modelQualityAlarms).toHaveLength(2);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2 + 6);
  });

  test('retraining: a composite alarm of every drift and quality alarm starts the guard; the silent alarm does not', () => {
    const f = monitorFixture();
    const f2 = buildMonitor({ alarms: { features: ['age'] }, retraining: { pipeline: f.training, coolDown: Duration.hours(6) } }, f);
    const t = Template.fromStack(f2.stack);
    const composite = resources(f2.stack, 'AWS::CloudWatch::CompositeAlarm')[0];
    const rule = JSON.stringify(composite.Properties.AlarmRule);
    expect(rule).toContain('DatasetDriftAlarm');
    expect(rule).toContain('DriftShareAlarm');
    expect(rule).toContain('FeatureDriftAlarm0');
    expect(rule).not.toContain('SilentAlarm');
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        'resources': [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorRetrainingAlarm'), 'Arn'] }],
        'detail': { state: { value: ['ALARM'] } },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^MonitorRetrainingGuard') } })],
    });
  });

  test('the guard refuses while an execution runs or within the cool-down, and starts with the event id as token', () => {
    const f = monitorFixture();
    buildMonitor({ retraining: { pipeline: f.training, coolDown: Duration.hours(6), parameters: { TrainingDataUri: 's3://data/with-labels/' } } }, f);
    const asl = definition(f.stack, 'MonitorRetrainingGuard');
    expect(asl.States.RecentExecutions.Arguments).toEqual({
      PipelineName: 'churn-training', CreatedAfter: '{% $fromMillis($toMillis($now()) - 21600000) %}', MaxResults: 1,
    });
    expect(asl.States.CoolingDown.Choices).toEqual([{ Condition: '{% $recent > 0 %}', Next: 'SkipCoolDown' }]);
    expect(asl.States.LatestExecutions.Assign.running)
      .toBe('{% $count($states.result.PipelineExecutionSummaries[PipelineExecutionStatus in ["Executing","Stopping"]]) %}');
    expect(asl.States.Running.Choices).toEqual([{ Condition: '{% $running > 0 %}', Next: 'SkipRunning' }]);
    expect(asl.States.StartRetraining.Arguments).toEqual(expect.objectContaining({
      PipelineName: 'churn-training',
      ClientRequestToken: '{% $states.input.id %}',
      PipelineParameters: [{ Name: 'TrainingDataUri', Value: 's3://data/with-labels/' }],
    }));
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^MonitorRetrainingGuardRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sagemaker:ListPipelineExecutions',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:pipeline/churn-training']] },
          }),
        ]),
      },
    });
  });

  test('with encryptionKey, the log group is encrypted and the key lets CloudWatch Logs use it for that log group only', () => {
    const f = monitorFixture();
    const key = new kms.Key(f.stack, 'Key', { enableKeyRotation: true });
    buildMonitor({ encryptionKey: key }, f);
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] }, RetentionInDays: 365 });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
        })]),
      },
    });
  });

  test('no Lambda anywhere', () => {
    const f = monitorFixture();
    buildMonitor({ groundTruth: { problemType: ProblemType.BINARY_CLASSIFICATION }, retraining: { pipeline: f.training } }, f);
    Template.fromStack(f.stack).resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('metrics carry the endpoint (and the feature) as dimensions', () => {
    const { monitor, stack } = buildMonitor();
    const metric = monitor.metricFeatureDriftScore('age', { period: Duration.hours(1) });
    expect(metric.namespace).toBe('CdkSageMakerGitHub/ModelMonitor');
    expect(metric.metricName).toBe('FeatureDriftScore');
    expect(Object.keys(metric.dimensions!).sort()).toEqual(['EndpointName', 'Feature']);
    expect(stack.resolve(monitor.metricRecords().statistic)).toBe('Sum');
  });

  test('publishNames writes the pipeline, the runner and the report location', () => {
    const { stack, monitor } = buildMonitor({ groundTruth: { problemType: ProblemType.BINARY_CLASSIFICATION } });
    monitor.publishNames({ outputPrefix: 'Churn' });
    const outputs = Object.keys(Template.fromStack(stack).toJSON().Outputs);
    expect(outputs).toEqual(['ChurnPipelineName', 'ChurnRunnerArn', 'ChurnReportsUri', 'ChurnGroundTruthUri']);
  });

  test('cdk-nag clean (all packs) on an imported endpoint, with ground truth and retraining', () => {
    const f = monitorFixture();
    const endpoint = ModelEndpoint.fromEndpointAttributes(f.stack, 'Imported', {
      endpointName: 'churn', dataCaptureBucket: s3.Bucket.fromBucketName(f.stack, 'Captures', 'captures-bucket'),
    });
    const group = new ModelPackageGroup(f.stack, 'Group');
    new ModelMonitor(f.stack, 'NagMonitor', {
      endpoint,
      baseline: MonitorBaseline.fromServedModelVersion({ bucket: f.baselines, modelPackageGroup: group }),
      groundTruth: { problemType: ProblemType.BINARY_CLASSIFICATION },
      alarms: { modelQuality: [{ metric: ModelQualityMetric.AUC, threshold: 0.8 }] },
      retraining: { pipeline: f.training },
    });
    expectNagClean(onlyMonitor(f.stack));
  });
});

/** The fixture's stack without its endpoint (whose findings are the endpoint's, tested there). */
function onlyMonitor(stack: Stack): Stack {
  stack.node.tryRemoveChild('Endpoint');
  stack.node.tryRemoveChild('Monitor');
  stack.node.tryRemoveChild('ModelEndpointDataCaptureBucket');
  return stack;
}

test('without encryptionKey, the log group explains its encryption to cdk-nag and checkov, naming the prop', () => {
  const f = monitorFixture();
  new ModelMonitor(f.stack, 'Monitor', { endpoint: f.endpoint, baseline: MonitorBaseline.fromS3(f.baselines, 'churn/') });
  const group = Object.values(Template.fromStack(f.stack).findResources('AWS::Logs::LogGroup'))[0];
  expect(group.Metadata.checkov.skip.map((s: any) => s.id)).toEqual(['CKV_AWS_158']);
  expect(group.Metadata.checkov.skip[0].comment).toContain('ModelMonitor encryptionKey');
});
