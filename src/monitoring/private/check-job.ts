import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { buildCheckStep } from './check-step';
import { MonitorContext } from './context';
import { IModelEndpoint } from '../../endpoint';
import { ISageMakerImage } from '../../image';
import { ConditionStep, PipelineCondition, PipelineParameter, PipelineStep, PipelineValue, ProcessingInstanceType } from '../../pipeline';
import { grantWithWildcard } from '../../private/grants';
import { grantObjectRead, grantPrefixRead, grantPrefixWrite } from '../../private/s3';
import { checkerAsset, defaultCheckerImage } from '../../training/private/baseline';
import { GroundTruthOptions } from '../options';

/** The endpoint's data capture, as `checkCapture` returns it. */
export type Capture = NonNullable<IModelEndpoint['dataCapture']>;

/** The props of the monitor the check step is built from. */
export interface CheckStepProps {
  readonly endpoint: IModelEndpoint;
  readonly groundTruth?: GroundTruthOptions;
  readonly image?: ISageMakerImage;
  readonly instanceType?: ProcessingInstanceType;
  readonly encryptionKey?: kms.IKey;
}

/** The check: with ground truth, a condition on whether the window has labels picks the step. */
export function checkStep(context: MonitorContext, props: CheckStepProps, role: iam.IRole, served: boolean, baselineUri: string,
  minRecords: number): PipelineStep {
  const parameter = (p: PipelineParameter) => context.pipeline.addParameter(p).value;
  const common = {
    image: (props.image ?? defaultCheckerImage()).bind(context.scope, role).imageUri,
    role,
    codeS3Uri: checkerCode(context, role),
    baselineUri: parameter(PipelineParameter.stringParameter('BaselineUri', served ? undefined : baselineUri, {
      description: 'S3 prefix of the baseline.json the traffic is compared against',
    })),
    captureUri: parameter(PipelineParameter.stringParameter('CaptureUri', undefined, { description: 'S3 prefix of the window\'s captures' })),
    windowStart: parameter(PipelineParameter.stringParameter('WindowStart', undefined, { description: 'ISO time the window starts' })),
    windowEnd: parameter(PipelineParameter.stringParameter('WindowEnd', undefined, { description: 'ISO time the window ends' })),
    minRecords,
    endpointName: props.endpoint.endpointName,
    namespace: context.metricNamespace,
    reportS3Uri: PipelineValue.join([PipelineValue.fromString(context.reportsS3Uri), PipelineValue.executionId()]),
    instanceType: props.instanceType,
    encryptionKey: props.encryptionKey,
  };
  if (!props.groundTruth) {
    return buildCheckStep({ ...common, name: 'CheckDrift', description: 'Checks the window\'s captures for drift' });
  }
  const labels = parameter(PipelineParameter.stringParameter('GroundTruthUri', undefined, { description: 'S3 prefix of the window\'s labels' }));
  const hasLabels = parameter(PipelineParameter.booleanParameter('HasGroundTruth', false, { description: 'whether the window has labels' }));
  return new ConditionStep({
    name: 'HasGroundTruth',
    description: 'Checks model quality too when the window has labels',
    conditions: [PipelineCondition.equalTo(hasLabels, PipelineValue.fromBoolean(true))],
    ifSteps: [buildCheckStep({
      ...common,
      name: 'CheckDriftAndQuality',
      description: 'Checks the window\'s captures for drift, and the model\'s quality on its labels',
      groundTruth: { uri: labels, problemType: props.groundTruth.problemType },
    })],
    elseSteps: [buildCheckStep({ ...common, name: 'CheckDrift', description: 'Checks the window\'s captures for drift (no labels yet)' })],
  });
}

/** The checker's code asset (in the monitor), readable by the job's role. */
function checkerCode(context: MonitorContext, role: iam.IRole): string {
  const asset = checkerAsset(context.scope);
  grantObjectRead(role, asset.bucket, asset.s3ObjectKey);
  return asset.s3ObjectUrl;
}

/** The job reads captures (decrypting them) and labels, writes reports and publishes metrics in the monitor's namespace only. */
export function grantJobData(context: MonitorContext, role: iam.IRole, endpoint: IModelEndpoint, reportsPrefix: string): void {
  endpoint.grantReadDataCapture(role);
  if (context.groundTruth) {
    grantPrefixRead(role, context.groundTruth.bucket, context.groundTruth.prefix, { reason: 'labels are filed under yyyy/mm/dd/hh/ by their writers' });
  }
  grantPrefixWrite(role, context.bucket, reportsPrefix, { reason: 'each run writes its report under reports/<execution id>/' });
  grantPutMetricData(context, role);
}

/** Grants publishing metrics in the monitor's namespace only. */
export function grantPutMetricData(context: MonitorContext, grantee: iam.IGrantable): iam.Grant {
  return grantWithWildcard(grantee, {
    actions: ['cloudwatch:PutMetricData'],
    resourceArns: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': context.metricNamespace } },
    reason: `cloudwatch:PutMetricData has no resource-level permissions; the cloudwatch:namespace condition limits it to ${context.metricNamespace}`,
  });
}
