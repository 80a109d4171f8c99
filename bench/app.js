// The library side of the benchmark: an app of N constructs of one kind, synthesized as a user
// would (`app.synth()`), from the compiled library. Plain JavaScript, run by plain `node`, so
// the measured process holds no transpiler.
//
//   node bench/app.js <kind> <n> <outdir> [perStack] [lib]
//
// kind: realtime | realtime-lean | realtime-shared | serverless | asynchronous | batch | training. The
// constructs are spread over stacks of at most `perStack` each (default: all in one). Every stack
// has its own image (and, for batch and training, imports its data bucket): nothing is shared
// between stacks. Each endpoint serves a model of its own (its own model.tar.gz, named by S3 URI
// as a hand-written L1 app names it), so that it pays for its own model and role,
// except in realtime-shared, where all serve the same model and share it (at most 4 per model).
'use strict';
const path = require('path');

const [kind, nText, outdir, perStackText, libPath] = process.argv.slice(2);
const n = Number(nText);
const perStack = perStackText ? Number(perStackText) : n;
if (!KINDS().includes(kind) || !(n >= 1) || !outdir || !(perStack >= 1)) {
  throw new Error(`usage: node bench/app.js <${KINDS().join('|')}> <n >= 1> <outdir> [perStack >= 1] [lib], got ${process.argv.slice(2).join(' ')}`);
}

const cdk = require('aws-cdk-lib');
const lib = require(path.resolve(libPath || path.join(__dirname, '..', 'lib')));

const app = new cdk.App({ outdir, context: require('./context') });
for (let first = 0; first < n; first += perStack) {
  const stack = new cdk.Stack(app, `Bench${kind.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}${first / perStack + 1}`);
  const image = new lib.CustomTrainingImage(stack, 'Image', { imageTag: 'v1' });
  // The endpoints name their model data by S3 URI (as a hand-written L1 app does); batch input and
  // training data are read from an imported bucket (which loads aws-s3 and region-info).
  const data = kind === 'batch' || kind === 'training' ? require('aws-cdk-lib/aws-s3').Bucket.fromBucketName(stack, 'Data', 'bench-data') : undefined;
  const shared = lib.ModelSource.fromImageAndModelDataUrl(image, 's3://bench-data/models/model.tar.gz');
  for (let i = first; i < Math.min(n, first + perStack); i++) {
    const model = kind === 'realtime-shared' ? shared : lib.ModelSource.fromImageAndModelDataUrl(image, `s3://bench-data/models/${i}/model.tar.gz`);
    add(stack, i, { image, data, model });
  }
}
app.synth();

function add(stack, i, { image, data, model }) {
  switch (kind) {
    case 'realtime':
    case 'realtime-shared':
      // The default realtime endpoint of issue 15: data capture, guardrail alarms, autoscaling.
      return new lib.ModelEndpoint(stack, `Endpoint${i}`, { model, mode: lib.EndpointMode.realtime({ autoScaling: { maxCapacity: 4 } }) });
    case 'realtime-lean':
      // The lean row of issue 15: the same endpoint with data capture and the ready-made alarms off.
      return new lib.ModelEndpoint(stack, `Endpoint${i}`, {
        model,
        mode: lib.EndpointMode.realtime({ autoScaling: { maxCapacity: 4 }, dataCapture: { enabled: false } }),
        alarms: { enabled: false },
      });
    case 'serverless':
      return new lib.ModelEndpoint(stack, `Endpoint${i}`, { model, mode: lib.EndpointMode.serverless() });
    case 'asynchronous':
      return new lib.ModelEndpoint(stack, `Endpoint${i}`, { model, mode: lib.EndpointMode.asynchronous() });
    case 'batch':
      return new lib.ModelEndpoint(stack, `Endpoint${i}`, { model, mode: lib.EndpointMode.batch({ inputBucket: data, inputPrefix: `score/${i}/` }) });
    default:
      return new lib.TrainingPipeline(stack, `Training${i}`, {
        image,
        trainingData: { channelName: 'train', bucket: data, prefix: `training/${i}/train/` },
        testData: { bucket: data, prefix: `training/${i}/test/` },
      });
  }
}

function KINDS() {
  return ['realtime', 'realtime-lean', 'realtime-shared', 'serverless', 'asynchronous', 'batch', 'training'];
}
