import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { ProcessingJobInput, PipelineValue } from '../../pipeline';
import { grantPrefixRead } from '../../private/s3';

/** The channel the SageMaker Python SDK uses for script-mode code (`Framework.CONTAINER_CODE_CHANNEL_SOURCEDIR_PATH`). */
export const CODE_CHANNEL = 'code';
/** Where the SageMaker Python SDK's ScriptProcessor mounts the script (`ScriptProcessor._CODE_CONTAINER_BASE_PATH`). */
const PROCESSING_CODE = '/opt/ml/processing/input/code';

/** A script uploaded as an S3 asset, mounted in a processing job as the input `code`, and the command that runs it. */
export interface ScriptInput {
  readonly input: ProcessingJobInput;
  readonly entrypoint: string[];
}

export function scriptInput(scope: Construct, id: string, property: string, file: string, interpreter: string[], role: iam.IGrantable): ScriptInput {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new Error(`${property} '${file}' is not a file: give the local path of the script, relative to the app's working directory or absolute`);
  }
  const asset = new s3assets.Asset(scope, id, { path: file });
  grantPrefixRead(role, asset.bucket, asset.s3ObjectKey, {
    reason: 'the processing job lists and reads the script by its key (an S3Prefix input of one object)',
  });
  // An input of one object lands under its own name (the asset key) in the local path.
  const name = Token.isUnresolved(asset.s3ObjectKey) ? asset.s3ObjectKey : path.posix.basename(asset.s3ObjectKey);
  return {
    input: { inputName: 'code', s3Uri: PipelineValue.fromString(`s3://${asset.s3BucketName}/${asset.s3ObjectKey}`), localPath: PROCESSING_CODE },
    entrypoint: [...interpreter, `${PROCESSING_CODE}/${name}`],
  };
}
