import { CfnParameter, Stack } from 'aws-cdk-lib';
import { checkEnvironment, checkStackPatterns } from './workflow-checks';
import { JobContext } from './workflow-context';
import { WorkflowJob, WorkflowScalar } from './workflow-model';
import { WORKFLOW_ACTIONS } from './workflow-render';
import { approvedModelScript, DeployParameter, deployScript } from './workflow-scripts';
import { deployedStacks } from './workflow-stacks';
import { IBuildableImage } from '../../image/buildable-image';
import type { WorkflowDeployOptions } from '../workflow-options';

/**
 * The `deploy` job: `cdk deploy` of the given stacks, with the image's tag
 * parameter set to the git SHA and, with a model package group, the model
 * package parameter set to its newest approved version (granting the role
 * reading the group).
 */
export function deployJob(context: JobContext, deploy: WorkflowDeployOptions, image: IBuildableImage, needs: string[]): WorkflowJob {
  const stacks = deploy.stacks ?? [];
  checkStackPatterns(stacks);
  if (deploy.environment !== undefined) {
    checkEnvironment(deploy.environment);
  }
  const role = context.values.use('DEPLOY_ROLE_ARN', 'the role of the deployment job', deploy.role.roleArn);
  const parameters: DeployParameter[] = [];
  const env: Record<string, WorkflowScalar> = {};
  if (image.imageTagParameter) {
    parameters.push({ key: parameterKey(image.imageTagParameter), variable: 'IMAGE_TAG' });
    env.IMAGE_TAG = '${{ github.sha }}';
  }
  const model = modelVersion(context, deploy);
  if (model) {
    parameters.push({ key: model.key, variable: 'MODEL_PACKAGE_ARN' });
    env.MODEL_PACKAGE_ARN = '${{ steps.model.outputs.arn }}';
  }
  return {
    'name': 'Deploy',
    'needs': needs,
    'runs-on': 'ubuntu-latest',
    ...(deploy.environment !== undefined ? { environment: deploy.environment } : {}),
    'steps': [
      ...context.checkVariablesStep([role, context.region, model?.group ?? '']),
      { name: 'Check out', uses: context.uses(WORKFLOW_ACTIONS.checkout), with: { 'persist-credentials': false } },
      {
        name: 'Set up Node.js',
        uses: context.uses(WORKFLOW_ACTIONS.setupNode),
        with: { 'node-version': 'lts/*', 'cache': 'npm' },
      },
      { name: 'Install dependencies', run: 'npm ci\n' },
      context.credentialsStep(role, 'sagemaker-deploy'),
      ...(model ? [{
        name: 'Find the newest approved model version',
        id: 'model',
        env: { MODEL_PACKAGE_GROUP: model.group },
        run: approvedModelScript(),
      }] : []),
      {
        name: 'Deploy',
        ...(Object.keys(env).length > 0 ? { env } : {}),
        run: deployScript(stacks, parameters),
      },
    ],
  };
}

/**
 * Checks `deploy.modelPackageGroup` and `deploy.modelPackageParameter`,
 * grants the deploy role the lookup, and returns the group's YAML value
 * and the `--parameters` key; `undefined` without a group.
 */
function modelVersion(context: JobContext, deploy: WorkflowDeployOptions): { group: string; key: string } | undefined {
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
  return {
    group: context.values.use('MODEL_PACKAGE_GROUP', 'the name of the model package group whose newest approved version is deployed', name),
    key,
  };
}

/** The `--parameters` key of a stack parameter: `<physical stack name>:<logical id>`. */
function parameterKey(parameter: CfnParameter): string {
  const stack = Stack.of(parameter);
  return `${stack.stackName}:${stack.resolve(parameter.logicalId)}`;
}
