/**
 * The check the notebook suite runs (iam-check.ts) can fail: the reference app's notebook role,
 * read from examples/out, against requests the notebook does not make, and the evaluation's
 * rules on statements written here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { accountOf, Account, authorizationsOf, isAllowed, RecordedRequest, roleStatements, Statement } from './iam-check';
import { AssemblyStack, readAssembly } from '../../src/cli/assembly';
import { LOCAL_ACCOUNT } from '../../src/cli/cfn';

const REGION = 'us-east-1';
const OUTDIR = path.join(__dirname, '..', '..', 'examples', 'out');
const SERVING = 'SageMakerGitHubServing';

const signed = (service: string, extra: Record<string, string> = {}) => ({
  Authorization: `AWS4-HMAC-SHA256 Credential=notebook-suite/20261203/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
  ...extra,
});
const sagemaker = (operation: string, params: Record<string, unknown>): RecordedRequest => ({
  method: 'POST', url: '/', headers: signed('sagemaker', { 'X-Amz-Target': `SageMaker.${operation}` }), body: JSON.stringify(params),
});
const s3 = (method: string, url: string): RecordedRequest => ({ method, url, headers: signed('s3') });

describe('the notebook role of the reference app refuses what it was not granted', () => {
  let stacks: AssemblyStack[];
  let statements: Statement[];
  let account: Account;
  let names: Record<string, string>;
  beforeAll(() => {
    if (!fs.existsSync(path.join(OUTDIR, 'manifest.json'))) throw new Error('no examples/out: run `npx projen example` first (the test command does)');
    stacks = readAssembly(OUTDIR, { region: REGION, stackParameters: { ModelPackageArn: `arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:model-package/unset/1` } });
    const serving = stacks.find((s) => s.stackName === SERVING)!;
    statements = roleStatements(serving, Object.keys(serving.paths).find((id) => serving.paths[id] === `${SERVING}/NotebookRole/Resource`)!);
    account = accountOf(stacks, REGION, LOCAL_ACCOUNT);
    names = Object.fromEntries(Object.entries(serving.template.Outputs ?? {})
      .map(([k, o]) => [k, String(serving.resolver.resolve((o as any).Value))]));
  });
  const allowed = (request: RecordedRequest) => authorizationsOf(request, account).map((a) => isAllowed(statements, a));

  test('what the notebook does is allowed; the same on other resources, or other actions, is not', () => {
    const endpoint = names.RealtimeEndpointName;
    expect(allowed(sagemaker('DescribeEndpoint', { EndpointName: endpoint }))).toEqual([true]);
    expect(allowed(sagemaker('DescribeEndpoint', { EndpointName: names.ServerlessEndpointName }))).toEqual([false]);
    expect(() => allowed(sagemaker('DeleteEndpoint', { EndpointName: endpoint }))).toThrow(/a request the check cannot authorize/);
    const capture = names.RealtimeDataCaptureLocation.replace(/^s3:\/\//, '').replace(/\/?$/, '/');
    const [bucket, ...prefix] = capture.split('/');
    expect(allowed(s3('GET', `/${capture}2026/12/03/10/a.jsonl`))).toEqual([true]);
    expect(allowed(s3('GET', `/${bucket}/data-capture/Serverless/a.jsonl`))).toEqual([false]);
    expect(allowed(s3('GET', `/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix.join('/'))}`))).toEqual([true]);
    expect(allowed(s3('GET', `/${bucket}?list-type=2&prefix=`))).toEqual([false]);
    expect(allowed(s3('PUT', `/${capture}forged.jsonl`))).toEqual([false]);
    expect(allowed({ method: 'POST', url: '/', headers: signed('cloudformation'), body: 'Action=DescribeStacks&StackName=SageMakerGitHubAccountSetup' })).toEqual([false]);
  });

  test('approving is allowed with a status, a change without one is not (the role\'s UpdateModelPackage condition)', () => {
    const model = stacks.find((s) => s.stackName === 'SageMakerGitHubReference')!;
    const group = model.resolver.resolve((model.template.Outputs as any).TrainingModelPackageGroupName.Value);
    const version = `arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:model-package/${group}/3`;
    expect(allowed(sagemaker('UpdateModelPackage', { ModelPackageArn: version, ModelApprovalStatus: 'Approved' }))).toEqual([true]);
    expect(allowed(sagemaker('UpdateModelPackage', { ModelPackageArn: version, ApprovalDescription: 'no status' }))).toEqual([false]);
    expect(allowed(sagemaker('UpdateModelPackage', { ModelPackageArn: version.replace(String(group), 'another-group'), ModelApprovalStatus: 'Approved' }))).toEqual([false]);
  });
});

describe('the evaluation', () => {
  const account: Account = { region: REGION, account: LOCAL_ACCOUNT, stackIds: {}, bucketKeys: { secret: `arn:aws:kms:${REGION}:${LOCAL_ACCOUNT}:key/k1` } };
  const getObject: Statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::secret/*' };

  test('an object of a bucket with a KMS key needs the key too', () => {
    const needs = authorizationsOf(s3('GET', '/secret/a.csv'), account);
    expect(needs.map((a) => a.action)).toEqual(['s3:GetObject', 'kms:Decrypt']);
    expect(needs.map((a) => isAllowed([getObject], a))).toEqual([true, false]);
    expect(authorizationsOf(s3('PUT', '/secret/a.csv'), account).map((a) => a.action)).toEqual(['s3:PutObject', 'kms:GenerateDataKey']);
  });

  test('an explicit Deny wins; actions match without regard to case, resources with it', () => {
    const [get] = authorizationsOf(s3('GET', '/open/a.csv'), account);
    const allow: Statement = { Effect: 'Allow', Action: 'S3:Get*', Resource: 'arn:aws:s3:::open/*' };
    expect(isAllowed([allow], get)).toBe(true);
    expect(isAllowed([allow, { Effect: 'Deny', Action: '*', Resource: '*' }], get)).toBe(false);
    expect(isAllowed([{ ...allow, Resource: 'arn:aws:s3:::OPEN/*' }], get)).toBe(false);
  });

  test('a statement it cannot read is an error, not an answer', () => {
    const [get] = authorizationsOf(s3('GET', '/open/a.csv'), account);
    expect(() => isAllowed([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }], get))
      .toThrow(/condition operator IpAddress: the check does not evaluate it/);
    expect(() => isAllowed([{ Effect: 'Allow', NotAction: 's3:PutObject', Resource: '*' }], get)).toThrow(/a statement with NotAction/);
  });
});
