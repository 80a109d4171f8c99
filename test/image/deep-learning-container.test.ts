import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  DeepLearningContainer, DeepLearningContainerProps, DlcFramework, DlcProcessor, DlcScope,
} from '../../src/image/deep-learning-container';
import { DLC_REGISTRIES, DLC_SOURCE } from '../../src/image/private/dlc-table.generated';
import { expectError } from '../errors';

const pytorchTrainingGpu = (version: string, extra: Partial<DeepLearningContainerProps> = {}) =>
  DeepLearningContainer.fromFramework({
    framework: DlcFramework.PYTORCH,
    scope: DlcScope.TRAINING,
    processor: DlcProcessor.GPU,
    version,
    ...extra,
  });

function agnosticStack(): Stack {
  return new Stack(new App(), 'Stack');
}

function stackIn(region: string): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '111111111111', region } });
}

function roleIn(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
}

/** The single CfnMapping of the template, as { region: account }. */
function accountsOf(stack: Stack): { id: string; accounts: Record<string, string> } {
  const mappings = Template.fromStack(stack).toJSON().Mappings ?? {};
  const ids = Object.keys(mappings);
  expect(ids).toHaveLength(1);
  const accounts = Object.fromEntries(Object.entries<any>(mappings[ids[0]]).map(([region, row]) => [region, row.account]));
  return { id: ids[0], accounts };
}

describe('image URI', () => {
  test('an environment-agnostic stack renders the registry through Fn::FindInMap, AWS::Region and AWS::URLSuffix', () => {
    const stack = agnosticStack();
    const image = pytorchTrainingGpu('2.6.0');
    const { imageUri } = image.bind(stack, roleIn(stack));

    const mappingId = accountsOf(stack).id;
    expect(stack.resolve(imageUri)).toEqual({
      'Fn::Join': ['', [
        { 'Fn::FindInMap': [mappingId, { Ref: 'AWS::Region' }, 'account'] },
        '.dkr.ecr.',
        { Ref: 'AWS::Region' },
        '.',
        { Ref: 'AWS::URLSuffix' },
        '/pytorch-training:2.6.0-gpu-py312',
      ]],
    });
  });

  test('the mapping holds the DLC account of a standard, a China and an opt-in region', () => {
    const stack = agnosticStack();
    pytorchTrainingGpu('2.6.0').imageUriFor(stack);

    const { accounts } = accountsOf(stack);
    expect(accounts['us-east-1']).toBe('763104351884');
    expect(accounts['eu-west-1']).toBe('763104351884');
    expect(accounts['cn-north-1']).toBe('727897471807');
    expect(accounts['cn-northwest-1']).toBe('727897471807');
    expect(accounts['af-south-1']).toBe('626614931356');
    expect(accounts['me-south-1']).toBe('217643126080');
    expect(accounts['us-gov-west-1']).toBe('442386744353');
  });

  test('first-party images (xgboost, sklearn) use their own accounts and tags', () => {
    const stack = agnosticStack();
    const xgboost = DeepLearningContainer.fromFramework({ framework: DlcFramework.XGBOOST, scope: DlcScope.TRAINING, version: '1.7-1' });
    const sklearn = DeepLearningContainer.fromFramework({ framework: DlcFramework.SKLEARN, scope: DlcScope.INFERENCE, version: '1.2-1' });
    expect(`${xgboost.repositoryName}:${xgboost.tag}`).toBe('sagemaker-xgboost:1.7-1');
    expect(`${sklearn.repositoryName}:${sklearn.tag}`).toBe('sagemaker-scikit-learn:1.2-1-cpu-py3');
    xgboost.imageUriFor(stack);
    expect(accountsOf(stack).accounts['us-east-1']).toBe('683313688378');
    expect(accountsOf(stack).accounts['cn-north-1']).toBe('450853457545');
  });

  test('a stack with a concrete region gets the account as a literal and no mapping', () => {
    const stack = stackIn('cn-north-1');
    const image = pytorchTrainingGpu('2.6.0');

    expect(stack.resolve(image.imageUriFor(stack))).toEqual({
      'Fn::Join': ['', ['727897471807.dkr.ecr.cn-north-1.', { Ref: 'AWS::URLSuffix' }, '/pytorch-training:2.6.0-gpu-py312']],
    });
    expect(Template.fromStack(stack).toJSON().Mappings).toBeUndefined();
  });

  test('registryFor gives the registry host for docker login', () => {
    const stack = stackIn('af-south-1');
    const image = pytorchTrainingGpu('2.6.0');
    expect(stack.resolve(image.registryFor(stack))).toEqual({
      'Fn::Join': ['', ['626614931356.dkr.ecr.af-south-1.', { Ref: 'AWS::URLSuffix' }]],
    });
    expect(image.registryAccountFor(stack)).toBe('626614931356');
  });

  test('two images sharing a registry map create one CfnMapping', () => {
    const stack = agnosticStack();
    const role = roleIn(stack);
    pytorchTrainingGpu('2.6.0').bind(stack, role);
    DeepLearningContainer.fromFramework({
      framework: DlcFramework.PYTORCH, scope: DlcScope.INFERENCE, processor: DlcProcessor.CPU, version: '2.6.0',
    }).bind(stack, role);

    const mappings = Template.fromStack(stack).toJSON().Mappings;
    expect(Object.keys(mappings)).toHaveLength(1);
  });

  test('images with different registry maps create one CfnMapping each', () => {
    const stack = agnosticStack();
    pytorchTrainingGpu('2.6.0').imageUriFor(stack);
    DeepLearningContainer.fromFramework({ framework: DlcFramework.XGBOOST, scope: DlcScope.TRAINING, version: '1.7-1' }).imageUriFor(stack);

    expect(Object.keys(Template.fromStack(stack).toJSON().Mappings)).toHaveLength(2);
  });
});

describe('tags', () => {
  // Checked by hand against pytorch.json and the SDK's _format_tag: pytorch-training has no
  // container_version, so the SDK builds `{version}-{processor}-{py}`.
  test.each([
    ['2.3.0', 'pytorch-training', '2.3.0-gpu-py311'],
    ['2.6.0', 'pytorch-training', '2.6.0-gpu-py312'],
    ['2.8.0', 'pytorch-training', '2.8.0-gpu-py312'],
  ])('pytorch training gpu %s', (version, repository, tag) => {
    const image = pytorchTrainingGpu(version);
    expect(image.repositoryName).toBe(repository);
    expect(image.tag).toBe(tag);
  });

  test('aliases resolve to the full version, which the tag names', () => {
    const image = pytorchTrainingGpu('2.1');
    expect(image.version).toBe('2.1.0');
    expect(image.tag).toBe('2.1.0-gpu-py310');
  });

  test('the python version defaults to the newest and can be chosen', () => {
    expect(pytorchTrainingGpu('1.13.1').tag).toBe('1.13.1-gpu-py39');
    expect(pytorchTrainingGpu('2.0.1').pythonVersion).toBe('py310');
    const older = DeepLearningContainer.fromFramework({
      framework: DlcFramework.MXNET, scope: DlcScope.TRAINING, processor: DlcProcessor.CPU, version: '1.6.0', pythonVersion: 'py2',
    });
    expect(older.tag).toBe('1.6.0-cpu-py2');
  });

  test('hugging face tags carry the base, transformers and container versions', () => {
    const image = DeepLearningContainer.fromFramework({
      framework: DlcFramework.HUGGINGFACE_PYTORCH, scope: DlcScope.TRAINING, version: '4.36',
    });
    expect(image.repositoryName).toBe('huggingface-pytorch-training');
    expect(image.baseFrameworkVersion).toBe('2.1.0');
    expect(image.processor).toBe('gpu');
    expect(image.tag).toBe('2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04');

    const inference = DeepLearningContainer.fromFramework({
      framework: DlcFramework.HUGGINGFACE_TENSORFLOW,
      scope: DlcScope.INFERENCE,
      version: '4.26.0',
      processor: DlcProcessor.CPU,
      baseFrameworkVersion: '2.11',
    });
    expect(`${inference.repositoryName}:${inference.tag}`).toBe('huggingface-tensorflow-inference:2.11.0-transformers4.26.0-cpu-py39-ubuntu20.04');
  });

  test('hugging face picks the newest base when several are published', () => {
    const image = DeepLearningContainer.fromFramework({
      framework: DlcFramework.HUGGINGFACE_PYTORCH, scope: DlcScope.INFERENCE, version: '4.10.2', processor: DlcProcessor.GPU,
    });
    expect(image.tag).toBe('1.9.0-transformers4.10.2-gpu-py38-cu111-ubuntu20.04');
  });

  test('older hugging face GPU training images get the container version the SDK adds', () => {
    const image = DeepLearningContainer.fromFramework({
      framework: DlcFramework.HUGGINGFACE_PYTORCH, scope: DlcScope.TRAINING, version: '4.4.2',
    });
    expect(image.tag).toBe('1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04');
  });

  test('graviton tags', () => {
    const pytorch = DeepLearningContainer.fromFramework({ framework: DlcFramework.PYTORCH, scope: DlcScope.INFERENCE_GRAVITON, version: '2.4' });
    expect(`${pytorch.repositoryName}:${pytorch.tag}`).toBe('pytorch-inference-graviton:2.4.0-cpu-py311-ubuntu22.04-sagemaker');
    const xgboost = DeepLearningContainer.fromFramework({ framework: DlcFramework.XGBOOST, scope: DlcScope.INFERENCE_GRAVITON, version: '1.5-1' });
    expect(xgboost.tag).toBe('1.5-1-arm64');
  });

  test('per-python repositories of old versions', () => {
    const py2 = DeepLearningContainer.fromFramework({
      framework: DlcFramework.TENSORFLOW, scope: DlcScope.TRAINING, version: '1.13', processor: DlcProcessor.GPU, pythonVersion: 'py2',
    });
    expect(`${py2.repositoryName}:${py2.tag}`).toBe('sagemaker-tensorflow-scriptmode:1.13.1-gpu-py2');
    const py3 = DeepLearningContainer.fromFramework({
      framework: DlcFramework.TENSORFLOW, scope: DlcScope.TRAINING, version: '1.13', processor: DlcProcessor.GPU,
    });
    expect(`${py3.repositoryName}:${py3.tag}`).toBe('tensorflow-training:1.13.1-gpu-py3');
  });

  test('tags without a python version (TensorFlow Serving) or a processor (XGBoost 1.2-1+)', () => {
    const serving = DeepLearningContainer.fromFramework({
      framework: DlcFramework.TENSORFLOW, scope: DlcScope.INFERENCE, version: '2.19', processor: DlcProcessor.GPU,
    });
    expect(serving.tag).toBe('2.19.0-gpu');
    expect(serving.pythonVersion).toBeUndefined();
    const xgboost = DeepLearningContainer.fromFramework({
      framework: DlcFramework.XGBOOST, scope: DlcScope.TRAINING, version: '3.0-5', processor: DlcProcessor.GPU,
    });
    expect(xgboost.tag).toBe('3.0-5');
    expect(xgboost.processor).toBeUndefined();
  });
});

describe('grants', () => {
  test('bind grants GetAuthorizationToken on * and pull on the repository in the DLC account, partition-aware', () => {
    const stack = agnosticStack();
    pytorchTrainingGpu('2.6.0').bind(stack, roleIn(stack));
    const mappingId = accountsOf(stack).id;

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
            Effect: 'Allow',
            Resource: {
              'Fn::Join': ['', [
                'arn:', { Ref: 'AWS::Partition' },
                ':ecr:', { Ref: 'AWS::Region' },
                ':', { 'Fn::FindInMap': [mappingId, { Ref: 'AWS::Region' }, 'account'] },
                ':repository/pytorch-training',
              ]],
            },
          },
        ]),
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' }]) },
    });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 1);
  });

  test('in a China region the ARN takes the region account and the partition token', () => {
    const stack = stackIn('cn-northwest-1');
    const grant = pytorchTrainingGpu('2.6.0').grantPull(stack, roleIn(stack));
    expect(grant.success).toBe(true);

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:cn-northwest-1:727897471807:repository/pytorch-training']] },
          }),
        ]),
      },
    });
  });
});

describe('errors', () => {
  test('an unknown version lists the nearest published ones', () => {
    expectError(() => pytorchTrainingGpu('2.9.9'), { construct: 'DeepLearningContainer.fromFramework', property: 'version', value: "'2.9.9'" },
      "deepLearningContainer version '2.9.9' is not published for pytorch training; nearest: 2.6.0, 2.7.1, 2.8.0");
    expectError(() => pytorchTrainingGpu('1.12.5'), { construct: 'DeepLearningContainer.fromFramework', property: 'version', value: "'1.12.5'" },
      "deepLearningContainer version '1.12.5' is not published for pytorch training; nearest: 1.12.0, 1.12.1, 1.13.1");
  });

  test('a processor not published for the version lists those that are', () => {
    expectError(() => DeepLearningContainer.fromFramework({
      framework: DlcFramework.SKLEARN, scope: DlcScope.TRAINING, version: '1.2-1', processor: DlcProcessor.GPU,
    }), { construct: 'DeepLearningContainer.fromFramework', property: 'processor', value: 'DlcProcessor.GPU for sklearn 1.2-1' }, "deepLearningContainer processor 'gpu' is not published for sklearn training 1.2-1; available: cpu");
  });

  test.each([
    ['framework', { scope: DlcScope.TRAINING, version: '2.6' }, 'deepLearningContainer framework is required: give it, e.g. DlcFramework.PYTORCH'],
    ['scope', { framework: DlcFramework.PYTORCH, version: '2.6' }, 'deepLearningContainer scope is required: give it, e.g. DlcScope.TRAINING'],
    ['version', { framework: DlcFramework.PYTORCH, scope: DlcScope.TRAINING }, "deepLearningContainer version is required: give it, e.g. '2.6'"],
  ])('a missing %s (from a language without types)', (property, props, message) => {
    expectError(() => DeepLearningContainer.fromFramework(props as any),
      { construct: 'DeepLearningContainer.fromFramework', property, value: 'missing (plain JavaScript)' }, message);
  });

  test('a processor is required when both are published', () => {
    expectError(() => DeepLearningContainer.fromFramework({ framework: DlcFramework.PYTORCH, scope: DlcScope.TRAINING, version: '2.6.0' }),
      { construct: 'DeepLearningContainer.fromFramework', property: 'processor', value: 'missing for pytorch 2.6.0' }, 'deepLearningContainer processor is required for pytorch training 2.6.0: give one of cpu, gpu');
  });

  test('a python version not published for the version lists those that are', () => {
    expectError(() => pytorchTrainingGpu('2.6.0', { pythonVersion: 'py38' }),
      { construct: 'DeepLearningContainer.fromFramework', property: 'pythonVersion', value: "'py38'" }, "deepLearningContainer pythonVersion 'py38' is not published for pytorch training 2.6.0; available: py312");
    expectError(() => DeepLearningContainer.fromFramework({
      framework: DlcFramework.TENSORFLOW, scope: DlcScope.INFERENCE, version: '2.19.0', processor: DlcProcessor.CPU, pythonVersion: 'py312',
    }), { construct: 'DeepLearningContainer.fromFramework', property: 'pythonVersion', value: "'py312' for TensorFlow Serving" }, "deepLearningContainer pythonVersion 'py312' does not apply to tensorflow inference 2.19.0: its tag names no Python version; leave it out");
  });

  test('an unknown framework or scope lists the known ones', () => {
    expectError(() => DeepLearningContainer.fromFramework({ framework: DlcFramework.of('jax'), scope: DlcScope.TRAINING, version: '0.4' }),
      { construct: 'DeepLearningContainer.fromFramework', property: 'framework', value: "DlcFramework.of('jax')" }, "deepLearningContainer framework 'jax' is not in the image table; available: huggingface-pytorch, huggingface-tensorflow, mxnet, pytorch, sklearn, tensorflow, xgboost");
    expectError(() => DeepLearningContainer.fromFramework({ framework: DlcFramework.HUGGINGFACE_PYTORCH, scope: DlcScope.INFERENCE_GRAVITON, version: '4.49' }),
      { construct: 'DeepLearningContainer.fromFramework', property: 'scope', value: 'DlcScope.INFERENCE_GRAVITON for Hugging Face' }, "deepLearningContainer scope 'inference_graviton' is not published for huggingface-pytorch; available: inference, training");
  });

  test('baseFrameworkVersion: unknown for the version, or given for a framework without one', () => {
    expectError(() => DeepLearningContainer.fromFramework({
      framework: DlcFramework.HUGGINGFACE_PYTORCH, scope: DlcScope.TRAINING, version: '4.36.0', baseFrameworkVersion: '1.9',
    }), { construct: 'DeepLearningContainer.fromFramework', property: 'baseFrameworkVersion', value: "'1.9'" }, "deepLearningContainer baseFrameworkVersion '1.9' is not published for huggingface-pytorch training 4.36.0; available: 2.1.0");
    expectError(() => pytorchTrainingGpu('2.6.0', { baseFrameworkVersion: '2.6.0' }),
      { construct: 'DeepLearningContainer.fromFramework', property: 'baseFrameworkVersion', value: "'2.6.0' for pytorch" }, "deepLearningContainer baseFrameworkVersion '2.6.0' applies only to Hugging Face images, not pytorch: leave it out");
  });

  test('tokens are refused: they cannot select a row of the table', () => {
    const stack = agnosticStack();
    const version = new CfnParameter(stack, 'Version').valueAsString;
    expectError(() => pytorchTrainingGpu(version), { construct: 'DeepLearningContainer.fromFramework', property: 'version', value: 'a CfnParameter token' }, 'deepLearningContainer version must be a literal string, got a token: it selects the image at synth time, so a deploy-time value cannot be used');
    expectError(() => pytorchTrainingGpu('2.6.0', { pythonVersion: version }), { construct: 'DeepLearningContainer.fromFramework', property: 'pythonVersion', value: 'a CfnParameter token' }, /deepLearningContainer pythonVersion must be a literal string/);
  });

  test('a concrete region the image is not published in lists the supported regions', () => {
    const stack = stackIn('us-iso-east-1');
    const image = pytorchTrainingGpu('2.6.0');
    expectError(() => image.bind(stack, roleIn(stack)), { construct: 'DeepLearningContainer', property: 'region', value: "'us-iso-east-1'" },
      /^deepLearningContainer pytorch training 2\.6\.0 is not published in region 'us-iso-east-1'; supported regions: af-south-1, ap-east-1, .*us-east-1, us-east-2, us-gov-east-1, us-gov-west-1, us-west-1, us-west-2$/);
  });
});

describe('generated table', () => {
  test('keeps the attribution of its source', () => {
    expect(DLC_SOURCE).toEqual({
      repository: 'aws/sagemaker-python-sdk',
      path: 'sagemaker-core/src/sagemaker/core/image_uri_config/*.json',
      commit: 'a24812666d258d9d19c9a82d0c9385ca0bd3ba01',
      license: 'Apache-2.0',
    });
  });

  test('registry maps are deduplicated', () => {
    const keys = DLC_REGISTRIES.map((r) => JSON.stringify(r.accounts));
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(DLC_REGISTRIES.map((r) => r.id)).size).toBe(keys.length);
  });
});
