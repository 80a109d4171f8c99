import { App } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Synthesizes the app `scope` belongs to. Checks that need the finished tree
 * (`node.addValidation`) reach the user through `cdk synth` as aws-cdk-lib's
 * `ValidationFailedWithErrors`, whose message lists each construct's own
 * message (`[Test/Workflow] gitHubWorkflow ...`). That one error is rethrown as
 * a plain `Error` with the same message, so `expectError` can check the
 * messages' shape and record them in the catalogue; anything else thrown
 * (a TypeError, say) is passed on unchanged and fails `expectError`.
 */
export function synthValidated(scope: IConstruct): void {
  try {
    (scope.node.root as App).synth();
  } catch (e) {
    if (e instanceof Error && e.name === 'ValidationFailedWithErrors') {
      throw new Error(e.message);
    }
    throw e;
  }
}
