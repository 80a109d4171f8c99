/**
 * The runner: the Step Functions state machine (JSONata) that the schedule
 * starts. It fixes the window, finds the baseline of the model version being
 * served, looks whether the window has captures (a Processing job whose S3
 * input is empty fails, and an empty window is "skipped", never "no drift"),
 * and starts the monitor pipeline with the window as its parameters.
 * Everything is a direct AWS SDK call of Step Functions: no Lambda.
 */

/** What the runner's definition is made of (deploy-time values may be tokens). */
export interface RunnerInputs {
  readonly endpointName: string;
  readonly variantName: string;
  readonly pipelineName: string;
  readonly captureBucketName: string;
  /** `<prefix>/<endpoint>/<variant>/`: the hourly folders are under it. */
  readonly captureVariantPrefix: string;
  /** The prefix (fixed baseline) or the allowed root (served baseline), `s3://bucket/key/`. */
  readonly baselineS3Uri: string;
  readonly servedBaseline: boolean;
  readonly groundTruth?: { readonly bucketName: string; readonly prefix: string };
  readonly windowMillis: number;
  readonly captureDelayMillis: number;
  readonly namespace: string;
  /** The partition of the service integration ARNs (`Aws.PARTITION`). */
  readonly partition: string;
}

/**
 * The common `yyyy/mm/dd/hh/` folder prefix of two instants (epoch
 * milliseconds, JSONata expressions): the smallest set of capture folders that
 * holds the window, so that the job downloads one hour, one day or one month of
 * captures rather than all of them.
 */
export function commonHourPrefix(from: string, to: string): string {
  const picture = "'[Y0001]/[M01]/[D01]/[H01]'";
  return `($a := $fromMillis(${from}, ${picture}); $b := $fromMillis(${to}, ${picture}); `
    + '$a = $b ? $a & \'/\' : '
    + '$substring($a, 0, 10) = $substring($b, 0, 10) ? $substring($a, 0, 10) & \'/\' : '
    + '$substring($a, 0, 7) = $substring($b, 0, 7) ? $substring($a, 0, 7) & \'/\' : '
    + '$substring($a, 0, 4) = $substring($b, 0, 4) ? $substring($a, 0, 4) & \'/\' : \'\')';
}

/**
 * The window's end (epoch milliseconds): `windowEnd` of the input (a manual
 * run), else the scheduled time (what the schedule passes) or the execution's
 * start, less the capture delay (SageMaker delivers captures minutes late).
 */
export function windowEndExpression(captureDelayMillis: number): string {
  return '$exists($states.input.windowEnd) ? $toMillis($states.input.windowEnd) : '
    + `$toMillis($exists($states.input.scheduledTime) ? $states.input.scheduledTime : $states.context.Execution.StartTime) - ${captureDelayMillis}`;
}

/** The idempotency token of a window's execution: 32 to 128 characters (StartPipelineExecution ClientRequestToken). */
export function windowTokenExpression(windowMillis: number): string {
  return `'monitor-' & $string($end) & '-' & $string(${windowMillis}) & '-window'`;
}

const jsonata = (expression: string) => `{% ${expression} %}`;

/** The state machine's definition (Amazon States Language, JSONata). */
export function runnerDefinition(inputs: RunnerInputs): any {
  // Step Functions' AWS SDK integrations, in the stack's partition (arn:aws-cn:states:::aws-sdk:... in China).
  const sdk = (service: string, action: string) => `arn:${inputs.partition}:states:::aws-sdk:${service}:${action}`;
  const w = inputs.windowMillis;
  const states: { [name: string]: any } = {};
  const first = inputs.servedBaseline ? 'DescribeEndpoint' : 'ListCaptures';

  states.Window = {
    Type: 'Pass',
    Comment: 'Fixes the window: the schedule period that ended at the scheduled time, less the capture delay',
    Assign: {
      endpoint: inputs.endpointName,
      variant: inputs.variantName,
      captureBucket: inputs.captureBucketName,
      captureRoot: inputs.captureVariantPrefix,
      baselineRoot: inputs.baselineS3Uri,
      ...(inputs.servedBaseline ? {} : { baseline: inputs.baselineS3Uri }),
      ...(inputs.groundTruth ? { labelBucket: inputs.groundTruth.bucketName, labelRoot: inputs.groundTruth.prefix } : {}),
      end: jsonata(windowEndExpression(inputs.captureDelayMillis)),
    },
    Next: 'Prefixes',
  };
  states.Prefixes = {
    Type: 'Pass',
    Comment: 'The ISO times of the window and the hourly folders that hold it',
    Assign: {
      windowStart: jsonata(`$fromMillis($end - ${w})`),
      windowEnd: jsonata('$fromMillis($end)'),
      captureKeyPrefix: jsonata(`$captureRoot & ${commonHourPrefix(`$end - ${w}`, '$end - 1')}`),
      // Labels are filed by the hour they were collected: from the window's start until now.
      ...(inputs.groundTruth ? { labelKeyPrefix: jsonata(`$labelRoot & ${commonHourPrefix(`$end - ${w}`, '$toMillis($now())')}`) } : {}),
    },
    Next: first,
  };

  if (inputs.servedBaseline) {
    states.DescribeEndpoint = {
      Type: 'Task',
      Resource: sdk('sagemaker', 'describeEndpoint'),
      Arguments: { EndpointName: jsonata('$endpoint') },
      Assign: { config: jsonata('$states.result.EndpointConfigName') },
      Next: 'DescribeEndpointConfig',
    };
    states.DescribeEndpointConfig = {
      Type: 'Task',
      Resource: sdk('sagemaker', 'describeEndpointConfig'),
      Arguments: { EndpointConfigName: jsonata('$config') },
      Assign: { model: jsonata('$states.result.ProductionVariants[VariantName = $variant].ModelName') },
      Next: 'DescribeModel',
    };
    states.DescribeModel = {
      Type: 'Task',
      Resource: sdk('sagemaker', 'describeModel'),
      Arguments: { ModelName: jsonata('$model') },
      Assign: {
        modelPackage: jsonata('$exists($states.result.PrimaryContainer.ModelPackageName) ? $states.result.PrimaryContainer.ModelPackageName : \'\''),
      },
      Next: 'ServesModelPackage',
    };
    states.ServesModelPackage = {
      Type: 'Choice',
      Choices: [{ Condition: jsonata("$modelPackage = ''"), Next: 'NoModelPackage' }],
      Default: 'DescribeModelPackage',
    };
    states.NoModelPackage = {
      Type: 'Fail',
      Error: 'ModelMonitor.NoModelPackage',
      Cause: jsonata("'the endpoint ' & $endpoint & ' serves the model ' & $model & ', which is no model package version, so it has no "
        + "drift-check baseline: deploy a registered version (ModelSource.fromModelPackage) or give the monitor MonitorBaseline.fromS3'"),
    };
    states.DescribeModelPackage = {
      Type: 'Task',
      Resource: sdk('sagemaker', 'describeModelPackage'),
      Arguments: { ModelPackageName: jsonata('$modelPackage') },
      Assign: {
        statistics: jsonata('$exists($states.result.DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri) '
          + '? $states.result.DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri : \'\''),
      },
      Next: 'HasBaseline',
    };
    states.HasBaseline = {
      Type: 'Choice',
      Choices: [
        { Condition: jsonata("$statistics = ''"), Next: 'NoBaseline' },
        { Condition: jsonata('$substring($statistics, 0, $length($baselineRoot)) != $baselineRoot'), Next: 'ForeignBaseline' },
      ],
      Default: 'ServedBaseline',
    };
    states.NoBaseline = {
      Type: 'Fail',
      Error: 'ModelMonitor.NoBaseline',
      Cause: jsonata("'the served model version ' & $modelPackage & ' has no DriftCheckBaselines.ModelDataQuality: register it "
        + "with a TrainingPipeline that computes baselines, or give the monitor MonitorBaseline.fromS3'"),
    };
    states.ForeignBaseline = {
      Type: 'Fail',
      Error: 'ModelMonitor.ForeignBaseline',
      Cause: jsonata("'the baseline of the served model version ' & $modelPackage & ' is ' & $statistics & ', outside ' & $baselineRoot "
        + "& ', which is all the monitor may read: give MonitorBaseline.fromServedModelVersion the bucket and prefix the training pipeline writes'"),
    };
    states.ServedBaseline = {
      Type: 'Pass',
      Comment: 'baseline.json is beside the statistics.json the version records',
      Assign: { baseline: jsonata('$replace($statistics, /statistics\\.json$/, \'\')') },
      Next: 'ListCaptures',
    };
  }

  states.ListCaptures = {
    Type: 'Task',
    Resource: sdk('s3', 'listObjectsV2'),
    Arguments: { Bucket: jsonata('$captureBucket'), Prefix: jsonata('$captureKeyPrefix'), MaxKeys: 1 },
    Assign: { captured: jsonata('$states.result.KeyCount') },
    Next: 'HasCaptures',
  };
  const afterCaptures = inputs.groundTruth ? 'ListLabels' : 'StartCheck';
  states.HasCaptures = {
    Type: 'Choice',
    Choices: [{ Condition: jsonata('$captured = 0'), Next: 'PublishSkipped' }],
    Default: afterCaptures,
  };
  const dimensions = [{ Name: 'EndpointName', Value: jsonata('$endpoint') }];
  states.PublishSkipped = {
    Type: 'Task',
    Comment: 'No captures in the window: the run is skipped (and says so), never "no drift"',
    Resource: sdk('cloudwatch', 'putMetricData'),
    Arguments: {
      Namespace: inputs.namespace,
      MetricData: [
        { MetricName: 'Skipped', Dimensions: dimensions, Value: 1, Unit: 'Count' },
        { MetricName: 'Records', Dimensions: dimensions, Value: 0, Unit: 'Count' },
        { MetricName: 'ReportPublished', Dimensions: dimensions, Value: 1, Unit: 'Count' },
      ],
    },
    End: true,
  };
  if (inputs.groundTruth) {
    states.ListLabels = {
      Type: 'Task',
      Resource: sdk('s3', 'listObjectsV2'),
      Arguments: { Bucket: jsonata('$labelBucket'), Prefix: jsonata('$labelKeyPrefix'), MaxKeys: 1 },
      Assign: { labelled: jsonata('$states.result.KeyCount > 0') },
      Next: 'StartCheck',
    };
  }
  states.StartCheck = {
    Type: 'Task',
    Resource: sdk('sagemaker', 'startPipelineExecution'),
    Arguments: {
      PipelineName: inputs.pipelineName,
      ClientRequestToken: jsonata(windowTokenExpression(w)),
      PipelineExecutionDescription: jsonata("'Checks ' & $endpoint & ' from ' & $windowStart & ' to ' & $windowEnd"),
      PipelineParameters: [
        { Name: 'BaselineUri', Value: jsonata('$baseline') },
        { Name: 'CaptureUri', Value: jsonata("'s3://' & $captureBucket & '/' & $captureKeyPrefix") },
        { Name: 'WindowStart', Value: jsonata('$windowStart') },
        { Name: 'WindowEnd', Value: jsonata('$windowEnd') },
        ...(inputs.groundTruth ? [
          { Name: 'GroundTruthUri', Value: jsonata("'s3://' & $labelBucket & '/' & $labelKeyPrefix") },
          { Name: 'HasGroundTruth', Value: jsonata('$string($labelled)') },
        ] : []),
      ],
    },
    End: true,
  };
  return { Comment: `Starts the model monitor of ${inputs.endpointName} for one window`, QueryLanguage: 'JSONata', StartAt: 'Window', States: states };
}
