import { ArnFormat, CfnResource, Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { HostedEndpoint } from './endpoints';
import { hashLogicalId } from './hash';
import { Hosting } from './mode';
import { ISageMakerPipeline } from '../../pipeline';
import { createDataBucket } from '../../private/buckets';
import { addCheckovSkip, addComplianceSuppression } from '../../private/nag';
import { PublishedName } from '../../private/outputs';
import { sortedMap } from '../../private/validate';
import { renderVpcConfig } from '../../private/vpc';
import { EndpointModeKind } from '../endpoint-mode';
import type { ModelEndpointProps } from '../model-endpoint';
import { DataCaptureLocation, IModelEndpoint } from '../model-endpoint-base';
import { ModelSource } from '../model-source';

/** The production variant's name unless one is given. */
export const DEFAULT_VARIANT = 'AllTraffic';

/** Where captures go in their bucket unless a prefix is given. */
export const DEFAULT_CAPTURE_PREFIX = 'data-capture';

/** Where the captures of an endpoint's variant go. */
export function captureLocation(
  bucket: s3.IBucket, prefix: string, endpointName: string, variantName: string, encryptionKey?: kms.IKey,
): DataCaptureLocation {
  return { bucket, prefix, variantPrefix: `${prefix}/${endpointName}/${variantName}/`, ...(encryptionKey ? { encryptionKey } : {}) };
}

/** The model of a `ModelEndpoint` (`scope`), run with `role`. */
export function createModel(
  scope: Construct,
  role: iam.IRole,
  props: ModelEndpointProps,
  source: ReturnType<ModelSource['bind']>,
  networkIsolation: boolean,
): sagemaker.CfnModel {
  let vpcConfig: sagemaker.CfnModel.VpcConfigProperty | undefined;
  if (props.vpc) {
    const { config } = renderVpcConfig(scope, role, {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      securityGroupDescription: `Network interfaces of the SageMaker model of ${scope.node.path}`,
    });
    vpcConfig = { subnets: config.Subnets, securityGroupIds: config.SecurityGroupIds };
  }
  const modelProps: sagemaker.CfnModelProps = {
    executionRoleArn: role.roleArn,
    primaryContainer: {
      modelPackageName: source.modelPackageName,
      image: source.imageUri,
      modelDataUrl: source.modelDataUrl,
      environment: sortedMap(props.environment),
      mode: 'SingleModel',
    },
    vpcConfig,
    // No outbound calls and no credentials in the container; SageMaker still fetches the image and
    // model data with the execution role (Developer Guide, "Run Training and Inference Containers
    // in Internet-Free Mode"; CreateModel EnableNetworkIsolation). Rendered only when on.
    enableNetworkIsolation: networkIsolation ? true : undefined,
  };
  const model = new sagemaker.CfnModel(scope, 'Model', modelProps);
  hashLogicalId(model, modelProps);
  // What the library turned off is explained to checkov; an explicit networkIsolation: false stays a finding.
  if (!networkIsolation && props.networkIsolation === undefined) {
    addCheckovSkip(model, 'CKV_AWS_370', props.mode._supportsNetworkIsolation
      ? 'the model runs in a VPC, which is given so that the container reaches private resources: network isolation is off'
      : 'serverless inference does not support network isolation (SageMaker Developer Guide, Serverless Inference, feature exclusions)');
  }
  return model;
}

/** What the endpoint of a `ModelEndpoint` is rendered from. */
export interface EndpointSpec {
  readonly hosting: Hosting;
  readonly modelName: string;
  readonly modeKind: EndpointModeKind;
  readonly variantName: string;
  readonly endpointName?: string;
}

/** Renders what the mode bound in `scope` (the `ModelEndpoint`): the endpoint config, then the endpoint. */
export function createEndpoint(scope: Construct, spec: EndpointSpec): HostedEndpoint {
  const { hosting, variantName } = spec;
  const configProps: sagemaker.CfnEndpointConfigProps = {
    productionVariants: [{ ...hosting.variant, modelName: spec.modelName, variantName }],
    dataCaptureConfig: hosting.dataCapture?.config,
    asyncInferenceConfig: hosting.asyncInferenceConfig,
    kmsKeyId: hosting.kmsKeyId,
  };
  const config = new sagemaker.CfnEndpointConfig(scope, 'Config', configProps);
  hashLogicalId(config, configProps);
  if (!hosting.kmsKeyId) {
    // KmsKeyId encrypts "the storage volume attached to the ML compute instance that hosts the endpoint"
    // (CreateEndpointConfig); without a key SageMaker encrypts it with an AWS managed key.
    addComplianceSuppression(config, 'SageMakerEndpointConfigurationKMSKeyConfigured', spec.modeKind === EndpointModeKind.SERVERLESS
      ? 'KmsKeyId encrypts the storage volume of the instances that host an endpoint; a serverless endpoint has no instances or '
        + 'volumes of its own, and EndpointMode.serverless offers no key'
      : 'the instances\' storage volumes are encrypted with an AWS managed key; give the mode\'s volumeEncryptionKey for a '
        + 'customer managed key (not on instance types with local NVMe storage, whose volumes the instance encrypts itself)');
  }
  const resource = new sagemaker.CfnEndpoint(scope, 'Resource', {
    endpointConfigName: config.attrEndpointConfigName,
    endpointName: spec.endpointName,
    deploymentConfig: hosting.deploymentConfig,
    retainAllVariantProperties: hosting.retainAllVariantProperties,
  });
  const capture = hosting.dataCapture?.target;
  return new HostedEndpoint(scope, 'Endpoint', {
    endpointName: resource.attrEndpointName,
    endpointArn: resource.attrEndpointArn,
    variantName,
    dataCapture: capture ? captureLocation(capture.bucket, capture.prefix, resource.attrEndpointName, variantName, capture.encryptionKey) : undefined,
    invokeActions: hosting.invokeActions,
    asyncTarget: hosting.asyncTarget,
  });
}

/**
 * The deployment guardrails read the rollback alarms: "Ensure that your IAM execution role has
 * permission to perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms you
 * specify" (Developer Guide, "Auto-Rollback Configuration and Monitoring"). Granted on the alarms
 * by name, so no alarm resource is referenced (the model waits for this policy).
 */
export function grantDescribeRollbackAlarms(scope: Construct, role: iam.IRole, hosting: Hosting): void {
  // renderDeployment renders the rollback alarms as plain objects, never tokens.
  const rollback = hosting.deploymentConfig?.autoRollbackConfiguration as sagemaker.CfnEndpoint.AutoRollbackConfigProperty | undefined;
  const alarms = (rollback?.alarms ?? []) as sagemaker.CfnEndpoint.AlarmProperty[];
  if (alarms.length === 0) {
    return;
  }
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:DescribeAlarms'],
    resources: alarms.map((alarm) => Stack.of(scope).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: alarm.alarmName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })),
  }));
}

/** A data bucket of the `ModelEndpoint` `scope` (asynchronous requests and responses, captures). */
export function createEndpointDataBucket(scope: Construct, id: string, serverAccessLogsBucket?: s3.IBucket, encryptionKey?: kms.IKey): s3.IBucket {
  return createDataBucket(scope, id, {
    encryptionKey,
    serverAccessLogsBucket,
    serverAccessLogsPrefix: `${Names.uniqueResourceName(scope, { maxLength: 200 })}/${id}/`,
    withoutAccessLogsReason: 'server access logs are opt-in through ModelEndpoint serverAccessLogsBucket; only the SageMaker '
      + 'execution role and explicitly granted callers reach this bucket (TLS only, public access blocked)',
  });
}

/**
 * Makes the model wait for the role's policies (a reference to the role only
 * waits for the role itself): CreateModel checks that the role can pull the
 * image, and a transform or endpoint reads the data with it.
 */
export function dependOnRolePolicies(role: iam.IRole, model: CfnResource): void {
  const policies = Construct.isConstruct(role) ? role.node.findAll().filter((c) => c instanceof iam.CfnPolicy) : [];
  policies.forEach((policy) => model.node.addDependency(policy));
}

/** What a `ModelEndpoint` publishes names of. */
export interface PublishedParts {
  readonly path: string;
  readonly endpoint?: IModelEndpoint;
  readonly asyncBucket?: s3.IBucket;
  readonly asyncPrefixes?: { readonly input: string; readonly output: string; readonly failure: string };
  readonly transformPipeline?: ISageMakerPipeline;
  readonly batchLocations?: { readonly input: string; readonly output: string };
}

/** The names `ModelEndpoint.publishNames` publishes, in their order. */
export function publishedNames(parts: PublishedParts): PublishedName[] {
  const path = parts.path;
  const names: PublishedName[] = [];
  if (parts.endpoint) {
    names.push({ name: 'EndpointName', value: parts.endpoint.endpointName, description: `The SageMaker endpoint of ${path}` });
    const capture = parts.endpoint.dataCapture;
    if (capture) {
      names.push({
        name: 'DataCaptureLocation',
        value: capture.bucket.s3UrlForObject(capture.variantPrefix),
        description: `Where SageMaker writes the captured requests and responses of ${path} (yyyy/mm/dd/hh/*.jsonl below it)`,
      });
    }
  }
  const bucket = parts.asyncBucket;
  const prefixes = parts.asyncPrefixes;
  if (bucket && prefixes) {
    names.push(
      { name: 'AsyncInputLocation', value: bucket.s3UrlForObject(`${prefixes.input}/`), description: `Where callers upload asynchronous requests to ${path}` },
      { name: 'AsyncOutputLocation', value: bucket.s3UrlForObject(`${prefixes.output}/`), description: `Where ${path} writes asynchronous responses` },
      { name: 'AsyncFailureLocation', value: bucket.s3UrlForObject(`${prefixes.failure}/`), description: `Where ${path} writes failed asynchronous requests` },
    );
  }
  if (parts.transformPipeline && parts.batchLocations) {
    names.push(
      { name: 'TransformPipelineName', value: parts.transformPipeline.pipelineName, description: `The SageMaker pipeline that runs the batch transform of ${path}` },
      { name: 'BatchInputLocation', value: parts.batchLocations.input, description: `What the batch transform of ${path} scores (its InputS3Uri default)` },
      { name: 'BatchOutputLocation', value: parts.batchLocations.output, description: `Where the batch transform of ${path} writes (its OutputS3Uri default)` },
    );
  }
  return names;
}
