import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EndpointMode, ModelEndpoint, ModelSource } from '../../src/endpoint';
import { ModelMonitor, ModelMonitorProps, MonitorBaseline } from '../../src/monitoring';
import { SageMakerPipeline } from '../../src/pipeline';

/** A stack with a realtime endpoint (capture on), a baselines bucket and a training pipeline to retrain. */
export function monitorFixture(mode: EndpointMode = EndpointMode.realtime()) {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const served = new ModelEndpoint(stack, 'Endpoint', {
    model: ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3'),
    mode,
  });
  const baselines = s3.Bucket.fromBucketName(stack, 'Baselines', 'baselines-bucket');
  const training = SageMakerPipeline.fromPipelineName(stack, 'Training', 'churn-training');
  return { stack, served, endpoint: served.endpoint!, baselines, training };
}

/** A monitor on the fixture's endpoint with a fixed baseline, plus `extra` props. */
export function buildMonitor(extra: Partial<ModelMonitorProps> = {}, f = monitorFixture()) {
  const monitor = new ModelMonitor(f.stack, 'Monitor', {
    endpoint: f.endpoint,
    baseline: MonitorBaseline.fromS3(f.baselines, 'baselines/churn-v3'),
    ...extra,
  });
  return { monitor, ...f };
}
