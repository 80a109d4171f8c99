import { Token } from 'aws-cdk-lib';

/**
 * SageMaker reads model data, batch input and asynchronous requests from S3 in the region of
 * the model ("the S3 bucket must be in the same region as the model": CreateModel
 * ModelDataUrl, CreateTransformJob S3Uri). Checked when both regions are known.
 */
export function checkSameRegion(what: string, bucketRegion: string | undefined, stackRegion: string): void {
  if (bucketRegion === undefined || Token.isUnresolved(bucketRegion) || Token.isUnresolved(stackRegion) || bucketRegion === '') {
    return;
  }
  if (bucketRegion !== stackRegion) {
    throw new Error(`${what} is in region '${bucketRegion}' but the endpoint's stack is in '${stackRegion}': SageMaker reads S3 `
      + 'in its own region only; copy the data to a bucket in the stack\'s region, or deploy the stack there');
  }
}
