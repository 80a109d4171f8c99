import { Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Whether `cdk deploy <pattern>` selects a stack with this hierarchical id
 * (its construct path, e.g. `Prod/Training`). The CLI matches patterns with
 * minimatch: `*` and `?` stay within one `/`-separated part, `**` crosses them.
 */
export function matchesStackPattern(pattern: string, hierarchicalId: string): boolean {
  const source = pattern.split(/(\*\*|\*|\?)/).map((part) => {
    switch (part) {
      case '**':
        return '.*';
      case '*':
        return '[^/]*';
      case '?':
        return '[^/]';
      default:
        return part.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
  }).join('');
  return new RegExp(`^${source}$`).test(hierarchicalId);
}

/**
 * The stacks of the app that `cdk deploy` deploys: those the patterns select
 * (or, without patterns, `--all`: every stack of the top-level assembly, that
 * is not inside a `Stage`), and the stacks they depend on, which the CLI
 * deploys with them unless `--exclusively` is given.
 */
export function deployedStacks(root: IConstruct, patterns: string[]): Set<Stack> {
  const stacks = root.node.findAll().filter((c): c is Stack => Stack.isStack(c) && c.nestedStackParent === undefined);
  const selected = patterns.length > 0
    ? stacks.filter((s) => patterns.some((p) => matchesStackPattern(p, s.node.path)))
    : stacks.filter((s) => Stage.of(s) === root);
  const deployed = new Set<Stack>();
  const visit = (stack: Stack) => {
    if (!deployed.has(stack)) {
      deployed.add(stack);
      stack.dependencies.forEach(visit);
    }
  };
  selected.forEach(visit);
  return deployed;
}
