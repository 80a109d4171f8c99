// The reference app in Go: the same stacks as examples/reference-app.ts.
//
//	go run . OUTDIR
//
// OUTDIR receives the cloud assembly and OUTDIR/workflows/sagemaker.yml.
package main

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	sagemaker "github.com/cdk-sagemaker-github/cdk-sagemaker-github-go/cdksagemakergithub"
)

const (
	owner      = "example-org"
	repository = "fraud-model"
)

// NewAccountSetupStack holds what exists once per account: the GitHub OIDC provider.
func NewAccountSetupStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)
	sagemaker.NewGitHubOidcProvider(stack, jsii.String("GitHub"), nil)
	return stack
}

// ModelStack holds the image, its training pipeline and the GitHub roles.
type ModelStack struct {
	awscdk.Stack
	Image      sagemaker.CustomTrainingImage
	Training   sagemaker.TrainingPipeline
	BuildRole  sagemaker.GitHubActionsRole
	TrainRole  sagemaker.GitHubActionsRole
	DeployRole sagemaker.GitHubActionsRole
}

// NewModelStack creates the ModelStack.
func NewModelStack(scope constructs.Construct, id string, props *awscdk.StackProps) *ModelStack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)

	// The Dockerfile builds FROM this Deep Learning Container. A tabular fraud model
	// trains on CPU; a small CPU image also fits serverless endpoints (10 GB at most).
	base := sagemaker.DeepLearningContainer_FromFramework(&sagemaker.DeepLearningContainerProps{
		Framework: sagemaker.DlcFramework_SKLEARN(),
		Version:   jsii.String("1.4-2"),
		Scope:     sagemaker.DlcScope_TRAINING(),
		Processor: sagemaker.DlcProcessor_CPU(),
	})
	image := sagemaker.NewCustomTrainingImage(stack, jsii.String("TrainingImage"), &sagemaker.CustomTrainingImageProps{
		BaseImage:        base,
		MaxReleaseImages: jsii.Number(20),
	})

	// The data lake the team already has; the pipeline reads it, never writes it.
	data := awss3.Bucket_FromBucketName(stack, jsii.String("Data"), jsii.String("example-org-fraud-data"))
	training := sagemaker.NewTrainingPipeline(stack, jsii.String("Training"), &sagemaker.TrainingPipelineProps{
		Image: image,
		// prep -> train -> evaluate -> gate -> register: the starter's `prepare` drops the rows of the raw
		// CSV files that are not numbers (their header too) and splits one row in five off as test data.
		// Its outputs are the `train` channel and the test data (by reference, per execution), so neither
		// TrainingData nor TestData is given; an execution may prepare other raw data under fraud/raw/
		// (the pipeline parameter PreparationRawDataUri).
		Preparation: &sagemaker.PreparationOptions{
			Command: &[]*string{jsii.String("prepare")},
			Inputs:  &[]*sagemaker.PreparationInput{{InputName: jsii.String("raw"), Bucket: data, Prefix: jsii.String("fraud/raw/")}},
			Outputs: &[]*sagemaker.PreparationOutput{
				// The train channel is CSV (its ContentType in the training job; the container reads it as files).
				{OutputName: jsii.String("train"), ChannelName: jsii.String("train"), Channel: &sagemaker.ChannelSettings{ContentType: jsii.String("text/csv")}},
				{OutputName: jsii.String("test"), TestData: jsii.Bool(true)},
			},
		},
		// The drift baseline of every version (ModelMonitor compares with it) is computed from the prepared
		// training data and leaves out the label, the last column.
		DriftBaseline: &sagemaker.DriftBaselineOptions{TargetColumn: jsii.String("last")},
		Training: &sagemaker.TrainingOptions{
			InstanceType: sagemaker.TrainingInstanceType_ML_M5_XLARGE(),
			MaxRuntime:   awscdk.Duration_Hours(jsii.Number(1)), // with spot, waits for capacity up to 2 h in all
			Hyperparameters: &map[string]*string{
				"epochs":        sagemaker.Hyperparameter_FromNumber(jsii.Number(200)),
				"learning_rate": sagemaker.Hyperparameter_FromNumber(jsii.Number(0.05)),
			},
			// The starter container prints these and writes evaluation.json.
			MetricDefinitions: &[]*sagemaker.MetricDefinition{
				{Name: jsii.String("train:loss"), Regex: jsii.String("train_loss=([0-9.eE+-]+);")},
				{Name: jsii.String("validation:loss"), Regex: jsii.String("validation_loss=([0-9.eE+-]+);")},
			},
		},
		// Every instance type the serving stack deploys the registered model on.
		Registration: &sagemaker.RegistrationOptions{
			InferenceInstanceTypes: &[]*string{jsii.String("ml.m5.large"), jsii.String("ml.m5.xlarge")},
		},
		QualityGate:   sagemaker.QualityGate_LessThanOrEqualTo(jsii.String("regression_metrics.mse.value"), jsii.Number(0.25)),
		Notifications: &sagemaker.PipelineNotifications{NotifyOnFailure: jsii.Bool(true)},
	})
	// Names for notebooks and scripts (examples/notebooks): stack outputs Training<Name>.
	training.PublishNames(nil)

	// The roles trust the account's github.com provider (GitHubOidcProvider_FromAccount) by default.
	repo := sagemaker.GitHubRepository_Of(jsii.String(owner), jsii.String(repository))
	// Only the build job (its own `build` environment, limited to main) may assume this role.
	buildRole := sagemaker.NewGitHubActionsRole(stack, jsii.String("BuildRole"), &sagemaker.GitHubActionsRoleProps{
		Repository: repo,
		Subjects:   &[]sagemaker.GitHubSubject{sagemaker.GitHubSubject_Environment(jsii.String("build"))},
	})
	// Only the train job (its `train` environment) starts training with the image just pushed.
	trainRole := sagemaker.NewGitHubActionsRole(stack, jsii.String("TrainRole"), &sagemaker.GitHubActionsRoleProps{
		Repository: repo,
		Subjects:   &[]sagemaker.GitHubSubject{sagemaker.GitHubSubject_Environment(jsii.String("train"))},
		// The job waits for the execution: preparation (1 h at most), training (spot: up to 2 h with the
		// wait), then evaluation (1 h at most).
		MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(4)),
	})
	// Only jobs that run in the protected `production` environment may deploy.
	deployRole := sagemaker.NewGitHubActionsRole(stack, jsii.String("DeployRole"), &sagemaker.GitHubActionsRoleProps{
		Repository:         repo,
		Subjects:           &[]sagemaker.GitHubSubject{sagemaker.GitHubSubject_Environment(jsii.String("production"))},
		MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(2)),
	})
	deployRole.GrantCdkDeploy(nil)

	// Approving a version in SageMaker starts the deploy job (repository_dispatch): no Lambda.
	sagemaker.NewDeployOnApproval(stack, jsii.String("DeployOnApproval"), &sagemaker.DeployOnApprovalProps{
		Repository:        repo,
		ModelPackageGroup: training.ModelPackageGroup(),
		TokenSecret:       awssecretsmanager.Secret_FromSecretNameV2(stack, jsii.String("GitHubToken"), jsii.String(owner+"/"+repository+"/dispatch-token")),
	})

	return &ModelStack{Stack: stack, Image: image, Training: training, BuildRole: buildRole, TrainRole: trainRole, DeployRole: deployRole}
}

// ServingStack serves the newest approved model version in each of the four modes.
type ServingStack struct {
	awscdk.Stack
	ModelPackageArn awscdk.CfnParameter
	Monitor         sagemaker.ModelMonitor
	NotebookRole    awsiam.Role
}

// ServingStackProps configures NewServingStack.
type ServingStackProps struct {
	awscdk.StackProps
	Model *ModelStack
}

// NewServingStack creates the ServingStack.
func NewServingStack(scope constructs.Construct, id string, props *ServingStackProps) *ServingStack {
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)

	modelPackageArn := awscdk.NewCfnParameter(stack, jsii.String("ModelPackageArn"), &awscdk.CfnParameterProps{
		Type:        jsii.String("String"),
		Description: jsii.String("An approved model package version of the training pipeline (the GitHub deploy job passes the newest)"),
	})
	// The package names the image and model.tar.gz; the role must be able to pull and read them.
	source := func() sagemaker.ModelSource {
		return sagemaker.ModelSource_FromTrainingPipeline(props.Model.Training, modelPackageArn.ValueAsString(), &sagemaker.TrainingPipelineSourceOptions{
			Image: props.Model.Image,
		})
	}

	// One prediction at a time, low latency: canary updates that roll back on the endpoint's own alarms.
	realtime := sagemaker.NewModelEndpoint(stack, jsii.String("Realtime"), &sagemaker.ModelEndpointProps{
		Model: source(),
		Mode: sagemaker.EndpointMode_Realtime(&sagemaker.RealtimeModeOptions{
			InstanceType:         sagemaker.InferenceInstanceType_ML_M5_LARGE(),
			InitialInstanceCount: jsii.Number(2),
			AutoScaling: &sagemaker.RealtimeAutoScalingOptions{
				MinCapacity:                  jsii.Number(2),
				MaxCapacity:                  jsii.Number(6),
				TargetInvocationsPerInstance: jsii.Number(200),
			},
			Deployment: &sagemaker.DeploymentOptions{
				TrafficShifting: sagemaker.TrafficShifting_Canary(&sagemaker.CanaryTrafficShiftingOptions{
					CanarySize:   sagemaker.CapacitySize_Percent(jsii.Number(20)),
					WaitInterval: awscdk.Duration_Minutes(jsii.Number(10)),
				}),
			},
		}),
	})

	// Spiky internal traffic where a cold start is fine: nothing billed while idle.
	serverless := sagemaker.NewModelEndpoint(stack, jsii.String("Serverless"), &sagemaker.ModelEndpointProps{
		Model: source(),
		Mode: sagemaker.EndpointMode_Serverless(&sagemaker.ServerlessModeOptions{
			MemorySizeMiB:  jsii.Number(2048),
			MaxConcurrency: jsii.Number(20),
		}),
	})

	// Large payloads, answers in S3 and SNS; scales to zero and back.
	asynchronous := sagemaker.NewModelEndpoint(stack, jsii.String("Asynchronous"), &sagemaker.ModelEndpointProps{
		Model: source(),
		Mode: sagemaker.EndpointMode_Asynchronous(&sagemaker.AsynchronousModeOptions{
			InstanceType: sagemaker.InferenceInstanceType_ML_M5_XLARGE(),
			AutoScaling:  &sagemaker.AsynchronousAutoScalingOptions{MinCapacity: jsii.Number(0), MaxCapacity: jsii.Number(4)},
		}),
	})

	// Nightly scoring of everything under fraud/score/.
	data := awss3.Bucket_FromBucketName(stack, jsii.String("Data"), jsii.String("example-org-fraud-data"))
	batch := sagemaker.NewModelEndpoint(stack, jsii.String("Batch"), &sagemaker.ModelEndpointProps{
		Model: source(),
		Mode: sagemaker.EndpointMode_Batch(&sagemaker.BatchModeOptions{
			InputBucket:   data,
			InputPrefix:   jsii.String("fraud/score/"),
			InstanceCount: jsii.Number(2),
			MaxPayload:    awscdk.Size_Mebibytes(jsii.Number(6)),
		}),
	})

	// Names for notebooks and scripts: stack outputs <Id><Name> (endpoint names, capture, async and batch locations).
	for _, endpoint := range []sagemaker.ModelEndpoint{realtime, serverless, asynchronous, batch} {
		endpoint.PublishNames(nil)
	}

	// Drift and quality of the realtime endpoint's traffic, hourly, against the baseline the served
	// version was registered with; drift or a rising error retrains (at most once a day, never twice at once).
	monitor := sagemaker.NewModelMonitor(stack, jsii.String("Monitor"), &sagemaker.ModelMonitorProps{
		Endpoint:    realtime.Endpoint(),
		Baseline:    sagemaker.MonitorBaseline_FromTrainingPipeline(props.Model.Training),
		GroundTruth: &sagemaker.GroundTruthOptions{ProblemType: sagemaker.ProblemType_REGRESSION},
		Alarms: &sagemaker.MonitorAlarmOptions{
			ModelQuality: &[]*sagemaker.ModelQualityThreshold{
				{Metric: sagemaker.ModelQualityMetric_RMSE, Threshold: jsii.Number(0.5)},
			},
			Topic: awssns.NewTopic(stack, jsii.String("MonitorAlarms"), &awssns.TopicProps{
				MasterKey:  awskms.NewKey(stack, jsii.String("MonitorAlarmsKey"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)}),
				EnforceSSL: jsii.Bool(true),
			}),
		},
		Retraining:    &sagemaker.RetrainingOptions{Pipeline: props.Model.Training, CoolDown: awscdk.Duration_Days(jsii.Number(1))},
		Notifications: &sagemaker.PipelineNotifications{NotifyOnFailure: jsii.Bool(true)},
	})
	monitor.PublishNames(&sagemaker.PublishNamesOptions{OutputPrefix: jsii.String("Monitor")})

	// The role the evaluation notebook (examples/notebooks) runs as, a SageMaker Studio execution role:
	// what the notebook calls and nothing else, from the constructs' grants. The notebook suite
	// checks every call the notebook makes against this role's policy.
	notebookRole := awsiam.NewRole(stack, jsii.String("NotebookRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("sagemaker.amazonaws.com"), nil),
		Description: jsii.String("Runs the evaluation notebook: trains, compares and approves versions, asks the endpoints, reads captures"),
	})
	training := props.Model.Training
	training.GrantManageExecutions(notebookRole)
	training.GrantReadEvaluationReports(notebookRole)
	training.ModelPackageGroup().GrantApprove(notebookRole)
	realtime.Endpoint().GrantInvoke(notebookRole)
	realtime.Endpoint().GrantReadDataCapture(notebookRole)
	asynchronous.Endpoint().GrantInvoke(notebookRole)
	// The names come from the two stacks' outputs; the notebook shows the realtime endpoint's status.
	notebookRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("cloudformation:DescribeStacks"),
		Resources: &[]*string{props.Model.Stack.StackId(), stack.StackId()},
	}))
	notebookRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("sagemaker:DescribeEndpoint"),
		Resources: &[]*string{realtime.Endpoint().EndpointArn()},
	}))
	// The compliance packs (NIST 800-53, HIPAA) ask for managed policies; grants go into the role's own one.
	reason := jsii.String("the grants of the constructs the notebook uses, in a policy attached to this role alone")
	cdknag.NagSuppressions_AddResourceSuppressions(notebookRole, &[]*cdknag.NagPackSuppression{
		{Id: jsii.String("NIST.800.53.R5-IAMNoInlinePolicy"), Reason: reason},
		{Id: jsii.String("HIPAA.Security-IAMNoInlinePolicy"), Reason: reason},
	}, jsii.Bool(true))
	return &ServingStack{Stack: stack, ModelPackageArn: modelPackageArn, Monitor: monitor, NotebookRole: notebookRole}
}

// BuildReferenceApp adds the reference app's stacks to app; environment-agnostic on purpose.
func BuildReferenceApp(app awscdk.App, outdir string) {
	NewAccountSetupStack(app, "SageMakerGitHubAccountSetup", &awscdk.StackProps{})
	model := NewModelStack(app, "SageMakerGitHubReference", &awscdk.StackProps{})
	serving := NewServingStack(app, "SageMakerGitHubServing", &ServingStackProps{Model: model})

	// Push to main: build and push the image, train it, then (in the protected
	// `production` environment) deploy both stacks with the new image tag and the
	// newest approved model version.
	sagemaker.NewGitHubWorkflow(model.Stack, jsii.String("Workflow"), &sagemaker.GitHubWorkflowProps{
		Image:     model.Image,
		BuildRole: model.BuildRole,
		Train: &sagemaker.WorkflowTrainOptions{
			Pipeline: model.Training,
			Role:     model.TrainRole,
			Timeout:  awscdk.Duration_Hours(jsii.Number(4)),
		},
		Deploy: &sagemaker.WorkflowDeployOptions{
			Role:                  model.DeployRole,
			Stacks:                jsii.Strings(*model.StackName(), *serving.StackName()),
			Environment:           jsii.String("production"),
			ModelPackageGroup:     model.Training.ModelPackageGroup(),
			ModelPackageParameter: serving.ModelPackageArn,
			// This app's own deploy job (set up Go from go.mod, go mod download, the CDK CLI from npm), given
			// in full: the default (the app that synthesizes) takes the directory from the machine.
			App: sagemaker.CdkApp_Golang(&sagemaker.GoAppOptions{Directory: jsii.String(".")}),
		},
		DockerContext: jsii.String("container"),
		OutputPath:    jsii.String(filepath.Join(outdir, "workflows", "sagemaker.yml")),
	})
}

func main() {
	defer jsii.Close()
	outdir, err := filepath.Abs(os.Args[1])
	if err != nil {
		panic(err)
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
	BuildReferenceApp(app, outdir)
	app.Synth(nil)
}
