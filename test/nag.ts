import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Applies cdk-nag's AwsSolutionsChecks to `stack` and returns every
 * unsuppressed finding (errors and warnings) as `<rule> at <path>` lines.
 * Call it before anything else synthesizes the stack.
 */
export function nagFindings(stack: Stack): string[] {
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));
  const annotations = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp('AwsSolutions-');
  return [
    ...annotations.findError('*', pattern),
    ...annotations.findWarning('*', pattern),
  ].map((m) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`);
}

/** Fails the test with the list of findings when cdk-nag reports any. */
export function expectNagClean(stack: Stack): void {
  expect(nagFindings(stack)).toEqual([]);
}
