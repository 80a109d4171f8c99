import { checkTools } from '../../scripts/polyglot/consumers';

// `node` is always there: it stands in for a toolchain of a given version.
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

describe('the polyglot toolchain check fails loudly instead of skipping', () => {
  test('a present, new enough command passes', () => {
    expect(() => checkTools('demo', [
      { command: ['node', '--version'], minVersion: { pattern: /v(\d+)\.(\d+)/, min: [NODE_MAJOR - 1, 0] }, debian: ['nodejs'] },
    ], { install: false })).not.toThrow();
  });

  test('a missing command names what to install', () => {
    expect(() => checkTools('go', [{ command: ['no-such-go-toolchain', 'version'], debian: ['golang-go'] }], { install: false }))
      .toThrow('go: `no-such-go-toolchain version` not found; install golang-go (or a newer toolchain)');
  });

  test('a command older than the minimum is refused', () => {
    expect(() => checkTools('demo', [
      { command: ['node', '--version'], minVersion: { pattern: /v(\d+)\.(\d+)/, min: [NODE_MAJOR + 1, 0] }, debian: ['nodejs'] },
    ], { install: false })).toThrow(new RegExp(`\`node --version\` is ${NODE_MAJOR}\\.\\d+, older than ${NODE_MAJOR + 1}\\.0`));
  });
});
