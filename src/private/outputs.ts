import { CfnOutput, Token } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { PublishNamesOptions } from '../pipeline/publish-names';

/** One name a client needs: `Name` is PascalCase and becomes part of the output's name. */
export interface PublishedName {
  readonly name: string;
  readonly value: string;
  readonly description: string;
}

/**
 * Writes `names` as stack outputs `<prefix><Name>` (logical IDs fixed, so
 * clients can rely on them) and, with `ssmPrefix`, as SSM String parameters.
 * The children live under `scope`'s child `PublishedNames`.
 */
export function publishNames(scope: Construct, construct: string, names: PublishedName[], options: PublishNamesOptions = {}): void {
  const prefix = options.outputPrefix ?? scope.node.id.replace(/[^A-Za-z0-9]/g, '');
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(prefix) || prefix.length > 200) {
    throw new Error(`${construct} publishNames outputPrefix must be letters and digits starting with a letter (at most 200), got '${prefix}': e.g. 'FraudTraining'`);
  }
  const ssmPrefix = options.ssmPrefix?.replace(/\/+$/, '');
  if (ssmPrefix !== undefined && !Token.isUnresolved(ssmPrefix) && !/^\/[A-Za-z0-9_.\-/]+$/.test(ssmPrefix)) {
    throw new Error(`${construct} publishNames ssmPrefix must be an SSM path that starts with '/' (letters, digits, _ . - /), got '${options.ssmPrefix}': e.g. '/ml/fraud'`);
  }
  if (scope.node.tryFindChild('PublishedNames')) {
    throw new Error(`${construct} publishNames was called twice on ${scope.node.path}: call it once`);
  }
  const holder = new Construct(scope, 'PublishedNames');
  for (const { name, value, description } of names) {
    const output = new CfnOutput(holder, name, { value, description });
    output.overrideLogicalId(`${prefix}${name}`);
    if (ssmPrefix !== undefined) {
      new ssm.StringParameter(holder, `${name}Parameter`, {
        parameterName: `${ssmPrefix}/${name}`,
        stringValue: value,
        description,
      });
    }
  }
}
