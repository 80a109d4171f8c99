import { Duration, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { buildEndpoint, fixture, flatten, inputBucket, only } from './util';
import { EndpointMode, ModelEndpoint, TransformBatchStrategy, TransformSplitType } from '../../src/endpoint';
import { ErrorCase, expectError } from '../errors';
import { expectNagClean } from '../nag';

function definition(stack: any): any {
  const body = only(stack, 'AWS::SageMaker::Pipeline').body.Properties.PipelineDefinition.PipelineDefinitionBody;
  return JSON.parse(flatten(body));
}

describe('batch', () => {
  test('creates the model and a pipeline with one Transform step, no endpoint', () => {
    const { stack, model } = fixture();
    const data = s3.Bucket.fromBucketName(stack, 'Data', 'data-bucket');
    new ModelEndpoint(stack, 'Scoring', {
      model,
      mode: EndpointMode.batch({
        inputBucket: data,
        inputPrefix: 'in',
        outputPrefix: 'out',
        instanceCount: 2,
        contentType: 'application/jsonlines',
        accept: 'application/jsonlines',
        maxPayload: Size.mebibytes(10),
        maxConcurrentTransforms: 4,
        joinSource: true,
      }),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::Endpoint', 0);
    template.resourceCountIs('AWS::SageMaker::EndpointConfig', 0);
    const modelId = only(stack, 'AWS::SageMaker::Model').id;
    expect(definition(stack)).toEqual({
      Version: '2020-12-01',
      Parameters: [
        { Name: 'InputS3Uri', Type: 'String', DefaultValue: 's3://data-bucket/in', Description: 'The S3 prefix (or manifest) to score' },
        { Name: 'OutputS3Uri', Type: 'String', DefaultValue: 's3://data-bucket/out', Description: 'The S3 prefix the predictions go to' },
      ],
      Steps: [{
        Name: 'Transform',
        Type: 'Transform',
        Description: 'Batch transform with the model of Test/Scoring',
        Arguments: {
          ModelName: `\${${modelId}.ModelName}`,
          BatchStrategy: 'MultiRecord',
          MaxPayloadInMB: 10,
          MaxConcurrentTransforms: 4,
          TransformInput: {
            DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: { Get: 'Parameters.InputS3Uri' } } },
            ContentType: 'application/jsonlines',
            SplitType: 'Line',
          },
          TransformOutput: { S3OutputPath: { Get: 'Parameters.OutputS3Uri' }, Accept: 'application/jsonlines', AssembleWith: 'Line' },
          TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 2 },
          DataProcessing: { JoinSource: 'Input' },
        },
      }],
    });
  });

  test('the model role reads the input prefix and writes the output prefix; the pipeline role runs transform jobs', () => {
    const { stack, model } = fixture();
    const data = s3.Bucket.fromBucketName(stack, 'Data', 'data-bucket');
    new ModelEndpoint(stack, 'Scoring', { model, mode: EndpointMode.batch({ inputBucket: data }) });
    const template = Template.fromStack(stack);
    const arn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::data-bucket${suffix}`]] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ScoringRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 's3:GetObject', Effect: 'Allow', Resource: arn('/batch-input/*') },
          {
            Action: 's3:ListBucket',
            Condition: { StringLike: { 's3:prefix': ['batch-input/*', 'batch-input'] } },
            Effect: 'Allow',
            Resource: arn(''),
          },
          { Action: 's3:PutObject', Effect: 'Allow', Resource: arn('/batch-output/*') },
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ScoringTransformPipelineRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob', 'sagemaker:AddTags'] }),
        ]),
      },
    });
  });

  test('startable from GitHub, a schedule or new input; failed runs go to a topic', () => {
    const { stack, model } = fixture();
    const data = new s3.Bucket(stack, 'Data', { eventBridgeEnabled: true });
    const scoring = new ModelEndpoint(stack, 'Scoring', {
      model,
      mode: EndpointMode.batch({ inputBucket: data, schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), runOnNewInput: true }),
    });
    const deploy = new iam.Role(stack, 'Deploy', { assumedBy: new iam.AccountRootPrincipal() });
    scoring.transformPipeline!.grantStartExecution(deploy);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Deploy') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sagemaker:StartPipelineExecution' })]) },
    });
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': Match.objectLike({ object: { key: [{ prefix: 'batch-input/' }] } }) }),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: Match.objectLike({ currentPipelineExecutionStatus: ['Failed'] }) }),
    });
    template.resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('has a transform pipeline and no endpoint', () => {
    const { stack, model } = fixture();
    const data = s3.Bucket.fromBucketName(stack, 'Data', 'data-bucket');
    const scoring = new ModelEndpoint(stack, 'Scoring', { model, mode: EndpointMode.batch({ inputBucket: data }) });
    expect(scoring.endpoint).toBeUndefined();
    expect(scoring.errorAlarm).toBeUndefined();
    const pipeline = only(stack, 'AWS::SageMaker::Pipeline');
    expect(stack.resolve(scoring.transformPipeline!.pipelineName)).toEqual(pipeline.body.Properties.PipelineName);
  });

  test('single-record batching of whole files', () => {
    const { stack, model } = fixture();
    const data = s3.Bucket.fromBucketName(stack, 'Data', 'data-bucket');
    new ModelEndpoint(stack, 'Scoring', {
      model,
      mode: EndpointMode.batch({ inputBucket: data, splitType: TransformSplitType.NONE, batchStrategy: TransformBatchStrategy.SINGLE_RECORD }),
    });
    const args = definition(stack).Steps[0].Arguments;
    expect(args.BatchStrategy).toBe('SingleRecord');
    expect(args.TransformInput.SplitType).toBe('None');
    expect(args.TransformOutput.AssembleWith).toBe('None');
  });

  test('is nag clean', () => {
    const { stack, model } = fixture();
    const data = s3.Bucket.fromBucketName(stack, 'Data', 'data-bucket');
    new ModelEndpoint(stack, 'Scoring', {
      model,
      mode: EndpointMode.batch({ inputBucket: data, schedule: scheduler.ScheduleExpression.rate(Duration.days(1)) }),
    });
    expectNagClean(stack);
  });
});

describe('batch errors name the property, the value and the fix', () => {
  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'EndpointMode.batch', property: 'inputBucket', value: '{} (plain JavaScript)' }, () => EndpointMode.batch({} as any), /^endpointMode.batch inputBucket is required/],
    [{ construct: 'EndpointMode.batch', property: 'instanceCount', value: '0' }, () => EndpointMode.batch({ inputBucket: inputBucket(), instanceCount: 0 }),
      /^endpointMode.batch instanceCount must be a whole number of at least 1, got 0$/],
    [{ construct: 'EndpointMode.batch', property: 'maxConcurrentTransforms', value: '-1' }, () => EndpointMode.batch({ inputBucket: inputBucket(), maxConcurrentTransforms: -1 }),
      /^endpointMode.batch maxConcurrentTransforms must be a whole number of at least 0, got -1$/],
    [{ construct: 'EndpointMode.batch', property: 'maxPayload', value: 'Size.mebibytes(200)' }, () => EndpointMode.batch({ inputBucket: inputBucket(), maxPayload: Size.mebibytes(200) }),
      /^endpointMode.batch maxPayload \(MB\) must be a whole number from 0 to 100, got 200$/],
    [{ construct: 'EndpointMode.batch', property: 'maxPayload', value: 'Size.kibibytes(1500)' }, () => EndpointMode.batch({ inputBucket: inputBucket(), maxPayload: Size.kibibytes(1500) }),
      /^endpointMode.batch maxPayload must be a whole number of mebibytes, got 1.46484375 mebibytes: e.g. Size.mebibytes\(1\)$/],
    [{ construct: 'EndpointMode.batch', property: 'batchStrategy', value: 'MULTI_RECORD with splitType NONE' }, () => EndpointMode.batch({ inputBucket: inputBucket(), splitType: TransformSplitType.NONE, batchStrategy: TransformBatchStrategy.MULTI_RECORD }),
      /^endpointMode.batch batchStrategy is MULTI_RECORD but splitType is NONE: there are no records to batch/],
    [{ construct: 'EndpointMode.batch', property: 'maxPayload', value: 'Size.mebibytes(0) with splitType LINE' }, () => EndpointMode.batch({ inputBucket: inputBucket(), maxPayload: Size.mebibytes(0) }),
      /^endpointMode.batch maxPayload is 0 \(streaming\) but splitType is not NONE/],
    [{ construct: 'EndpointMode.batch', property: 'inputPrefix', value: "''" }, () => EndpointMode.batch({ inputBucket: inputBucket(), inputPrefix: '' }),
      /^endpointMode.batch inputPrefix '' must be a key prefix that does not start with '\/', e.g. 'batch-input'$/],
    [{ construct: 'ModelEndpoint', property: 'endpointName', value: "'x', with EndpointMode.batch" }, () => buildEndpoint(() => EndpointMode.batch({ inputBucket: s3.Bucket.fromBucketName(fixture().stack, 'X', 'input-bucket') }), () => ({ endpointName: 'x', variantName: 'Blue' })),
      /^modelEndpoint endpointName, variantName is set with EndpointMode.batch, which creates no endpoint: drop them/],
  ];

  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});
