import { LOCAL_ACCOUNT, TemplateResolver, UNSET_PARAMETER_PREFIX } from '../../src/cli/cfn';
import { expectError } from '../errors';

const template = {
  Parameters: {
    Tag: { Type: 'String', Default: 'latest' },
    Arn: { Type: 'String' },
  },
  Mappings: { Registry: { 'us-east-1': { Account: '763104351884' } } },
  Conditions: { IsEast: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } },
  Resources: {
    Repo: { Type: 'AWS::ECR::Repository' },
    Bucket: { Type: 'AWS::S3::Bucket' },
    Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'my-fixed-name' } },
    Role: { Type: 'AWS::IAM::Role' },
    Model: { Type: 'AWS::SageMaker::Model' },
    Endpoint: { Type: 'AWS::SageMaker::Endpoint' },
    Config: { Type: 'AWS::SageMaker::EndpointConfig' },
  },
};
const resolver = (parameters: Record<string, string> = {}) => new TemplateResolver(template, { stackName: 'MyStack', region: 'us-east-1', parameters });

describe('TemplateResolver', () => {
  test('the reference image URI: account and region split out of the repository ARN', () => {
    const arn = { 'Fn::GetAtt': ['Repo', 'Arn'] };
    const uri = resolver().resolve({
      'Fn::Join': ['', [
        { 'Fn::Select': [4, { 'Fn::Split': [':', arn] }] }, '.dkr.ecr.', { 'Fn::Select': [3, { 'Fn::Split': [':', arn] }] },
        '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: 'Repo' }, ':', { Ref: 'Tag' },
      ]],
    });
    expect(uri).toMatch(new RegExp(`^${LOCAL_ACCOUNT}\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/mystack-repo-[0-9a-f]{8}:latest$`));
  });

  test('names: lowercase and stable for buckets, the given name when the template sets one', () => {
    const a = resolver().resolve({ Ref: 'Bucket' });
    expect(a).toBe(resolver().resolve({ Ref: 'Bucket' }));
    expect(a).toMatch(/^mystack-bucket-[0-9a-f]{8}$/);
    expect(resolver().resolve({ Ref: 'Named' })).toBe('my-fixed-name');
    expect(resolver().resolve({ 'Fn::GetAtt': ['Named', 'Arn'] })).toBe('arn:aws:s3:::my-fixed-name');
    expect(resolver().resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toMatch(new RegExp(`^arn:aws:iam::${LOCAL_ACCOUNT}:role/MyStack-Role-`));
    // A model's Ref is its ARN; its ModelName attribute its name.
    expect(resolver().resolve({ Ref: 'Model' })).toMatch(/^arn:aws:sagemaker:us-east-1:000000000000:model\//);
    expect(resolver().resolve({ 'Fn::GetAtt': ['Model', 'ModelName'] })).toMatch(/^MyStack-Model-/);
  });

  test('endpoint and endpoint config ARNs name them in lowercase, as SageMaker writes (and IAM matches) them', () => {
    const name = resolver().resolve({ 'Fn::GetAtt': ['Endpoint', 'EndpointName'] }) as string;
    expect(name).toMatch(/^MyStack-Endpoint-[0-9a-f]{8}$/);
    const arn = `arn:aws:sagemaker:us-east-1:${LOCAL_ACCOUNT}:endpoint/${name.toLowerCase()}`;
    expect([resolver().resolve({ Ref: 'Endpoint' }), resolver().resolve({ 'Fn::GetAtt': ['Endpoint', 'EndpointArn'] })]).toEqual([arn, arn]);
    const config = resolver().resolve({ 'Fn::GetAtt': ['Config', 'EndpointConfigName'] }) as string;
    expect(resolver().resolve({ Ref: 'Config' })).toBe(`arn:aws:sagemaker:us-east-1:${LOCAL_ACCOUNT}:endpoint-config/${config.toLowerCase()}`);
  });

  test('Fn::Sub, Fn::If, Fn::FindInMap and AWS::NoValue', () => {
    const r = resolver();
    expect(r.resolve({ 'Fn::Sub': '${AWS::AccountId}-${AWS::Region}-${Named.Arn}-${!Literal}' }))
      .toBe(`${LOCAL_ACCOUNT}-us-east-1-arn:aws:s3:::my-fixed-name-\${Literal}`);
    expect(r.resolve({ 'Fn::Sub': ['${X}/y', { X: { Ref: 'Named' } }] })).toBe('my-fixed-name/y');
    expect(r.resolve({ 'Fn::If': ['IsEast', 'east', 'west'] })).toBe('east');
    expect(r.resolve({ 'Fn::FindInMap': ['Registry', { Ref: 'AWS::Region' }, 'Account'] })).toBe('763104351884');
    expect(r.resolve({ a: 1, b: { Ref: 'AWS::NoValue' }, c: [1, { Ref: 'AWS::NoValue' }] })).toEqual({ a: 1, c: [1] });
  });

  test('stack parameters: given, else the default, else a marker the definition check names', () => {
    expect(resolver().resolve({ Ref: 'Tag' })).toBe('latest');
    expect(resolver({ Tag: 'dev' }).resolve({ Ref: 'Tag' })).toBe('dev');
    expect(resolver().resolve({ Ref: 'Arn' })).toBe(`${UNSET_PARAMETER_PREFIX}Arn}}`);
  });

  // Unknown references, bad indexes and unfillable intrinsics (here and below) are problems of the synthesized
  // template, not of a flag or setting the user gave: plain toThrow, outside the error catalogue.
  test('an unknown resource names itself and the stack', () => {
    expect(() => resolver().resolve({ Ref: 'Nope' })).toThrow('Ref Nope: stack MyStack has no resource or parameter Nope');
    expect(() => resolver().resolve({ 'Fn::GetAtt': ['Nope', 'Arn'] })).toThrow('Fn::GetAtt Nope.Arn: stack MyStack has no resource or parameter Nope');
  });

  test('a bad Fn::Select index shows the index and the list', () => {
    expect(() => resolver().resolve({ 'Fn::Select': [2, ['a', 'b']] })).toThrow('Fn::Select index 2 is outside the list ["a","b"]');
  });

  test('a mapping without the run\'s region says how to choose another', () => {
    const west = new TemplateResolver(template, { stackName: 'MyStack', region: 'eu-west-1' });
    expectError(() => west.resolve({ 'Fn::FindInMap': ['Registry', { Ref: 'AWS::Region' }, 'Account'] }),
      { construct: 'local-run', property: 'AWS_REGION', value: "'eu-west-1', a region the mapping lacks" },
      'Fn::FindInMap: mapping Registry has no eu-west-1.Account; the local run uses region eu-west-1 (set AWS_REGION to another)');
  });

  test('an intrinsic it cannot fill names itself and where it is', () => {
    expect(() => resolver().resolve({ a: { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] } })).toThrow('Fn::Cidr is not an intrinsic function local-run can fill (at a)');
  });
});
