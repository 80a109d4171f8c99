import { CfnOutput, Stack, Token } from 'aws-cdk-lib';
import { Fact, FactName } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** A GitHub repository variable that the workflow reads. */
export interface RepositoryVariable {
  /** The variable's name, e.g. `SAGEMAKER_BUILD_ROLE_ARN`. */
  readonly name: string;
  /** What it holds. */
  readonly description: string;
}

/**
 * Turns the values a workflow needs into what the YAML holds: the value itself
 * when it is known at synth time, or a `${{ vars.NAME }}` reference to a
 * repository variable, together with a `CfnOutput` that holds the
 * `gh variable set` command which sets it after the stack is deployed.
 */
export class WorkflowValues {
  /** The variables handed out so far, in order. */
  public readonly variables: RepositoryVariable[] = [];
  private readonly pseudo: Record<string, string>;

  constructor(private readonly scope: Construct, private readonly prefix: string) {
    this.pseudo = pseudoParameters(Stack.of(scope));
  }

  /**
   * The YAML text for `value`: the value itself when it is concrete (after
   * resolving and evaluating the pseudo parameters that the stack's concrete
   * environment fixes), else `${{ vars.<prefix>_<suffix> }}`.
   */
  public use(suffix: string, description: string, value: string): string {
    const concrete = this.concrete(value);
    if (concrete !== undefined) {
      return concrete;
    }
    const name = `${this.prefix}_${suffix}`;
    if (!this.variables.some((v) => v.name === name)) {
      this.variables.push({ name, description });
      new CfnOutput(this.scope, `${pascalCase(suffix)}Variable`, {
        description: `Sets the GitHub repository variable ${name} (${description}) that the workflow `
          + `${this.scope.node.path} reads: run this command once in the repository`,
        value: `gh variable set ${name} --body "${value}"`,
      });
    }
    return `\${{ vars.${name} }}`;
  }

  /** The value as a plain string when it is known at synth time. */
  public concrete(value: string): string | undefined {
    if (!Token.isUnresolved(value)) {
      return value;
    }
    let resolved: unknown;
    try {
      resolved = Stack.of(this.scope).resolve(value);
    } catch {
      return undefined;
    }
    return evaluate(resolved, this.pseudo);
  }
}

/** The pseudo parameters that a stack with a concrete environment fixes. */
function pseudoParameters(stack: Stack): Record<string, string> {
  const pseudo: Record<string, string> = {};
  if (!Token.isUnresolved(stack.account)) {
    pseudo['AWS::AccountId'] = stack.account;
  }
  if (!Token.isUnresolved(stack.region)) {
    pseudo['AWS::Region'] = stack.region;
    const partition = Fact.find(stack.region, FactName.PARTITION);
    const urlSuffix = Fact.find(stack.region, FactName.DOMAIN_SUFFIX);
    if (partition) {
      pseudo['AWS::Partition'] = partition;
    }
    if (urlSuffix) {
      pseudo['AWS::URLSuffix'] = urlSuffix;
    }
  }
  return pseudo;
}

/**
 * Evaluates a resolved CloudFormation value made only of strings, `Fn::Join`,
 * `Fn::Select`/`Fn::Split` and references to known pseudo parameters;
 * anything else (a resource reference, a mapping, a parameter) is only known
 * at deploy time and gives `undefined`.
 */
export function evaluate(value: unknown, pseudo: Record<string, string>): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (!isIntrinsic(value)) {
    return undefined;
  }
  const [name, arg] = Object.entries(value)[0];
  switch (name) {
    case 'Ref':
      return typeof arg === 'string' ? pseudo[arg] : undefined;
    case 'Fn::Join': {
      if (!Array.isArray(arg) || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) {
        return undefined;
      }
      const parts = arg[1].map((part: unknown) => evaluate(part, pseudo));
      return parts.every((part) => part !== undefined) ? parts.join(arg[0]) : undefined;
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg)) {
        return undefined;
      }
      const index = Number(evaluate(arg[0], pseudo));
      const list = evaluateList(arg[1], pseudo);
      return list !== undefined && Number.isInteger(index) ? list[index] : undefined;
    }
    default:
      return undefined;
  }
}

function evaluateList(value: unknown, pseudo: Record<string, string>): string[] | undefined {
  if (Array.isArray(value)) {
    const items = value.map((item) => evaluate(item, pseudo));
    return items.every((item) => item !== undefined) ? items as string[] : undefined;
  }
  if (isIntrinsic(value) && Array.isArray(value['Fn::Split'])) {
    const [separator, source] = value['Fn::Split'];
    const text = evaluate(source, pseudo);
    return typeof separator === 'string' && text !== undefined ? text.split(separator) : undefined;
  }
  return undefined;
}

function isIntrinsic(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;
}

function pascalCase(suffix: string): string {
  return suffix.toLowerCase().split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}
