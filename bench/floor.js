// The floor of the benchmark: from a synthesized cloud assembly, the source of a plain CDK app
// that emits the same templates with raw constructs (`CfnResource`, `CfnOutput`, `CfnParameter`,
// `CfnCondition`, `CfnMapping`): the same resources, so the ratio of the library's synth to the
// floor's is the library's own overhead, not the cost of the resources it creates.
//
// The typed floor (`{ typed: true }`) emits the same templates through aws-cdk-lib's typed L1
// classes (`CfnModel`, `CfnRole`, ...) with their properties written out, as a hand-written L1
// app would: what the typed L1s themselves cost over raw `CfnResource` (their modules, their
// property validators, the extra pass that writes their properties into tree.json), with nothing
// of the library. Resource types aws-cdk-lib has no L1 class for stay raw.
'use strict';
const fs = require('fs');
const path = require('path');

/** What the default stack synthesizer adds to every template itself: the floor's stacks get them from it too. */
const SYNTHESIZER_PARAMETERS = ['BootstrapVersion'];
const SYNTHESIZER_RULES = ['CheckBootstrapVersion'];
const PARAMETER_KEYS = ['Type', 'Default', 'AllowedValues', 'AllowedPattern', 'ConstraintDescription', 'Description',
  'MaxLength', 'MaxValue', 'MinLength', 'MinValue', 'NoEcho'];
const OUTPUT_KEYS = ['Value', 'Description', 'Export', 'Condition'];
const SECTIONS = ['Resources', 'Outputs', 'Parameters', 'Conditions', 'Mappings', 'Rules', 'Description', 'Transform', 'AWSTemplateFormatVersion'];

/** The stacks of a cloud assembly: artifact id and template, in the manifest's order. */
function stacksOf(assemblyDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  return Object.entries(manifest.artifacts)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => ({
      id,
      stackName: artifact.properties.stackName ?? id,
      template: JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf8')),
    }));
}

/**
 * The JavaScript source of the floor app for `assemblyDir`. It takes its outdir as its first
 * argument and loads aws-cdk-lib from `cdkLib` (an absolute path: the floor is written outside
 * the project). Throws on any template section or key it cannot recreate.
 */
function floorSource(assemblyDir, cdkLib, context, { typed = false } = {}) {
  const j = (value) => JSON.stringify(value);
  const lines = [
    '\'use strict\';',
    `const cdk = require(${j(cdkLib)});`,
    'const { CfnCondition, CfnMapping, CfnOutput, CfnParameter, CfnResource, Stack } = cdk;',
    '// A condition expression as it stands in the template.',
    'const raw = (value) => ({ resolve: () => value, creationStack: [], toString: () => JSON.stringify(value) });',
    '// An expression where a typed L1 checks at construction that it is given a string.',
    'const str = (value) => cdk.Token.asString(raw(value));',
    `const app = new cdk.App({ outdir: process.argv[2], context: ${j(context)} });`,
    'let s, r, c;',
  ];
  const typedL1 = typed ? typedResources(cdkLib) : undefined;
  for (const { id, stackName, template } of stacksOf(assemblyDir)) {
    for (const section of Object.keys(template)) {
      if (!SECTIONS.includes(section)) {
        throw new Error(`floor: stack ${id} has a template section the floor cannot recreate: ${section}`);
      }
    }
    const options = { ...(stackName !== id ? { stackName } : {}), ...(template.Description ? { description: template.Description } : {}) };
    lines.push(`s = new Stack(app, ${j(id)}, ${j(options)}); c = {};`);
    if (template.AWSTemplateFormatVersion) {
      lines.push(`s.templateOptions.templateFormatVersion = ${j(template.AWSTemplateFormatVersion)};`);
    }
    for (const transform of [].concat(template.Transform ?? [])) {
      lines.push(`s.addTransform(${j(transform)});`);
    }
    for (const [logicalId, body] of Object.entries(template.Parameters ?? {})) {
      if (SYNTHESIZER_PARAMETERS.includes(logicalId)) {
        continue;
      }
      lines.push(`new CfnParameter(s, ${j(logicalId)}, ${j(renamed(body, PARAMETER_KEYS, `parameter ${logicalId}`))});`);
    }
    for (const [logicalId, mapping] of Object.entries(template.Mappings ?? {})) {
      lines.push(`new CfnMapping(s, ${j(logicalId)}, { mapping: ${j(mapping)} });`);
    }
    for (const [logicalId, expression] of Object.entries(template.Conditions ?? {})) {
      lines.push(`c[${j(logicalId)}] = new CfnCondition(s, ${j(logicalId)}, { expression: raw(${j(expression)}) });`);
    }
    for (const logicalId of Object.keys(template.Rules ?? {})) {
      if (!SYNTHESIZER_RULES.includes(logicalId)) {
        throw new Error(`floor: stack ${id} has a rule the floor cannot recreate: ${logicalId}`);
      }
    }
    const typedResource = typedL1?.forTemplate(template);
    for (const [logicalId, { Type, Properties, ...options }] of Object.entries(template.Resources ?? {})) {
      const props = Properties === undefined ? { type: Type } : { type: Type, properties: Properties };
      lines.push(typedResource?.(logicalId, Type, Properties) ?? `r = new CfnResource(s, ${j(logicalId)}, ${j(props)});`);
      for (const [key, value] of Object.entries(options)) {
        lines.push(`r.addOverride(${j(key)}, ${j(value)});`);
      }
    }
    for (const [logicalId, output] of Object.entries(template.Outputs ?? {})) {
      const { condition, export: exported, ...props } = renamed(output, OUTPUT_KEYS, `output ${logicalId}`);
      const exportName = exported === undefined ? '' : `, exportName: ${j(exported.Name)}`;
      const conditionRef = condition === undefined ? '' : `, condition: c[${j(condition)}]`;
      lines.push(`new CfnOutput(s, ${j(logicalId)}, { ...${j(props)}${exportName}${conditionRef} });`);
    }
  }
  lines.push('app.synth();', '');
  if (typedL1) {
    // Each L1 module is loaded at its first use, as aws-cdk-lib's own index does.
    lines.splice(lines.indexOf('let s, r, c;'), 0, ...typedL1.modules().map(({ name, file }) =>
      `let ${name}_; const ${name} = () => (${name}_ ??= require(${j(file)}));`));
  }
  return lines.join('\n');
}

/**
 * The typed floor's resources: for a template, a function from a resource to the line that
 * creates it with its L1 class (undefined where aws-cdk-lib has none). The properties are
 * converted to the L1's (camelCase) props by aws-cdk-lib's own template parser, the one
 * `cloudformation-include` uses, against stand-ins of the template's resources, then resolved
 * back to plain JSON: the floor's resources reference one another with plain `Ref`/`Fn::GetAtt`
 * objects, as the raw floor's do.
 */
function typedResources(cdkLib) {
  const cdk = require(cdkLib);
  const { CfnParser } = require(path.join(cdkLib, 'core', 'lib', 'helpers-internal'));
  const classes = new Map();
  const modules = new Map();
  const classOf = (type) => {
    if (!classes.has(type)) {
      const file = path.join(cdkLib, `aws-${type.split('::')[1].toLowerCase()}`, 'index.js');
      const exported = fs.existsSync(file) ? Object.entries(require(file)) : [];
      const [name, cls] = exported.find(([, value]) => typeof value === 'function' && value.CFN_RESOURCE_TYPE_NAME === type) ?? [];
      classes.set(type, cls && { name, cls, file });
    }
    return classes.get(type);
  };
  return {
    modules: () => [...modules.entries()].map(([file, name]) => ({ file, name })),
    forTemplate(template) {
      const app = new cdk.App();
      const standIns = new cdk.Stack(app, 'StandIns');
      const made = new cdk.Stack(app, 'Made');
      // Ref and GetAtt name resources and parameters, which render the same from a stand-in resource.
      const found = {};
      [...Object.keys(template.Resources ?? {}), ...Object.keys(template.Parameters ?? {})].forEach((logicalId, i) => {
        found[logicalId] = new cdk.CfnResource(standIns, `R${i}`, { type: 'Floor::Stand::In' });
        found[logicalId].overrideLogicalId(logicalId);
      });
      const named = (section) => (name) => (template[section]?.[name] === undefined ? undefined : { logicalId: name });
      const parser = new CfnParser({
        finder: {
          findResource: (logicalId) => found[logicalId],
          findRefTarget: (logicalId) => found[logicalId],
          findCondition: named('Conditions'),
          findMapping: named('Mappings'),
        },
        parameters: {},
      });
      const j = (value) => JSON.stringify(value);
      return (logicalId, type, properties) => {
        const l1 = properties === undefined ? undefined : classOf(type);
        if (!l1) {
          return undefined;
        }
        const resource = l1.cls._fromCloudFormation(made, logicalId, { Properties: properties }, { parser });
        const props = standIns.resolve(resource.cfnProperties);
        if (Object.keys(standIns.resolve(resource.rawOverrides)).length > 0) {
          return undefined; // properties the L1 does not model: leave the resource raw
        }
        if (!modules.has(l1.file)) {
          modules.set(l1.file, `m${modules.size}`);
        }
        // Some L1s check at construction that a reference prop is a string: there an expression is a token.
        let text = j(props);
        try {
          new l1.cls(made, `Check${logicalId}`, props);
        } catch {
          text = `{ ${Object.entries(props).map(([key, value]) => `${j(key)}: ${isIntrinsic(value) ? `str(${j(value)})` : j(value)}`).join(', ')} }`;
        }
        return `r = new (${modules.get(l1.file)}().${l1.name})(s, ${j(logicalId)}, ${text});`;
      };
    },
  };
}

function isIntrinsic(value) {
  const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** `body` with its keys in camelCase, throwing on a key the floor does not know. */
function renamed(body, keys, what) {
  const out = {};
  for (const [key, value] of Object.entries(body)) {
    if (!keys.includes(key)) {
      throw new Error(`floor: ${what} has a key the floor cannot recreate: ${key}`);
    }
    out[key[0].toLowerCase() + key.slice(1)] = value;
  }
  return out;
}

/**
 * The differences between the stacks of two cloud assemblies: none when every stack of one has
 * a stack of the same id in the other with a deeply equal template.
 */
function templateDifferences(expectedDir, actualDir) {
  const expected = new Map(stacksOf(expectedDir).map((s) => [s.id, s.template]));
  const actual = new Map(stacksOf(actualDir).map((s) => [s.id, s.template]));
  const differences = [];
  for (const id of new Set([...expected.keys(), ...actual.keys()])) {
    if (!expected.has(id) || !actual.has(id)) {
      differences.push(`stack ${id} is only in ${expected.has(id) ? 'the library\'s' : 'the floor\'s'} assembly`);
      continue;
    }
    differences.push(...diff(expected.get(id), actual.get(id), id));
  }
  return differences;
}

function diff(a, b, where) {
  if (a === b) {
    return [];
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return [`${where}: ${JSON.stringify(a)?.slice(0, 200)} != ${JSON.stringify(b)?.slice(0, 200)}`];
  }
  const out = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    out.push(...diff(a[key], b[key], `${where}.${key}`));
  }
  return out;
}

module.exports = { floorSource, stacksOf, templateDifferences };
