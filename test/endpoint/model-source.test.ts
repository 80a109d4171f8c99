import { Stack } from 'aws-cdk-lib';
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
