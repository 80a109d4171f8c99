/**
 * Fills the CloudFormation tokens of a synthesized template with plausible
 * values, as a deployment would, so that a pipeline definition can run
 * locally: `Ref` and `Fn::GetAtt` become names and ARNs in a local account,
 * and the other intrinsic functions are evaluated.
 */
import { createHash } from 'crypto';
import { UsageError } from './errors';

/** The account, partition and URL suffix of a local run. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_PARTITION = 'aws';
export const LOCAL_URL_SUFFIX = 'amazonaws.com';

/** What a stack parameter without a default (and not given) becomes; a later check names it. */
export const UNSET_PARAMETER_PREFIX = '{{unset-stack-parameter:';

export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/** Resolves `Fn::ImportValue` against the exports of the other stacks of the app. */
export type ImportResolver = (exportName: string) => unknown;

export interface ResolverOptions {
  readonly stackName: string;
  readonly region: string;
  /** Values for the template's parameters (`--stack-parameter NAME=VALUE`). */
  readonly parameters?: Record<string, string>;
  readonly importValue?: ImportResolver;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** Evaluates the intrinsic functions of one template. */
export class TemplateResolver {
  constructor(public readonly template: Template, private readonly options: ResolverOptions) {}

  /** `value` with every intrinsic function evaluated. */
  public resolve(value: unknown): unknown {
    const resolved = this.evaluate(value, []);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** The physical name a deployment would give the resource (its `Ref` for most types). */
  public physicalName(logicalId: string): string {
    const resource = this.resource(logicalId, logicalId);
    const props = resource.Properties ?? {};
    const explicit = NAME_PROPERTY[resource.Type];
    if (explicit && props[explicit] !== undefined) {
      return String(this.resolve(props[explicit]));
    }
    // CloudFormation generates "<stack>-<logical id>-<suffix>"; a stable hash stands in for the suffix.
    const suffix = createHash('sha256').update(`${this.options.stackName}/${logicalId}`).digest('hex').slice(0, 8);
    const base = `${this.options.stackName}-${logicalId}`;
    if (LOWERCASE_NAMES.has(resource.Type)) {
      return `${base.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 54)}-${suffix}`;
    }
    return `${base.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 54)}-${suffix}`;
  }

  private evaluate(value: unknown, path: string[]): unknown {
    if (Array.isArray(value)) {
      return value.map((v, i) => this.evaluate(v, [...path, String(i)])).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref') return this.ref(String(arg));
      if (key === 'Condition' && path.length > 0 && typeof arg === 'string' && this.template.Conditions?.[arg] !== undefined) {
        return this.condition(arg);
      }
      if (key.startsWith('Fn::')) return this.fn(key, arg, path);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = this.evaluate(v, [...path, k]);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private fn(name: string, arg: unknown, path: string[]): unknown {
    const args = (): unknown[] => {
      const a = this.evaluate(arg, path);
      if (!Array.isArray(a)) throw new UsageError(`${name} takes a list, got ${JSON.stringify(arg)}`);
      return a;
    };
    switch (name) {
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/s);
        return this.getAtt(logicalId, attribute);
      }
      case 'Fn::Join': {
        const [separator, list] = args();
        return (list as unknown[]).map((v) => this.text(v)).join(String(separator));
      }
      case 'Fn::Select': {
        const [index, list] = args();
        const items = list as unknown[];
        const i = Number(index);
        if (!Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new UsageError(`Fn::Select index ${String(index)} is outside the list ${JSON.stringify(items)}`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [separator, text] = args();
        return this.text(text).split(String(separator));
      }
      case 'Fn::Sub': return this.sub(arg, path);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.condition(condition) ? this.evaluate(whenTrue, path) : this.evaluate(whenFalse, path);
      }
      case 'Fn::Equals': {
        const [a, b] = args();
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not': return !args()[0];
      case 'Fn::And': return args().every(Boolean);
      case 'Fn::Or': return args().some(Boolean);
      case 'Fn::FindInMap': {
        const [map, top, second] = args().map(String);
        const found = this.template.Mappings?.[map]?.[top]?.[second];
        if (found === undefined) {
          throw new UsageError(`Fn::FindInMap: mapping ${map} has no ${top}.${second}; the local run uses region ${this.options.region} (set AWS_REGION to another)`);
        }
        return found;
      }
      case 'Fn::ImportValue': {
        const exportName = this.text(this.evaluate(arg, path));
        if (!this.options.importValue) throw new UsageError(`Fn::ImportValue ${exportName}: no other stack exports it`);
        return this.options.importValue(exportName);
      }
      case 'Fn::Base64': return Buffer.from(this.text(this.evaluate(arg, path))).toString('base64');
      case 'Fn::GetAZs': return ['a', 'b', 'c'].map((az) => `${this.options.region}${az}`);
      case 'Fn::ToJsonString': return JSON.stringify(this.evaluate(arg, path));
      case 'Fn::Length': return args().length;
      default:
        throw new UsageError(`${name} is not an intrinsic function local-run can fill (at ${path.join('.') || 'the top'})`);
    }
  }

  private sub(arg: unknown, path: string[]): string {
    const [template, vars] = Array.isArray(arg)
      ? [String(arg[0]), (this.evaluate(arg[1], path) ?? {}) as Record<string, unknown>]
      : [String(arg), {} as Record<string, unknown>];
    return template.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
      if (name in vars) return this.text(vars[name]);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) return this.text(this.getAtt(name.slice(0, dot), name.slice(dot + 1)));
      return this.text(this.ref(name));
    }).replace(/\$\{!/g, '${');
  }

  private condition(name: string): boolean {
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new UsageError(`condition ${name} is not in the template`);
    return Boolean(this.evaluate(expression, ['Conditions', name]));
  }

  private text(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new UsageError(`expected a string in Fn::Join, Fn::Split or Fn::Sub, got ${JSON.stringify(value)}`);
  }

  private ref(name: string): unknown {
    const { region, stackName } = this.options;
    switch (name) {
      case 'AWS::Region': return region;
      case 'AWS::AccountId': return LOCAL_ACCOUNT;
      case 'AWS::Partition': return LOCAL_PARTITION;
      case 'AWS::URLSuffix': return LOCAL_URL_SUFFIX;
      case 'AWS::StackName': return stackName;
      case 'AWS::StackId': return `arn:${LOCAL_PARTITION}:cloudformation:${region}:${LOCAL_ACCOUNT}:stack/${stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NoValue': return NO_VALUE;
      case 'AWS::NotificationARNs': return [];
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      const given = this.options.parameters?.[name];
      if (given !== undefined) return given;
      if (parameter.Default !== undefined) return parameter.Default;
      return `${UNSET_PARAMETER_PREFIX}${name}}}`;
    }
    const resource = this.resource(name, `Ref ${name}`);
    const kind = REF_KIND[resource.Type] ?? 'name';
    return kind === 'name' ? this.physicalName(name) : this.getAtt(name, kind);
  }

  private getAtt(logicalId: string, attribute: string): unknown {
    const resource = this.resource(logicalId, `Fn::GetAtt ${logicalId}.${attribute}`);
    const name = this.physicalName(logicalId);
    const { region } = this.options;
    const arn = (service: string, resourcePart: string, withRegion = true, withAccount = true): string =>
      `arn:${LOCAL_PARTITION}:${service}:${withRegion ? region : ''}:${withAccount ? LOCAL_ACCOUNT : ''}:${resourcePart}`;
    const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
    const special = ATTRIBUTES[resource.Type]?.[attribute];
    if (special) return special({ name, region, arn });
    if (attribute === 'Arn' || attribute.endsWith('Arn')) {
      return arn(service, `${resource.Type.split('::')[2]?.toLowerCase() ?? 'resource'}/${name}`);
    }
    if (attribute.endsWith('Name')) return name;
    return `${name}-${attribute.toLowerCase()}`;
  }

  private resource(logicalId: string, where: string): TemplateResource {
    const resource = this.template.Resources?.[logicalId];
    if (!resource) {
      throw new UsageError(`${where}: stack ${this.options.stackName} has no resource or parameter ${logicalId}`);
    }
    return resource;
  }
}

type Arn = (service: string, resourcePart: string, withRegion?: boolean, withAccount?: boolean) => string;
type Attribute = (c: { name: string; region: string; arn: Arn }) => unknown;

/** The property that holds a resource's name, when the template sets it. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::SageMaker::Model': 'ModelName',
  'AWS::SageMaker::ModelPackageGroup': 'ModelPackageGroupName',
  'AWS::SageMaker::Pipeline': 'PipelineName',
  'AWS::SageMaker::EndpointConfig': 'EndpointConfigName',
  'AWS::SageMaker::Endpoint': 'EndpointName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Events::Rule': 'Name',
  'AWS::Lambda::Function': 'FunctionName',
};

/** Types whose names must be lowercase. */
const LOWERCASE_NAMES = new Set(['AWS::S3::Bucket', 'AWS::ECR::Repository', 'AWS::SageMaker::Pipeline']);

/** Types whose `Ref` is not their name but one of their attributes. */
const REF_KIND: Record<string, string> = {
  'AWS::SNS::Topic': 'TopicArn',
  'AWS::SQS::Queue': 'QueueUrl',
  'AWS::SageMaker::Model': 'Arn',
  'AWS::SageMaker::ModelPackageGroup': 'ModelPackageGroupArn',
  'AWS::SageMaker::EndpointConfig': 'Arn',
  'AWS::SageMaker::Endpoint': 'Arn',
  'AWS::KMS::Key': 'KeyId',
};

const ATTRIBUTES: Record<string, Record<string, Attribute>> = {
  'AWS::S3::Bucket': {
    Arn: ({ name, arn }) => arn('s3', name, false, false),
    DomainName: ({ name }) => `${name}.s3.${LOCAL_URL_SUFFIX}`,
    RegionalDomainName: ({ name, region }) => `${name}.s3.${region}.${LOCAL_URL_SUFFIX}`,
  },
  'AWS::IAM::Role': {
    Arn: ({ name, arn }) => arn('iam', `role/${name}`, false),
    RoleId: ({ name }) => `AROA${createHash('sha256').update(name).digest('hex').slice(0, 17).toUpperCase()}`,
  },
  'AWS::ECR::Repository': {
    Arn: ({ name, arn }) => arn('ecr', `repository/${name}`),
    RepositoryUri: ({ name, region }) => `${LOCAL_ACCOUNT}.dkr.ecr.${region}.${LOCAL_URL_SUFFIX}/${name}`,
  },
  'AWS::SageMaker::Model': {
    Arn: ({ name, arn }) => arn('sagemaker', `model/${name.toLowerCase()}`),
    ModelName: ({ name }) => name,
  },
  // SageMaker writes the names in its ARNs in lowercase (DescribeEndpoint's EndpointArn, for one).
  'AWS::SageMaker::Endpoint': {
    Arn: ({ name, arn }) => arn('sagemaker', `endpoint/${name.toLowerCase()}`),
    EndpointArn: ({ name, arn }) => arn('sagemaker', `endpoint/${name.toLowerCase()}`),
    EndpointName: ({ name }) => name,
  },
  'AWS::SageMaker::EndpointConfig': {
    Arn: ({ name, arn }) => arn('sagemaker', `endpoint-config/${name.toLowerCase()}`),
    EndpointConfigName: ({ name }) => name,
  },
  'AWS::SageMaker::ModelPackageGroup': {
    ModelPackageGroupArn: ({ name, arn }) => arn('sagemaker', `model-package-group/${name.toLowerCase()}`),
  },
  'AWS::SageMaker::Pipeline': {
    PipelineName: ({ name }) => name,
  },
  'AWS::SNS::Topic': {
    TopicArn: ({ name, arn }) => arn('sns', name),
    TopicName: ({ name }) => name,
  },
  'AWS::SQS::Queue': {
    Arn: ({ name, arn }) => arn('sqs', name),
    QueueUrl: ({ name, region }) => `https://sqs.${region}.${LOCAL_URL_SUFFIX}/${LOCAL_ACCOUNT}/${name}`,
    QueueName: ({ name }) => name,
  },
  'AWS::KMS::Key': {
    Arn: ({ name, arn }) => arn('kms', `key/${keyId(name)}`),
    KeyId: ({ name }) => keyId(name),
  },
};

function keyId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
