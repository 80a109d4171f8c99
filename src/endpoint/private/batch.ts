import { Size, Stack, Token } from 'aws-cdk-lib';
import { OBJECTS_ONLY } from './grants';
import { EndpointModeImpl, ModeBinding, ModeContext } from './mode';
import { checkSameRegion } from './region';
import { rejectForeign } from './reject';
import { checkInstanceType } from './variant';
import { checkOptional, checkRequired, checkStruct, isBoolean, isBucket, isKey, isNumber, isString, isTopic, show, wholeSize } from '../../image/private/input';
import { PipelineParameter, SageMakerPipeline, TransformStep } from '../../pipeline';
import { InferenceInstanceType } from '../../pipeline/instance-type';
import { grantKeyEncrypt, grantPrefixList, grantPrefixRead, grantPrefixWrite } from '../../private/s3';
import { checkInteger, keyPrefix } from '../../private/validate';
import { BatchModeOptions, TransformBatchStrategy, TransformSplitType } from '../batch';

/** The pipeline parameters of a transform runner. */
export const INPUT_PARAMETER = 'InputS3Uri';
export const OUTPUT_PARAMETER = 'OutputS3Uri';

/**
 * The batch mode: the model plus a SageMaker Pipeline with one Transform step
 * (CloudFormation has no transform job resource).
 *
 * Limits: MaxPayloadInMB 0–100 (SageMaker API reference, CreateTransformJob).
 */
export class BatchMode implements EndpointModeImpl {
  public readonly supportsNetworkIsolation = true;
  private readonly instanceType: InferenceInstanceType;
  private readonly instanceCount: number;
  private readonly maxPayloadInMb: number;
  private readonly inputPrefix: string;
  private readonly outputPrefix: string;

  constructor(private readonly options: BatchModeOptions) {
    const what = 'endpointMode.batch';
    checkStruct(`${what} options`, options, false, '{ inputBucket }');
    rejectForeign('batch', options, ['initialInstanceCount', 'autoScaling', 'dataCapture', 'deployment', 'memorySizeMiB', 'maxConcurrency']);
    if (options.inputBucket === undefined || options.inputBucket === null) {
      throw new Error(`${what} inputBucket is required${options.inputBucket === null ? ', got null' : ''}: give the bucket whose objects the transform scores`);
    }
    checkRequired(`${what} inputBucket`, options.inputBucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Input', 'input')");
    checkOptional(`${what} outputBucket`, options.outputBucket, isBucket, 'an s3.IBucket', "s3.Bucket.fromBucketName(this, 'Output', 'output')");
    for (const key of ['inputPrefix', 'outputPrefix', 'contentType', 'accept'] as const) {
      checkOptional(`${what} ${key}`, options[key], isString, 'a string', key.endsWith('Prefix') ? "'batch-input'" : "'text/csv'");
      const value = options[key];
      // TransformInput ContentType, TransformOutput Accept: at most 256 characters (CreateTransformJob).
      if (!key.endsWith('Prefix') && value !== undefined && !Token.isUnresolved(value) && (value.length > 256 || value === '')) {
        throw new Error(`${what} ${key} must be a MIME type of 1 to 256 characters, got ${show(value)}: e.g. 'text/csv'`);
      }
    }
    checkOptional(`${what} outputEncryptionKey`, options.outputEncryptionKey, isKey, 'a kms.IKey', "new kms.Key(this, 'OutputKey')");
    checkOptional(`${what} volumeEncryptionKey`, options.volumeEncryptionKey, isKey, 'a kms.IKey', "new kms.Key(this, 'VolumeKey')");
    checkInstanceType(`${what} instanceType`, options.instanceType);
    checkEnum(`${what} splitType`, options.splitType, Object.values(TransformSplitType), 'TransformSplitType.LINE');
    checkEnum(`${what} batchStrategy`, options.batchStrategy, Object.values(TransformBatchStrategy), 'TransformBatchStrategy.MULTI_RECORD');
    checkOptional(`${what} instanceCount`, options.instanceCount, isNumber, 'a number', '2');
    checkOptional(`${what} maxConcurrentTransforms`, options.maxConcurrentTransforms, isNumber, 'a number', '4');
    checkOptional(`${what} joinSource`, options.joinSource, isBoolean, 'true or false', 'true');
    checkOptional(`${what} runOnNewInput`, options.runOnNewInput, isBoolean, 'true or false', 'true');
    checkOptional(`${what} schedule`, options.schedule, (v) => typeof v?.expressionString === 'string', 'a scheduler.ScheduleExpression',
      "ScheduleExpression.cron({ hour: '2', minute: '0' })");
    checkOptional(`${what} failureTopic`, options.failureTopic, isTopic, 'an sns.ITopic', "new sns.Topic(this, 'BatchFailures')");
    this.instanceType = options.instanceType ?? InferenceInstanceType.ML_M5_LARGE;
    this.instanceCount = options.instanceCount ?? 1;
    checkInteger(`${what} instanceCount`, this.instanceCount, 1, Number.MAX_SAFE_INTEGER);
    checkInteger(`${what} maxConcurrentTransforms`, options.maxConcurrentTransforms, 0, Number.MAX_SAFE_INTEGER);
    this.maxPayloadInMb = wholeSize(`${what} maxPayload`, options.maxPayload ?? Size.mebibytes(6), 'mebibytes')!;
    checkInteger(`${what} maxPayload (MB)`, this.maxPayloadInMb, 0, 100);
    // CreateTransformJob MaxPayloadInMB: "If you specify the MaxConcurrentTransforms parameter, the value of
    // (MaxConcurrentTransforms * MaxPayloadInMB) also cannot exceed 100 MB."
    const concurrent = options.maxConcurrentTransforms;
    if (concurrent !== undefined && !Token.isUnresolved(concurrent) && !Token.isUnresolved(this.maxPayloadInMb)
      && concurrent * this.maxPayloadInMb > 100) {
      throw new Error(`${what} maxConcurrentTransforms (${concurrent}) times maxPayload (${this.maxPayloadInMb} MB) is `
        + `${concurrent * this.maxPayloadInMb} MB: SageMaker allows at most 100 MB; lower maxConcurrentTransforms or maxPayload`);
    }
    const split = options.splitType ?? TransformSplitType.LINE;
    const strategy = options.batchStrategy ?? TransformBatchStrategy.MULTI_RECORD;
    if (strategy === TransformBatchStrategy.MULTI_RECORD && split === TransformSplitType.NONE) {
      throw new Error('endpointMode.batch batchStrategy is MULTI_RECORD but splitType is NONE: there are no records to batch; '
        + 'set splitType (e.g. TransformSplitType.LINE) or use TransformBatchStrategy.SINGLE_RECORD');
    }
    if (this.maxPayloadInMb === 0 && split !== TransformSplitType.NONE) {
      throw new Error('endpointMode.batch maxPayload is 0 (streaming) but splitType is not NONE: SageMaker streams whole files only; '
        + 'give a maxPayload, or splitType TransformSplitType.NONE');
    }
    this.inputPrefix = prefix('inputPrefix', options.inputPrefix ?? 'batch-input');
    this.outputPrefix = prefix('outputPrefix', options.outputPrefix ?? 'batch-output');
  }

  public bind(ctx: ModeContext): ModeBinding {
    if (ctx.endpointPropsGiven.length > 0) {
      throw new Error(`modelEndpoint ${ctx.endpointPropsGiven.join(', ')} is set with EndpointMode.batch, which creates no endpoint: `
        + 'drop them (the transform pipeline publishes failed runs to its failure topic)');
    }
    const region = Stack.of(ctx.scope).region;
    checkSameRegion('endpointMode.batch inputBucket', this.options.inputBucket.env.region, region);
    checkSameRegion('endpointMode.batch outputBucket', this.options.outputBucket?.env.region, region);
    const output = this.options.outputBucket ?? this.options.inputBucket;
    return {
      logsResource: 'TransformJobs',
      transformPipeline: this.createRunner(ctx),
      batchLocations: {
        input: this.options.inputBucket.s3UrlForObject(`${this.inputPrefix}/`),
        output: output.s3UrlForObject(`${this.outputPrefix}/`),
      },
    };
  }

  /** Grants the model's role the data, and creates the pipeline that runs the transform. */
  private createRunner(ctx: ModeContext): SageMakerPipeline {
    const options = this.options;
    const input = options.inputBucket;
    const output = options.outputBucket ?? input;
    const why = (p: string) => `a batch transform reads every input object and writes one output object per input under ${p}/, named at run time`;
    // A transform job reads and writes S3 with the model's execution role.
    grantPrefixRead(ctx.role, input, `${this.inputPrefix}/`, { ...OBJECTS_ONLY, reason: why(this.inputPrefix) });
    // The transform lists the input prefix; its S3 URI may name the prefix without the trailing '/'.
    grantPrefixList(ctx.role, input, [`${this.inputPrefix}/*`, this.inputPrefix]);
    grantPrefixWrite(ctx.role, output, `${this.outputPrefix}/`, { ...OBJECTS_ONLY, reason: why(this.outputPrefix) });
    if (options.outputEncryptionKey) {
      grantKeyEncrypt(ctx.role, options.outputEncryptionKey);
    }

    const inputUri = PipelineParameter.stringParameter(INPUT_PARAMETER, input.s3UrlForObject(this.inputPrefix), {
      description: 'The S3 prefix (or manifest) to score',
    });
    const outputUri = PipelineParameter.stringParameter(OUTPUT_PARAMETER, output.s3UrlForObject(this.outputPrefix), {
      description: 'The S3 prefix the predictions go to',
    });
    const split = options.splitType ?? TransformSplitType.LINE;
    const transform = new TransformStep({
      name: 'Transform',
      description: `Batch transform with the model of ${ctx.scope.node.path}`,
      arguments: {
        ModelName: ctx.modelName,
        BatchStrategy: options.batchStrategy ?? TransformBatchStrategy.MULTI_RECORD,
        MaxPayloadInMB: this.maxPayloadInMb,
        MaxConcurrentTransforms: options.maxConcurrentTransforms,
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: inputUri.value } },
          ContentType: options.contentType ?? 'text/csv',
          SplitType: split,
        },
        TransformOutput: {
          S3OutputPath: outputUri.value,
          Accept: options.accept,
          AssembleWith: split === TransformSplitType.LINE ? 'Line' : 'None',
          KmsKeyId: options.outputEncryptionKey?.keyArn,
        },
        TransformResources: {
          InstanceType: this.instanceType.name,
          InstanceCount: this.instanceCount,
          VolumeKmsKeyId: options.volumeEncryptionKey?.keyArn,
        },
        DataProcessing: options.joinSource ? { JoinSource: 'Input' } : undefined,
      },
    });
    const pipeline = new SageMakerPipeline(ctx.scope, 'TransformPipeline', {
      description: `Batch transform of ${ctx.scope.node.path}: scores ${INPUT_PARAMETER} into ${OUTPUT_PARAMETER}`,
      parameters: [inputUri, outputUri],
      steps: [transform],
      triggers: {
        schedule: options.schedule,
        newData: options.runOnNewInput ? { bucket: input, prefix: `${this.inputPrefix}/` } : undefined,
      },
      notifications: { notifyOnFailure: true, failureTopic: options.failureTopic },
    });
    if (options.volumeEncryptionKey) {
      // The pipeline's role creates the job, whose volumes use this key.
      options.volumeEncryptionKey.grant(pipeline.role, 'kms:CreateGrant', 'kms:DescribeKey');
    }
    return pipeline;
  }
}

/** A value of a string enum, as plain JavaScript callers may misspell it. */
function checkEnum(what: string, value: string | undefined, allowed: string[], example: string): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new Error(`${what} must be one of ${allowed.join(', ')}, got ${show(value)}: give e.g. ${example}`);
  }
}

function prefix(property: string, value: string): string {
  return keyPrefix(`endpointMode.batch ${property}`, value, 'batch-input');
}

