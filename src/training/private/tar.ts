import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

/** What a source archive leaves out: caches and version control, never code. */
const EXCLUDED = new Set(['.git', '__pycache__', '.ipynb_checkpoints', 'node_modules', '.venv']);

/** The files under `dir`, relative, in sorted order (directories walked depth-first). */
function listFiles(dir: string, relative = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (EXCLUDED.has(entry.name) || entry.name.endsWith('.pyc')) {
      continue;
    }
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.push(...listFiles(dir, rel));
    } else if (entry.isFile()) {
      out.push(rel);
    }
  }
  return out;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** One ustar header (POSIX.1-1988): name, mode, size; owner root, mtime 0, so the archive is reproducible. */
function header(name: string, size: number, mode: number): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write(' '.repeat(8), 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/**
 * A reproducible `sourcedir.tar.gz` of `dir` (what the SageMaker Python SDK uploads for
 * script mode: the sagemaker-training toolkit opens `sagemaker_submit_directory` with
 * `tarfile.open(mode="r:gz")`), written to a temporary folder named by its content.
 * Returns the archive's path.
 */
export function sourceArchive(property: string, dir: string): string {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`${property} '${dir}' is not a directory: give the folder that holds the training script`);
  }
  const files = listFiles(dir);
  if (files.length === 0) {
    throw new Error(`${property} '${dir}' holds no files: give the folder that holds the training script`);
  }
  const parts: Buffer[] = [];
  for (const rel of files) {
    if (Buffer.byteLength(rel) > 100) {
      throw new Error(`${property} file '${rel}' has a path of more than 100 bytes: shorten it (the archive is plain ustar)`);
    }
    const full = path.join(dir, rel);
    const content = fs.readFileSync(full);
    // eslint-disable-next-line no-bitwise
    const executable = (fs.statSync(full).mode & 0o111) !== 0;
    parts.push(header(rel, content.length, executable ? 0o755 : 0o644), content, Buffer.alloc((512 - (content.length % 512)) % 512, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  const gz = zlib.gzipSync(Buffer.concat(parts), { level: 9 });
  const hash = crypto.createHash('sha256').update(gz).digest('hex').slice(0, 16);
  const outDir = path.join(os.tmpdir(), `cdk-sagemaker-github-source-${hash}`);
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, 'sourcedir.tar.gz');
  if (!fs.existsSync(out)) {
    fs.writeFileSync(out, gz);
  }
  return out;
}
