import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EndpointMode, ModelEndpoint, ModelSource } from '../../src/endpoint';
import { CustomTrainingImage } from '../../src/image';

/** A stack with an image and an artifacts bucket, and a model source made of them. */
export function fixture(stackName = 'Test') {
  const stack = new Stack(new App(), stackName);
  const image = new CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
  const artifacts = s3.Bucket.fromBucketName(stack, 'Artifacts', 'artifacts-bucket');
  const model = ModelSource.fromImage(image, { bucket: artifacts, key: 'models/model.tar.gz' });
  return { stack, image, artifacts, model };
}

/** The one resource of `type`: logical id and body. */
export function only(stack: Stack, type: string): { id: string; body: any } {
  const found = Template.fromStack(stack).findResources(type);
  const ids = Object.keys(found);
  expect(ids).toHaveLength(1);
  return { id: ids[0], body: found[ids[0]] };
}

/** Flattens an `Fn::Join` with `${Ref}` / `${Id.Attr}` placeholders, to read JSON rendered with tokens. */
export function flatten(value: any): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value['Fn::Join']) {
    return value['Fn::Join'][1].map(flatten).join(value['Fn::Join'][0]);
  }
  if (value.Ref) {
    return `\${${value.Ref}}`;
  }
  if (value['Fn::GetAtt']) {
    return `\${${value['Fn::GetAtt'].join('.')}}`;
  }
  return JSON.stringify(value);
}

/** Builds an endpoint in a fresh stack with the given mode and extra props. */
export function buildEndpoint(mode: () => EndpointMode, extra: (f: ReturnType<typeof fixture>) => object = () => ({})): ModelEndpoint {
  const f = fixture();
  return new ModelEndpoint(f.stack, 'Endpoint', { model: f.model, mode: mode(), ...extra(f) });
}

/** A bucket of batch input in a fresh stack. */
export function inputBucket(): s3.IBucket {
  return s3.Bucket.fromBucketName(fixture().stack, 'B', 'input-bucket');
}

/**
 * The statements of a role's one policy, as [actions, resources flattened, the s3:prefix
 * condition flattened]: what a grant to the role added.
 */
export function roleStatementsOf(stack: Stack, role: iam.IRole): Array<[unknown, string[], unknown]> {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const policy = Object.values(policies).find((p: any) => JSON.stringify(p.Properties.Roles).includes(stack.resolve(role.roleName).Ref));
  return (policy as any).Properties.PolicyDocument.Statement.map((st: any) => [
    st.Action, [st.Resource].flat().map((r: any) => flatten(r)),
    st.Condition && { StringLike: { 's3:prefix': [st.Condition.StringLike['s3:prefix']].flat().map((p: any) => flatten(p)) } },
  ]);
}
