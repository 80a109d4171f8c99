import { CfnParameter, Stack } from 'aws-cdk-lib';
import { checkStackPatterns } from './workflow-checks';
import { JobContext } from './workflow-context';
import { WorkflowJob, WorkflowScalar, WorkflowStep } from './workflow-model';
import { WORKFLOW_ACTIONS } from './workflow-render';
import { approvedModelScript, DeployParameter, deployScript, dispatchedModelScript } from './workflow-scripts';
import { deployedStacks } from './workflow-stacks';
import { IBuildableImage } from '../../image/buildable-image';
import { grantWithWildcard } from '../../private/grants';
import { CdkApp } from '../cdk-app';
import type { WorkflowDeployOptions } from '../workflow-options';

/** The event of an approved model version (`GitHubWorkflow.MODEL_APPROVED_EVENT_TYPE`) comes as this trigger. */
const DISPATCH = 'repository_dispatch';

/**
 * The `deploy` job: `cdk deploy` of the given stacks, with the image's tag
 * parameter set to the git SHA and, with a model package group, the model
 * package parameter set to its newest approved version (granting the role
 * reading the group).
 */
export function deployJob(context: JobContext, deploy: WorkflowDeployOptions, image: IBuildableImage, needs: string[],
  environment: string | undefined, onApproval: boolean): WorkflowJob {
  const stacks = deploy.stacks ?? [];
  checkStackPatterns(stacks);
  const role = context.values.use('DEPLOY_ROLE_ARN', 'the role of the deployment job', deploy.role.roleArn);
  const parameters: DeployParameter[] = [];
  const env: Record<string, WorkflowScalar> = {};
  if (image.imageTagParameter) {
    parameters.push({ key: parameterKey(image.imageTagParameter), variable: 'IMAGE_TAG' });
    env.IMAGE_TAG = '${{ github.sha }}';
  }
  const model = modelVersion(context, deploy);
  const modelSteps: WorkflowStep[] = [];
  // The stacks a push can deploy before any version is approved (the first deploy).
  const withoutModel = model ? stacksWithoutModel(stacks, deploy) : [];
  if (model) {
    parameters.push({ key: model.key, variable: 'MODEL_PACKAGE_ARN' });
    env.MODEL_PACKAGE_ARN = onApproval
      ? '${{ steps.approved.outputs.arn || steps.model.outputs.arn }}'
      : '${{ steps.model.outputs.arn }}';
    modelSteps.push({
      name: 'Find the newest approved model version',
      id: 'model',
      ...(onApproval ? { if: `github.event_name != '${DISPATCH}'` } : {}),
      env: { MODEL_PACKAGE_GROUP: model.group },
      run: approvedModelScript(withoutModel),
    });
    if (onApproval) {
      modelSteps.push({
        name: 'Check the approved model version',
        id: 'approved',
        if: `github.event_name == '${DISPATCH}'`,
        // The event's values reach the script only through the environment,
        // and the script checks the ARN's shape before using it.
        env: {
          MODEL_PACKAGE_GROUP: model.group,
          DISPATCHED_ARN: '${{ github.event.client_payload.model_package_arn }}',
          STACK_NAME: model.stackName,
          PARAMETER_NAME: model.parameterName,
        },
        run: dispatchedModelScript(),
      });
    }
  }
  const app = deploy.app ?? CdkApp.fromEnvironment();
  if (!(app instanceof CdkApp)) {
    throw new Error(`gitHubWorkflow deploy.app must be a CdkApp, got ${JSON.stringify(app)}: `
      + 'give e.g. CdkApp.python(), or leave it out for the app that synthesizes the workflow');
  }
  const setup = app._setup((action) => context.uses(WORKFLOW_ACTIONS[action]));
  Object.assign(env, setup.env);
  const dispatchedNeeds = onApproval && needs.includes('train');
  return {
    'name': 'Deploy',
    'needs': needs,
    // On an approval event training is skipped, and a skipped job would skip this one.
    ...(dispatchedNeeds ? {
      if: '!cancelled() && needs.build.result == \'success\' && (needs.train.result == \'success\' '
        + `|| (github.event_name == '${DISPATCH}' && needs.train.result == 'skipped'))`,
    } : {}),
    'runs-on': 'ubuntu-latest',
    ...(environment !== undefined ? { environment } : {}),
    // Checking out reads the contents; the OIDC token needs id-token.
    'permissions': { 'contents': 'read', 'id-token': 'write' },
    'steps': [
      ...context.checkVariablesStep([role, context.region, model?.group ?? '']),
      { name: 'Check out', uses: context.uses(WORKFLOW_ACTIONS.checkout), with: { 'persist-credentials': false } },
      ...setup.steps,
      context.credentialsStep(role, 'sagemaker-deploy'),
      ...modelSteps,
      {
        name: 'Deploy',
        ...(onApproval ? { if: "steps.approved.outputs.deployed != 'true'" } : {}),
        ...(Object.keys(env).length > 0 ? { env } : {}),
        ...(setup.workingDirectory ? { 'working-directory': setup.workingDirectory } : {}),
        run: deployScript(stacks, parameters, setup.cli, {
          prelude: setup.prelude,
          app: 'CDK_APP' in setup.env,
          withoutModel: withoutModel.length > 0 ? { stacks: withoutModel, variable: 'MODEL_PACKAGE_ARN' } : undefined,
        }),
      },
    ],
  };
}

/**
 * Checks `deploy.modelPackageGroup` and `deploy.modelPackageParameter`,
 * grants the deploy role the lookup, and returns the group's YAML value
 * and the `--parameters` key; `undefined` without a group.
 */
function modelVersion(context: JobContext, deploy: WorkflowDeployOptions):
{ group: string; key: string; stackName: string; parameterName: string } | undefined {
  const group = deploy.modelPackageGroup;
  const parameter = deploy.modelPackageParameter;
  if (!group && !parameter) {
    return undefined;
  }
  if (!parameter) {
    throw new Error('gitHubWorkflow deploy.modelPackageGroup is given without deploy.modelPackageParameter: the job passes '
      + 'the ARN of the newest approved version to the deployed stacks through that parameter, so give the CfnParameter '
      + 'that takes the model package ARN (a String parameter of a deployed stack), or leave out modelPackageGroup');
  }
  const stack = Stack.of(parameter);
  const key = parameterKey(parameter);
  if (!group) {
    throw new Error(`gitHubWorkflow deploy.modelPackageParameter '${key}' is given without deploy.modelPackageGroup: `
      + 'the job sets that parameter to the newest approved version of a model package group, so give the group '
      + '(e.g. the modelPackageGroup of a TrainingPipeline), or leave out modelPackageParameter');
  }
  if (stack.nestedStackParent) {
    throw new Error(`gitHubWorkflow deploy.modelPackageParameter '${parameter.node.path}' belongs to the nested stack `
      + `${stack.node.path}, whose parameters cdk deploy cannot set: use a parameter of the top stack `
      + `${stack.nestedStackParent.node.path} and pass it on to the nested stack`);
  }
  if (parameter.type !== 'String') {
    throw new Error(`gitHubWorkflow deploy.modelPackageParameter '${key}' is of type '${parameter.type}': the job `
      + "passes a model package ARN, so give a parameter of type 'String'");
  }
  const stacks = deploy.stacks ?? [];
  const root = context.scope.node.root;
  context.scope.node.addValidation({
    validate: () => {
      if (stack.node.root !== root) {
        return [`gitHubWorkflow deploy.modelPackageParameter '${key}' belongs to stack ${stack.node.path} of another `
          + 'CDK app, which this workflow\'s cdk deploy never deploys: give a parameter of a stack in this app'];
      }
      if (deployedStacks(root, stacks).has(stack)) {
        return [];
      }
      const deployed = stacks.length > 0
        ? `deploy.stacks (${stacks.map((p) => `'${p}'`).join(', ')}) does not select it or a stack that depends on it`
        : 'it is inside a Stage, and cdk deploy --all only deploys the stacks outside any Stage';
      return [`gitHubWorkflow deploy.modelPackageParameter '${key}' belongs to stack ${stack.node.path}, which the deploy job `
        + `does not deploy: ${deployed}; add '${stack.node.path}' to deploy.stacks, or give a parameter of a deployed stack`];
    },
  });

  const name = group.modelPackageGroupName;
  group.grantRead(deploy.role);
  // An approval event for the version the stack already runs deploys nothing:
  // the job reads the parameter's current value from the stack.
  grantWithWildcard(deploy.role, {
    actions: ['cloudformation:DescribeStacks'],
    resourceArns: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stack.stackName}/*` })],
    reason: 'a stack ARN ends with an id CloudFormation assigns at creation (stack/<name>/<id>): the statement names '
      + 'the one stack whose model package parameter the deploy job reads',
  });
  return {
    group: context.values.use('MODEL_PACKAGE_GROUP', 'the name of the model package group whose newest approved version is deployed', name),
    key,
    stackName: stack.stackName,
    parameterName: stack.resolve(parameter.logicalId),
  };
}

/**
 * The patterns of `deploy.stacks` that select neither the stack of the model
 * package parameter nor a stack that depends on it: what a push deploys while
 * the group has no approved version. None with `--all` (no patterns).
 */
function stacksWithoutModel(stacks: string[], deploy: WorkflowDeployOptions): string[] {
  const modelStack = Stack.of(deploy.modelPackageParameter!);
  const root = modelStack.node.root;
  return stacks.filter((pattern) => ![...deployedStacks(root, [pattern])].includes(modelStack));
}

/** The `--parameters` key of a stack parameter: `<physical stack name>:<logical id>`. */
function parameterKey(parameter: CfnParameter): string {
  const stack = Stack.of(parameter);
  return `${stack.stackName}:${stack.resolve(parameter.logicalId)}`;
}
