/**
 * The shell scripts of the generated workflow. They take every value from
 * environment variables (set from `${{ }}` expressions in the step's `env:`),
 * never from expressions spliced into the script, so that no value can
 * change the script's meaning.
 */

/** Fails the job with one clear message when repository variables are not set. */
export function checkVariablesScript(names: string[], stackName: string): string {
  return [
    'missing=()',
    `for name in ${names.join(' ')}; do`,
    '  if [ -z "${!name:-}" ]; then missing+=("$name"); fi',
    'done',
    'if [ "${#missing[@]}" -gt 0 ]; then',
    '  echo "::error title=Repository variables not set::${missing[*]}: deploy the stack once, then run the '
    + `gh variable set commands from the outputs of ${stackName} (cdk deploy prints them)"`,
    '  exit 1',
    'fi',
  ].join('\n') + '\n';
}

/** Prints `uri=<repository>@<digest>` and `digest=<digest>` to the step outputs. */
export function imageUriScript(): string {
  return [
    'echo "uri=${REPOSITORY_URI}@${DIGEST}" >> "$GITHUB_OUTPUT"',
    'echo "digest=${DIGEST}" >> "$GITHUB_OUTPUT"',
  ].join('\n') + '\n';
}

/**
 * Looks for an image tagged with the commit (`$GITHUB_SHA`) in the repository
 * of `$REPOSITORY_URI` and prints `digest=<digest>` when there is one: release
 * tags are immutable, so a re-run of an already built commit must not push
 * again. The registry id and the repository name come from the URI
 * (`<account>.dkr.ecr.<region>.<suffix>/<name>`). Any error other than
 * "image not found" fails the step.
 */
export function existingImageScript(): string {
  return [
    'set -euo pipefail',
    'registry_id="${REPOSITORY_URI%%.*}"',
    'repository_name="${REPOSITORY_URI#*/}"',
    'if output=$(aws ecr describe-images --registry-id "$registry_id" --repository-name "$repository_name" \\',
    '  --image-ids "imageTag=$GITHUB_SHA" --query \'imageDetails[0].imageDigest\' --output text 2>&1); then',
    '  echo "digest=$output" >> "$GITHUB_OUTPUT"',
    '  echo "$REPOSITORY_URI:$GITHUB_SHA already exists ($output): not building it again"',
    'elif grep -q ImageNotFoundException <<< "$output"; then',
    '  echo "$REPOSITORY_URI:$GITHUB_SHA does not exist yet: building it"',
    'else',
    '  echo "::error title=Could not look up the image::$output"',
    '  exit 1',
    'fi',
  ].join('\n') + '\n';
}

/**
 * Starts the pipeline with the pushed image and prints `arn=<execution ARN>`.
 *
 * The parameter list is built with jq so that no value needs shell or CLI
 * shorthand quoting.
 */
export function startPipelineScript(): string {
  return [
    'set -euo pipefail',
    'parameters=$(jq -cn --arg name "$IMAGE_PARAMETER" --arg value "$IMAGE_URI" \'[{Name: $name, Value: $value}]\')',
    'arn=$(aws sagemaker start-pipeline-execution \\',
    '  --pipeline-name "$PIPELINE_NAME" \\',
    '  --pipeline-execution-display-name "github-$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT" \\',
    '  --pipeline-execution-description "$GITHUB_REPOSITORY@$GITHUB_SHA, run $GITHUB_RUN_ID attempt $GITHUB_RUN_ATTEMPT" \\',
    '  --pipeline-parameters "$parameters" \\',
    '  --client-request-token "$CLIENT_REQUEST_TOKEN" \\',
    '  --query PipelineExecutionArn --output text)',
    'echo "arn=$arn" >> "$GITHUB_OUTPUT"',
    'echo "Started $arn with $IMAGE_PARAMETER=$IMAGE_URI"',
  ].join('\n') + '\n';
}

/**
 * Polls the execution until it ends. SageMaker has no CLI waiter for pipeline
 * executions, hence the loop. At the deadline it stops the execution and fails.
 */
export function waitForPipelineScript(): string {
  return [
    'set -euo pipefail',
    'deadline=$(( $(date +%s) + WAIT_SECONDS ))',
    'while true; do',
    '  execution=$(aws sagemaker describe-pipeline-execution --pipeline-execution-arn "$EXECUTION_ARN" --output json)',
    '  status=$(jq -r .PipelineExecutionStatus <<< "$execution")',
    '  case "$status" in',
    '    Succeeded)',
    '      echo "Pipeline execution succeeded: $EXECUTION_ARN"',
    '      exit 0',
    '      ;;',
    '    Failed|Stopped)',
    // The reason can hold text from the training container: escape it for the workflow command.
    '      reason=$(jq -r \'.FailureReason // "no failure reason given" | gsub("%"; "%25") | gsub("\\r"; "%0D") | gsub("\\n"; "%0A")\' <<< "$execution")',
    '      echo "::error title=SageMaker pipeline execution ${status}::${reason} ($EXECUTION_ARN)"',
    '      exit 1',
    '      ;;',
    '  esac',
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    '    echo "::error title=SageMaker pipeline execution timed out::still $status after $WAIT_SECONDS seconds: stopping $EXECUTION_ARN"',
    '    aws sagemaker stop-pipeline-execution --pipeline-execution-arn "$EXECUTION_ARN" \\',
    '      --client-request-token "$STOP_REQUEST_TOKEN" > /dev/null',
    '    exit 1',
    '  fi',
    '  echo "$(date -u +%H:%M:%S) $status"',
    '  sleep "$POLL_SECONDS"',
    'done',
  ].join('\n') + '\n';
}

/** Stops the execution when the job fails or is cancelled (or times out) after starting it. */
export function stopPipelineScript(): string {
  return [
    'aws sagemaker stop-pipeline-execution --pipeline-execution-arn "$EXECUTION_ARN" \\',
    '  --client-request-token "$STOP_REQUEST_TOKEN" \\',
    '  || echo "::warning::could not stop $EXECUTION_ARN: stop it in the SageMaker console"',
  ].join('\n') + '\n';
}

/**
 * Prints `arn=<ARN>` of the newest version with approval status `Approved` in
 * the model package group `$MODEL_PACKAGE_GROUP`. When the group has none yet
 * (the first push, before anyone approved a version), it fails with a clear
 * error; or, given `withoutModel` (the stacks the job can deploy without a
 * model version), prints `arn=` and a notice, and the deploy step deploys only
 * those.
 *
 * `list-model-packages` is paginated in the CLI, which takes `--max-items`
 * (not the API's `MaxResults`); with JSON output the query runs on the
 * aggregated result, so an empty first page cannot hide a version. The
 * sorting (newest first) is done by SageMaker (`SortBy`, `SortOrder`).
 */
export function approvedModelScript(withoutModel: string[] = []): string {
  const none = withoutModel.length > 0
    ? [
      '  echo "::notice title=No approved model version yet::model package group $MODEL_PACKAGE_GROUP has no version with '
      + `approval status Approved yet: deploying ${withoutModel.join(', ')}, which need none. Approving a version `
      + '(aws sagemaker update-model-package --model-package-arn <version ARN> --model-approval-status Approved) '
      + 'deploys the rest with it"',
      '  echo "arn=" >> "$GITHUB_OUTPUT"',
      '  exit 0',
    ]
    : [
      '  echo "::error title=No approved model version::model package group $MODEL_PACKAGE_GROUP has no version with '
      + 'approval status Approved yet, so there is nothing to deploy: approve one with aws sagemaker update-model-package '
      + '--model-package-arn <version ARN> --model-approval-status Approved (aws sagemaker list-model-packages '
      + '--model-package-group-name $MODEL_PACKAGE_GROUP lists the versions), or in SageMaker Studio (Models, the group, '
      + 'the version, Update status), then re-run this workflow"',
      '  exit 1',
    ];
  return [
    'set -euo pipefail',
    'arn=$(aws sagemaker list-model-packages \\',
    '  --model-package-group-name "$MODEL_PACKAGE_GROUP" \\',
    '  --model-approval-status Approved \\',
    '  --sort-by CreationTime --sort-order Descending \\',
    '  --max-items 1 \\',
    '  --query \'ModelPackageSummaryList[0].ModelPackageArn\' --output json | jq -r \'. // empty\')',
    'if [ -z "$arn" ] || [ "$arn" = None ]; then',
    ...none,
    'fi',
    'echo "arn=$arn" >> "$GITHUB_OUTPUT"',
    'echo "Deploying $arn, the newest approved version in $MODEL_PACKAGE_GROUP"',
  ].join('\n') + '\n';
}

/**
 * On a `repository_dispatch` event: checks that `$DISPATCHED_ARN` (the
 * event's `client_payload.model_package_arn`) is the ARN of a version of the
 * group `$MODEL_PACKAGE_GROUP` that is still `Approved` (SageMaker's answer,
 * not the event's), prints `arn=<ARN>`, and `deployed=true` when the stack
 * `$STACK_NAME` already has it as parameter `$PARAMETER_NAME` (a duplicate
 * event), else `deployed=false`. Fails with a clear error otherwise.
 *
 * The ARN comes from whoever sent the event: its shape is checked before it
 * is used or printed, and a bad value is printed escaped for workflow
 * commands (no line of it can start a command).
 */
export function dispatchedModelScript(): string {
  return [
    'set -euo pipefail',
    'shown="${DISPATCHED_ARN:0:300}"',
    "shown=\"${shown//'%'/%25}\"",
    "shown=\"${shown//$'\\r'/%0D}\"",
    "shown=\"${shown//$'\\n'/%0A}\"",
    'pattern=\'^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:model-package/([A-Za-z0-9-]{1,63})/[0-9]{1,10}$\'',
    'if ! [[ "$DISPATCHED_ARN" =~ $pattern ]]; then',
    '  echo "::error title=Not a model version ARN::client_payload.model_package_arn of the repository_dispatch event is '
    + "'$shown', not the ARN of a model package version (arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>): "
    + 'nothing is deployed; send the ARN of the approved version"',
    '  exit 1',
    'fi',
    'if [ "${BASH_REMATCH[1]}" != "$MODEL_PACKAGE_GROUP" ]; then',
    '  echo "::error title=Model version of another group::$DISPATCHED_ARN is a version of model package group '
    + '${BASH_REMATCH[1]}, not of $MODEL_PACKAGE_GROUP, which this workflow deploys: nothing is deployed"',
    '  exit 1',
    'fi',
    'package=$(aws sagemaker describe-model-package --model-package-name "$DISPATCHED_ARN" --output json)',
    'group=$(jq -r \'.ModelPackageGroupName // ""\' <<< "$package")',
    'status=$(jq -r \'.ModelApprovalStatus // ""\' <<< "$package")',
    'if [ "$group" != "$MODEL_PACKAGE_GROUP" ]; then',
    '  echo "::error title=Model version of another group::SageMaker says $DISPATCHED_ARN belongs to model package group '
    + '${group:-(none)}, not $MODEL_PACKAGE_GROUP, which this workflow deploys: nothing is deployed"',
    '  exit 1',
    'fi',
    'if [ "$status" != Approved ]; then',
    '  echo "::error title=Model version not approved::$DISPATCHED_ARN has approval status ${status:-(none)}, not Approved '
    + '(it was rejected or set back after the event was sent): nothing is deployed; approve it again with aws sagemaker '
    + 'update-model-package --model-package-arn $DISPATCHED_ARN --model-approval-status Approved"',
    '  exit 1',
    'fi',
    'echo "arn=$DISPATCHED_ARN" >> "$GITHUB_OUTPUT"',
    // A stack that does not exist yet (or cannot be read) has no version deployed.
    'current=$(aws cloudformation describe-stacks --stack-name "$STACK_NAME" --query \'Stacks[0].Parameters\' --output json 2> /dev/null \\',
    '  | jq -r --arg key "$PARAMETER_NAME" \'.[]? | select(.ParameterKey == $key) | .ParameterValue\' || true)',
    'if [ "$current" = "$DISPATCHED_ARN" ]; then',
    '  echo "deployed=true" >> "$GITHUB_OUTPUT"',
    '  echo "::notice title=Already deployed::$STACK_NAME already runs $DISPATCHED_ARN: nothing to deploy"',
    'else',
    '  echo "deployed=false" >> "$GITHUB_OUTPUT"',
    '  echo "Deploying $DISPATCHED_ARN, approved in $MODEL_PACKAGE_GROUP"',
    'fi',
  ].join('\n') + '\n';
}

/** A stack parameter that `cdk deploy` sets: `<stack name>:<logical id>` and the environment variable with the value. */
export interface DeployParameter {
  readonly key: string;
  readonly variable: string;
}

/**
 * `cdk deploy` (the app's own CLI, `npx cdk`, unless `cli` says otherwise), with the
 * stack parameters the job sets (the image tag, the model package); `--app "$CDK_APP"`
 * when the app command is given; `prelude` first (e.g. entering a virtual environment).
 */
export function deployScript(stacks: string[], parameters: DeployParameter[] = [], cli = 'npx cdk',
  options: { prelude?: string[]; app?: boolean; withoutModel?: { stacks: string[]; variable: string } } = {}): string {
  const command = (targets: string[], params: DeployParameter[], indent: string) => [
    // The CLI looks `--parameters` up by the physical stack name (STACK:KEY=VALUE).
    `${cli} deploy ${targets.length > 0 ? targets.map((s) => `'${s}'`).join(' ') : '--all'}`,
    ...(options.app ? ['  --app "$CDK_APP"'] : []),
    '  --require-approval never',
    ...params.map((p) => `  --parameters "${p.key}=$${p.variable}"`),
  ].map((line) => indent + line).join(' \\\n');
  const without = options.withoutModel;
  const body = without
    // No approved version yet (the lookup printed `arn=`): only the stacks that need none.
    ? [
      `if [ -z "$${without.variable}" ]; then`,
      command(without.stacks, parameters.filter((p) => p.variable !== without.variable), '  '),
      'else',
      command(stacks, parameters, '  '),
      'fi',
    ]
    : [command(stacks, parameters, '')];
  return ['set -euo pipefail', ...(options.prelude ?? []), ...body].join('\n') + '\n';
}
