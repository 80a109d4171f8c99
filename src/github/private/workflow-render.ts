import * as YAML from 'yaml';

/** An action the workflow uses, the release tag it is written for, and that tag's commit. */
export interface WorkflowAction {
  readonly name: string;
  readonly version: string;
  /** The full commit SHA of `version` (for an annotated tag, the commit it points to). */
  readonly sha: string;
}

/**
 * The actions of the generated workflow, pinned by default to the commit of
 * a release tag, looked up in each action's public repository
 * (`git for-each-ref refs/tags`, the peeled commit for annotated tags). Each is
 * the newest release of its newest major version whose inputs the workflow
 * uses unchanged (checked against the release's `action.yml`), and runs on
 * Node.js 24 (or is a composite action).
 *
 * | action | tag | commit |
 * |---|---|---|
 * | jlumbroso/free-disk-space | v1.3.1 | 54081f138730dfa15788a46383842cd2f914a1be |
 * | actions/checkout | v7.0.1 | 3d3c42e5aac5ba805825da76410c181273ba90b1 |
 * | aws-actions/configure-aws-credentials | v6.2.3 | e6de054238d6b7531b4efff3b6587d9aade6a06c |
 * | aws-actions/amazon-ecr-login | v2.1.7 | 03f1aad4c6c7ffd436567f42f9384779290529bd |
 * | docker/setup-buildx-action | v4.3.0 | 37fe631027851001ddb9b187196cc803df7f5f0e |
 * | docker/build-push-action | v7.3.0 | 53b7df96c91f9c12dcc8a07bcb9ccacbed38856a |
 * | actions/setup-node | v7.0.0 | 820762786026740c76f36085b0efc47a31fe5020 |
 * | actions/setup-python | v7.0.0 | 5fda3b95a4ea91299a34e894583c3862153e4b97 |
 * | actions/setup-java | v5.7.0 | b6effb05e454b25005698d916606bdc6ffcbf961 |
 * | actions/setup-go | v7.0.0 | b7ad1dad31e06c5925ef5d2fc7ad053ef454303e |
 *
 * (The deploy job of a Python, Java or Go app uses the last three.)
 */
export const WORKFLOW_ACTIONS = {
  freeDiskSpace: { name: 'jlumbroso/free-disk-space', version: 'v1.3.1', sha: '54081f138730dfa15788a46383842cd2f914a1be' },
  checkout: { name: 'actions/checkout', version: 'v7.0.1', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1' },
  configureAwsCredentials: {
    name: 'aws-actions/configure-aws-credentials', version: 'v6.2.3', sha: 'e6de054238d6b7531b4efff3b6587d9aade6a06c',
  },
  amazonEcrLogin: { name: 'aws-actions/amazon-ecr-login', version: 'v2.1.7', sha: '03f1aad4c6c7ffd436567f42f9384779290529bd' },
  setupBuildx: { name: 'docker/setup-buildx-action', version: 'v4.3.0', sha: '37fe631027851001ddb9b187196cc803df7f5f0e' },
  buildPush: { name: 'docker/build-push-action', version: 'v7.3.0', sha: '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a' },
  setupNode: { name: 'actions/setup-node', version: 'v7.0.0', sha: '820762786026740c76f36085b0efc47a31fe5020' },
  setupPython: { name: 'actions/setup-python', version: 'v7.0.0', sha: '5fda3b95a4ea91299a34e894583c3862153e4b97' },
  setupJava: { name: 'actions/setup-java', version: 'v5.7.0', sha: 'b6effb05e454b25005698d916606bdc6ffcbf961' },
  setupGo: { name: 'actions/setup-go', version: 'v7.0.0', sha: 'b7ad1dad31e06c5925ef5d2fc7ad053ef454303e' },
} satisfies Record<string, WorkflowAction>;

/** The `uses:` reference of an action: the commit it is pinned to (`pinned` overrides the table's). */
export function usesReference(action: WorkflowAction, pinned: Record<string, string>): string {
  return `${action.name}@${pinned[action.name] ?? action.sha}`;
}

/**
 * Renders the workflow object as YAML under a header comment; every `uses:`
 * gets the version tag of its commit as a trailing comment (the table's tag,
 * or, for a commit given by the user, the major version the workflow is
 * written for), the form Dependabot and Renovate keep up to date.
 */
export function renderWorkflow(workflow: object, header: string, pinned: Record<string, string>): string {
  const doc = new YAML.Document(workflow);
  doc.commentBefore = header;
  const versions = new Map<string, string>();
  for (const action of Object.values(WORKFLOW_ACTIONS) as WorkflowAction[]) {
    const sha = pinned[action.name];
    // A commit given by the user is of a release we do not know: its comment
    // is the major version the workflow is written for.
    versions.set(`${action.name}@${sha ?? action.sha}`, sha && sha !== action.sha ? action.version.split('.')[0] : action.version);
  }
  YAML.visit(doc, {
    Map(_, map) {
      const ignore = map.get('zizmor-ignore');
      if (YAML.isMap(ignore)) {
        map.delete('zizmor-ignore');
        const run = map.get('run', true);
        if (YAML.isScalar(run)) {
          run.comment = ` zizmor: ignore[${ignore.get('audit')}] ${ignore.get('reason')}`;
        }
      }
    },
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
