/**
 * The notebook suite's stand-in for AWS: moto's server on 127.0.0.1 (started
 * and stopped by the suite), and the boto3 calls that seed it with what the
 * synthesized stacks would have made once deployed and trained.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NOTEBOOK_SCRIPTS } from '../../scripts/notebook/venv';
import { AssemblyStack, listPipelines } from '../../src/cli/assembly';
import { LOCAL_ACCOUNT } from '../../src/cli/cfn';
import { readDefinition } from '../../src/cli/definition';

export const REGION = 'us-east-1';

/** One boto3 call (scripts/notebook/calls.py), or a POST to moto's configuration API. */
export type Call =
  | { service: string; operation: string; params: Record<string, unknown>; bodyText?: string }
  | { motoApi: string; body: Record<string, unknown> };

/** The environment every python process of the suite gets: the server, fake keys, the region. */
export function awsEnv(endpoint: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('AWS_')) delete env[key];
  }
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'notebook-suite',
    AWS_SECRET_ACCESS_KEY: 'notebook-suite',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** moto's server, as a child process of the suite. */
export class MotoServer {
  /**
   * Starts it and waits for its `listening` line. With `recording`, moto's recorder writes the
   * requests it serves there while recording is on (`/moto-api/recorder/start-recording`).
   */
  public static async start(python: string, options: { recording?: string } = {}): Promise<MotoServer> {
    const child = spawn(python, [path.join(NOTEBOOK_SCRIPTS, 'moto_server.py')], {
      // The templates resolve to LOCAL_ACCOUNT: moto's backends hold that account too.
      env: { ...awsEnv('unused'), MOTO_ACCOUNT_ID: LOCAL_ACCOUNT, ...(options.recording ? { MOTO_RECORDER_FILEPATH: options.recording } : {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (d) => { log = (log + String(d)).slice(-4000); });
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`moto's server did not start in 30 s:\n${log}`)), 30_000);
      let out = '';
      child.stdout!.on('data', (d) => {
        out += String(d);
        const match = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`moto's server exited (${code}) before it listened:\n${log}`));
      });
    });
    return new MotoServer(child, endpoint);
  }

  private constructor(private readonly child: ChildProcess, public readonly endpoint: string) {}

  /** Stops the server (closing its standard input ends it) and waits for it to exit. */
  public async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Runs `calls` with scripts/notebook/calls.py against the server; returns each result. */
export function runCalls(python: string, endpoint: string, calls: Call[]): any[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notebook-calls-'));
  try {
    const file = path.join(dir, 'calls.json');
    fs.writeFileSync(file, JSON.stringify(calls));
    const r = spawnSync(python, [path.join(NOTEBOOK_SCRIPTS, 'calls.py'), file], { env: awsEnv(endpoint), encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`calls to the stand-in failed: ${r.error?.message ?? r.stderr}`);
    return JSON.parse(r.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A stack's outputs with their values as a deployment would fill them. */
export function resolvedOutputs(stack: AssemblyStack): Record<string, { value: string; description?: string }> {
  const outputs: Record<string, { value: string; description?: string }> = {};
  for (const [key, output] of Object.entries(stack.template.Outputs ?? {})) {
    const o = output as { Value: unknown; Description?: string };
    outputs[key] = { value: String(stack.resolver.resolve(o.Value)), description: o.Description };
  }
  return outputs;
}

/** The calls that make, in moto, each stack (with only its resolved outputs) and its buckets and pipelines. */
export function stackCalls(stacks: AssemblyStack[]): Call[] {
  const calls: Call[] = [];
  for (const stack of stacks) {
    const outputs = Object.fromEntries(Object.entries(resolvedOutputs(stack)).map(([key, o]) => [key, {
      Value: o.value,
      ...(o.description ? { Description: o.description } : {}),
    }]));
    // moto's CloudFormation knows no SageMaker pipeline: the stack holds the outputs alone,
    // and the resources the notebook reaches are made below, with the names the outputs give.
    calls.push({ service: 'cloudformation', operation: 'create_stack', params: { StackName: stack.stackName, TemplateBody: JSON.stringify({ Resources: {}, Outputs: outputs }) } });
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type === 'AWS::S3::Bucket') {
        calls.push({ service: 's3', operation: 'create_bucket', params: { Bucket: stack.resolver.physicalName(logicalId) } });
      }
      if (resource.Type === 'AWS::SageMaker::ModelPackageGroup') {
        calls.push({ service: 'sagemaker', operation: 'create_model_package_group', params: { ModelPackageGroupName: stack.resolver.physicalName(logicalId) } });
      }
    }
  }
  for (const pipeline of listPipelines(stacks)) {
    const props = pipeline.stack.template.Resources![pipeline.logicalId].Properties ?? {};
    calls.push({
      service: 'sagemaker',
      operation: 'create_pipeline',
      params: {
        PipelineName: pipeline.pipelineName,
        // The synthesized definition, tokens filled: what the notebook's execution runs on AWS.
        PipelineDefinition: JSON.stringify(readDefinition(pipeline)),
        RoleArn: String(pipeline.stack.resolver.resolve(props.RoleArn)),
      },
    });
  }
  return calls;
}

/** The calls that make a stack's models, endpoint configs and endpoints, with the properties of its template. */
export function endpointCalls(stack: AssemblyStack): Call[] {
  const pick = (props: Record<string, unknown>, keys: string[]) =>
    Object.fromEntries(keys.filter((k) => props[k] !== undefined).map((k) => [k, stack.resolver.resolve(props[k])]));
  const calls: Call[] = [];
  const resources = Object.entries(stack.template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  for (const [id, r] of ofType('AWS::SageMaker::Model')) {
    calls.push({ service: 'sagemaker', operation: 'create_model', params: { ModelName: stack.resolver.physicalName(id), ...pick(r.Properties ?? {}, ['ExecutionRoleArn', 'PrimaryContainer', 'EnableNetworkIsolation']) } });
  }
  for (const [id, r] of ofType('AWS::SageMaker::EndpointConfig')) {
    calls.push({
      service: 'sagemaker',
      operation: 'create_endpoint_config',
      params: { EndpointConfigName: stack.resolver.physicalName(id), ...pick(r.Properties ?? {}, ['ProductionVariants', 'DataCaptureConfig', 'AsyncInferenceConfig']) },
    });
  }
  for (const [id, r] of ofType('AWS::SageMaker::Endpoint')) {
    calls.push({ service: 'sagemaker', operation: 'create_endpoint', params: { EndpointName: stack.resolver.physicalName(id), ...pick(r.Properties ?? {}, ['EndpointConfigName']) } });
  }
  return calls;
}

/** The endpoint config (resolved) of the endpoint that has this name in the stack. */
export function endpointConfigOf(stack: AssemblyStack, endpointName: string): Record<string, any> {
  const resources = stack.template.Resources ?? {};
  const endpointId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::SageMaker::Endpoint' && stack.resolver.physicalName(id) === endpointName);
  if (!endpointId) throw new Error(`stack ${stack.stackName} has no endpoint named ${endpointName}`);
  const configName = stack.resolver.resolve(resources[endpointId].Properties?.EndpointConfigName);
  const configId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::SageMaker::EndpointConfig' && stack.resolver.physicalName(id) === configName);
  return stack.resolver.resolve(resources[configId!].Properties) as Record<string, any>;
}
