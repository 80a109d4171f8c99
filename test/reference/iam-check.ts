/**
 * What the notebook suite checks a role's policy with: the requests moto's
 * recorder wrote while the notebook ran, each turned into the IAM action,
 * resource and condition values AWS authorizes it by (the Service
 * Authorization Reference: "Actions, resources, and condition keys for Amazon
 * SageMaker / Amazon S3 / AWS CloudFormation / AWS KMS"), and an evaluation
 * of the role's identity policy against each.
 *
 * The evaluation is the identity-policy part of IAM's: an explicit Deny
 * wins, then any Allow whose Action, Resource and Condition match. It knows
 * the condition operators and keys the library writes and refuses the others
 * (a statement it cannot read is an error, never a silent allow or deny).
 * Resource policies, SCPs and session policies are out of its scope.
 */
import * as fs from 'fs';
import { AssemblyStack } from '../../src/cli/assembly';

/** One request as moto's recorder writes it (MOTO_RECORDER_FILEPATH, one JSON object per line). */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | null;
  readonly body_encoded?: boolean;
}

/** What IAM authorizes one request by. A request may need more than one (S3 with a KMS key). */
export interface Authorization {
  /** The request, for messages: `sagemaker:DescribeEndpoint churn-prod`. */
  readonly request: string;
  readonly action: string;
  readonly resource: string;
  /** Condition keys and the values the request carries. */
  readonly context: Record<string, string>;
}

/** A policy statement with its values resolved. */
export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
  readonly [key: string]: unknown;
}

/** Where the account's names and keys come from: the stacks the requests reach. */
export interface Account {
  readonly region: string;
  readonly account: string;
  /** Stack name to the stack's ARN (its `AWS::StackId`). */
  readonly stackIds: Record<string, string>;
  /** Bucket name to the ARN of the KMS key its default encryption uses, for the buckets that have one. */
  readonly bucketKeys: Record<string, string>;
}

export function readRecording(file: string): RecordedRequest[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

/** The account the stacks of an assembly make: their ARNs and their buckets' keys. */
export function accountOf(stacks: AssemblyStack[], region: string, account: string): Account {
  const stackIds: Record<string, string> = {};
  const bucketKeys: Record<string, string> = {};
  for (const stack of stacks) {
    stackIds[stack.stackName] = String(stack.resolver.resolve({ Ref: 'AWS::StackId' }));
    for (const [id, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::S3::Bucket') continue;
      const rules = (resource.Properties as any)?.BucketEncryption?.ServerSideEncryptionConfiguration ?? [];
      const byDefault = rules[0]?.ServerSideEncryptionByDefault;
      if (byDefault?.SSEAlgorithm === 'aws:kms' && byDefault.KMSMasterKeyID !== undefined) {
        bucketKeys[String(stack.resolver.resolve({ Ref: id }))] = String(stack.resolver.resolve(byDefault.KMSMasterKeyID));
      }
    }
  }
  return { region, account, stackIds, bucketKeys };
}

/**
 * The statements of every identity policy of the role `roleLogicalId` in
 * `stack`, resolved: its `AWS::IAM::Policy` resources. Inline `Policies` and
 * managed policies on the role are refused (the check would miss them).
 */
export function roleStatements(stack: AssemblyStack, roleLogicalId: string): Statement[] {
  const resources = stack.template.Resources ?? {};
  const role = resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${stack.stackName} has no role ${roleLogicalId}`);
  const props = (role.Properties ?? {}) as Record<string, unknown>;
  for (const key of ['Policies', 'ManagedPolicyArns', 'PermissionsBoundary']) {
    if (props[key] !== undefined) throw new Error(`role ${roleLogicalId} has ${key}: the check reads only AWS::IAM::Policy resources`);
  }
  const statements: Statement[] = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const p = resource.Properties as { Roles?: unknown[]; PolicyDocument: { Statement: unknown[] } };
    if (!(p.Roles ?? []).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }))) continue;
    statements.push(...(stack.resolver.resolve(p.PolicyDocument.Statement) as Statement[]));
  }
  return statements;
}

/**
 * What IAM authorizes a recorded request by. Throws for a request it does
 * not know, so that a new call in the notebook needs its mapping here.
 */
export function authorizationsOf(request: RecordedRequest, account: Account): Authorization[] {
  const url = new URL(request.url, 'http://stand-in');
  const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(header(request, 'authorization') ?? '')?.[1];
  const body = bodyText(request);
  const arn = (svc: string, resource: string) => `arn:aws:${svc}:${account.region}:${account.account}:${resource}`;
  const describe = (action: string, resource: string, context: Record<string, string> = {}): Authorization =>
    ({ request: `${action} ${resource}`, action, resource, context });

  if (service === 'sagemaker' && url.pathname.startsWith('/endpoints/')) {
    // sagemaker-runtime (signed as sagemaker): InvokeEndpoint and InvokeEndpointAsync authorize on the
    // endpoint, whose ARN SageMaker writes with the name in lowercase.
    const match = /^\/endpoints\/([^/]+)\/(invocations|async-invocations)$/.exec(url.pathname);
    if (!match || request.method !== 'POST') throw unknown(request);
    const action = match[2] === 'invocations' ? 'sagemaker:InvokeEndpoint' : 'sagemaker:InvokeEndpointAsync';
    return [describe(action, arn('sagemaker', `endpoint/${decodeURIComponent(match[1]).toLowerCase()}`))];
  }
  if (service === 'sagemaker') {
    const operation = /^SageMaker\.(\w+)$/.exec(header(request, 'x-amz-target') ?? '')?.[1];
    const found = operationAuthorizations('sagemaker', operation ?? '', JSON.parse(body || '{}'), account);
    if (!found) throw unknown(request);
    return found;
  }
  if (service === 'cloudformation') {
    const params = Object.fromEntries(new URLSearchParams(body ?? ''));
    const found = operationAuthorizations('cloudformation', params.Action ?? '', params, account);
    if (!found) throw unknown(request);
    return found;
  }
  if (service === 's3') {
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (!bucket) throw unknown(request);
    const bucketArn = `arn:aws:s3:::${bucket}`;
    const keyArn = account.bucketKeys[bucket];
    if (key === '') {
      if (request.method !== 'GET' || url.searchParams.get('list-type') !== '2') throw unknown(request);
      // ListObjectsV2 is s3:ListBucket on the bucket; s3:prefix is the listing's prefix.
      return [describe('s3:ListBucket', bucketArn, { 's3:prefix': url.searchParams.get('prefix') ?? '' })];
    }
    // An object in a bucket whose default encryption is a KMS key: reading decrypts with it
    // (kms:Decrypt), writing asks it for a data key (kms:GenerateDataKey).
    if (request.method === 'GET' || request.method === 'HEAD') {
      return [describe('s3:GetObject', `${bucketArn}/${key}`), ...(keyArn ? [describe('kms:Decrypt', keyArn)] : [])];
    }
    if (request.method === 'PUT' && !url.searchParams.has('uploadId')) {
      return [describe('s3:PutObject', `${bucketArn}/${key}`), ...(keyArn ? [describe('kms:GenerateDataKey', keyArn)] : [])];
    }
    throw unknown(request);
  }
  if (service === 'sts' && new URLSearchParams(body ?? '').get('Action') === 'GetCallerIdentity') {
    return []; // needs no permission
  }
  throw unknown(request);
}

/**
 * What IAM authorizes one API operation by, from the names its request carries (the SDK's
 * JSON or query parameters, or the CLI's options turned into them): undefined for an
 * operation this check does not know.
 */
export function operationAuthorizations(
  service: string, operation: string, params: Record<string, any>, account: Account,
): Authorization[] | undefined {
  const arn = (svc: string, resource: string, accountId = account.account) => `arn:aws:${svc}:${account.region}:${accountId}:${resource}`;
  const action = `${service}:${operation}`;
  const describe = (resource: string, context: Record<string, string> = {}): Authorization =>
    ({ request: `${action} ${resource}`, action, resource, context });
  // SageMaker writes the names in its ARNs in lowercase.
  const lower = (name: unknown) => String(name).toLowerCase();
  switch (action) {
    case 'sagemaker:StartPipelineExecution':
      return [describe(arn('sagemaker', `pipeline/${lower(params.PipelineName)}`))];
    case 'sagemaker:DescribePipelineExecution':
    case 'sagemaker:ListPipelineExecutionSteps':
    case 'sagemaker:StopPipelineExecution':
      return [describe(params.PipelineExecutionArn)];
    case 'sagemaker:ListModelPackages':
      // The reference lists model-package as ListModelPackages' resource type without saying which ARN a
      // listing of one group is checked against: the check asks for the group's ARN and its versions'.
      return [
        describe(arn('sagemaker', `model-package-group/${lower(params.ModelPackageGroupName)}`)),
        describe(arn('sagemaker', `model-package/${lower(params.ModelPackageGroupName)}/*`)),
      ];
    case 'sagemaker:DescribeModelPackage':
      return [describe(modelPackageArn(params.ModelPackageName))];
    case 'sagemaker:UpdateModelPackage':
      // sagemaker:ModelApprovalStatus: the status the request sets (a condition key of UpdateModelPackage).
      return [describe(modelPackageArn(params.ModelPackageArn),
        params.ModelApprovalStatus === undefined ? {} : { 'sagemaker:ModelApprovalStatus': params.ModelApprovalStatus })];
    case 'sagemaker:DescribeEndpoint':
      return [describe(arn('sagemaker', `endpoint/${lower(params.EndpointName)}`))];
    case 'cloudformation:DescribeStacks': {
      // DescribeStacks authorizes on the stack: arn:...:stack/<name>/<id>.
      const name = String(params.StackName ?? '');
      const stackArn = name.startsWith('arn:') ? name : account.stackIds[name];
      if (!stackArn) throw new Error(`DescribeStacks of ${name}: not a stack of the app (${Object.keys(account.stackIds).join(', ')})`);
      return [describe(stackArn)];
    }
    case 'ecr:DescribeImages':
      // On the repository, in the registry (account) the request names.
      return [describe(arn('ecr', `repository/${params.RepositoryName}`, params.RegistryId ?? account.account))];
    default:
      return undefined;
  }
}

/** Whether `statements` allow `authorization`: no Deny matches it, and an Allow does. */
export function isAllowed(statements: Statement[], authorization: Authorization): boolean {
  const matching = statements.filter((s) => matches(s, authorization));
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

function matches(statement: Statement, a: Authorization): boolean {
  for (const key of ['NotAction', 'NotResource', 'NotPrincipal', 'Principal']) {
    if (statement[key] !== undefined) throw new Error(`a statement with ${key}: the check does not read it (${JSON.stringify(statement)})`);
  }
  if (!list(statement.Action).some((pattern) => wildcard(pattern, a.action, true))) return false;
  if (!list(statement.Resource).some((pattern) => wildcard(pattern, a.resource, false))) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      const actual = a.context[key];
      const values = list(expected);
      if (operator === 'StringEquals') {
        if (actual === undefined || !values.includes(actual)) return false;
      } else if (operator === 'StringLike') {
        if (actual === undefined || !values.some((v) => wildcard(v, actual, false))) return false;
      } else {
        throw new Error(`condition operator ${operator}: the check does not evaluate it (${JSON.stringify(statement)})`);
      }
    }
  }
  return true;
}

/** IAM's wildcards: `*` any run of characters, `?` one; actions match without regard to case. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = String(pattern).split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function header(request: RecordedRequest, name: string): string | undefined {
  const found = Object.entries(request.headers).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

function bodyText(request: RecordedRequest): string {
  if (!request.body) return '';
  return request.body_encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body;
}

/** A model package's ARN as SageMaker authorizes it: the group name in lowercase. */
function modelPackageArn(arn: string): string {
  const match = /^(arn:[^:]+:sagemaker:[^:]*:\d*:model-package\/)([^/]+)(\/\d+)$/.exec(String(arn));
  if (!match) throw new Error(`not a versioned model package ARN: ${arn}`);
  return `${match[1]}${match[2].toLowerCase()}${match[3]}`;
}

function unknown(request: RecordedRequest): Error {
  return new Error(`a request the check cannot authorize (add it to test/reference/iam-check.ts): ${request.method} ${request.url} `
    + `${header(request, 'x-amz-target') ?? ''} ${bodyText(request).slice(0, 120)}`);
}
