package io.github.cdksagemakergithub.polyglot;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdksagemakergithub.AsynchronousAutoScalingOptions;
import io.github.cdksagemakergithub.AsynchronousModeOptions;
import io.github.cdksagemakergithub.BatchModeOptions;
import io.github.cdksagemakergithub.CanaryTrafficShiftingOptions;
import io.github.cdksagemakergithub.CapacitySize;
import io.github.cdksagemakergithub.CdkApp;
import io.github.cdksagemakergithub.ChannelSettings;
import io.github.cdksagemakergithub.CustomTrainingImage;
import io.github.cdksagemakergithub.DeepLearningContainer;
import io.github.cdksagemakergithub.DeepLearningContainerProps;
import io.github.cdksagemakergithub.DriftBaselineOptions;
import io.github.cdksagemakergithub.DeployOnApproval;
import io.github.cdksagemakergithub.DeploymentOptions;
import io.github.cdksagemakergithub.DlcFramework;
import io.github.cdksagemakergithub.DlcProcessor;
import io.github.cdksagemakergithub.DlcScope;
import io.github.cdksagemakergithub.EndpointMode;
import io.github.cdksagemakergithub.GitHubActionsRole;
import io.github.cdksagemakergithub.GitHubOidcProvider;
import io.github.cdksagemakergithub.GitHubRepository;
import io.github.cdksagemakergithub.GitHubSubject;
import io.github.cdksagemakergithub.GitHubWorkflow;
import io.github.cdksagemakergithub.GroundTruthOptions;
import io.github.cdksagemakergithub.Hyperparameter;
import io.github.cdksagemakergithub.InferenceInstanceType;
import io.github.cdksagemakergithub.JavaAppOptions;
import io.github.cdksagemakergithub.MetricDefinition;
import io.github.cdksagemakergithub.ModelEndpoint;
import io.github.cdksagemakergithub.ModelMonitor;
import io.github.cdksagemakergithub.ModelQualityMetric;
import io.github.cdksagemakergithub.ModelQualityThreshold;
import io.github.cdksagemakergithub.ModelSource;
import io.github.cdksagemakergithub.MonitorAlarmOptions;
import io.github.cdksagemakergithub.MonitorBaseline;
import io.github.cdksagemakergithub.PipelineNotifications;
import io.github.cdksagemakergithub.PreparationInput;
import io.github.cdksagemakergithub.PreparationOptions;
import io.github.cdksagemakergithub.PreparationOutput;
import io.github.cdksagemakergithub.ProblemType;
import io.github.cdksagemakergithub.PublishNamesOptions;
import io.github.cdksagemakergithub.QualityGate;
import io.github.cdksagemakergithub.RealtimeAutoScalingOptions;
import io.github.cdksagemakergithub.RealtimeModeOptions;
import io.github.cdksagemakergithub.RegistrationOptions;
import io.github.cdksagemakergithub.RetrainingOptions;
import io.github.cdksagemakergithub.ServerlessModeOptions;
import io.github.cdksagemakergithub.TrainingInstanceType;
import io.github.cdksagemakergithub.TrainingOptions;
import io.github.cdksagemakergithub.TrainingPipeline;
import io.github.cdksagemakergithub.TrainingPipelineSourceOptions;
import io.github.cdksagemakergithub.TrafficShifting;
import io.github.cdksagemakergithub.WorkflowDeployOptions;
import io.github.cdksagemakergithub.WorkflowTrainOptions;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/** The reference app in Java: the same stacks as examples/reference-app.ts. Usage: ReferenceApp OUTDIR */
public final class ReferenceApp {
    static final String OWNER = "example-org";
    static final String REPOSITORY = "fraud-model";

    /** Once per account: the GitHub OIDC provider. */
    public static class AccountSetupStack extends Stack {
        public AccountSetupStack(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);
            GitHubOidcProvider.Builder.create(this, "GitHub").build();
        }
    }

    /** The image, its training pipeline and the GitHub roles. */
    public static class ModelStack extends Stack {
        public final CustomTrainingImage image;
        public final TrainingPipeline training;
        public final GitHubActionsRole buildRole;
        public final GitHubActionsRole trainRole;
        public final GitHubActionsRole deployRole;

        public ModelStack(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);

            // The Dockerfile builds FROM this Deep Learning Container. A tabular fraud model
            // trains on CPU; a small CPU image also fits serverless endpoints (10 GB at most).
            DeepLearningContainer base = DeepLearningContainer.fromFramework(DeepLearningContainerProps.builder()
                    .framework(DlcFramework.SKLEARN)
                    .version("1.4-2")
                    .scope(DlcScope.TRAINING)
                    .processor(DlcProcessor.CPU)
                    .build());
            this.image = CustomTrainingImage.Builder.create(this, "TrainingImage")
                    .baseImage(base)
                    .maxReleaseImages(20)
                    .build();

            // The data lake the team already has; the pipeline reads it, never writes it.
            IBucket data = Bucket.fromBucketName(this, "Data", "example-org-fraud-data");
            this.training = TrainingPipeline.Builder.create(this, "Training")
                    .image(this.image)
                    // prep -> train -> evaluate -> gate -> register: the starter's `prepare` drops the rows of the raw
                    // CSV files that are not numbers (their header too) and splits one row in five off as test data.
                    // Its outputs are the `train` channel and the test data (by reference, per execution), so neither
                    // trainingData nor testData is given; an execution may prepare other raw data under fraud/raw/
                    // (the pipeline parameter PreparationRawDataUri).
                    .preparation(PreparationOptions.builder()
                            .command(List.of("prepare"))
                            .inputs(List.of(PreparationInput.builder().inputName("raw").bucket(data).prefix("fraud/raw/").build()))
                            .outputs(List.of(
                                    // The train channel is CSV (its ContentType in the training job; the container reads it as files).
                                    PreparationOutput.builder().outputName("train").channelName("train")
                                            .channel(ChannelSettings.builder().contentType("text/csv").build()).build(),
                                    PreparationOutput.builder().outputName("test").testData(true).build()))
                            .build())
                    // The drift baseline of every version (ModelMonitor compares with it) is computed from the prepared
                    // training data and leaves out the label, the last column.
                    .driftBaseline(DriftBaselineOptions.builder().targetColumn("last").build())
                    .training(TrainingOptions.builder()
                            .instanceType(TrainingInstanceType.ML_M5_XLARGE)
                            .maxRuntime(Duration.hours(1)) // with spot, waits for capacity up to 2 h in all
                            // Map.of iterates in an order that changes from one JVM run to the next: the
                            // library sorts the keys, so the pipeline definition does not change with it.
                            .hyperparameters(Map.of(
                                    "epochs", Hyperparameter.fromNumber(200),
                                    "learning_rate", Hyperparameter.fromNumber(0.05)))
                            // The starter container prints these and writes evaluation.json.
                            .metricDefinitions(List.of(
                                    MetricDefinition.builder().name("train:loss").regex("train_loss=([0-9.eE+-]+);").build(),
                                    MetricDefinition.builder().name("validation:loss").regex("validation_loss=([0-9.eE+-]+);").build()))
                            .build())
                    // Every instance type the serving stack deploys the registered model on.
                    .registration(RegistrationOptions.builder().inferenceInstanceTypes(List.of("ml.m5.large", "ml.m5.xlarge")).build())
                    .qualityGate(QualityGate.lessThanOrEqualTo("regression_metrics.mse.value", 0.25))
                    .notifications(PipelineNotifications.builder().notifyOnFailure(true).build())
                    .build();
            // Names for notebooks and scripts (examples/notebooks): stack outputs Training<Name>.
            this.training.publishNames();

            // The roles trust the account's github.com provider (GitHubOidcProvider.fromAccount) by default.
            GitHubRepository repository = GitHubRepository.of(OWNER, REPOSITORY);
            // Only the build job (its own `build` environment, limited to main) may assume this role.
            this.buildRole = GitHubActionsRole.Builder.create(this, "BuildRole")
                    .repository(repository)
                    .subjects(List.of(GitHubSubject.environment("build")))
                    .build();
            // Only the train job (its `train` environment) starts training with the image just pushed.
            this.trainRole = GitHubActionsRole.Builder.create(this, "TrainRole")
                    .repository(repository)
                    .subjects(List.of(GitHubSubject.environment("train")))
                    // The job waits for the execution: preparation (1 h at most), training (spot: up to 2 h with the
                    // wait), then evaluation (1 h at most).
                    .maxSessionDuration(Duration.hours(4))
                    .build();
            // Only jobs that run in the protected `production` environment may deploy.
            this.deployRole = GitHubActionsRole.Builder.create(this, "DeployRole")
                    .repository(repository)
                    .subjects(List.of(GitHubSubject.environment("production")))
                    .maxSessionDuration(Duration.hours(2))
                    .build();
            this.deployRole.grantCdkDeploy();

            // Approving a version in SageMaker starts the deploy job (repository_dispatch): no Lambda.
            DeployOnApproval.Builder.create(this, "DeployOnApproval")
                    .repository(repository)
                    .modelPackageGroup(this.training.getModelPackageGroup())
                    .tokenSecret(Secret.fromSecretNameV2(this, "GitHubToken", OWNER + "/" + REPOSITORY + "/dispatch-token"))
                    .build();

        }
    }

    /** Serving: the newest approved model version, in each of the four modes. */
    public static class ServingStack extends Stack {
        public final CfnParameter modelPackageArn;
        public final ModelEndpoint realtime;
        public final ModelEndpoint serverless;
        public final ModelEndpoint asynchronous;
        public final ModelEndpoint batch;
        public final ModelMonitor monitor;
        public final Role notebookRole;

        public ServingStack(final Construct scope, final String id, final StackProps props, final ModelStack model) {
            super(scope, id, props);

            this.modelPackageArn = CfnParameter.Builder.create(this, "ModelPackageArn")
                    .type("String")
                    .description("An approved model package version of the training pipeline (the GitHub deploy job passes the newest)")
                    .build();
            // The package names the image and model.tar.gz; the role must be able to pull and read them.
            Supplier<ModelSource> source = () -> ModelSource.fromTrainingPipeline(model.training,
                    this.modelPackageArn.getValueAsString(),
                    TrainingPipelineSourceOptions.builder()
                            .image(model.image)
                            .build());

            // One prediction at a time, low latency: canary updates that roll back on the endpoint's own alarms.
            this.realtime = ModelEndpoint.Builder.create(this, "Realtime")
                    .model(source.get())
                    .mode(EndpointMode.realtime(RealtimeModeOptions.builder()
                            .instanceType(InferenceInstanceType.ML_M5_LARGE)
                            .initialInstanceCount(2)
                            .autoScaling(RealtimeAutoScalingOptions.builder()
                                    .minCapacity(2).maxCapacity(6).targetInvocationsPerInstance(200).build())
                            .deployment(DeploymentOptions.builder()
                                    .trafficShifting(TrafficShifting.canary(CanaryTrafficShiftingOptions.builder()
                                            .canarySize(CapacitySize.percent(20))
                                            .waitInterval(Duration.minutes(10))
                                            .build()))
                                    .build())
                            .build()))
                    .build();

            // Spiky internal traffic where a cold start is fine: nothing billed while idle.
            this.serverless = ModelEndpoint.Builder.create(this, "Serverless")
                    .model(source.get())
                    .mode(EndpointMode.serverless(ServerlessModeOptions.builder().memorySizeMiB(2048).maxConcurrency(20).build()))
                    .build();

            // Large payloads, answers in S3 and SNS; scales to zero and back.
            this.asynchronous = ModelEndpoint.Builder.create(this, "Asynchronous")
                    .model(source.get())
                    .mode(EndpointMode.asynchronous(AsynchronousModeOptions.builder()
                            .instanceType(InferenceInstanceType.ML_M5_XLARGE)
                            .autoScaling(AsynchronousAutoScalingOptions.builder().minCapacity(0).maxCapacity(4).build())
                            .build()))
                    .build();

            // Nightly scoring of everything under fraud/score/.
            IBucket data = Bucket.fromBucketName(this, "Data", "example-org-fraud-data");
            this.batch = ModelEndpoint.Builder.create(this, "Batch")
                    .model(source.get())
                    .mode(EndpointMode.batch(BatchModeOptions.builder()
                            .inputBucket(data)
                            .inputPrefix("fraud/score/")
                            .instanceCount(2)
                            .maxPayload(Size.mebibytes(6))
                            .build()))
                    .build();

            // Names for notebooks and scripts: stack outputs <Id><Name> (endpoint names, capture, async and batch locations).
            for (ModelEndpoint endpoint : List.of(this.realtime, this.serverless, this.asynchronous, this.batch)) {
                endpoint.publishNames();
            }

            // Drift and quality of the realtime endpoint's traffic, hourly, against the baseline the served
            // version was registered with; drift or a rising error retrains (at most once a day, never twice at once).
            this.monitor = ModelMonitor.Builder.create(this, "Monitor")
                    .endpoint(this.realtime.getEndpoint())
                    .baseline(MonitorBaseline.fromTrainingPipeline(model.training))
                    .groundTruth(GroundTruthOptions.builder().problemType(ProblemType.REGRESSION).build())
                    .alarms(MonitorAlarmOptions.builder()
                            .modelQuality(List.of(ModelQualityThreshold.builder().metric(ModelQualityMetric.RMSE).threshold(0.5).build()))
                            .topic(Topic.Builder.create(this, "MonitorAlarms")
                                    .masterKey(Key.Builder.create(this, "MonitorAlarmsKey").enableKeyRotation(true).build())
                                    .enforceSsl(true)
                                    .build())
                            .build())
                    .retraining(RetrainingOptions.builder().pipeline(model.training).coolDown(Duration.days(1)).build())
                    .notifications(PipelineNotifications.builder().notifyOnFailure(true).build())
                    .build();
            this.monitor.publishNames(PublishNamesOptions.builder().outputPrefix("Monitor").build());

            // The role the evaluation notebook (examples/notebooks) runs as, a SageMaker Studio execution role:
            // what the notebook calls and nothing else, from the constructs' grants. The notebook suite
            // checks every call the notebook makes against this role's policy.
            this.notebookRole = Role.Builder.create(this, "NotebookRole")
                    .assumedBy(new ServicePrincipal("sagemaker.amazonaws.com"))
                    .description("Runs the evaluation notebook: trains, compares and approves versions, asks the endpoints, reads captures")
                    .build();
            TrainingPipeline training = model.training;
            training.grantManageExecutions(this.notebookRole);
            training.grantReadEvaluationReports(this.notebookRole);
            training.getModelPackageGroup().grantApprove(this.notebookRole);
            this.realtime.getEndpoint().grantInvoke(this.notebookRole);
            this.realtime.getEndpoint().grantReadDataCapture(this.notebookRole);
            this.asynchronous.getEndpoint().grantInvoke(this.notebookRole);
            // The names come from the two stacks' outputs; the notebook shows the realtime endpoint's status.
            this.notebookRole.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("cloudformation:DescribeStacks"))
                    .resources(List.of(model.getStackId(), this.getStackId()))
                    .build());
            this.notebookRole.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("sagemaker:DescribeEndpoint"))
                    .resources(List.of(this.realtime.getEndpoint().getEndpointArn()))
                    .build());
            // The compliance packs (NIST 800-53, HIPAA) ask for managed policies; grants go into the role's own one.
            String reason = "the grants of the constructs the notebook uses, in a policy attached to this role alone";
            NagSuppressions.addResourceSuppressions(this.notebookRole, List.of(
                    NagPackSuppression.builder().id("NIST.800.53.R5-IAMNoInlinePolicy").reason(reason).build(),
                    NagPackSuppression.builder().id("HIPAA.Security-IAMNoInlinePolicy").reason(reason).build()), true);
        }
    }

    /** Adds the reference app's stacks to `app`; environment-agnostic on purpose. */
    public static void buildReferenceApp(final App app, final Path outdir) {
        new AccountSetupStack(app, "SageMakerGitHubAccountSetup", StackProps.builder().build());
        ModelStack model = new ModelStack(app, "SageMakerGitHubReference", StackProps.builder().build());
        ServingStack serving = new ServingStack(app, "SageMakerGitHubServing", StackProps.builder().build(), model);

        // Push to main: build and push the image, train it, then (in the protected
        // `production` environment) deploy both stacks with the new image tag and the
        // newest approved model version.
        GitHubWorkflow.Builder.create(model, "Workflow")
                .image(model.image)
                .buildRole(model.buildRole)
                .train(WorkflowTrainOptions.builder()
                        .pipeline(model.training)
                        .role(model.trainRole)
                        .timeout(Duration.hours(4))
                        .build())
                .deploy(WorkflowDeployOptions.builder()
                        .role(model.deployRole)
                        .stacks(List.of(model.getStackName(), serving.getStackName()))
                        .environment("production")
                        .modelPackageGroup(model.training.getModelPackageGroup())
                        .modelPackageParameter(serving.modelPackageArn)
                        // This app's own deploy job (set up Java, mvn compile, the CDK CLI from npm), given in full:
                        // the default (the app that synthesizes) takes the Java version and the directory from the machine.
                        .app(CdkApp.java(JavaAppOptions.builder().directory(".").javaVersion("21").build()))
                        .build())
                .dockerContext("container")
                .outputPath(outdir.resolve("workflows").resolve("sagemaker.yml").toString())
                .build();
    }

    public static void main(final String[] args) {
        Path outdir = Path.of(args[0]).toAbsolutePath();
        App app = new App(AppProps.builder().outdir(outdir.toString()).build());
        buildReferenceApp(app, outdir);
        app.synth();
    }

    private ReferenceApp() {
    }
}
