import * as YAML from 'yaml';

/** An action the workflow uses, and the version tag it is written with by default. */
export interface WorkflowAction {
  readonly name: string;
  readonly version: string;
}

/** The actions of the generated workflow, at the major versions it is written and tested against. */
export const WORKFLOW_ACTIONS = {
  freeDiskSpace: { name: 'jlumbroso/free-disk-space', version: 'v1.3.1' },
  checkout: { name: 'actions/checkout', version: 'v4' },
  configureAwsCredentials: { name: 'aws-actions/configure-aws-credentials', version: 'v4' },
  amazonEcrLogin: { name: 'aws-actions/amazon-ecr-login', version: 'v2' },
  setupBuildx: { name: 'docker/setup-buildx-action', version: 'v3' },
  buildPush: { name: 'docker/build-push-action', version: 'v6' },
  setupNode: { name: 'actions/setup-node', version: 'v4' },
} satisfies Record<string, WorkflowAction>;

/** The `uses:` reference of an action: its version tag, or the commit SHA it is pinned to. */
export function usesReference(action: WorkflowAction, pinned: Record<string, string>): string {
  return `${action.name}@${pinned[action.name] ?? action.version}`;
}

/**
 * Renders the workflow object as YAML under a header comment; a `uses:`
 * pinned to a commit gets its version tag as a trailing comment, the form
 * Dependabot and Renovate keep up to date.
 */
export function renderWorkflow(workflow: object, header: string, pinned: Record<string, string>): string {
  const doc = new YAML.Document(workflow);
  doc.commentBefore = header;
  const versions = new Map<string, string>();
  for (const action of Object.values(WORKFLOW_ACTIONS)) {
    const sha = pinned[action.name];
    if (sha) {
      versions.set(`${action.name}@${sha}`, action.version);
    }
  }
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isScalar(pair.key) && pair.key.value === 'uses' && YAML.isScalar(pair.value)) {
        const version = versions.get(String(pair.value.value));
        if (version) {
          pair.value.comment = ` ${version}`;
        }
      }
    },
  });
  return doc.toString({ lineWidth: 0, blockQuote: 'literal' });
}
