import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as fc from 'fast-check';
import { CustomTrainingImage, DeepLearningContainer, DlcFramework, DlcScope, SageMakerImage } from '../../src/image';
import { ErrorCase, expectError } from '../errors';
import { propertyParameters } from '../property';

const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,40}$/);

describe('valid CustomTrainingImage props synthesize and keep the invariants', () => {
  test('a retained repository without a physical name unless asked, immutable release tags, the cache tag kept', () => {
    fc.assert(fc.property(
      fc.record({
        imageTag: fc.option(tag, { nil: undefined }),
        cacheTag: fc.option(tag, { nil: undefined }),
        maxReleaseImages: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
        repositoryName: fc.option(fc.stringMatching(/^[a-z0-9]{2,20}(\/[a-z0-9]{1,10})?$/), { nil: undefined }),
      }),
      (props) => {
        const stack = new Stack(new App(), 'Test');
        const image = new CustomTrainingImage(stack, 'Image', props);
        const [repository] = Object.values<any>(Template.fromStack(stack).findResources('AWS::ECR::Repository'));
        expect(repository.DeletionPolicy).toBe('Retain');
        expect(repository.Properties.RepositoryName).toBe(props.repositoryName);
        expect(repository.Properties.ImageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
        const cacheTag = props.cacheTag ?? 'buildcache';
        expect(repository.Properties.ImageTagMutabilityExclusionFilters).toEqual([{ ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: cacheTag }]);
        const rules = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
        expect(rules[0].selection).toMatchObject({ tagPatternList: [cacheTag], countNumber: 1 });
        expect(rules[2].selection.countNumber).toBe((props.maxReleaseImages ?? 30) + 1);
        expect(image.imageTagParameter === undefined).toBe(props.imageTag !== undefined);
      }), propertyParameters(25));
  });
});

const junk = fc.oneof(fc.constant(null), fc.constant(NaN), fc.constant(-1), fc.constant(''), fc.constant('Bad Tag'), fc.constant([]), fc.constant(42), fc.constant({ x: 1 }));
const IMAGE_PROPS = ['repository', 'repositoryName', 'imageTag', 'cacheTag', 'maxReleaseImages', 'untaggedImageExpiry', 'encryptionKey', 'removalPolicy', 'emptyOnDelete', 'baseImage'];

describe('invalid image inputs throw an Error naming the property, never a TypeError', () => {
  test('a bad value in one CustomTrainingImage prop', () => {
    fc.assert(fc.property(fc.constantFrom(...IMAGE_PROPS), junk, (property, value) => {
      let error: Error | undefined;
      try {
        new CustomTrainingImage(new Stack(new App(), 'Test'), 'Image', { [property]: value } as any);
      } catch (e) {
        error = e as Error;
      }
      if (property === 'maxReleaseImages' && value === 42) {
        return; // a valid count
      }
      expect(error).toBeInstanceOf(Error);
      expect(error!.name).toBe('Error');
      expect(error!.message).toContain(property);
      expect(error!.message).not.toMatch(/\bundefined\b|\[object Object\]/);
    }), propertyParameters(40));
  });

  test('a bad value in one DeepLearningContainer prop', () => {
    const props = ['framework', 'version', 'scope', 'processor', 'pythonVersion', 'baseFrameworkVersion'];
    fc.assert(fc.property(fc.constantFrom(...props), junk, (property, value) => {
      let error: Error | undefined;
      try {
        DeepLearningContainer.fromFramework({ framework: DlcFramework.PYTORCH, version: '2.6', scope: DlcScope.INFERENCE, [property]: value } as any);
      } catch (e) {
        error = e as Error;
      }
      expect(error).toBeInstanceOf(Error);
      expect(error!.name).toBe('Error');
      expect(error!.message).toContain(property);
      expect(error!.message).not.toMatch(/\bundefined\b|\[object Object\]/);
    }), propertyParameters(40));
  });
});

describe('plain JavaScript callers of the image classes', () => {
  const stack = () => new Stack(new App(), 'Test');
  const cases: Array<[ErrorCase, () => unknown, string]> = [
    [{ construct: 'CustomTrainingImage', property: 'props', value: 'null' }, () => new CustomTrainingImage(stack(), 'Image', null as any),
      'customTrainingImage props must be left out or an object such as { maxReleaseImages: 20 }, got null'],
    [{ construct: 'CustomTrainingImage', property: 'imageTag', value: '5' }, () => new CustomTrainingImage(stack(), 'Image', { imageTag: 5 as any }),
      "customTrainingImage imageTag must be a string or left out, got 5: give e.g. 'v1', or leave it out"],
    [{ construct: 'CustomTrainingImage', property: 'repository', value: "'trainer'" }, () => new CustomTrainingImage(stack(), 'Image', { repository: 'trainer' as any }),
      "customTrainingImage repository must be an ecr.IRepository or left out, got 'trainer'"],
    [{ construct: 'CustomTrainingImage', property: 'untaggedImageExpiry', value: '7' }, () => new CustomTrainingImage(stack(), 'Image', { untaggedImageExpiry: 7 as any }),
      'customTrainingImage untaggedImageExpiry must be a Duration or left out, got 7: give e.g. Duration.days(7)'],
    [{ construct: 'CustomTrainingImage', property: 'maxReleaseImages', value: 'NaN' }, () => new CustomTrainingImage(stack(), 'Image', { maxReleaseImages: NaN }),
      'customTrainingImage maxReleaseImages must be a finite number, got NaN: give e.g. 30'],
    [{ construct: 'CustomTrainingImage', property: 'removalPolicy', value: "'keep'" }, () => new CustomTrainingImage(stack(), 'Image', { removalPolicy: 'keep' as any }),
      "customTrainingImage removalPolicy must be a RemovalPolicy or left out, got 'keep': give e.g. RemovalPolicy.RETAIN"],
    [{ construct: 'SageMakerImage.fromEcrRepository', property: 'repository', value: 'null' }, () => SageMakerImage.fromEcrRepository(null as any, 'v1'),
      "sageMakerImage.fromEcrRepository repository is required, got null: give an ecr.IRepository, e.g. ecr.Repository.fromRepositoryName(this, 'Repo', 'serving')"],
    [{ construct: 'SageMakerImage.fromEcrRepository', property: 'tagOrDigest', value: 'undefined' },
      () => SageMakerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack(), 'R', 'serving'), undefined as any),
      "sageMakerImage.fromEcrRepository tagOrDigest is required: give a string, e.g. 'v1' or 'sha256:...'"],
    [{ construct: 'SageMakerImage.fromAsset', property: 'directory', value: 'null' }, () => SageMakerImage.fromAsset(null as any),
      "sageMakerImage.fromAsset directory is required, got null: give a string, e.g. 'container'"],
    [{ construct: 'SageMakerImage.fromAsset', property: 'buildArgs', value: '{ BASE: 3 }' }, () => SageMakerImage.fromAsset('container', { buildArgs: { BASE: 3 as any } }),
      "sageMakerImage.fromAsset buildArgs BASE must be a string, got 3: give e.g. 'python:3.11-slim'"],
    [{ construct: 'DeepLearningContainer.fromFramework', property: 'props', value: 'null' }, () => DeepLearningContainer.fromFramework(null as any),
      "deepLearningContainer props must be an object such as { framework: DlcFramework.PYTORCH, version: '2.6', scope: DlcScope.TRAINING }, got null"],
    [{ construct: 'DeepLearningContainer.fromFramework', property: 'framework', value: "'pytorch'" },
      () => DeepLearningContainer.fromFramework({ framework: 'pytorch' as any, version: '2.6', scope: DlcScope.TRAINING }),
      "deepLearningContainer framework must be a DlcFramework, got the string 'pytorch': give DlcFramework.of('pytorch') or e.g. DlcFramework.PYTORCH"],
    [{ construct: 'DeepLearningContainer.fromFramework', property: 'version', value: '2.6' },
      () => DeepLearningContainer.fromFramework({ framework: DlcFramework.PYTORCH, version: 2.6 as any, scope: DlcScope.TRAINING }),
      "deepLearningContainer version must be a string, got 2.6: give it as text, e.g. '2.6'"],
    [{ construct: 'DlcFramework.of', property: 'name', value: 'null' }, () => DlcFramework.of(null as any),
      "dlcFramework.of name is required, got null: give a string, e.g. 'pytorch'"],
  ];
  test.each(cases.map(([errorCase, build, message]) => ({ ...errorCase, errorCase, build, message })))(
    '$construct $property = $value', ({ errorCase, build, message }) => {
      expectError(build, errorCase, message);
    });

  test('a RemovalPolicy that is valid still passes', () => {
    expect(() => new CustomTrainingImage(stack(), 'Image', { removalPolicy: RemovalPolicy.DESTROY, emptyOnDelete: true })).not.toThrow();
  });
});
