#!/usr/bin/env node
// Lazy entry points (issue 15: the package loads only what the constructs a user touches need).
//
//   node scripts/bench-lazy-index.js [lib]
//
// Run after jsii compiles. Every `index.js` under lib/ that TypeScript compiled from
// `export * from './x'` lines is rewritten so that each name it re-exports is a getter that
// requires its file on first use (the way aws-cdk-lib's own entry points load). jsii reads the
// TypeScript, not this JavaScript: the API and the .jsii assembly do not change. An index that
// holds anything but `export *` lines (and comments) is left as TypeScript wrote it, with a
// warning: it still works, it is only eager (the benchmark's import figures would show it).
'use strict';
const fs = require('fs');
const path = require('path');

const MARKER = '// lazy re-exports: scripts/bench-lazy-index.js';
const BOILERPLATE = [
  /^"use strict";$/,
  /^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/,
  /^\/\/# sourceMappingURL=/,
];
const EXPORT_STAR = /^__exportStar\(require\("(\.[^"]+)"\), exports\);$/;

const lib = path.resolve(process.argv[2] ?? 'lib');
const files = indexFiles(lib);
if (!files.includes(path.join(lib, 'index.js'))) {
  throw new Error(`bench-lazy-index: ${lib}/index.js is missing: compile first`);
}
// Every index is read and checked before any is written.
const plans = files
  .map((file) => ({ file, source: fs.readFileSync(file, 'utf8') }))
  .filter(({ source }) => !source.includes(MARKER))
  .map(({ file, source }) => ({ file, targets: reExports(file, source) }))
  .filter(({ file, targets }) => {
    if (targets === undefined) {
      process.stderr.write(`bench-lazy-index: warning: ${path.relative(process.cwd(), file)} holds more than \`export *\` lines: left eager\n`);
    }
    return targets !== undefined;
  });
for (const { file, targets } of plans) {
  // Names as TypeScript's __exportStar binds them: the first file to export a name wins.
  const seen = new Set();
  const groups = targets.map((target) => {
    const names = Object.keys(require(path.resolve(path.dirname(file), target)))
      .filter((name) => name !== 'default' && name !== '__esModule' && !seen.has(name));
    names.forEach((name) => seen.add(name));
    return { target, names };
  });
  fs.writeFileSync(file, [
    '"use strict";',
    MARKER,
    'Object.defineProperty(exports, "__esModule", { value: true });',
    'function lazy(names, file) {',
    '    for (const name of names) {',
    '        Object.defineProperty(exports, name, {',
    '            enumerable: true,',
    '            configurable: true,',
    '            get() {',
    '                const value = require(file)[name];',
    '                Object.defineProperty(exports, name, { enumerable: true, value });',
    '                return value;',
    '            },',
    '        });',
    '    }',
    '}',
    ...groups.map(({ target, names }) => `lazy(${JSON.stringify(names)}, ${JSON.stringify(target)});`),
    '',
  ].join('\n'));
}
process.stdout.write(`bench-lazy-index: ${plans.length} of ${files.length} index.js file(s) under ${path.relative(process.cwd(), lib) || '.'} made lazy\n`);

/** The targets of the `export *` lines of a compiled index; undefined if it holds anything else. */
function reExports(file, source) {
  const targets = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    const star = EXPORT_STAR.exec(line);
    if (star) {
      targets.push(star[1]);
    } else if (line.startsWith('var __createBinding') || line.startsWith('var __exportStar')) {
      // TypeScript's helpers: skip to the line that closes them.
      while (i < lines.length && !/^(\}\)\);|\};)$/.test(lines[i].trimEnd())) {
        i++;
      }
    } else if (line.startsWith('/*')) {
      // A comment block (an index may say what its folder holds).
      while (i < lines.length && !lines[i].includes('*/')) {
        i++;
      }
    } else if (line !== '' && !line.startsWith('//') && !BOILERPLATE.some((re) => re.test(line))) {
      return undefined;
    }
  }
  return targets;
}

function indexFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...indexFiles(full));
    } else if (entry.name === 'index.js') {
      out.push(full);
    }
  }
  return out;
}
