import * as fs from 'fs';
import * as path from 'path';
import { checkNames, dependencyResolver, loadAssembly, toSnakeCase } from '../../scripts/polyglot/check-names';

const ROOT = path.join(__dirname, '..', '..');

describe('public names work in every jsii target language', () => {
  test('the compiled assembly (.jsii) has no reserved word and no case clash', () => {
    const file = path.join(ROOT, '.jsii');
    if (!fs.existsSync(file)) {
      throw new Error('.jsii is missing: run `npx projen compile` first');
    }
    const assembly = loadAssembly(file);
    expect(checkNames(assembly, dependencyResolver(ROOT, assembly))).toEqual([]);
  });
});

describe('the name check', () => {
  const type = (name: string, extra: Record<string, unknown> = {}) => ({ fqn: `lib.${name}`, name, kind: 'class' as const, ...extra });
  const check = (...types: Array<ReturnType<typeof type>>) =>
    checkNames({ name: 'lib', types: Object.fromEntries(types.map((t) => [t.fqn, t])) });

  test('reports reserved words, in Python also after snake_case', () => {
    const problems = check(type('Mode', {
      properties: [{ name: 'async' }, { name: 'isAsync' }],
      methods: [{ name: 'lambda' }, { name: 'render', parameters: [{ name: 'func' }, { name: 'default' }] }],
    }));
    expect(problems).toEqual([
      'lib.Mode.async: property name is reserved in Python',
      'lib.Mode.lambda: method name is reserved in Python',
      'lib.Mode render(): parameter "func" is reserved in Go',
      'lib.Mode render(): parameter "default" is reserved in Java, C#, Go',
    ]);
  });

  test('reports members that differ only in case, a member named like its type, Java accessors and Object methods', () => {
    expect(check(type('Endpoint', {
      properties: [{ name: 'variantName' }, { name: 'endpoint' }, { name: 'role' }],
      methods: [{ name: 'VariantName' }, { name: 'getRole' }, { name: 'hashCode' }],
    }))).toEqual([
      'lib.Endpoint.endpoint: a member named like its type is an error in C# (CS0542)',
      'lib.Endpoint.hashCode: clashes with java.lang.Object.hashCode()',
      'lib.Endpoint: members property "variantName" (lib.Endpoint) and method "VariantName" (lib.Endpoint) become one name in C# and Go',
      'lib.Endpoint.getRole(): clashes with the Java getter of property "role"',
    ]);
  });

  test('reports a clash with an inherited member, from this assembly or a dependency', () => {
    const assembly = {
      name: 'lib',
      dependencies: { 'aws-cdk-lib': '2.244.0' },
      types: {
        'lib.Base': type('Base', { properties: [{ name: 'modelName' }] }),
        'lib.Model': type('Model', { base: 'lib.Base', methods: [{ name: 'ModelName' }] }),
        'lib.Thing': type('Thing', { base: 'aws-cdk-lib.Resource', properties: [{ name: 'Stack' }] }),
      },
    };
    expect(checkNames(assembly, dependencyResolver(ROOT, assembly))).toEqual([
      'lib.Model: members method "ModelName" (lib.Model) and property "modelName" (lib.Base) become one name in C# and Go',
      'lib.Thing: members property "Stack" (lib.Thing) and property "stack" (aws-cdk-lib.IResource) become one name in C# and Go',
    ]);
  });

  test('reports types whose names differ only in case', () => {
    expect(check(type('SageMakerImage'), type('SagemakerImage'))).toEqual([
      'lib.SagemakerImage: type name "SagemakerImage" differs only in case from lib.SageMakerImage',
    ]);
  });

  test('snake_case follows jsii-pacmak', () => {
    expect(toSnakeCase('maxReleaseImages')).toBe('max_release_images');
    expect(toSnakeCase('s3OutputPath')).toBe('s3_output_path');
    expect(toSnakeCase('grantCdkDeploy')).toBe('grant_cdk_deploy');
  });
});
