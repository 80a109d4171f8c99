/**
 * The reference app: one realistic CDK app that composes every construct of
 * the library the way a user would. `npx projen example` synthesizes it.
 */
import * as path from 'path';
import { App, CfnParameter, Duration, Size, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  CustomTrainingImage, DeepLearningContainer, DeployOnApproval, DlcFramework, DlcProcessor, DlcScope,
  GitHubActionsRole, GitHubOidcProvider, GitHubRepository, GitHubSubject, GitHubWorkflow,
  Hyperparameter, QualityGate, TrainingInstanceType, TrainingPipeline,
  CapacitySize, EndpointMode, InferenceInstanceType, ModelEndpoint, ModelSource, TrafficShifting,
  ModelMonitor, ModelQualityMetric, MonitorBaseline, ProblemType,
} from '../src';

/** Where `npx projen example` writes the templates and the workflow (gitignored). */
export const REFERENCE_OUTDIR = path.join(__dirname, 'out');

/** The GitHub repository that holds the team's Dockerfile and training code. */
const OWNER = 'example-org';
const REPOSITORY = 'fraud-model';

/**
 * Once per account: the GitHub OIDC provider. The roles of every other stack
 * trust it by default (`GitHubOidcProvider.fromAccount`).
 */
export class AccountSetupStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    new GitHubOidcProvider(this, 'GitHub');
  }
}

/** The team's model stack: the image, its training pipeline, and the GitHub roles. */
export class ModelStack extends Stack {
  public readonly image: CustomTrainingImage;
  public readonly training: TrainingPipeline;
  public readonly buildRole: GitHubActionsRole;
  public readonly trainRole: GitHubActionsRole;
  public readonly deployRole: GitHubActionsRole;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // The Dockerfile in examples/container builds FROM this Deep Learning Container. A tabular
    // fraud model trains on CPU; a small CPU image also fits serverless endpoints (10 GB at most).
    const base = DeepLearningContainer.fromFramework({
      framework: DlcFramework.SKLEARN,
      version: '1.4-2',
      scope: DlcScope.TRAINING,
      processor: DlcProcessor.CPU,
    });
    this.image = new CustomTrainingImage(this, 'TrainingImage', {
      baseImage: base,
      maxReleaseImages: 20,
    });

    // The data lake the team already has; the pipeline reads it, never writes it.
    const data = s3.Bucket.fromBucketName(this, 'Data', 'example-org-fraud-data');
    this.training = new TrainingPipeline(this, 'Training', {
      image: this.image,
      // prep -> train -> evaluate -> gate -> register: the starter's `prepare` drops the rows of the raw
      // CSV files that are not numbers (their header too) and splits one row in five off as test data.
      // Its outputs are the `train` channel and the test data (by reference, per execution), so neither
      // trainingData nor testData is given; an execution may prepare other raw data under fraud/raw/
      // (the pipeline parameter PreparationRawDataUri).
      preparation: {
        command: ['prepare'],
        inputs: [{ inputName: 'raw', bucket: data, prefix: 'fraud/raw/' }],
        // The train channel is CSV (its ContentType in the training job; the container reads it as files).
        outputs: [
          { outputName: 'train', channelName: 'train', channel: { contentType: 'text/csv' } },
          { outputName: 'test', testData: true },
        ],
      },
      // The drift baseline of every version (ModelMonitor compares with it) is computed from the prepared
      // training data and leaves out the label, the last column.
      driftBaseline: { targetColumn: 'last' },
      training: {
        instanceType: TrainingInstanceType.ML_M5_XLARGE,
        maxRuntime: Duration.hours(1), // with spot, waits for capacity up to 2 h in all
        hyperparameters: { epochs: Hyperparameter.fromNumber(200), learning_rate: Hyperparameter.fromNumber(0.05) },
        // The starter container (examples/container) prints these and writes evaluation.json.
        metricDefinitions: [
          { name: 'train:loss', regex: 'train_loss=([0-9.eE+-]+);' },
          { name: 'validation:loss', regex: 'validation_loss=([0-9.eE+-]+);' },
        ],
      },
      // Every instance type the serving stack deploys the registered model on.
      registration: { inferenceInstanceTypes: ['ml.m5.large', 'ml.m5.xlarge'] },
      qualityGate: QualityGate.lessThanOrEqualTo('regression_metrics.mse.value', 0.25),
      notifications: { notifyOnFailure: true },
    });
    // Names for notebooks and scripts (examples/notebooks): stack outputs Training<Name>.
    this.training.publishNames();

    // The roles trust the account's github.com provider (GitHubOidcProvider.fromAccount) by default.
    const repository = GitHubRepository.of(OWNER, REPOSITORY);
    // Only the build job (its own `build` environment, limited to main) may assume this role.
    this.buildRole = new GitHubActionsRole(this, 'BuildRole', {
      repository,
      subjects: [GitHubSubject.environment('build')],
    });
    // Only the train job (its `train` environment) starts training with the image just pushed.
    this.trainRole = new GitHubActionsRole(this, 'TrainRole', {
      repository,
      subjects: [GitHubSubject.environment('train')],
      // The job waits for the execution: preparation (1 h at most), training (spot: up to 2 h with the
      // wait), then evaluation (1 h at most).
      maxSessionDuration: Duration.hours(4),
    });
    // Only jobs that run in the protected `production` environment may deploy.
    this.deployRole = new GitHubActionsRole(this, 'DeployRole', {
      repository,
      subjects: [GitHubSubject.environment('production')],
      maxSessionDuration: Duration.hours(2),
    });
    this.deployRole.grantCdkDeploy();

    // Approving a version in SageMaker starts the deploy job (repository_dispatch): no Lambda.
    new DeployOnApproval(this, 'DeployOnApproval', {
      repository,
      modelPackageGroup: this.training.modelPackageGroup,
      tokenSecret: secretsmanager.Secret.fromSecretNameV2(this, 'GitHubToken', `${OWNER}/${REPOSITORY}/dispatch-token`),
    });
  }
}

/** What the serving stack takes from the model stack. */
export interface ServingStackProps extends StackProps {
  readonly model: ModelStack;
}

/**
 * Serving: the newest approved model version, in each of the four modes. It is
 * its own stack because it needs a registered model: the GitHub deploy job
 * passes the version's ARN (`ModelPackageArn`) once training has produced one.
 */
export class ServingStack extends Stack {
  public readonly modelPackageArn: CfnParameter;
  public readonly realtime: ModelEndpoint;
  public readonly serverless: ModelEndpoint;
  public readonly asynchronous: ModelEndpoint;
  public readonly batch: ModelEndpoint;
  public readonly monitor: ModelMonitor;
  public readonly notebookRole: iam.Role;

  constructor(scope: Construct, id: string, props: ServingStackProps) {
    super(scope, id, props);

    this.modelPackageArn = new CfnParameter(this, 'ModelPackageArn', {
      type: 'String',
      description: 'An approved model package version of the training pipeline (the GitHub deploy job passes the newest)',
    });
    // The package names the image and model.tar.gz; the role must be able to pull and read them.
    const model = () => ModelSource.fromTrainingPipeline(props.model.training, this.modelPackageArn.valueAsString, {
      image: props.model.image,
    });

    // One prediction at a time, low latency: canary updates that roll back on the endpoint's own alarms.
    this.realtime = new ModelEndpoint(this, 'Realtime', {
      model: model(),
      mode: EndpointMode.realtime({
        instanceType: InferenceInstanceType.ML_M5_LARGE,
        initialInstanceCount: 2,
        autoScaling: { minCapacity: 2, maxCapacity: 6, targetInvocationsPerInstance: 200 },
        deployment: {
          trafficShifting: TrafficShifting.canary({ canarySize: CapacitySize.percent(20), waitInterval: Duration.minutes(10) }),
        },
      }),
    });

    // Spiky internal traffic where a cold start is fine: nothing billed while idle.
    this.serverless = new ModelEndpoint(this, 'Serverless', {
      model: model(),
      mode: EndpointMode.serverless({ memorySizeMiB: 2048, maxConcurrency: 20 }),
    });

    // Large payloads, answers in S3 and SNS; scales to zero and back.
    this.asynchronous = new ModelEndpoint(this, 'Asynchronous', {
      model: model(),
      mode: EndpointMode.asynchronous({
        instanceType: InferenceInstanceType.ML_M5_XLARGE,
        autoScaling: { minCapacity: 0, maxCapacity: 4 },
      }),
    });

    // Nightly scoring of everything under fraud/score/.
    const data = s3.Bucket.fromBucketName(this, 'Data', 'example-org-fraud-data');
    this.batch = new ModelEndpoint(this, 'Batch', {
      model: model(),
      mode: EndpointMode.batch({
        inputBucket: data,
        inputPrefix: 'fraud/score/',
        instanceCount: 2,
        maxPayload: Size.mebibytes(6),
      }),
    });

    // Names for notebooks and scripts: stack outputs <Id><Name> (endpoint names, capture, async and batch locations).
    for (const endpoint of [this.realtime, this.serverless, this.asynchronous, this.batch]) {
      endpoint.publishNames();
    }

    // Drift and quality of the realtime endpoint's traffic, hourly, against the baseline the served
    // version was registered with; drift or a rising error retrains (at most once a day, never twice at once).
    this.monitor = new ModelMonitor(this, 'Monitor', {
      endpoint: this.realtime.endpoint!,
      baseline: MonitorBaseline.fromTrainingPipeline(props.model.training),
      groundTruth: { problemType: ProblemType.REGRESSION },
      alarms: {
        modelQuality: [{ metric: ModelQualityMetric.RMSE, threshold: 0.5 }],
        topic: new sns.Topic(this, 'MonitorAlarms', {
          masterKey: new kms.Key(this, 'MonitorAlarmsKey', { enableKeyRotation: true }),
          enforceSSL: true,
        }),
      },
      retraining: { pipeline: props.model.training, coolDown: Duration.days(1) },
      notifications: { notifyOnFailure: true },
    });
    this.monitor.publishNames({ outputPrefix: 'Monitor' });

    // The role the evaluation notebook (examples/notebooks) runs as, a SageMaker Studio execution role:
    // what the notebook calls and nothing else, from the constructs' grants. The notebook suite
    // checks every call the notebook makes against this role's policy.
    this.notebookRole = new iam.Role(this, 'NotebookRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'Runs the evaluation notebook: trains, compares and approves versions, asks the endpoints, reads captures',
    });
    const training = props.model.training;
    training.grantManageExecutions(this.notebookRole);
    training.grantReadEvaluationReports(this.notebookRole);
    training.modelPackageGroup.grantApprove(this.notebookRole);
    this.realtime.endpoint!.grantInvoke(this.notebookRole);
    this.realtime.endpoint!.grantReadDataCapture(this.notebookRole);
    this.asynchronous.endpoint!.grantInvoke(this.notebookRole);
    // The names come from the two stacks' outputs; the notebook shows the realtime endpoint's status.
    this.notebookRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks'],
      resources: [props.model.stackId, this.stackId],
    }));
    this.notebookRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeEndpoint'],
      resources: [this.realtime.endpoint!.endpointArn],
    }));
    // The compliance packs (NIST 800-53, HIPAA) ask for managed policies; grants go into the role's own one.
    NagSuppressions.addResourceSuppressions(this.notebookRole, ['NIST.800.53.R5', 'HIPAA.Security'].map((pack) => ({
      id: `${pack}-IAMNoInlinePolicy`,
      reason: 'the grants of the constructs the notebook uses, in a policy attached to this role alone',
    })), true);
  }
}

/** Adds the reference app's stacks to `app`; environment-agnostic on purpose. */
export function buildReferenceApp(app: App): Stack[] {
  const setup = new AccountSetupStack(app, 'SageMakerGitHubAccountSetup');
  const model = new ModelStack(app, 'SageMakerGitHubReference');
  const serving = new ServingStack(app, 'SageMakerGitHubServing', { model });

  // Push to main: build and push the image, train it, then (in the protected
  // `production` environment) deploy both stacks with the new image tag and the
  // newest approved model version.
  new GitHubWorkflow(model, 'Workflow', {
    image: model.image,
    buildRole: model.buildRole,
    train: { pipeline: model.training, role: model.trainRole, timeout: Duration.hours(4) },
    deploy: {
      role: model.deployRole,
      stacks: [model.stackName, serving.stackName],
      environment: 'production',
      modelPackageGroup: model.training.modelPackageGroup,
      modelPackageParameter: serving.modelPackageArn,
    },
    dockerContext: 'container',
    outputPath: path.join(REFERENCE_OUTDIR, 'workflows', 'sagemaker.yml'),
  });
  return [setup, model, serving];
}
