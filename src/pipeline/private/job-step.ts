import * as iam from 'aws-cdk-lib/aws-iam';
import { checkArgumentsStepProps, checkJobStepProps } from './props';
import { JobStepProps } from '../steps/job';

/**
 * The request of a step that takes typed options or, as an escape hatch, raw arguments. The props
 * are checked first, before anything is rendered (`example` shows valid props).
 */
export function requestOf<T>(kind: string, props: { name: string; job?: T; arguments?: { [key: string]: any } }, example: string,
  checkJob: (what: string, job: T) => void, render: (property: string, job: T) => { [key: string]: any }): { [key: string]: any } {
  checkJobStepProps(kind, props, example);
  const { name, job, arguments: args } = props;
  if (job) {
    checkJob(`${kind} '${name}' job`, job);
  }
  if (job && args) {
    throw new Error(`${kind} '${name}' has both job and arguments: give the typed job, or arguments (the raw request), not both`);
  }
  if (job) {
    return render(`${kind} '${name}' job`, job);
  }
  if (!args) {
    throw new Error(`${kind} '${name}' has neither job nor arguments: give the typed job (or arguments, the raw request)`);
  }
  return args;
}

/** The raw request of a step that takes nothing else, its props checked first. */
export function argumentsOf(kind: string, props: JobStepProps, example: string): { [key: string]: any } {
  checkArgumentsStepProps(kind, props, example);
  return props.arguments;
}

/** Lets the execution role pass a job's own role, when it is another role. */
export function grantPassJobRole(role: iam.IRole | undefined, executionRole: iam.IGrantable): void {
  if (role && role.grantPrincipal !== executionRole.grantPrincipal) {
    role.grantPassRole(executionRole.grantPrincipal);
  }
}
