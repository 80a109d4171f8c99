// The README's TypeScript quick start, as a runnable app: the README's code block is the
// region between the [quick-start] markers (with the package's name for '../../src'),
// and test/first-deploy.test.ts synthesizes it and checks the order of the first deploy.
// [quick-start]
import { App, CfnParameter, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  CustomTrainingImage, DeployOnApproval, EndpointMode, GitHubActionsRole, GitHubOidcProvider,
  GitHubRepository, GitHubSubject, GitHubWorkflow, ModelEndpoint, ModelSource, QualityGate, TrainingPipeline,
} from '../../src';

const repository = GitHubRepository.of('example-org', 'fraud-model');

/** You deploy this stack once, by hand: it needs nothing that does not exist yet. */
class ModelStack extends Stack {
  public readonly image: CustomTrainingImage;
  public readonly training: TrainingPipeline;
  public readonly roles: { build: GitHubActionsRole; train: GitHubActionsRole; deploy: GitHubActionsRole };

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // Once per account (import it elsewhere with GitHubOidcProvider.fromAccount).
    new GitHubOidcProvider(this, 'GitHub');

    // Where the container lives: GitHub pushes it, SageMaker pulls it.
    this.image = new CustomTrainingImage(this, 'TrainingImage');

    // Train (spot + checkpoints by default), evaluate, gate on a metric, register the model
    // as PendingManualApproval: a person approves what ships.
    const data = s3.Bucket.fromBucketName(this, 'Data', 'example-org-fraud-data');
    this.training = new TrainingPipeline(this, 'Training', {
      image: this.image,
      trainingData: { channelName: 'train', bucket: data, prefix: 'train/' },
      testData: { bucket: data, prefix: 'test/' },
      qualityGate: QualityGate.lessThanOrEqualTo('regression_metrics.mse.value', 0.25),
    });
    this.training.publishNames({ outputPrefix: 'Fraud' }); // names for notebooks and scripts

    // One role per GitHub Actions job; each trusts that job's environment only.
    this.roles = {
      build: new GitHubActionsRole(this, 'BuildRole', { repository, subjects: [GitHubSubject.environment('build')] }),
      train: new GitHubActionsRole(this, 'TrainRole', { repository, subjects: [GitHubSubject.environment('train')] }),
      deploy: new GitHubActionsRole(this, 'DeployRole', { repository, subjects: [GitHubSubject.environment('production')] }),
    };
    this.roles.deploy.grantCdkDeploy();

    // Approving a version in SageMaker starts the GitHub deploy job (a fine-grained token with
    // "Contents: write" on the repository, stored in Secrets Manager under this name).
    new DeployOnApproval(this, 'DeployOnApproval', {
      repository,
      modelPackageGroup: this.training.modelPackageGroup,
      tokenSecret: secretsmanager.Secret.fromSecretNameV2(this, 'Token', 'fraud-model/dispatch-token'),
    });
  }
}

/** The GitHub deploy job deploys this stack, with the approved version's ARN. */
class ServingStack extends Stack {
  public readonly modelPackageArn: CfnParameter;

  constructor(scope: Construct, id: string, model: ModelStack, props?: StackProps) {
    super(scope, id, props);
    this.modelPackageArn = new CfnParameter(this, 'ModelPackageArn', {
      description: 'An approved version of the model package group (the deploy job passes it)',
    });
    const endpoint = new ModelEndpoint(this, 'Endpoint', {
      model: ModelSource.fromTrainingPipeline(model.training, this.modelPackageArn.valueAsString, { image: model.image }),
      mode: EndpointMode.serverless({ memorySizeMiB: 2048 }),
    });
    endpoint.publishNames({ outputPrefix: 'Fraud' });
  }
}

const app = new App();
const model = new ModelStack(app, 'FraudModel');
const serving = new ServingStack(app, 'FraudServing', model);

// The workflow: build and push the image, train it, deploy. Generated from the same objects.
new GitHubWorkflow(model, 'Workflow', {
  image: model.image,
  buildRole: model.roles.build,
  train: { pipeline: model.training, role: model.roles.train },
  deploy: {
    role: model.roles.deploy,
    stacks: [model.stackName, serving.stackName],
    environment: 'production',
    modelPackageGroup: model.training.modelPackageGroup,
    modelPackageParameter: serving.modelPackageArn,
  },
  outputPath: '.github/workflows/sagemaker.yml',
});
app.synth();
// [/quick-start]
