import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { fixture, inputBucket, only } from './util';
import { EndpointMode, ModelEndpoint, ModelSource } from '../../src/endpoint';
import { DeepLearningContainer, DlcFramework, DlcProcessor, DlcScope } from '../../src/image';
import { TrainingPipeline } from '../../src/training';
import { ErrorCase, expectError } from '../errors';

describe('model source errors name the property, the value and the fix', () => {
  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: 'ModelSource.fromModelPackage', property: 'modelPackageArn', value: 'an ARN without a version' }, () => ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn'),
      /^modelSource.fromModelPackage modelPackageArn 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group\/churn' is not a versioned model package ARN: give arn:<partition>:sagemaker:<region>:<account>:model-package\/<group>\/<version>/],
    [{ construct: 'ModelSource.fromModelPackage', property: 'artifactsPrefix', value: "'models/' without artifactsBucket" }, () => ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1', { artifactsPrefix: 'models/' }),
      /^modelSource.fromModelPackage artifactsPrefix is set without artifactsBucket: give the bucket that holds the artifacts too$/],
    [{ construct: 'ModelSource.fromImage', property: 'image', value: 'a training Deep Learning Container' }, () => ModelSource.fromImage(DeepLearningContainer.fromFramework({
      framework: DlcFramework.PYTORCH, version: '2.5', scope: DlcScope.TRAINING, processor: DlcProcessor.CPU,
    })), /^modelSource.fromImage image is the pytorch 2\.5\.\d+ Deep Learning Container for training \(pytorch-training\), which cannot serve: select it with scope DlcScope.INFERENCE/],
    [{ construct: 'ModelSource.fromImage', property: 'modelData.key', value: "'/model.tar.gz'" }, () => ModelSource.fromImage(fixture().image, { bucket: inputBucket(), key: '/model.tar.gz' }),
      /^modelSource.fromImage modelData key '\/model.tar.gz' must be an object key without a leading '\/', e.g. 'models\/model.tar.gz'$/],
    [{ construct: 'ModelSource.fromImage', property: 'modelData.key', value: "'models/'" }, () => ModelSource.fromImage(fixture().image, { bucket: inputBucket(), key: 'models/' }),
      /^modelSource.fromImage modelData key 'models\/' names a prefix, not an object: give the key of the model.tar.gz, e.g. 'models\/model.tar.gz'$/],
  ];

  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});

describe('fromTrainingPipeline', () => {
  /** What the source reads of a TrainingPipeline: its artifacts bucket and prefix, and its group. */
  function training(stack: Stack, groupName = 'churn'): TrainingPipeline {
    return {
      artifactsBucket: s3.Bucket.fromBucketName(stack, 'TrainingArtifacts', 'training-artifacts'),
      modelArtifactsPrefix: 'models/',
      modelPackageGroup: { modelPackageGroupName: groupName },
    } as unknown as TrainingPipeline;
  }
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3';

  test('the role describes the version and reads the pipeline\'s model artifacts only, with the prefix explained to cdk-nag', () => {
    const { stack, image } = fixture();
    new ModelEndpoint(stack, 'Endpoint', {
      model: ModelSource.fromTrainingPipeline(training(stack), arn, { image }),
      mode: EndpointMode.serverless(),
    });
    const policy = only(stack, 'AWS::IAM::Policy');
    const statements = policy.body.Properties.PolicyDocument.Statement;
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: arn },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::training-artifacts/models/*']] } },
    ]));
    expect(statements.filter((st: any) => [st.Action].flat().includes('s3:ListBucket'))).toEqual([]);
    const suppression = policy.body.Metadata.cdk_nag.rules_to_suppress.find((r: any) => r.reason.startsWith('a model package names its artifacts'));
    expect(suppression.applies_to).toEqual(['Resource::arn:<AWS::Partition>:s3:::training-artifacts/models/*']);
    expect(only(stack, 'AWS::SageMaker::Model').body.Properties.PrimaryContainer.ModelPackageName).toBe(arn);
  });

  test('a group name in mixed case matches its lowercase ARN', () => {
    const { stack } = fixture();
    expect(() => ModelSource.fromTrainingPipeline(training(stack, 'Churn'), arn)).not.toThrow();
  });

  test('a version of another group is refused', () => {
    const { stack } = fixture();
    expectError(() => ModelSource.fromTrainingPipeline(training(stack, 'fraud'), arn),
      { construct: 'ModelSource.fromTrainingPipeline', property: 'modelPackageArn', value: 'a version of another group' },
      /^modelSource.fromTrainingPipeline modelPackageArn 'arn:aws:sagemaker:us-east-1:123456789012:model-package\/churn\/3' is not a version of the pipeline's group 'fraud': give a version the pipeline registered \(arn:...:model-package\/fraud\/<version>\), or use fromModelPackage$/);
  });

  test('a version that is not an ARN is refused as by fromModelPackage', () => {
    const { stack } = fixture();
    expectError(() => ModelSource.fromTrainingPipeline(training(stack), 'churn/3'),
      { construct: 'ModelSource.fromTrainingPipeline', property: 'modelPackageArn', value: "'churn/3'" },
      /^modelSource.fromModelPackage modelPackageArn 'churn\/3' is not a versioned model package ARN/);
  });
});

describe('fromImageAndModelDataUrl', () => {
  const url = 's3://artifacts-bucket/models/model.tar.gz';

  test('a model named by its S3 URI synthesizes what the same object named by bucket and key does', () => {
    const byBucket = fixture();
    new ModelEndpoint(byBucket.stack, 'Endpoint', { model: byBucket.model, mode: EndpointMode.serverless() });
    const byUrl = fixture();
    new ModelEndpoint(byUrl.stack, 'Endpoint', { model: ModelSource.fromImageAndModelDataUrl(byUrl.image, url), mode: EndpointMode.serverless() });
    expect(Template.fromStack(byUrl.stack).toJSON()).toEqual(Template.fromStack(byBucket.stack).toJSON());
    expect(only(byUrl.stack, 'AWS::SageMaker::Model').body.Properties.PrimaryContainer.ModelDataUrl).toBe(url);
  });

  test('a URI given at deploy time (a parameter) is granted by the bucket and key it names', () => {
    const { stack, image } = fixture();
    const parameter = new CfnParameter(stack, 'ModelDataUrl');
    new ModelEndpoint(stack, 'Endpoint', { model: ModelSource.fromImageAndModelDataUrl(image, parameter.valueAsString), mode: EndpointMode.serverless() });
    expect(only(stack, 'AWS::SageMaker::Model').body.Properties.PrimaryContainer.ModelDataUrl).toEqual({ Ref: 'ModelDataUrl' });
    const statements = only(stack, 'AWS::IAM::Policy').body.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual({
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::Select': [1, { 'Fn::Split': ['s3://', { Ref: 'ModelDataUrl' }] }] }]] },
    });
  });

  test('a URI with a token after its literal s3:// is granted as the ARN of the object it names', () => {
    const { stack, image } = fixture();
    const bucket = new s3.Bucket(stack, 'Artifacts2');
    new ModelEndpoint(stack, 'Endpoint', {
      model: ModelSource.fromImageAndModelDataUrl(image, `s3://${bucket.bucketName}/models/model.tar.gz`), mode: EndpointMode.serverless(),
    });
    const statements = only(stack, 'AWS::IAM::Policy').body.Properties.PolicyDocument.Statement;
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(statements).toContainEqual({
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: bucketId }, '/models/model.tar.gz']] },
    });
  });

  test('two sources of the same image and URI share one model', () => {
    const { stack, image } = fixture();
    for (const id of ['A', 'B']) {
      new ModelEndpoint(stack, id, { model: ModelSource.fromImageAndModelDataUrl(image, url), mode: EndpointMode.serverless() });
    }
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::SageMaker::Model'))).toHaveLength(1);
  });

  test('two URIs are two models', () => {
    const { stack, image } = fixture();
    new ModelEndpoint(stack, 'A', { model: ModelSource.fromImageAndModelDataUrl(image, url), mode: EndpointMode.serverless() });
    new ModelEndpoint(stack, 'B', { model: ModelSource.fromImageAndModelDataUrl(image, 's3://artifacts-bucket/models/2/model.tar.gz'), mode: EndpointMode.serverless() });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::SageMaker::Model'))).toHaveLength(2);
  });

  const what = 'ModelSource.fromImageAndModelDataUrl';
  const cases: Array<[ErrorCase, () => void, RegExp]> = [
    [{ construct: what, property: 'modelDataUrl', value: "'artifacts-bucket/model.tar.gz'" }, () => ModelSource.fromImageAndModelDataUrl(fixture().image, 'artifacts-bucket/model.tar.gz'),
      /^modelSource.fromImageAndModelDataUrl modelDataUrl 'artifacts-bucket\/model.tar.gz' is not an S3 URI of an object: give s3:\/\/<bucket>\/<key>, e.g. 's3:\/\/artifacts\/models\/model.tar.gz'$/],
    [{ construct: what, property: 'modelDataUrl', value: "'https://...'" }, () => ModelSource.fromImageAndModelDataUrl(fixture().image, 'https://artifacts-bucket.s3.amazonaws.com/model.tar.gz'),
      /^modelSource.fromImageAndModelDataUrl modelDataUrl 'https:\/\/artifacts-bucket.s3.amazonaws.com\/model.tar.gz' is not an S3 URI of an object: give s3:\/\/<bucket>\/<key>/],
    [{ construct: what, property: 'modelDataUrl', value: "'s3://artifacts-bucket'" }, () => ModelSource.fromImageAndModelDataUrl(fixture().image, 's3://artifacts-bucket'),
      /^modelSource.fromImageAndModelDataUrl modelDataUrl 's3:\/\/artifacts-bucket' is not an S3 URI of an object/],
    [{ construct: what, property: 'modelDataUrl', value: "'s3://artifacts-bucket/models/'" }, () => ModelSource.fromImageAndModelDataUrl(fixture().image, 's3://artifacts-bucket/models/'),
      /^modelSource.fromImageAndModelDataUrl modelDataUrl 's3:\/\/artifacts-bucket\/models\/' names a prefix, not an object: give the key of the model.tar.gz, e.g. 's3:\/\/artifacts-bucket\/models\/model.tar.gz'$/],
    [{ construct: what, property: 'modelDataUrl', value: "'s3://Artifacts_Bucket/model.tar.gz'" }, () => ModelSource.fromImageAndModelDataUrl(fixture().image, 's3://Artifacts_Bucket/model.tar.gz'),
      /^modelSource.fromImageAndModelDataUrl modelDataUrl 's3:\/\/Artifacts_Bucket\/model.tar.gz' names the bucket 'Artifacts_Bucket', which is not an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-'/],
    [{ construct: what, property: 'modelDataUrl', value: 'a URI of 1025 characters' }, () => ModelSource.fromImageAndModelDataUrl(fixture().image, `s3://artifacts-bucket/${'m'.repeat(1025 - 22)}`),
      /^modelSource.fromImageAndModelDataUrl modelDataUrl is 1025 characters long, more than CreateModel's 1024: use a shorter key$/],
    [{ construct: what, property: 'modelDataUrl', value: "'https://' and a token" }, () => {
      const { stack, image } = fixture();
      ModelSource.fromImageAndModelDataUrl(image, `https://${new CfnParameter(stack, 'Host').valueAsString}/model.tar.gz`);
    }, /^modelSource.fromImageAndModelDataUrl modelDataUrl 'https:\/\/\$\{Token\[[^\]]+\]\}\/model.tar.gz' is not an S3 URI of an object: give s3:\/\/<bucket>\/<key>/],
    [{ construct: what, property: 'modelDataUrl', value: 'undefined' }, () => ModelSource.fromImageAndModelDataUrl(fixture().image, undefined as unknown as string),
      /^modelSource.fromImageAndModelDataUrl modelDataUrl is required: give a string, e.g. 's3:\/\/artifacts\/models\/model.tar.gz'$/],
    [{ construct: what, property: 'image', value: 'a training Deep Learning Container' }, () => ModelSource.fromImageAndModelDataUrl(DeepLearningContainer.fromFramework({
      framework: DlcFramework.PYTORCH, version: '2.5', scope: DlcScope.TRAINING, processor: DlcProcessor.CPU,
    }), url), /^modelSource.fromImageAndModelDataUrl image is the pytorch 2\.5\.\d+ Deep Learning Container for training \(pytorch-training\), which cannot serve/],
  ];
  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });
});
