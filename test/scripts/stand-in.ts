import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * A fresh temporary directory for each test of a build script, holding the
 * given files (a stand-in tool, its inputs), removed after the test.
 */
export function standInDir(prefix: string, files: Record<string, string>): () => string {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
