/**
 * .NET: no dotnet SDK and no NuGet here, so the code is generated
 * (`jsii-pacmak --target dotnet --code-only`) and checked, not compiled;
 * the release workflow builds and publishes the NuGet package.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CDK_VERSION, CONSTRUCTS_VERSION, ROOT } from '../../../scripts/polyglot/consumers';

const PROJECT_DIR = path.join(ROOT, 'dist', 'dotnet', 'CdkSageMakerGitHub');

describe('.NET code generated into dist/dotnet', () => {
  const csproj = path.join(PROJECT_DIR, 'CdkSageMakerGitHub.csproj');

  test('the project exists and references the CDK the library is built with', () => {
    if (!fs.existsSync(csproj)) {
      throw new Error(`${path.relative(ROOT, csproj)} is missing: run \`npx projen polyglot:package\``);
    }
    const text = fs.readFileSync(csproj, 'utf8');
    expect(text).toMatch(new RegExp(`<PackageReference Include="Amazon.CDK.Lib" Version="\\[${escape(CDK_VERSION)},`));
    expect(text).toMatch(new RegExp(`<PackageReference Include="Constructs" Version="\\[${escape(CONSTRUCTS_VERSION)},`));
  });

  test('every exported type has its C# source file', () => {
    const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));
    const sources = new Set(fs.readdirSync(path.join(PROJECT_DIR, 'CdkSageMakerGitHub')));
    const missing = Object.values(assembly.types as Record<string, { name: string }>)
      .map((t) => `${t.name}.cs`)
      .filter((file) => !sources.has(file));
    expect(missing).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
