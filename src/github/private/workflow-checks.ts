import { Duration, Token } from 'aws-cdk-lib';
import { environmentNameProblem, refNameProblem } from './names';
import { WORKFLOW_ACTIONS } from './workflow-render';

/** The checks of `GitHubWorkflow`'s inputs; every message starts with `gitHubWorkflow <property>`. */

/** The file GitHub runs: a `.yml` or `.yaml` file. */
export function checkOutputPath(outputPath: string): void {
  if (!/\.ya?ml$/.test(outputPath)) {
    throw new Error(`gitHubWorkflow outputPath '${outputPath}' is not a .yml or .yaml file: `
      + 'GitHub only runs workflow files with those extensions, e.g. \'.github/workflows/sagemaker.yml\'');
  }
}

/**
 * A prefix of GitHub variable names: letters, digits and `_`, not starting with a
 * digit or `GITHUB_` (in any case: names are not case-sensitive), from GitHub's
 * "Naming conventions for configuration variables".
 */
export function checkVariablePrefix(prefix: string): void {
  if (Token.isUnresolved(prefix) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix) || prefix.toUpperCase().startsWith('GITHUB_')) {
    throw new Error(`gitHubWorkflow variablePrefix '${prefix}' is not valid: GitHub variable names are `
      + 'letters, digits and _, and may not start with a digit or GITHUB_ (in any case); give e.g. \'SAGEMAKER\'');
  }
}

/** The git ref rules for one branch (no pattern: the roles trust one branch). */
export function checkBranch(branch: string): void {
  if (Token.isUnresolved(branch)) {
    throw new Error('gitHubWorkflow branch is a token: the workflow file is written at synth time, so give the branch name itself');
  }
  const reason = refNameProblem(branch, 'refs/heads/', false);
  if (reason) {
    throw new Error(`gitHubWorkflow branch '${branch}' is not a valid branch name: ${reason}; give one branch such as 'main'`);
  }
}

/**
 * The environment a job runs in: `given`, else `fallback`; checked against
 * the rules for a GitHub environment name, as the job's `sub` claim carries it.
 */
export function jobEnvironment(property: string, given: string | undefined, fallback: string | undefined): string | undefined {
  const environment = given ?? fallback;
  if (environment === undefined) {
    return undefined;
  }
  if (Token.isUnresolved(environment)) {
    throw new Error(`gitHubWorkflow ${property} is a token: the workflow file is written at synth time, so give the environment name itself`);
  }
  const reason = environmentNameProblem(environment, "give the name of one GitHub environment, e.g. 'production'");
  if (reason) {
    throw new Error(`gitHubWorkflow ${property} '${environment}' ${reason}`);
  }
  return environment;
}

/** The stack patterns that `cdk deploy` takes. */
export function checkStackPatterns(stacks: string[]): void {
  for (const stack of stacks) {
    if (!/^[A-Za-z0-9*][A-Za-z0-9/*_.-]*$/.test(stack)) {
      throw new Error(`gitHubWorkflow deploy.stacks entry '${stack}' is not a stack pattern cdk deploy takes: `
        + 'give construct paths such as \'Prod/Training\' (letters, digits, /, -, _, . and * only)');
    }
  }
}

/** A single line of 1 to `max` characters known at synth time. */
export function checkLine(property: string, value: string, fix: string, max = 1024): void {
  if (Token.isUnresolved(value) || value.length === 0 || value.length > max || /[\r\n]/.test(value)) {
    throw new Error(`gitHubWorkflow ${property} '${value}' is not valid: it must be a single line of 1 to ${max} `
      + `characters known at synth time; ${fix}`);
  }
}

/** The duration in whole `unit`s, checked against [min, max] seconds; returns seconds. */
export function checkDuration(property: string, duration: Duration, min: number, max: number, unit: 'seconds' | 'minutes'): number {
  const seconds = duration.toSeconds({ integral: false });
  const step = unit === 'minutes' ? 60 : 1;
  if (Token.isUnresolved(seconds)) {
    throw new Error(`gitHubWorkflow ${property} is a token: the workflow file is written at synth time, so give a fixed duration`);
  }
  if (seconds < min || seconds > max || seconds % step !== 0) {
    const range = unit === 'minutes' ? `${min / 60} minutes to ${max / 3600} hours` : `${min} seconds to ${max / 60} minutes`;
    const why = property === 'train.timeout' ? ' (a job on a GitHub-hosted runner may run at most 6 hours)' : '';
    throw new Error(`gitHubWorkflow ${property} must be whole ${unit} from ${range}${why}, got ${duration.toHumanString()}: `
      + `give e.g. ${unit === 'minutes' ? 'Duration.hours(2)' : 'Duration.seconds(30)'}`);
  }
  return seconds;
}

/** Actions pinned to full commit SHAs, by the actions this workflow uses. */
export function checkPinnedActions(pinned: { [action: string]: string }): Record<string, string> {
  const known = Object.values(WORKFLOW_ACTIONS).map((a) => a.name);
  for (const [action, sha] of Object.entries(pinned)) {
    if (!known.includes(action)) {
      throw new Error(`gitHubWorkflow pinnedActions key '${action}' is not an action this workflow uses: `
        + `pin one of ${known.join(', ')}`);
    }
    if (!/^[0-9a-f]{40}$/.test(sha)) {
      throw new Error(`gitHubWorkflow pinnedActions['${action}'] '${sha}' is not a full commit SHA: `
        + 'give the 40 lower-case hex digits of the commit the version tag points to');
    }
  }
  return { ...pinned };
}
