/**
 * Generates src/image/private/dlc-table.generated.ts from the SageMaker Python
 * SDK's image URI tables (aws/sagemaker-python-sdk, Apache-2.0).
 *
 *   npx ts-node --prefer-ts-exts scripts/generate-dlc-table.ts [dataDir]
 *
 * dataDir defaults to ../shared/data/sagemaker-image-uris (relative to the
 * repository root); its README.md names the source path and commit, which the
 * generated header repeats.
 *
 * The tag rules follow the SDK's `image_uris.retrieve()` and `_format_tag()`:
 * `{tag_prefix or version}-{processor}-{py_version}-{container_version}`, each
 * part left out when the table has none. The SDK's special cases that the JSON
 * does not carry are applied here, each with a comment. Anything the generator
 * does not understand (an unknown key, a new scope shape) stops it, so that it
 * never writes a URI the SDK would not build.
 */
import { createHash } from 'crypto';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join, relative, resolve } from 'path';

type Json = { [key: string]: any };

interface Variant {
  readonly base?: string;
  readonly baseAliases?: string[];
  readonly repository: string;
  readonly registry: number;
  readonly processors: string[];
  readonly pythonVersions: string[];
  readonly containerVersions?: Record<string, string>;
  readonly tagPrefix?: string;
  readonly tag?: string;
}

interface ScopeTable {
  aliases: Record<string, string>;
  versions: Record<string, Variant[]>;
}

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'src', 'image', 'private', 'dlc-table.generated.ts');
const DATA_DIR = resolve(ROOT, process.argv[2] ?? '../shared/data/sagemaker-image-uris');

/** The framework files covered, by SDK file name. */
const FILES = ['huggingface', 'mxnet', 'pytorch', 'sklearn', 'tensorflow', 'xgboost'];
/**
 * Scopes kept. `eia` (Elastic Inference) is left out: the service no longer
 * accepts new customers and its images need an accelerator this library never attaches.
 */
const SCOPES = ['inference', 'inference_graviton', 'training'];

/**
 * The SDK builds Graviton tags of XGBoost and scikit-learn from a fixed map
 * (`version_to_arm64_tag_mapping` in `_get_image_tag`), not from the JSON.
 */
const FIRST_PARTY_GRAVITON_TAGS: Record<string, Record<string, string>> = {
  xgboost: { '1.5-1': '1.5-1-arm64', '1.3-1': '1.3-1-arm64' },
  sklearn: { '1.0-1': '1.0-1-arm64-cpu-py3' },
};

/**
 * Hugging Face GPU training images without a `container_version` in the JSON:
 * the SDK's `get_training_image_uri()` passes `cu110-ubuntu18.04` for them.
 */
const HUGGINGFACE_TRAINING_GPU_DEFAULT = 'cu110-ubuntu18.04';

/** Field order of a row in the generated file. */
const VARIANT_KEYS: Array<keyof Variant> = [
  'base', 'baseAliases', 'repository', 'registry', 'processors', 'pythonVersions', 'containerVersions', 'tagPrefix', 'tag',
];

const VERSION_KEYS = new Set(['container_version', 'processors', 'py_versions', 'registries', 'repository', 'tag_prefix']);

function fail(message: string): never {
  throw new Error(`generate-dlc-table: ${message}`);
}

/** Numeric-aware version order: 1.9 < 1.10, 1.4-2 < 1.4-2-py312, py3 < py36 < py310. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] === undefined) return -1;
    if (pb[i] === undefined) return 1;
    const na = Number(pa[i]);
    const nb = Number(pb[i]);
    if (!Number.isNaN(na) && !Number.isNaN(nb)) {
      if (na !== nb) return na - nb;
    } else if (pa[i] !== pb[i]) {
      return pa[i] < pb[i] ? -1 : 1;
    }
  }
  return 0;
}

function comparePython(a: string, b: string): number {
  const key = (p: string) => {
    const digits = p.replace(/^py/, '');
    return [Number(digits[0]), digits.length > 1 ? Number(digits.slice(1)) : -1];
  };
  const [ma, na] = key(a);
  const [mb, nb] = key(b);
  return ma !== mb ? ma - mb : na - nb;
}

function sortedRecord<T>(record: Record<string, T>, compare: (a: string, b: string) => number): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort(compare)) {
    out[key] = record[key];
  }
  return out;
}

class Registries {
  private readonly byKey = new Map<string, { id: string; accounts: Record<string, string> }>();

  /** Returns a placeholder (the content hash) that `finish()` turns into an index. */
  public add(accounts: Record<string, string>, where: string): string {
    if (!accounts || typeof accounts !== 'object' || Object.keys(accounts).length === 0) {
      fail(`${where}: no registries`);
    }
    for (const [region, account] of Object.entries(accounts)) {
      if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region) || !/^\d{12}$/.test(String(account))) {
        fail(`${where}: unexpected registry entry ${region} → ${account}`);
      }
    }
    const sorted = sortedRecord(accounts, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify(sorted);
    const id = createHash('sha256').update(key).digest('hex').slice(0, 8);
    this.byKey.set(key, { id, accounts: sorted });
    return id;
  }

  /** Registry maps sorted by id, so that indexes do not depend on traversal order. */
  public finish(): Array<{ id: string; accounts: Record<string, string> }> {
    const all = [...this.byKey.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    if (new Set(all.map((r) => r.id)).size !== all.length) {
      fail('registry id collision: lengthen the hash');
    }
    return all;
  }
}

function readJson(name: string): Json {
  return JSON.parse(readFileSync(join(DATA_DIR, `${name}.json`), 'utf8'));
}

function checkKeys(config: Json, allowed: Set<string>, where: string): void {
  for (const key of Object.keys(config)) {
    if (!allowed.has(key)) {
      fail(`${where}: unknown key '${key}': teach the generator what the SDK does with it`);
    }
  }
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(`${where}: expected a list of strings`);
  return [...value];
}

/** One table row from one SDK version config (the level that has `repository`). */
function variantOf(
  framework: string, scope: string, version: string, config: Json, scopeProcessors: string[] | undefined,
  registries: Registries, where: string, pythonVersions?: string[],
): Variant & { registryId: string } {
  checkKeys(config, VERSION_KEYS, where);
  const repository = config.repository;
  if (typeof repository !== 'string') fail(`${where}: no repository`);
  // The SDK takes the scope's processors first, then the version's (`_processor`).
  const processors = [...(scopeProcessors ?? stringList(config.processors, `${where}.processors`))].sort();
  let containerVersions: Record<string, string> | undefined = config.container_version;
  if (containerVersions !== undefined) {
    for (const p of Object.keys(containerVersions)) {
      if (!processors.includes(p)) fail(`${where}: container_version for '${p}', which is not a processor`);
    }
  }
  let tag: string | undefined;
  if (scope === 'inference_graviton') {
    if (repository === `${framework}-inference-graviton`) {
      // retrieve(): `container_version = f"{container_version}-sagemaker"` for these repositories.
      if (!containerVersions) fail(`${where}: a graviton DLC without container_version`);
      containerVersions = Object.fromEntries(Object.entries(containerVersions).map(([p, v]) => [p, `${v}-sagemaker`]));
    } else {
      tag = FIRST_PARTY_GRAVITON_TAGS[framework]?.[version];
      if (!tag) fail(`${where}: graviton image with no known tag rule`);
    }
  }
  return {
    repository,
    registry: -1,
    registryId: registries.add(config.registries, where),
    processors,
    pythonVersions: (pythonVersions ?? stringList(config.py_versions, `${where}.py_versions`)).sort(comparePython),
    ...(containerVersions ? { containerVersions: sortedRecord(containerVersions, (a, b) => (a < b ? -1 : 1)) } : {}),
    ...(config.tag_prefix !== undefined ? { tagPrefix: String(config.tag_prefix) } : {}),
    ...(tag ? { tag } : {}),
  };
}

type Table = Record<string, Record<string, ScopeTable>>;
type Pending = Variant & { registryId: string };

function addRow(table: Table, framework: string, scope: string, version: string, variant: Pending): void {
  if (/^\d+$/.test(version)) {
    // An integer-like key would be reordered by JavaScript objects, and the runtime relies on version order.
    fail(`${framework}.${scope}.${version}: integer-like version key`);
  }
  table[framework] ??= {};
  table[framework][scope] ??= { aliases: {}, versions: {} };
  (table[framework][scope].versions[version] ??= []).push(variant);
}

function addFramework(table: Table, file: string, data: Json, registries: Registries, skipped: string[]): void {
  for (const scope of Object.keys(data)) {
    if (!SCOPES.includes(scope)) {
      skipped.push(`${file}.${scope}`);
      continue;
    }
    const config = data[scope];
    checkKeys(config, new Set(['processors', 'version_aliases', 'versions']), `${file}.${scope}`);
    const scopeProcessors = config.processors === undefined ? undefined : stringList(config.processors, `${file}.${scope}.processors`);
    const touched = new Set<string>();
    for (const [version, versionConfig] of Object.entries<Json>(config.versions)) {
      const where = `${file}.${scope}.${version}`;
      if (file === 'huggingface') {
        // Hugging Face: one image per (transformers version, base framework version);
        // the tag starts with `{base}-transformers{version}` (retrieve()).
        const baseAliases: Record<string, string> = versionConfig.version_aliases ?? {};
        for (const [baseKey, baseConfig] of Object.entries<Json>(versionConfig)) {
          if (baseKey === 'version_aliases') continue;
          const match = /^(pytorch|tensorflow)(\d.*)$/.exec(baseKey);
          if (!match) fail(`${where}: unknown base framework '${baseKey}'`);
          const framework = `huggingface-${match[1]}`;
          const base = match[2];
          let variant = variantOf(framework, scope, version, baseConfig, scopeProcessors, registries, `${where}.${baseKey}`);
          if (scope === 'training' && !variant.containerVersions) {
            if (variant.processors.join() !== 'gpu') fail(`${where}.${baseKey}: no container_version for a non-GPU image`);
            variant = { ...variant, containerVersions: { gpu: HUGGINGFACE_TRAINING_GPU_DEFAULT } };
          }
          if (!variant.containerVersions) fail(`${where}.${baseKey}: no container_version`);
          const aliases = Object.entries(baseAliases)
            .filter(([, target]) => target === baseKey)
            .map(([alias]) => alias.replace(/^(pytorch|tensorflow)/, ''))
            .sort(compareVersions);
          addRow(table, framework, scope, version, {
            ...variant,
            base,
            ...(aliases.length > 0 ? { baseAliases: aliases } : {}),
            tagPrefix: `${base}-transformers${version}`,
          });
          touched.add(framework);
        }
        continue;
      }
      if (file === 'xgboost' && versionConfig.repository === 'xgboost') {
        // The legacy built-in XGBoost algorithm (repository `xgboost`, tag `1`),
        // superseded by the framework images: left out, with its alias `latest`,
        // which would otherwise read as "the newest XGBoost".
        skipped.push(where);
        continue;
      }
      if (versionConfig.repository !== undefined) {
        addRow(table, file, scope, version, variantOf(file, scope, version, versionConfig, scopeProcessors, registries, where));
      } else {
        // Older images: one config per Python version, each with its own repository.
        for (const [py, pyConfig] of Object.entries<Json>(versionConfig)) {
          if (!/^py\d+$/.test(py)) fail(`${where}: unknown key '${py}'`);
          addRow(table, file, scope, version, variantOf(file, scope, version, pyConfig, scopeProcessors, registries, `${where}.${py}`, [py]));
        }
      }
      touched.add(file);
    }
    for (const framework of touched) {
      const scopeTable = table[framework][scope];
      for (const [alias, target] of Object.entries<string>(config.version_aliases ?? {})) {
        if (scopeTable.versions[target]) {
          scopeTable.aliases[alias] = target;
        }
      }
    }
  }
}

function provenance(): { path: string; commit: string } {
  const readme = readFileSync(join(DATA_DIR, 'README.md'), 'utf8');
  const path = /`([^`]*image_uri_config[^`]*)`/.exec(readme)?.[1];
  const commit = /commit ([0-9a-f]{40})/.exec(readme)?.[1];
  if (!path || !commit) fail(`${DATA_DIR}/README.md must name the source path and the 40-hex commit`);
  if (!existsSync(join(DATA_DIR, 'LICENSE')) || !/Apache License\s+Version 2\.0/.test(readFileSync(join(DATA_DIR, 'LICENSE'), 'utf8'))) {
    fail(`${DATA_DIR}/LICENSE must be the Apache License 2.0`);
  }
  return { path, commit };
}

function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : literal(k)}: ${literal(v)}`).join(', ')} }`;
}

function render(table: Table, registries: Array<{ id: string; accounts: Record<string, string> }>): string {
  const { path, commit } = provenance();
  const lines: string[] = [
    '// ~~ Generated by scripts/generate-dlc-table.ts. Do not edit: change the generator or the data and run it again.',
    '//',
    '// Data: region → account tables and image facts of the AWS Deep Learning Containers and SageMaker',
    '// framework images, from the SageMaker Python SDK:',
    '//   repository aws/sagemaker-python-sdk (https://github.com/aws/sagemaker-python-sdk)',
    `//   path       ${path} (${FILES.map((f) => `${f}.json`).join(', ')})`,
    `//   commit     ${commit}`,
    '// Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.',
    '// Licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0);',
    '// this file is a derivative of those tables, reshaped (registry maps deduplicated, Hugging Face',
    '// split per base framework, Elastic Inference and the legacy xgboost:1 algorithm left out).',
    '/* eslint-disable */',
    '',
    '/** A region → ECR registry account map, shared by every image published in the same regions. */',
    'export interface DlcRegistry {',
    '  /** Stable short hash of the map, used in the CfnMapping id. */',
    '  readonly id: string;',
    '  /** Region → account of the registry that holds the image there. */',
    '  readonly accounts: { readonly [region: string]: string };',
    '}',
    '',
    '/** One image: the tag is `tag`, or `{tagPrefix ?? version}-{processor}-{python}-{containerVersions[processor]}` without empty parts. */',
    'export interface DlcVariant {',
    '  /** Hugging Face: the PyTorch / TensorFlow version the image is built on. */',
    '  readonly base?: string;',
    '  /** Hugging Face: short forms of `base` (`2.1` for `2.1.0`). */',
    '  readonly baseAliases?: readonly string[];',
    '  readonly repository: string;',
    '  /** Index into DLC_REGISTRIES. */',
    '  readonly registry: number;',
    '  /** Processors the tag names; empty when one image serves all. */',
    '  readonly processors: readonly string[];',
    '  /** Python versions the tag names; empty when the tag has none. */',
    '  readonly pythonVersions: readonly string[];',
    '  readonly containerVersions?: { readonly [processor: string]: string };',
    '  readonly tagPrefix?: string;',
    '  /** A fixed tag that replaces the rule. */',
    '  readonly tag?: string;',
    '}',
    '',
    '/** The images of one framework and scope. */',
    'export interface DlcScopeTable {',
    '  /** Short version → full version. */',
    '  readonly aliases: { readonly [alias: string]: string };',
    '  /** Full version → its images (several for Hugging Face bases or per-Python repositories). */',
    '  readonly versions: { readonly [version: string]: readonly DlcVariant[] };',
    '}',
    '',
    `export const DLC_SOURCE = ${literal({ repository: 'aws/sagemaker-python-sdk', path, commit, license: 'Apache-2.0' })};`,
    '',
    'export const DLC_REGISTRIES: readonly DlcRegistry[] = [',
  ];
  for (const registry of registries) {
    lines.push(`  { id: '${registry.id}', accounts: {`);
    const entries = Object.entries(registry.accounts).map(([region, account]) => `'${region}': '${account}'`);
    for (let i = 0; i < entries.length; i += 4) {
      lines.push(`    ${entries.slice(i, i + 4).join(', ')},`);
    }
    lines.push('  } },');
  }
  lines.push('];', '');
  lines.push('/** framework → scope → images. */');
  lines.push('export const DLC_TABLE: { readonly [framework: string]: { readonly [scope: string]: DlcScopeTable } } = {');
  for (const framework of Object.keys(table).sort()) {
    lines.push(`  ${literal(framework)}: {`);
    for (const scope of Object.keys(table[framework]).sort()) {
      const scopeTable = table[framework][scope];
      lines.push(`    ${literal(scope)}: {`);
      lines.push(`      aliases: ${literal(sortedRecord(scopeTable.aliases, compareVersions))},`);
      lines.push('      versions: {');
      for (const version of Object.keys(scopeTable.versions).sort(compareVersions)) {
        const variants = scopeTable.versions[version]
          .map((v) => literal(Object.fromEntries(VARIANT_KEYS.map((key) => [key, v[key]]))));
        if (variants.length === 1) {
          lines.push(`        ${literal(version)}: [${variants[0]}],`);
        } else {
          lines.push(`        ${literal(version)}: [`, ...variants.map((v) => `          ${v},`), '        ],');
        }
      }
      lines.push('      },');
      lines.push('    },');
    }
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

function main(): void {
  if (!existsSync(DATA_DIR)) fail(`no data directory at ${DATA_DIR}`);
  const registries = new Registries();
  const table: Table = {};
  const skipped: string[] = [];
  for (const file of FILES) {
    addFramework(table, file, readJson(file), registries, skipped);
  }
  const sortedRegistries = registries.finish();
  const indexOf = new Map(sortedRegistries.map((r, i) => [r.id, i]));
  for (const scopes of Object.values(table)) {
    for (const scopeTable of Object.values(scopes)) {
      for (const [version, variants] of Object.entries(scopeTable.versions)) {
        scopeTable.versions[version] = variants
          .map(({ registryId, ...rest }: any) => ({ ...rest, registry: indexOf.get(registryId)! }))
          .sort((a: Variant, b: Variant) => compareVersions(a.base ?? '', b.base ?? '')
            || comparePython(a.pythonVersions[0] ?? 'py0', b.pythonVersions[0] ?? 'py0'));
      }
    }
  }
  const text = render(table, sortedRegistries);
  writeFileSync(OUT, text);
  const rows = Object.values(table).flatMap((s) => Object.values(s)).reduce((n, s) => n + Object.keys(s.versions).length, 0);
  console.log(`wrote ${relative(ROOT, OUT)}: ${Object.keys(table).length} frameworks, ${rows} versions, `
    + `${sortedRegistries.length} registry maps, ${text.length} bytes`);
  console.log(`left out: ${skipped.join(', ')}`);
}

main();
