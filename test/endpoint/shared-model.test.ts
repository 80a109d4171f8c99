import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { fixture } from './util';
import { buildReferenceApp, ServingStack } from '../../examples/reference-app';
import { EndpointMode, ModelEndpoint, ModelSource } from '../../src/endpoint';
import { MAX_ENDPOINTS_PER_MODEL } from '../../src/endpoint/private/shared-model';
import { CustomTrainingImage } from '../../src/image';
import { expectNagClean } from '../nag';

const realtime = () => EndpointMode.realtime({ autoScaling: { maxCapacity: 4 } });

function count(stack: Stack, type: string): number {
  return Object.keys(Template.fromStack(stack).findResources(type)).length;
}

/** The logical id of the model each endpoint config of `stack` serves, by config. */
function modelsOfConfigs(stack: Stack): string[] {
  const configs = Template.fromStack(stack).findResources('AWS::SageMaker::EndpointConfig');
  return Object.values<any>(configs).map((config) => config.Properties.ProductionVariants[0].ModelName['Fn::GetAtt'][0]);
}

describe('endpoints of one stack that serve the same model share it (issue 15)', () => {
  test('the same ModelSource value: one model and one execution role for both endpoints', () => {
    const { stack, model } = fixture();
    const a = new ModelEndpoint(stack, 'A', { model, mode: realtime() });
    const b = new ModelEndpoint(stack, 'B', { model, mode: realtime() });
    expect(count(stack, 'AWS::SageMaker::Model')).toBe(1);
    expect(count(stack, 'AWS::IAM::Role')).toBe(1);
    expect(b.role).toBe(a.role);
    expect(b.modelName).toBe(a.modelName);
    // The first endpoint keeps its model and role under its own path (their logical ids do not change).
    expect(a.node.tryFindChild('Model')).toBeDefined();
    expect(b.node.tryFindChild('Model')).toBeUndefined();
    expect(b.node.tryFindChild('Role')).toBeUndefined();
    const [first, second] = modelsOfConfigs(stack);
    expect(second).toBe(first);
  });

  test('two ModelSource values of the same image and model data share too; another key does not', () => {
    const { stack, image, artifacts } = fixture();
    const source = (key: string) => ModelSource.fromImage(image, { bucket: artifacts, key });
    new ModelEndpoint(stack, 'A', { model: source('models/model.tar.gz'), mode: realtime() });
    new ModelEndpoint(stack, 'B', { model: source('models/model.tar.gz'), mode: realtime() });
    new ModelEndpoint(stack, 'C', { model: source('models/other.tar.gz'), mode: realtime() });
    expect(count(stack, 'AWS::SageMaker::Model')).toBe(2);
  });

  test('the same model package (a parameter\'s value) in realtime, asynchronous and batch: one model', () => {
    const { stack, image, artifacts } = fixture();
    const arn = new CfnParameter(stack, 'ModelPackageArn', { type: 'String' }).valueAsString;
    const source = () => ModelSource.fromModelPackage(arn, { image, artifactsBucket: artifacts });
    new ModelEndpoint(stack, 'Realtime', { model: source(), mode: realtime() });
    new ModelEndpoint(stack, 'Async', { model: source(), mode: EndpointMode.asynchronous() });
    new ModelEndpoint(stack, 'Batch', { model: source(), mode: EndpointMode.batch({ inputBucket: artifacts }) });
    expect(count(stack, 'AWS::SageMaker::Model')).toBe(1);
    // The one role holds what each endpoint needs: realtime's captures, the asynchronous bucket, the batch input.
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^RealtimeRole') }] },
    });
    const statements = JSON.stringify(Object.values<any>(policies)[0].Properties.PolicyDocument.Statement);
    expect(statements).toContain('/data-capture/Realtime/*');
    expect(statements).toContain('sns:Publish');
    expect(statements).toContain('cloudwatch:DescribeAlarms');
  });

  test.each([
    ['another environment', () => ({ environment: { LOG_LEVEL: 'debug' } })],
    ['another given role', (stack: Stack) => ({ role: iam.Role.fromRoleArn(stack, 'Given', 'arn:aws:iam::123456789012:role/given') })],
    ['network isolation turned off', () => ({ networkIsolation: false })],
  ])('%s: its own model', (_name, extra) => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'A', { model, mode: realtime() });
    new ModelEndpoint(stack, 'B', { model, mode: realtime(), ...extra(stack) });
    expect(count(stack, 'AWS::SageMaker::Model')).toBe(2);
  });

  test('the same given role: one model, and no role is created', () => {
    const { stack, model } = fixture();
    const role = iam.Role.fromRoleArn(stack, 'Given', 'arn:aws:iam::123456789012:role/given');
    new ModelEndpoint(stack, 'A', { model, mode: realtime(), role });
    new ModelEndpoint(stack, 'B', { model, mode: realtime(), role });
    expect(count(stack, 'AWS::SageMaker::Model')).toBe(1);
    expect(count(stack, 'AWS::IAM::Role')).toBe(0);
  });

  test('serverless (no network isolation) does not share with realtime; two serverless endpoints do', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'Realtime', { model, mode: realtime() });
    new ModelEndpoint(stack, 'Serverless', { model, mode: EndpointMode.serverless() });
    new ModelEndpoint(stack, 'Serverless2', { model, mode: EndpointMode.serverless() });
    expect(count(stack, 'AWS::SageMaker::Model')).toBe(2);
  });

  test('endpoints in a VPC keep their own model (and security group)', () => {
    const { stack, model } = fixture();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'],
    });
    new ModelEndpoint(stack, 'A', { model, mode: realtime(), vpc });
    new ModelEndpoint(stack, 'B', { model, mode: realtime(), vpc });
    expect(count(stack, 'AWS::SageMaker::Model')).toBe(2);
  });

  test('endpoints of two stacks do not share', () => {
    const app = new App();
    const images = new Stack(app, 'Images');
    const image = new CustomTrainingImage(images, 'Image', { imageTag: 'v1' });
    const bucket = s3.Bucket.fromBucketName(images, 'Artifacts', 'artifacts-bucket');
    const model = ModelSource.fromImage(image, { bucket, key: 'models/model.tar.gz' });
    const stacks = ['One', 'Two'].map((name) => new Stack(app, name));
    stacks.forEach((stack) => new ModelEndpoint(stack, 'A', { model, mode: realtime() }));
    expect(stacks.map((stack) => count(stack, 'AWS::SageMaker::Model'))).toEqual([1, 1]);
  });

  test('a shared model serves at most MAX_ENDPOINTS_PER_MODEL endpoints; the next one starts a new model', () => {
    const { stack, model } = fixture();
    for (let i = 0; i <= MAX_ENDPOINTS_PER_MODEL; i++) {
      new ModelEndpoint(stack, `E${i}`, { model, mode: realtime() });
    }
    expect(count(stack, 'AWS::SageMaker::Model')).toBe(2);
    expect(count(stack, 'AWS::IAM::Role')).toBe(2);
  });

  test('an endpoint that shares a model waits for the shared policy, which now holds its statements', () => {
    const { stack, model } = fixture();
    new ModelEndpoint(stack, 'A', { model, mode: realtime() });
    new ModelEndpoint(stack, 'B', { model, mode: realtime() });
    const template = Template.fromStack(stack).toJSON();
    const policyId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::IAM::Policy')!;
    const endpointB = Object.entries<any>(template.Resources)
      .find(([id, r]) => r.Type === 'AWS::SageMaker::Endpoint' && id.startsWith('B'))![1];
    expect(endpointB.DependsOn).toContain(policyId);
    const statements = JSON.stringify(template.Resources[policyId].Properties.PolicyDocument);
    expect(statements).toContain('/data-capture/A/*');
    expect(statements).toContain('/data-capture/B/*');
    expect(statements).toContain('-B-');
  });

  test('the reference app: realtime, asynchronous and batch serve one model; serverless (no network isolation) its own', () => {
    const serving = buildReferenceApp(new App()).find((stack): stack is ServingStack => stack instanceof ServingStack)!;
    expect(serving.asynchronous.modelName).toBe(serving.realtime.modelName);
    expect(serving.batch.modelName).toBe(serving.realtime.modelName);
    expect(serving.serverless.modelName).not.toBe(serving.realtime.modelName);
    expect(count(serving, 'AWS::SageMaker::Model')).toBe(2);
  });

  test('nag clean with endpoints of each mode sharing one model', () => {
    const { stack, model, artifacts } = fixture();
    new ModelEndpoint(stack, 'A', { model, mode: realtime() });
    new ModelEndpoint(stack, 'B', { model, mode: realtime() });
    new ModelEndpoint(stack, 'Async', { model, mode: EndpointMode.asynchronous() });
    new ModelEndpoint(stack, 'Batch', { model, mode: EndpointMode.batch({ inputBucket: artifacts }) });
    expectNagClean(stack);
  });
});

/**
 * The rendered text of a template value with the longest values its references can take:
 * IAM counts a role's inline policies as deployed (IAM User Guide, "IAM and AWS STS quotas":
 * role policy size 10,240 characters, whitespace not counted).
 */
function longest(value: any, stackName: string): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws-iso-b',
    'AWS::Region': 'ap-southeast-5',
    'AWS::AccountId': '123456789012',
    'AWS::URLSuffix': 'amazonaws.com.cn',
    'AWS::StackName': stackName,
  };
  // Physical names CloudFormation generates are at most these lengths (buckets 63, topic names 256,
  // KMS key ids 36); an ARN is that with the longest partition, region and account.
  const arn = (service: string, name: string) => `arn:aws-iso-b:${service}:ap-southeast-5:123456789012:${name}`;
  const render = (v: any): string => {
    if (typeof v === 'string') {
      return JSON.stringify(v).slice(1, -1);
    }
    if (Array.isArray(v)) {
      return `[${v.map((e) => `"${render(e)}"`).join(',')}]`;
    }
    if (v['Fn::Join']) {
      return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
    }
    if (v.Ref) {
      return pseudo[v.Ref] ?? (v.Ref.includes('Topic') ? arn('sns', 'x'.repeat(256)) : 'x'.repeat(63));
    }
    if (v['Fn::GetAtt']) {
      const [id, attribute] = v['Fn::GetAtt'];
      if (attribute !== 'Arn') {
        return 'x'.repeat(63);
      }
      return id.includes('Key') ? arn('kms', `key/${'x'.repeat(36)}`) : id.includes('Repository') ? arn('ecr', `repository/${'x'.repeat(256)}`)
        : `arn:aws-iso-b:s3:::${'x'.repeat(63)}`;
    }
    if (v['Fn::Select'] || v['Fn::Split']) {
      return 'x'.repeat(63);
    }
    return `{${Object.entries(v).map(([k, e]) => `"${k}":${typeof e === 'string' || (typeof e === 'object' && e && !Array.isArray(e) && Object.keys(e).length === 1 && /^(Ref|Fn::)/.test(Object.keys(e)[0])) ? `"${render(e)}"` : render(e)}`).join(',')}}`;
  };
  return render(value);
}

describe('the shared role\'s one policy stays within IAM\'s role policy size', () => {
  const stackName = 'S'.repeat(128);
  const id = (i: number) => `${'Endpoint'.repeat(7)}${i}`; // long construct ids: the longest alarm names
  test.each([
    ['realtime', () => realtime()],
    ['asynchronous', () => EndpointMode.asynchronous()],
    ['serverless', () => EndpointMode.serverless()],
    ['batch', (bucket: s3.IBucket) => EndpointMode.batch({ inputBucket: bucket, inputPrefix: `${'input/'.repeat(20)}` })],
  ] as Array<[string, (bucket: s3.IBucket) => EndpointMode]>)('%s: MAX_ENDPOINTS_PER_MODEL endpoints on one model', (_kind, mode) => {
    const stack = new Stack(new App(), 'Long', { stackName });
    const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
    const bucket = s3.Bucket.fromBucketName(stack, 'Artifacts', 'a'.repeat(63));
    const model = ModelSource.fromImage(image, { bucket, key: `${'models/'.repeat(30)}model.tar.gz` });
    for (let i = 0; i < MAX_ENDPOINTS_PER_MODEL; i++) {
      new ModelEndpoint(stack, id(i), { model, mode: mode(bucket) });
    }
    expect(count(stack, 'AWS::SageMaker::Model')).toBe(1);
    const template = Template.fromStack(stack).toJSON();
    const role = Object.keys(template.Resources).find((r) => template.Resources[r].Type === 'AWS::IAM::Role'
      && JSON.stringify(template.Resources[r].Properties.AssumeRolePolicyDocument).includes('sagemaker.amazonaws.com'))!;
    const policies = Object.values<any>(template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role));
    expect(policies).toHaveLength(1);
    const size = longest(policies[0].Properties.PolicyDocument, stackName).length;
    expect(size).toBeLessThan(10240);
  });
});
