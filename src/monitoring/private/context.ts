import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MonitorMachines } from './state-machines';
import { SageMakerPipeline } from '../../pipeline';

/** Where a monitor's labels are: a bucket and a key prefix ending in `/`. */
export interface GroundTruthLocation {
  readonly bucket: s3.IBucket;
  readonly prefix: string;
}

/** What the monitor's check job, runner and retraining guard are made in and from. */
export interface MonitorContext {
  /** The monitor: the scope of every construct made here. */
  readonly scope: Construct;
  readonly pipeline: SageMakerPipeline;
  readonly machines: MonitorMachines;
  readonly bucket: s3.IBucket;
  readonly reportsS3Uri: string;
  readonly metricNamespace: string;
  readonly groundTruth?: GroundTruthLocation;
}
