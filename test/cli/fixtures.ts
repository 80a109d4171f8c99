/** Small cloud assemblies for local-run's tests that need no Docker. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'local-run-test-'));
}

/** A cloud assembly with one stack per entry of `templates`. */
export function writeAssembly(templates: Record<string, unknown>, dir = tempDir()): string {
  const artifacts: Record<string, unknown> = {};
  for (const [stack, template] of Object.entries(templates)) {
    fs.writeFileSync(path.join(dir, `${stack}.template.json`), JSON.stringify(template));
    artifacts[stack] = {
      type: 'aws:cloudformation:stack',
      environment: 'aws://unknown-account/unknown-region',
      properties: { templateFile: `${stack}.template.json` },
      metadata: Object.fromEntries(Object.keys((template as any).Resources ?? {}).map((id) => [`/${stack}/${id}/Resource`, [{ type: 'aws:cdk:logicalId', data: id }]])),
    };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '52.0.0', artifacts }));
  return dir;
}

/** A training pipeline definition shaped like the library's, with a literal body. */
export function trainingDefinition(): any {
  return {
    Version: '2020-12-01',
    Parameters: [
      { Name: 'ImageUri', Type: 'String', DefaultValue: '000000000000.dkr.ecr.us-east-1.amazonaws.com/repo:latest' },
      { Name: 'TrainingDataUri', Type: 'String', DefaultValue: 's3://my-data/train/' },
      { Name: 'TrainingInstanceCount', Type: 'Integer', DefaultValue: 1 },
      { Name: 'QualityThreshold', Type: 'Float', DefaultValue: 0.25 },
      { Name: 'Shuffle', Type: 'Boolean', DefaultValue: false },
    ],
    Steps: [{
      Name: 'Train',
      Type: 'Training',
      Arguments: {
        AlgorithmSpecification: { TrainingImage: { Get: 'Parameters.ImageUri' }, TrainingInputMode: 'File' },
        InputDataConfig: [{
          ChannelName: 'train',
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: { Get: 'Parameters.TrainingDataUri' }, S3DataDistributionType: 'FullyReplicated' } },
        }],
        OutputDataConfig: { S3OutputPath: 's3://artifacts/models' },
        ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: { Get: 'Parameters.TrainingInstanceCount' }, VolumeSizeInGB: 30 },
        HyperParameters: { epochs: '10' },
      },
    }],
  };
}

/** A stack whose only resource is a pipeline with `definition` as its literal body. */
export function pipelineTemplate(definition: unknown, extra: Record<string, unknown> = {}): any {
  return {
    Resources: {
      Pipeline: { Type: 'AWS::SageMaker::Pipeline', Properties: { PipelineName: 'my-pipeline', PipelineDefinition: { PipelineDefinitionBody: JSON.stringify(definition) } } },
      ...extra,
    },
  };
}
