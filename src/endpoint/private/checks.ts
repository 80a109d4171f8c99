import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  checkFinite, checkList, checkOptional, checkRequired, checkStruct, isBoolean, isBucket, isMap, isRole, isString, isTopic, show,
} from '../../image/private/input';
import { checkInteger } from '../../private/validate';
import { EndpointAlarmOptions } from '../alarm-options';
import { EndpointMode } from '../endpoint-mode';
import type { ModelEndpointProps } from '../model-endpoint';
import { ModelSource } from '../model-source';

/** SageMaker names of endpoints and variants (CreateEndpoint EndpointName, ProductionVariant VariantName). */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Checks an endpoint or variant name; `property` names the owner and the property. */
export function checkName(property: string, name: string): void {
  checkRequired(property, name, isString, 'a string', "'fraud-scoring'");
  if (!Token.isUnresolved(name) && !NAME.test(name)) {
    throw new Error(`${property} '${name}' is not a SageMaker name: 1-63 letters, digits and single hyphens, `
      + 'starting and ending with a letter or digit');
  }
}

/**
 * Everything a `ModelEndpoint` is given, checked before anything is built, for
 * every language's callers: required values present and of the right kind,
 * optional ones left out or of the right kind, and each value within
 * SageMaker's limits. What needs the mode's binding is checked there.
 */
export function checkModelEndpointProps(scope: Construct, props: ModelEndpointProps): void {
  checkStruct('modelEndpoint props', props, false, '{ model, mode }');
  checkRequired('modelEndpoint model', props.model, (v) => v instanceof ModelSource, 'a ModelSource',
    "ModelSource.fromImage(image, { bucket, key: 'models/model.tar.gz' })");
  checkRequired('modelEndpoint mode', props.mode, (v) => v instanceof EndpointMode, 'an EndpointMode', 'EndpointMode.realtime()');
  checkOptional('modelEndpoint environment', props.environment, isMap, 'a map of strings', "{ LOG_LEVEL: 'info' }");
  checkEnvironment(props.environment);
  checkOptional('modelEndpoint vpc', props.vpc, (v) => typeof v?.vpcId === 'string', 'an ec2.IVpc', 'ec2.Vpc.fromLookup(...)');
  checkOptional('modelEndpoint vpcSubnets', props.vpcSubnets, isMap, 'an ec2.SubnetSelection',
    '{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }');
  checkList('modelEndpoint securityGroups', props.securityGroups, (v) => typeof v?.securityGroupId === 'string',
    'ec2.ISecurityGroup', 'ec2.SecurityGroup.fromSecurityGroupId(...)');
  checkOptional('modelEndpoint networkIsolation', props.networkIsolation, isBoolean, 'true or false', 'false');
  checkOptional('modelEndpoint role', props.role, isRole, 'an iam.IRole', 'iam.Role.fromRoleArn(...)');
  if (props.endpointName !== undefined) {
    checkName('modelEndpoint endpointName', props.endpointName);
  }
  if (props.variantName !== undefined) {
    checkName('modelEndpoint variantName', props.variantName);
  }
  checkOptional('modelEndpoint serverAccessLogsBucket', props.serverAccessLogsBucket, isBucket, 'an s3.IBucket',
    "s3.Bucket.fromBucketName(this, 'Logs', 'access-logs')");
  checkAlarmOptions(props.alarms);
  if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
    throw new Error('modelEndpoint vpcSubnets or securityGroups is set without vpc: give the vpc they belong to, or drop them');
  }
  props.model._checkRegion(Stack.of(scope).region);
}

/**
 * CloudWatch PutMetricAlarm: EvaluationPeriods at least 1, and "for alarms with a period of less
 * than one hour, the total evaluation period can't be longer than one day": with the alarms'
 * one-minute period, at most 1440.
 */
function checkAlarmOptions(alarms: EndpointAlarmOptions | undefined): void {
  checkStruct('modelEndpoint alarms', alarms, true, '{ topic }');
  if (!alarms) {
    return;
  }
  checkOptional('modelEndpoint alarms enabled', alarms.enabled, isBoolean, 'true or false', 'false');
  checkFinite('modelEndpoint alarms invocation5XXErrorsThreshold', alarms.invocation5XXErrorsThreshold, '5');
  checkInteger('modelEndpoint alarms invocation5XXErrorsThreshold', alarms.invocation5XXErrorsThreshold, 1, Number.MAX_SAFE_INTEGER);
  checkFinite('modelEndpoint alarms evaluationPeriods', alarms.evaluationPeriods, '3');
  checkInteger('modelEndpoint alarms evaluationPeriods', alarms.evaluationPeriods, 1, 1440,
    'CloudWatch evaluates one-minute periods over at most one day');
  checkOptional('modelEndpoint alarms topic', alarms.topic, isTopic, 'an sns.ITopic', "sns.Topic.fromTopicArn(this, 'Alerts', arn)");
  // modelLatencyThreshold: checked where it becomes the threshold (alarms.ts), with its unit.
}

/**
 * ContainerDefinition Environment (SageMaker API reference, CreateModel): at most 100
 * entries; keys up to 1024 characters matching `[a-zA-Z_][a-zA-Z0-9_]*`; values up to
 * 1024 characters; all keys and values together at most 32 KB.
 */
export function checkEnvironment(environment?: { [name: string]: string }): void {
  const entries = Object.entries(environment ?? {});
  if (entries.length > 100) {
    throw new Error(`modelEndpoint environment has ${entries.length} variables: SageMaker accepts at most 100`);
  }
  let total = 0;
  for (const [name, value] of entries) {
    if (!Token.isUnresolved(name) && (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.length > 1024)) {
      throw new Error(`modelEndpoint environment variable name '${name}' is invalid: use letters, digits and _, not starting with a digit`);
    }
    if (typeof value !== 'string') {
      throw new Error(`modelEndpoint environment ${name} must be a string, got ${show(value)}: write numbers and flags as text, e.g. '4'`);
    }
    if (!Token.isUnresolved(value) && Buffer.byteLength(value) > 1024) {
      throw new Error(`modelEndpoint environment ${name} is ${Buffer.byteLength(value)} bytes long: SageMaker accepts at most 1024 `
        + 'per value; put larger configuration in the model data or S3');
    }
    total += Buffer.byteLength(name) + (Token.isUnresolved(value) ? 0 : Buffer.byteLength(value));
  }
  if (total > 32 * 1024) {
    throw new Error(`modelEndpoint environment is ${total} bytes in all: SageMaker accepts at most 32 KB of keys and values together; `
      + 'put larger configuration in the model data or S3');
  }
}

/**
 * A framework container whose code is an S3 URI downloads it itself at start-up, which
 * network isolation forbids (no outbound calls, no credentials).
 */
export function checkIsolatedEnvironment(networkIsolation: boolean, environment?: { [name: string]: string }): void {
  const submit = environment?.SAGEMAKER_SUBMIT_DIRECTORY;
  if (networkIsolation && submit !== undefined && !Token.isUnresolved(submit) && submit.startsWith('s3://')) {
    throw new Error(`modelEndpoint environment SAGEMAKER_SUBMIT_DIRECTORY is '${submit}', which the container downloads itself, but `
      + 'network isolation (on by default) forbids outbound calls: pack the code into the model data (code/ in model.tar.gz, '
      + "SAGEMAKER_SUBMIT_DIRECTORY '/opt/ml/model/code'), or set networkIsolation to false");
  }
}
