"""The reference app in Python: the same stacks as examples/reference-app.ts.

Run by test/polyglot (scripts/polyglot/consumers.ts) against the wheel that
jsii-pacmak builds into dist/python:

    python app.py OUTDIR

OUTDIR receives the cloud assembly and OUTDIR/workflows/sagemaker.yml.
"""
import os
import sys

# The serving stack, below the quick start, also uses these.
from aws_cdk import CfnParameter, Size
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from cdk_nag import NagPackSuppression, NagSuppressions
from cdk_sagemaker_github import (
    AsynchronousAutoScalingOptions,
    CapacitySize,
    CdkApp,
    DeploymentOptions,
    EndpointMode,
    GroundTruthOptions,
    InferenceInstanceType,
    ModelEndpoint,
    ModelMonitor,
    ModelQualityMetric,
    ModelQualityThreshold,
    ModelSource,
    MonitorAlarmOptions,
    MonitorBaseline,
    ProblemType,
    RealtimeAutoScalingOptions,
    RetrainingOptions,
    TrafficShifting,
)

# [quick-start]
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from cdk_sagemaker_github import (
    ChannelSettings,
    CustomTrainingImage,
    DeepLearningContainer,
    DeployOnApproval,
    DlcFramework,
    DlcProcessor,
    DlcScope,
    DriftBaselineOptions,
    GitHubActionsRole,
    GitHubOidcProvider,
    GitHubRepository,
    GitHubSubject,
    GitHubWorkflow,
    Hyperparameter,
    MetricDefinition,
    QualityGate,
    PipelineNotifications,
    PreparationInput,
    PreparationOptions,
    PreparationOutput,
    RegistrationOptions,
    TrainingInstanceType,
    TrainingOptions,
    TrainingPipeline,
    WorkflowDeployOptions,
    WorkflowTrainOptions,
)

OWNER = "example-org"
REPOSITORY = "fraud-model"


class AccountSetupStack(Stack):
    """Once per account: the GitHub OIDC provider."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        GitHubOidcProvider(self, "GitHub")


class ModelStack(Stack):
    """The image, its training pipeline and the GitHub roles."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # The Dockerfile builds FROM this Deep Learning Container. A tabular fraud model
        # trains on CPU; a small CPU image also fits serverless endpoints (10 GB at most).
        base = DeepLearningContainer.from_framework(
            framework=DlcFramework.SKLEARN,
            version="1.4-2",
            scope=DlcScope.TRAINING,
            processor=DlcProcessor.CPU,
        )
        self.image = CustomTrainingImage(self, "TrainingImage", base_image=base, max_release_images=20)

        # The data lake the team already has; the pipeline reads it, never writes it.
        data = s3.Bucket.from_bucket_name(self, "Data", "example-org-fraud-data")
        self.training = TrainingPipeline(
            self, "Training",
            image=self.image,
            # prep -> train -> evaluate -> gate -> register: the starter's `prepare` drops the rows of the raw
            # CSV files that are not numbers (their header too) and splits one row in five off as test data.
            # Its outputs are the `train` channel and the test data (by reference, per execution), so neither
            # training_data nor test_data is given; an execution may prepare other raw data under fraud/raw/
            # (the pipeline parameter PreparationRawDataUri).
            preparation=PreparationOptions(
                command=["prepare"],
                inputs=[PreparationInput(input_name="raw", bucket=data, prefix="fraud/raw/")],
                outputs=[
                    # The train channel is CSV (its ContentType in the training job; the container reads it as files).
                    PreparationOutput(output_name="train", channel_name="train", channel=ChannelSettings(content_type="text/csv")),
                    PreparationOutput(output_name="test", test_data=True),
                ],
            ),
            # The drift baseline of every version (ModelMonitor compares with it) is computed from the prepared
            # training data and leaves out the label, the last column.
            drift_baseline=DriftBaselineOptions(target_column="last"),
            training=TrainingOptions(
                instance_type=TrainingInstanceType.ML_M5_XLARGE,
                max_runtime=Duration.hours(1),  # with spot, waits for capacity up to 2 h in all
                hyperparameters={
                    "epochs": Hyperparameter.from_number(200),
                    "learning_rate": Hyperparameter.from_number(0.05),
                },
                # The starter container prints these and writes evaluation.json.
                metric_definitions=[
                    MetricDefinition(name="train:loss", regex="train_loss=([0-9.eE+-]+);"),
                    MetricDefinition(name="validation:loss", regex="validation_loss=([0-9.eE+-]+);"),
                ],
            ),
            # Every instance type the serving stack deploys the registered model on.
            registration=RegistrationOptions(inference_instance_types=["ml.m5.large", "ml.m5.xlarge"]),
            quality_gate=QualityGate.less_than_or_equal_to("regression_metrics.mse.value", 0.25),
            notifications=PipelineNotifications(notify_on_failure=True),
        )
        # Names for notebooks and scripts (examples/notebooks): stack outputs Training<Name>.
        self.training.publish_names()

        # The roles trust the account's github.com provider (GitHubOidcProvider.from_account) by default.
        repository = GitHubRepository.of(OWNER, REPOSITORY)
        # Only the build job (its own `build` environment, limited to main) may assume this role.
        self.build_role = GitHubActionsRole(
            self, "BuildRole",
            repository=repository,
            subjects=[GitHubSubject.environment("build")],
        )
        # Only the train job (its `train` environment) starts training with the image just pushed.
        self.train_role = GitHubActionsRole(
            self, "TrainRole",
            repository=repository,
            subjects=[GitHubSubject.environment("train")],
            # The job waits for the execution: preparation (1 h at most), training (spot: up to 2 h with the
            # wait), then evaluation (1 h at most).
            max_session_duration=Duration.hours(4),
        )
        # Only jobs that run in the protected `production` environment may deploy.
        self.deploy_role = GitHubActionsRole(
            self, "DeployRole",
            repository=repository,
            subjects=[GitHubSubject.environment("production")],
            max_session_duration=Duration.hours(2),
        )
        self.deploy_role.grant_cdk_deploy()

        # Approving a version in SageMaker starts the deploy job (repository_dispatch): no Lambda.
        DeployOnApproval(
            self, "DeployOnApproval",
            repository=repository,
            model_package_group=self.training.model_package_group,
            token_secret=secretsmanager.Secret.from_secret_name_v2(self, "GitHubToken", f"{OWNER}/{REPOSITORY}/dispatch-token"),
        )
# [/quick-start]


class ServingStack(Stack):
    """Serving: the newest approved model version, in each of the four modes."""

    def __init__(self, scope: Construct, construct_id: str, *, model: ModelStack, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        self.model_package_arn = CfnParameter(
            self, "ModelPackageArn",
            type="String",
            description="An approved model package version of the training pipeline (the GitHub deploy job passes the newest)",
        )

        # The package names the image and model.tar.gz; the role must be able to pull and read them.
        def source() -> ModelSource:
            return ModelSource.from_training_pipeline(
                model.training,
                self.model_package_arn.value_as_string,
                image=model.image,
            )

        # One prediction at a time, low latency: canary updates that roll back on the endpoint's own alarms.
        self.realtime = ModelEndpoint(
            self, "Realtime",
            model=source(),
            mode=EndpointMode.realtime(
                instance_type=InferenceInstanceType.ML_M5_LARGE,
                initial_instance_count=2,
                auto_scaling=RealtimeAutoScalingOptions(min_capacity=2, max_capacity=6, target_invocations_per_instance=200),
                deployment=DeploymentOptions(
                    traffic_shifting=TrafficShifting.canary(canary_size=CapacitySize.percent(20), wait_interval=Duration.minutes(10)),
                ),
            ),
        )

        # Spiky internal traffic where a cold start is fine: nothing billed while idle.
        self.serverless = ModelEndpoint(
            self, "Serverless",
            model=source(),
            mode=EndpointMode.serverless(memory_size_mib=2048, max_concurrency=20),
        )

        # Large payloads, answers in S3 and SNS; scales to zero and back.
        self.asynchronous = ModelEndpoint(
            self, "Asynchronous",
            model=source(),
            mode=EndpointMode.asynchronous(
                instance_type=InferenceInstanceType.ML_M5_XLARGE,
                auto_scaling=AsynchronousAutoScalingOptions(min_capacity=0, max_capacity=4),
            ),
        )

        # Nightly scoring of everything under fraud/score/.
        data = s3.Bucket.from_bucket_name(self, "Data", "example-org-fraud-data")
        self.batch = ModelEndpoint(
            self, "Batch",
            model=source(),
            mode=EndpointMode.batch(
                input_bucket=data,
                input_prefix="fraud/score/",
                instance_count=2,
                max_payload=Size.mebibytes(6),
            ),
        )

        # Names for notebooks and scripts: stack outputs <Id><Name> (endpoint names, capture, async and batch locations).
        for endpoint in [self.realtime, self.serverless, self.asynchronous, self.batch]:
            endpoint.publish_names()

        # Drift and quality of the realtime endpoint's traffic, hourly, against the baseline the served
        # version was registered with; drift or a rising error retrains (at most once a day, never twice at once).
        self.monitor = ModelMonitor(
            self, "Monitor",
            endpoint=self.realtime.endpoint,
            baseline=MonitorBaseline.from_training_pipeline(model.training),
            ground_truth=GroundTruthOptions(problem_type=ProblemType.REGRESSION),
            alarms=MonitorAlarmOptions(
                model_quality=[ModelQualityThreshold(metric=ModelQualityMetric.RMSE, threshold=0.5)],
                topic=sns.Topic(
                    self, "MonitorAlarms",
                    master_key=kms.Key(self, "MonitorAlarmsKey", enable_key_rotation=True),
                    enforce_ssl=True,
                ),
            ),
            retraining=RetrainingOptions(pipeline=model.training, cool_down=Duration.days(1)),
            notifications=PipelineNotifications(notify_on_failure=True),
        )
        self.monitor.publish_names(output_prefix="Monitor")

        # The role the evaluation notebook (examples/notebooks) runs as, a SageMaker Studio execution role:
        # what the notebook calls and nothing else, from the constructs' grants. The notebook suite
        # checks every call the notebook makes against this role's policy.
        self.notebook_role = iam.Role(
            self, "NotebookRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description="Runs the evaluation notebook: trains, compares and approves versions, asks the endpoints, reads captures",
        )
        training = model.training
        training.grant_manage_executions(self.notebook_role)
        training.grant_read_evaluation_reports(self.notebook_role)
        training.model_package_group.grant_approve(self.notebook_role)
        self.realtime.endpoint.grant_invoke(self.notebook_role)
        self.realtime.endpoint.grant_read_data_capture(self.notebook_role)
        self.asynchronous.endpoint.grant_invoke(self.notebook_role)
        # The names come from the two stacks' outputs; the notebook shows the realtime endpoint's status.
        self.notebook_role.add_to_principal_policy(iam.PolicyStatement(
            actions=["cloudformation:DescribeStacks"],
            resources=[model.stack_id, self.stack_id],
        ))
        self.notebook_role.add_to_principal_policy(iam.PolicyStatement(
            actions=["sagemaker:DescribeEndpoint"],
            resources=[self.realtime.endpoint.endpoint_arn],
        ))
        # The compliance packs (NIST 800-53, HIPAA) ask for managed policies; grants go into the role's own one.
        NagSuppressions.add_resource_suppressions(self.notebook_role, [
            NagPackSuppression(
                id=f"{pack}-IAMNoInlinePolicy",
                reason="the grants of the constructs the notebook uses, in a policy attached to this role alone",
            )
            for pack in ["NIST.800.53.R5", "HIPAA.Security"]
        ], True)


def build_reference_app(app: App, outdir: str) -> None:
    """Adds the reference app's stacks to `app`; environment-agnostic on purpose."""
    AccountSetupStack(app, "SageMakerGitHubAccountSetup")
    model = ModelStack(app, "SageMakerGitHubReference")
    serving = ServingStack(app, "SageMakerGitHubServing", model=model)

    # Push to main: build and push the image, train it, then (in the protected
    # `production` environment) deploy both stacks with the new image tag and the
    # newest approved model version.
    GitHubWorkflow(
        model, "Workflow",
        image=model.image,
        build_role=model.build_role,
        train=WorkflowTrainOptions(pipeline=model.training, role=model.train_role, timeout=Duration.hours(4)),
        deploy=WorkflowDeployOptions(
            role=model.deploy_role,
            stacks=[model.stack_name, serving.stack_name],
            environment="production",
            model_package_group=model.training.model_package_group,
            model_package_parameter=serving.model_package_arn,
            # This app's own deploy job (set up Python, a venv with requirements.txt, the CDK CLI from npm),
            # given in full: the default (the app that synthesizes) takes the Python version and the directory
            # from the machine.
            app=CdkApp.python(directory=".", python_version="3.12"),
        ),
        docker_context="container",
        output_path=os.path.join(outdir, "workflows", "sagemaker.yml"),
    )


if __name__ == "__main__":
    out = os.path.abspath(sys.argv[1])
    reference_app = App(outdir=out)
    build_reference_app(reference_app, out)
    reference_app.synth()
