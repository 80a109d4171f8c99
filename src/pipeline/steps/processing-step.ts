import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { grantJobType } from './grants';
import { JobStep, JobStepOptions } from './job';
import { ProcessingJobOptions } from '../jobs/processing-job';
import { checkJsonPath, checkPipelineName } from '../private/checks';
import { grantPassJobRole, requestOf } from '../private/job-step';
import { renderProcessingJob } from '../private/processing-job';
import { checkProcessingJobOptions, checkPropertyFiles } from '../private/props';
import { PipelineValue } from '../values';

/**
 * A JSON file that a processing step writes to one of its outputs, for later
 * steps to read with `Std:JsonGet`.
 */
export interface PropertyFile {
  /** The file's name in the definition: 1 to 64 letters, digits, `-` or `_`. */
  readonly name: string;
  /** The `OutputName` of the processing output that holds the file. */
  readonly outputName: string;
  /** The file's path relative to that output's local path, e.g. `evaluation.json`. */
  readonly filePath: string;
}

/**
 * What a processing step takes: the typed job, or its raw request.
 */
export interface ProcessingStepProps extends JobStepOptions {
  /**
   * The processing job.
   *
   * @default - `arguments` must be given
   */
  readonly job?: ProcessingJobOptions;

  /**
   * Escape hatch: the raw `CreateProcessingJob` request (PascalCase, without
   * `ProcessingJobName`), for fields `job` does not cover. Raw JSON on purpose.
   *
   * @default - rendered from `job`
   */
  readonly arguments?: { [key: string]: any };

  /**
   * JSON files the job writes, for later steps to read.
   *
   * @default - none
   */
  readonly propertyFiles?: PropertyFile[];
}

/**
 * A processing job (`CreateProcessingJob`), optionally with property files.
 * Added to a pipeline, it grants the execution role `CreateProcessingJob`,
 * `DescribeProcessingJob`, `StopProcessingJob` and `AddTags` on the
 * processing jobs of the account and region.
 *
 * @example
 * declare const role: iam.IRole;
 * const evaluate = new ProcessingStep({
 *   name: 'Evaluate',
 *   job: {
 *     image: PipelineValue.fromString('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1'),
 *     role,
 *     entrypoint: ['evaluate'],
 *     outputs: [{ outputName: 'evaluation', s3Uri: PipelineValue.fromString('s3://bucket/eval'), localPath: '/opt/ml/processing/evaluation' }],
 *   },
 *   propertyFiles: [{ name: 'Evaluation', outputName: 'evaluation', filePath: 'evaluation.json' }],
 * });
 * const mse = evaluate.jsonGet('Evaluation', 'regression_metrics.mse.value');
 */
export class ProcessingStep extends JobStep {
  /** The property files the job writes. */
  public readonly propertyFiles: PropertyFile[];

  private readonly jobRole?: iam.IRole;

  constructor(props: ProcessingStepProps) {
    super('Processing', props, requestOf('processingStep', props, "{ name: 'Evaluate', job: { image, role } }",
      checkProcessingJobOptions, renderProcessingJob));
    checkPropertyFiles('processingStep', props.propertyFiles);
    this.jobRole = props.job?.role;
    this.propertyFiles = props.propertyFiles ?? [];
    const seen = new Set<string>();
    for (const file of this.propertyFiles) {
      checkPipelineName('property file', file.name);
      if (seen.has(file.name)) {
        throw new Error(`processingStep '${props.name}' propertyFiles name '${file.name}' is used twice: give each file its own name`);
      }
      seen.add(file.name);
      if (!file.outputName || !file.filePath) {
        const missing = [!file.outputName ? 'outputName' : undefined, !file.filePath ? 'filePath' : undefined].filter(Boolean).join(' and ');
        throw new Error(`processingStep '${props.name}' propertyFiles '${file.name}' has no ${missing}: `
          + 'give the OutputName of the output that holds the file and its path inside that output');
      }
    }
  }

  public get propertyFileNames(): string[] {
    return this.propertyFiles.map((f) => f.name);
  }

  /**
   * A value read from one of this step's property files (`Std:JsonGet`).
   *
   * @param propertyFileName the name of a property file of this step
   * @param path a JSON path into the file, e.g. `regression_metrics.mse.value`
   */
  public jsonGet(propertyFileName: string, path: string): PipelineValue {
    if (!this.propertyFileNames.includes(propertyFileName)) {
      const known = this.propertyFileNames.length > 0 ? this.propertyFileNames.join(', ') : 'none';
      throw new Error(`processingStep '${this.name}' has no property file '${propertyFileName}' (it has: ${known}): `
        + 'declare it in propertyFiles');
    }
    checkJsonPath(path);
    return PipelineValue.jsonGet(this.name, propertyFileName, path);
  }

  /**
   * The S3 URI of one of the job's outputs.
   *
   * @param outputName the `OutputName` of the output
   */
  public outputS3Uri(outputName: string): PipelineValue {
    return this.property(`ProcessingOutputConfig.Outputs['${outputName}'].S3Output.S3Uri`);
  }

  public bind(scope: IConstruct, executionRole: iam.IGrantable): void {
    grantJobType(scope, executionRole, 'processing-job',
      ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob']);
    grantPassJobRole(this.jobRole, executionRole);
  }

  protected renderExtra(): { [key: string]: any } {
    return {
      ...super.renderExtra(),
      ...(this.propertyFiles.length > 0 ? {
        PropertyFiles: this.propertyFiles.map((f) => ({ PropertyFileName: f.name, OutputName: f.outputName, FilePath: f.filePath })),
      } : {}),
    };
  }
}
