import { Token } from 'aws-cdk-lib';

/**
 * The forms of a resource name to grant on. SageMaker may write a name in
 * lowercase in the ARNs it reports and authorizes (pipelines, model package
 * groups), so a name given in mixed case is granted both as written and in
 * lowercase. A token is granted as is: its case is only known at deploy time.
 */
export function nameCaseVariants(name: string): string[] {
  return Token.isUnresolved(name) || name === name.toLowerCase() ? [name] : [name, name.toLowerCase()];
}
