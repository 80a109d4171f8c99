import { Aws, CfnMapping, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ISageMakerImage, SageMakerImageConfig } from './image';
import { ECR_PULL_ACTIONS, grantEcrAuthorizationToken } from '../private/ecr';
import { comparePython, literal, nearestVersions, unique } from './private/dlc-lookup';
import { DLC_REGISTRIES, DLC_TABLE, DlcRegistry, DlcScopeTable, DlcVariant } from './private/dlc-table.generated';
import { checkRequired, checkStruct, isString, show } from './private/input';

/**
 * A framework of the AWS Deep Learning Containers and SageMaker framework images.
 *
 * Hugging Face images are built on PyTorch or TensorFlow, so each base is a
 * framework of its own: `HUGGINGFACE_PYTORCH`, `HUGGINGFACE_TENSORFLOW`.
 */
export class DlcFramework {
  /** PyTorch (`pytorch-training`, `pytorch-inference`, `pytorch-inference-graviton`). */
  public static readonly PYTORCH = new DlcFramework('pytorch');
  /** TensorFlow (`tensorflow-training`, `tensorflow-inference`, `tensorflow-inference-graviton`). */
  public static readonly TENSORFLOW = new DlcFramework('tensorflow');
  /** Hugging Face Transformers on PyTorch; `version` is the Transformers version. */
  public static readonly HUGGINGFACE_PYTORCH = new DlcFramework('huggingface-pytorch');
  /** Hugging Face Transformers on TensorFlow; `version` is the Transformers version. */
  public static readonly HUGGINGFACE_TENSORFLOW = new DlcFramework('huggingface-tensorflow');
  /** Apache MXNet (no longer released; kept for existing workloads). */
  public static readonly MXNET = new DlcFramework('mxnet');
  /** The SageMaker scikit-learn container (`sagemaker-scikit-learn`); versions look like `1.2-1`. */
  public static readonly SKLEARN = new DlcFramework('sklearn');
  /** The SageMaker XGBoost container (`sagemaker-xgboost`); versions look like `1.7-1`. */
  public static readonly XGBOOST = new DlcFramework('xgboost');

  /**
   * A framework by its name in the image table (e.g. read from configuration).
   *
   * The name is checked when the image is created; the error lists the known names.
   *
   * @param name the table name: `pytorch`, `tensorflow`, `huggingface-pytorch`, ...
   */
  public static of(name: string): DlcFramework {
    checkRequired('dlcFramework.of name', name, isString, 'a string', "'pytorch'");
    return new DlcFramework(name);
  }

  /** The framework's name in the image table. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** The name. */
  public toString(): string {
    return this.name;
  }
}

/**
 * What the image is for: each has its own repository.
 */
export class DlcScope {
  /** Training jobs (`*-training` repositories). */
  public static readonly TRAINING = new DlcScope('training');
  /** Model serving on x86 (`*-inference` repositories). */
  public static readonly INFERENCE = new DlcScope('inference');
  /** Model serving on Graviton (arm64) instances such as `ml.c7g`. */
  public static readonly INFERENCE_GRAVITON = new DlcScope('inference_graviton');

  /**
   * A scope by its name in the image table.
   *
   * @param name the table name: `training`, `inference` or `inference_graviton`
   */
  public static of(name: string): DlcScope {
    checkRequired('dlcScope.of name', name, isString, 'a string', "'training'");
    return new DlcScope(name);
  }

  /** The scope's name in the image table. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** The name. */
  public toString(): string {
    return this.name;
  }
}

/**
 * The processor an image is built for: it must match the instance type
 * (`ml.g*`/`ml.p*` are GPU; most others CPU).
 */
export class DlcProcessor {
  /** CPU instances. */
  public static readonly CPU = new DlcProcessor('cpu');
  /** NVIDIA GPU instances (`ml.g*`, `ml.p*`). */
  public static readonly GPU = new DlcProcessor('gpu');

  /**
   * A processor by its name in the image tag.
   *
   * @param name the name in the tag, e.g. `cpu`
   */
  public static of(name: string): DlcProcessor {
    checkRequired('dlcProcessor.of name', name, isString, 'a string', "'gpu'");
    return new DlcProcessor(name);
  }

  /** The processor's name in the image tag. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** The name. */
  public toString(): string {
    return this.name;
  }
}

/**
 * Which prebuilt image to use.
 *
 * Every value selects a row of the image table at synth time, so none may be
 * a token (a CloudFormation parameter, say).
 */
export interface DeepLearningContainerProps {
  /**
   * The framework.
   */
  readonly framework: DlcFramework;

  /**
   * The framework version: a full version (`2.6.0`; `1.7-1` for XGBoost and
   * scikit-learn) or a short alias the SageMaker Python SDK defines (`2.6`).
   *
   * An alias resolves to the full version it stands for, and the tag names
   * that full version, so the image does not move when AWS publishes a patch.
   * For Hugging Face this is the Transformers version (`4.56.2`).
   */
  readonly version: string;

  /**
   * What the image is for.
   */
  readonly scope: DlcScope;

  /**
   * The processor the image is built for.
   *
   * Images that serve every processor with one build (XGBoost 1.2-1 and
   * later) accept any value and ignore it.
   *
   * @default - the only processor the image is built for; required when it is
   * built for both CPU and GPU
   */
  readonly processor?: DlcProcessor;

  /**
   * The Python version, as in the tag: `py312`.
   *
   * Must be left out for images without one (TensorFlow Serving inference
   * images, XGBoost 1.2-1 and later).
   *
   * @default - the newest Python version published for that framework version
   */
  readonly pythonVersion?: string;

  /**
   * Hugging Face only: the PyTorch or TensorFlow version the image is built
   * on, full (`2.1.0`) or short (`2.1`).
   *
   * @default - the newest base published for that Transformers version
   */
  readonly baseFrameworkVersion?: string;
}

/**
 * The name of a `DlcFramework`, `DlcScope` or `DlcProcessor`; a plain string (what a JavaScript
 * caller may pass) is refused with the constant or `.of()` that makes one.
 */
function classValue(property: string, value: unknown, cls: Function & { of(name: string): { name: string } }, example: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const className = cls.name;
  if (typeof value === 'string') {
    throw new Error(`deepLearningContainer ${property} must be a ${className}, got the string '${value}': give ${className}.of('${value}') or e.g. ${example}`);
  }
  if (!(value instanceof cls)) {
    throw new Error(`deepLearningContainer ${property} must be a ${className}, got ${show(value)}: give e.g. ${example}`);
  }
  return (value as { name: string }).name;
}

/**
 * An AWS Deep Learning Container or SageMaker framework image (PyTorch,
 * TensorFlow, Hugging Face, MXNet, scikit-learn, XGBoost), looked up in a
 * table generated from the SageMaker Python SDK.
 *
 * The images live in an AWS-owned ECR registry whose account depends on the
 * region. The URI therefore goes through a region-keyed `CfnMapping`, so a
 * stack without a concrete region still synthesizes (and a stack with one gets
 * the account as a literal). Binding grants the pulling role
 * `ecr:GetAuthorizationToken` and read access to that one repository.
 *
 * Every input is checked when the image is created: an unknown version, or a
 * processor or Python version that is not published for it, throws an error
 * that lists the nearest valid values.
 *
 * @example
 * declare const role: iam.IRole;
 *
 * const image = DeepLearningContainer.fromFramework({
 *   framework: DlcFramework.PYTORCH,
 *   version: '2.6',
 *   scope: DlcScope.TRAINING,
 *   processor: DlcProcessor.GPU,
 * });
 * // image.tag === '2.6.0-gpu-py312'
 * const config = image.bind(this, role);
 */
export class DeepLearningContainer implements ISageMakerImage {
  /**
   * Selects an image by framework, version, scope, processor and Python version.
   *
   * @param props which image
   */
  public static fromFramework(props: DeepLearningContainerProps): DeepLearningContainer {
    return new DeepLearningContainer(props);
  }

  /** The framework's table name, e.g. `pytorch`. */
  public readonly framework: string;

  /** The scope's table name, e.g. `training`. */
  public readonly scope: string;

  /** The full framework version, after resolving an alias (for Hugging Face, the Transformers version). */
  public readonly version: string;

  /**
   * The processor named in the tag.
   *
   * @default - none: one image serves every processor
   */
  public readonly processor?: string;

  /**
   * The Python version named in the tag.
   *
   * @default - none: the tag names no Python version
   */
  public readonly pythonVersion?: string;

  /**
   * Hugging Face only: the full PyTorch or TensorFlow version the image is built on.
   *
   * @default - none for other frameworks
   */
  public readonly baseFrameworkVersion?: string;

  /** The ECR repository name in the AWS registry, e.g. `pytorch-training`. */
  public readonly repositoryName: string;

  /** The image tag, e.g. `2.6.0-gpu-py312`. */
  public readonly tag: string;

  /** The regions the image is published in, sorted. */
  public readonly supportedRegions: string[];

  private readonly registry: DlcRegistry;

  private constructor(props: DeepLearningContainerProps) {
    checkStruct('deepLearningContainer props', props, false, "{ framework: DlcFramework.PYTORCH, version: '2.6', scope: DlcScope.TRAINING }");
    const framework = literal('framework', classValue('framework', props.framework, DlcFramework, 'DlcFramework.PYTORCH'));
    const scope = literal('scope', classValue('scope', props.scope, DlcScope, 'DlcScope.TRAINING'));
    const requested = literal('version', props.version);
    const processor = props.processor === undefined ? undefined : literal('processor', classValue('processor', props.processor, DlcProcessor, 'DlcProcessor.GPU'));
    const python = props.pythonVersion === undefined ? undefined : literal('pythonVersion', props.pythonVersion);
    const base = props.baseFrameworkVersion === undefined ? undefined : literal('baseFrameworkVersion', props.baseFrameworkVersion);

    const scopes = DLC_TABLE[framework];
    if (!scopes) {
      throw new Error(`deepLearningContainer framework '${framework}' is not in the image table; available: ${Object.keys(DLC_TABLE).join(', ')}`);
    }
    const table: DlcScopeTable | undefined = scopes[scope];
    if (!table) {
      throw new Error(`deepLearningContainer scope '${scope}' is not published for ${framework}; available: ${Object.keys(scopes).join(', ')}`);
    }
    const version = table.versions[requested] ? requested : table.aliases[requested];
    if (version === undefined) {
      throw new Error(`deepLearningContainer version '${requested}' is not published for ${framework} ${scope}; `
        + `nearest: ${nearestVersions(requested, Object.keys(table.versions)).join(', ')}`);
    }
    const what = `${framework} ${scope} ${version}`;
    let variants = table.versions[version];

    let baseVersion: string | undefined;
    if (variants[0].base === undefined) {
      if (base !== undefined) {
        throw new Error(`deepLearningContainer baseFrameworkVersion '${base}' applies only to Hugging Face images, not ${framework}: leave it out`);
      }
    } else {
      const bases = unique(variants.map((v) => v.base!));
      baseVersion = base === undefined
        ? bases[bases.length - 1]
        : variants.find((v) => v.base === base || v.baseAliases?.includes(base))?.base;
      if (baseVersion === undefined) {
        throw new Error(`deepLearningContainer baseFrameworkVersion '${base}' is not published for ${what}; available: ${bases.join(', ')}`);
      }
      variants = variants.filter((v) => v.base === baseVersion);
    }

    const pythons = unique(variants.flatMap((v) => v.pythonVersions)).sort(comparePython);
    let variant: DlcVariant;
    if (pythons.length === 0) {
      if (python !== undefined) {
        throw new Error(`deepLearningContainer pythonVersion '${python}' does not apply to ${what}: its tag names no Python version; leave it out`);
      }
      variant = variants[0];
    } else {
      const chosen = python ?? pythons[pythons.length - 1];
      const match = variants.find((v) => v.pythonVersions.includes(chosen));
      if (match === undefined) {
        throw new Error(`deepLearningContainer pythonVersion '${chosen}' is not published for ${what}; available: ${pythons.join(', ')}`);
      }
      variant = match;
      this.pythonVersion = chosen;
    }

    if (variant.processors.length > 0) {
      if (processor === undefined) {
        if (variant.processors.length > 1) {
          throw new Error(`deepLearningContainer processor is required for ${what}: give one of ${variant.processors.join(', ')}`);
        }
        this.processor = variant.processors[0];
      } else if (variant.processors.includes(processor)) {
        this.processor = processor;
      } else {
        throw new Error(`deepLearningContainer processor '${processor}' is not published for ${what}; available: ${variant.processors.join(', ')}`);
      }
    }

    this.framework = framework;
    this.scope = scope;
    this.version = version;
    this.baseFrameworkVersion = baseVersion;
    this.repositoryName = variant.repository;
    // The SageMaker Python SDK's _format_tag: prefix, processor, python, container version, without empty parts.
    this.tag = variant.tag ?? [
      variant.tagPrefix ?? version,
      this.processor,
      this.pythonVersion,
      this.processor === undefined ? undefined : variant.containerVersions?.[this.processor],
    ].filter((part) => part !== undefined).join('-');
    this.registry = DLC_REGISTRIES[variant.registry];
    this.supportedRegions = Object.keys(this.registry.accounts).sort();
  }

  /**
   * The image URI, `{account}.dkr.ecr.{region}.{url suffix}/{repository}:{tag}`,
   * for the stack of `scope`, without granting anything.
   *
   * @param scope a construct in the stack that uses the URI (the mapping is added there)
   */
  public imageUriFor(scope: Construct): string {
    return `${this.registryFor(scope)}/${this.repositoryName}:${this.tag}`;
  }

  /**
   * The registry host, `{account}.dkr.ecr.{region}.{url suffix}`, for the stack
   * of `scope`: what a GitHub workflow gives `docker login` (or
   * `aws-actions/amazon-ecr-login` as `registries`, the account) before it
   * builds `FROM` this image.
   *
   * @param scope a construct in the stack that uses the value (the mapping is added there)
   */
  public registryFor(scope: Construct): string {
    const stack = Stack.of(scope);
    return `${this.accountIn(stack)}.dkr.ecr.${stack.region}.${Aws.URL_SUFFIX}`;
  }

  /**
   * The AWS account that owns the registry in the stack's region (a
   * `Fn::FindInMap` when the region is not concrete).
   *
   * @param scope a construct in the stack that uses the value (the mapping is added there)
   */
  public registryAccountFor(scope: Construct): string {
    return this.accountIn(Stack.of(scope));
  }

  /**
   * Grants `grantee` what pulling the image takes: `ecr:GetAuthorizationToken`
   * and read access to this repository in the AWS registry.
   *
   * @param scope a construct in the stack whose region picks the registry
   * @param grantee the principal that pulls the image
   */
  public grantPull(scope: Construct, grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(scope);
    const repositoryArn = stack.formatArn({
      service: 'ecr',
      account: this.accountIn(stack),
      resource: 'repository',
      resourceName: this.repositoryName,
    });
    return grantEcrAuthorizationToken(grantee)
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ECR_PULL_ACTIONS, resourceArns: [repositoryArn] }));
  }

  /**
   * Grants `grantee` pull access and returns the image URI for the stack of `scope`.
   *
   * @param scope the construct that uses the image
   * @param grantee the role SageMaker assumes to pull the image
   */
  public bind(scope: Construct, grantee: iam.IGrantable): SageMakerImageConfig {
    this.grantPull(scope, grantee);
    return { imageUri: this.imageUriFor(scope) };
  }

  private accountIn(stack: Stack): string {
    const region = stack.region;
    if (!Token.isUnresolved(region) && this.registry.accounts[region] === undefined) {
      throw new Error(`deepLearningContainer ${this.framework} ${this.scope} ${this.version} is not published in region '${region}'; `
        + `supported regions: ${this.supportedRegions.join(', ')}`);
    }
    const id = `DeepLearningContainerRegistry${this.registry.id}`;
    const mapping = (stack.node.tryFindChild(id) as CfnMapping | undefined) ?? new CfnMapping(stack, id, {
      mapping: Object.fromEntries(Object.entries(this.registry.accounts).map(([r, account]) => [r, { account }])),
      // Lazy: a stack with a concrete region gets the account as a literal and no mapping.
      lazy: true,
    });
    return mapping.findInMap(region, 'account');
  }
}
