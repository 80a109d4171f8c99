/**
 * Every public name of the library must be usable in every jsii target
 * language. Reads the jsii assembly (`.jsii`) and reports:
 *
 * - a type, member or parameter name that is a reserved word in Python, Java,
 *   C# or Go (Python also in its snake_case form, which is what Python users type);
 * - two members of one type (own or inherited) whose names differ only in case:
 *   C# and Go capitalise every member, so `foo` and `Foo` become one;
 * - a member named like its type (C# forbids it: CS0542);
 * - a property `foo` beside a method `getFoo`/`setFoo` (the Java getter and setter);
 * - a member named like a `java.lang.Object` method that it does not override;
 * - two types whose names differ only in case (one file each in C#, Go and Java).
 *
 *   ts-node scripts/polyglot/check-names.ts [PATH_TO_.jsii]
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

// Keywords (and literals that cannot be identifiers) of each language.
export const RESERVED: Record<string, ReadonlySet<string>> = {
  'Python': new Set([
    'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
    'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
    'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'self', 'cls',
  ]),
  'Java': new Set([
    'abstract', 'assert', 'boolean', 'break', 'byte', 'case', 'catch', 'char', 'class', 'const', 'continue', 'default',
    'do', 'double', 'else', 'enum', 'extends', 'final', 'finally', 'float', 'for', 'goto', 'if', 'implements', 'import',
    'instanceof', 'int', 'interface', 'long', 'native', 'new', 'package', 'private', 'protected', 'public', 'return',
    'short', 'static', 'strictfp', 'super', 'switch', 'synchronized', 'this', 'throw', 'throws', 'transient', 'try',
    'void', 'volatile', 'while', 'true', 'false', 'null', 'var', 'record', 'yield', 'sealed', 'permits', '_',
  ]),
  'C#': new Set([
    'abstract', 'as', 'base', 'bool', 'break', 'byte', 'case', 'catch', 'char', 'checked', 'class', 'const', 'continue',
    'decimal', 'default', 'delegate', 'do', 'double', 'else', 'enum', 'event', 'explicit', 'extern', 'false', 'finally',
    'fixed', 'float', 'for', 'foreach', 'goto', 'if', 'implicit', 'in', 'int', 'interface', 'internal', 'is', 'lock',
    'long', 'namespace', 'new', 'null', 'object', 'operator', 'out', 'override', 'params', 'private', 'protected',
    'public', 'readonly', 'ref', 'return', 'sbyte', 'sealed', 'short', 'sizeof', 'stackalloc', 'static', 'string',
    'struct', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'uint', 'ulong', 'unchecked', 'unsafe', 'ushort',
    'using', 'virtual', 'void', 'volatile', 'while',
  ]),
  'Go': new Set([
    'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go',
    'goto', 'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type',
    'var', 'nil', 'true', 'false', 'iota',
  ]),
};

/** java.lang.Object's methods: a member with one of these names clashes unless it is the override. */
const JAVA_OBJECT_METHODS = new Set(['clone', 'equals', 'finalize', 'getClass', 'hashCode', 'notify', 'notifyAll', 'wait']);

interface Member { readonly name: string; readonly kind: 'property' | 'method'; readonly static?: boolean; readonly owner: string }

interface JsiiType {
  fqn: string;
  name: string;
  kind: 'class' | 'interface' | 'enum';
  base?: string;
  interfaces?: string[];
  properties?: Array<{ name: string; static?: boolean }>;
  methods?: Array<{ name: string; static?: boolean; parameters?: Array<{ name: string }> }>;
  initializer?: { parameters?: Array<{ name: string }> };
  members?: Array<{ name: string }>;
  namespace?: string;
}

interface Assembly { name: string; types?: Record<string, JsiiType>; dependencies?: Record<string, string> }

/** Reads a `.jsii` file, following a compressed-assembly redirect. */
export function loadAssembly(file: string): Assembly {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (json.schema === 'jsii/file-redirect') {
    const target = path.join(path.dirname(file), json.filename);
    const buffer = fs.readFileSync(target);
    return JSON.parse((json.compression === 'gzip' ? zlib.gunzipSync(buffer) : buffer).toString('utf8'));
  }
  return json;
}

/** Python's name for a jsii member or parameter (what jsii-pacmak emits). */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function reservedIn(name: string, { python = true } = {}): string[] {
  return Object.entries(RESERVED)
    .filter(([language, words]) => words.has(name) || (language === 'Python' && python && words.has(toSnakeCase(name))))
    .map(([language]) => language);
}

/**
 * Checks the names of `assembly`'s types. `resolve` finds a type of another
 * assembly (a base class from aws-cdk-lib) for the inherited members.
 */
export function checkNames(assembly: Assembly, resolve: (fqn: string) => JsiiType | undefined = () => undefined): string[] {
  const problems: string[] = [];
  const types = Object.values(assembly.types ?? {});
  const lookup = (fqn: string) => assembly.types?.[fqn] ?? resolve(fqn);

  const typeNames = new Map<string, string>();
  for (const type of types) {
    const languages = reservedIn(type.name, { python: false });
    if (languages.length > 0) {
      problems.push(`${type.fqn}: type name "${type.name}" is reserved in ${languages.join(', ')}`);
    }
    const typeKey = `${type.namespace ?? ''}.${type.name.toLowerCase()}`;
    const other = typeNames.get(typeKey);
    if (other) {
      problems.push(`${type.fqn}: type name "${type.name}" differs only in case from ${other}`);
    }
    typeNames.set(typeKey, type.fqn);

    const own: Member[] = [
      ...(type.properties ?? []).map((p) => ({ name: p.name, kind: 'property' as const, static: p.static, owner: type.fqn })),
      ...(type.methods ?? []).map((m) => ({ name: m.name, kind: 'method' as const, static: m.static, owner: type.fqn })),
      ...(type.members ?? []).map((m) => ({ name: m.name, kind: 'property' as const, static: true, owner: type.fqn })),
    ];
    for (const member of own) {
      const reserved = reservedIn(member.name);
      if (reserved.length > 0) {
        problems.push(`${type.fqn}.${member.name}: ${member.kind} name is reserved in ${reserved.join(', ')}`);
      }
      if (member.name.toLowerCase() === type.name.toLowerCase()) {
        problems.push(`${type.fqn}.${member.name}: a member named like its type is an error in C# (CS0542)`);
      }
      if (JAVA_OBJECT_METHODS.has(member.name)) {
        problems.push(`${type.fqn}.${member.name}: clashes with java.lang.Object.${member.name}()`);
      }
    }
    const parameterLists = [
      ...(type.initializer ? [{ where: 'constructor', parameters: type.initializer.parameters ?? [] }] : []),
      ...(type.methods ?? []).map((m) => ({ where: `${m.name}()`, parameters: m.parameters ?? [] })),
    ];
    for (const { where, parameters } of parameterLists) {
      const seen = new Map<string, string>();
      for (const parameter of parameters) {
        const reserved = reservedIn(parameter.name);
        if (reserved.length > 0) {
          problems.push(`${type.fqn} ${where}: parameter "${parameter.name}" is reserved in ${reserved.join(', ')}`);
        }
        const clash = seen.get(parameter.name.toLowerCase());
        if (clash) {
          problems.push(`${type.fqn} ${where}: parameters "${clash}" and "${parameter.name}" differ only in case`);
        }
        seen.set(parameter.name.toLowerCase(), parameter.name);
      }
    }

    // Own and inherited members together: one name per case-insensitive key.
    const all = [...own, ...inheritedMembers(type, lookup)];
    const byKey = new Map<string, Member[]>();
    for (const member of all) {
      const key = member.name.toLowerCase();
      byKey.set(key, [...(byKey.get(key) ?? []), member]);
    }
    for (const group of byKey.values()) {
      const distinct = [...new Map(group.map((m) => [`${m.kind}:${m.name}`, m])).values()];
      const involvesOwn = distinct.some((m) => m.owner === type.fqn);
      if (distinct.length > 1 && involvesOwn) {
        problems.push(`${type.fqn}: members ${distinct.map((m) => `${m.kind} "${m.name}" (${m.owner})`).join(' and ')} `
          + 'become one name in C# and Go');
      }
    }
    const propertyNames = new Set(all.filter((m) => m.kind === 'property').map((m) => m.name.toLowerCase()));
    for (const method of own.filter((m) => m.kind === 'method')) {
      const accessor = /^(get|set)([A-Z].*)$/.exec(method.name);
      if (accessor && propertyNames.has(accessor[2].toLowerCase())) {
        problems.push(`${type.fqn}.${method.name}(): clashes with the Java ${accessor[1]}ter of property "${accessor[2][0].toLowerCase()}${accessor[2].slice(1)}"`);
      }
    }
  }
  return problems;
}

function inheritedMembers(type: JsiiType, lookup: (fqn: string) => JsiiType | undefined, seen = new Set<string>()): Member[] {
  const parents = [...(type.base ? [type.base] : []), ...(type.interfaces ?? [])];
  return parents.flatMap((fqn) => {
    if (seen.has(fqn)) {
      return [];
    }
    seen.add(fqn);
    const parent = lookup(fqn);
    if (!parent) {
      return [];
    }
    return [
      ...(parent.properties ?? []).map((p) => ({ name: p.name, kind: 'property' as const, static: p.static, owner: parent.fqn })),
      ...(parent.methods ?? []).map((m) => ({ name: m.name, kind: 'method' as const, static: m.static, owner: parent.fqn })),
      ...inheritedMembers(parent, lookup, seen),
    ];
  });
}

/** Resolves types of the assembly's dependencies from node_modules. */
export function dependencyResolver(root: string, assembly: Assembly): (fqn: string) => JsiiType | undefined {
  const loaded = new Map<string, Assembly | undefined>();
  return (fqn) => {
    const name = fqn.split('.')[0]; // the assembly name (also for a scoped package: '@scope/pkg.Type')
    if (!(name in (assembly.dependencies ?? {}))) {
      return undefined;
    }
    if (!loaded.has(name)) {
      const file = path.join(root, 'node_modules', name, '.jsii');
      loaded.set(name, fs.existsSync(file) ? loadAssembly(file) : undefined);
    }
    return loaded.get(name)?.types?.[fqn];
  };
}

if (require.main === module) {
  const file = process.argv[2] ?? path.join(__dirname, '..', '..', '.jsii');
  const assembly = loadAssembly(file);
  const problems = checkNames(assembly, dependencyResolver(path.dirname(path.resolve(file)), assembly));
  if (problems.length > 0) {
    console.error(`${problems.length} name problem(s) in ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`${Object.keys(assembly.types ?? {}).length} types of ${assembly.name}: no reserved word, no case clash in any target language`);
}
