import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CONTAINER_DIR } from './harness';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's instructions: comments dropped, continuation lines joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return logical.map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

const ENTRY_POINTS = ['entrypoint', 'train', 'serve', 'evaluate', 'prepare'];
const PROGRAM = '/opt/program';

describe('examples/container/Dockerfile', () => {
  const instructions = parseDockerfile(fs.readFileSync(path.join(CONTAINER_DIR, 'Dockerfile'), 'utf8'));
  const all = (keyword: string): string[] => instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
  const copied = all('COPY').flatMap((args) => {
    const parts = args.split(/\s+/).filter((p) => !p.startsWith('--'));
    expect(parts[parts.length - 1]).toBe(`${PROGRAM}/`);
    return parts.slice(0, -1);
  });

  test('builds FROM the BASE_IMAGE build argument, python:3.11-slim by default', () => {
    expect(instructions[0]).toEqual({ keyword: 'ARG', args: 'BASE_IMAGE=python:3.11-slim' });
    expect(all('FROM')).toEqual(['${BASE_IMAGE}']);
    expect(instructions[1].keyword).toBe('FROM');
  });

  test('puts the entry points last on PATH, with unbuffered output', () => {
    const env = all('ENV').join(' ');
    expect(env).toMatch(/(^|\s)PYTHONUNBUFFERED=1(\s|$)/);
    // Last: a base image's own programs (a Deep Learning Container's `train`) keep their names.
    expect(env).toMatch(new RegExp(`(^|\\s)PATH="\\$\\{PATH\\}:${PROGRAM}"`));
  });

  test('copies every entry point and the module they share, and makes the entry points executable', () => {
    expect([...copied].sort()).toEqual(['data_parallel.py', 'entrypoint', 'evaluate', 'ml_contract.py', 'prepare', 'serve', 'train']);
    const run = all('RUN').join(' ');
    for (const entry of ENTRY_POINTS) {
      expect(run).toMatch(new RegExp(`chmod 0755 [^&]*${PROGRAM}/${entry}\\b`));
    }
  });

  test('lets `docker run IMAGE train|serve` run the starter\'s entry point through its own ENTRYPOINT (exec form), on port 8080, as root', () => {
    expect(all('ENTRYPOINT')).toEqual([`["${PROGRAM}/entrypoint"]`]);
    expect(all('CMD')).toEqual(['["serve"]']);
    expect(all('EXPOSE')).toEqual(['8080']);
    expect(all('USER')).toEqual([]); // SageMaker expects containers to run as root
  });

  test('.dockerignore lets exactly the copied files into the build context', () => {
    const patterns = fs.readFileSync(path.join(CONTAINER_DIR, '.dockerignore'), 'utf8')
      .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(patterns[0]).toBe('*');
    expect(patterns.slice(1).sort()).toEqual(copied.map((f) => `!${f}`).sort());
  });

  test.each(ENTRY_POINTS)('%s is an executable python3 script', (entry) => {
    const file = path.join(CONTAINER_DIR, entry);
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env python3');
    // eslint-disable-next-line no-bitwise
    expect(fs.statSync(file).mode & 0o111).toBe(0o111);
  });

  test('the code imports only the standard library and the copied module', () => {
    const script = [
      'import ast, json, sys',
      'names = set()',
      'for path in sys.argv[1:]:',
      '    for node in ast.walk(ast.parse(open(path).read(), path)):',
      '        if isinstance(node, ast.Import): names.update(a.name.split(".")[0] for a in node.names)',
      '        elif isinstance(node, ast.ImportFrom): names.add(node.module.split(".")[0])',
      'print(json.dumps(sorted(n for n in names if n not in sys.stdlib_module_names)))',
    ].join('\n');
    const result = spawnSync('python3', ['-c', script, ...copied.map((f) => path.join(CONTAINER_DIR, f))], { encoding: 'utf8', timeout: 10_000 });

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['data_parallel', 'ml_contract']);
  });
});
