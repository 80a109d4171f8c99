/**
 * examples/notebooks/evaluate.ipynb, executed to its last cell with nbclient
 * against moto's server on 127.0.0.1 (started and stopped here), seeded from
 * the reference app's synthesized templates: their outputs, buckets, pipelines
 * (with their definitions), model package group and endpoints, plus what a
 * training run would have left (a registered version with its evaluation
 * report) and data capture files in SageMaker's layout.
 *
 * Needs the notebook python (scripts/notebook/venv.ts; the test command makes
 * it first). Without it the suite is skipped, except in CI, where it fails.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { awsEnv, Call, endpointCalls, endpointConfigOf, MotoServer, REGION, resolvedOutputs, runCalls, stackCalls } from './stand-in';
import { NOTEBOOK_SCRIPTS, notebookPython, notebookVenvDir } from '../../scripts/notebook/venv';
import { AssemblyStack, readAssembly } from '../../src/cli/assembly';
import { LOCAL_ACCOUNT } from '../../src/cli/cfn';
import { accountOf, Authorization, authorizationsOf, isAllowed, readRecording, RecordedRequest, roleStatements } from '../reference/iam-check';

const NOTEBOOK = path.join(__dirname, '..', '..', 'examples', 'notebooks', 'evaluate.ipynb');
const EXECUTED = path.join(__dirname, '..', '..', 'test-reports', 'notebooks', 'evaluate.ipynb');
/** The requests the notebook made, as moto's recorder wrote them. */
const RECORDING = path.join(__dirname, '..', '..', 'test-reports', 'notebooks', 'requests.jsonl');
const MODEL_STACK = 'SageMakerGitHubReference';
const SERVING_STACK = 'SageMakerGitHubServing';

/** The outputs the notebook (and this suite's seeding) reads, and who must publish each. */
const REQUIRED_OUTPUTS: Array<{ stack: string; key: string; publisher: string }> = [
  { stack: MODEL_STACK, key: 'TrainingPipelineName', publisher: 'the TrainingPipeline (ModelStack.training.publishNames())' },
  { stack: MODEL_STACK, key: 'TrainingModelPackageGroupName', publisher: 'the TrainingPipeline (ModelStack.training.publishNames())' },
  { stack: MODEL_STACK, key: 'TrainingArtifactsBucketName', publisher: 'the TrainingPipeline (ModelStack.training.publishNames())' },
  { stack: MODEL_STACK, key: 'TrainingEvaluationReportsPrefix', publisher: 'the TrainingPipeline (ModelStack.training.publishNames())' },
  { stack: SERVING_STACK, key: 'RealtimeEndpointName', publisher: 'the realtime ModelEndpoint (ServingStack.realtime.publishNames())' },
  { stack: SERVING_STACK, key: 'RealtimeDataCaptureLocation', publisher: 'the realtime ModelEndpoint (ServingStack.realtime.publishNames(), with data capture on)' },
  { stack: SERVING_STACK, key: 'AsynchronousEndpointName', publisher: 'the asynchronous ModelEndpoint (ServingStack.asynchronous.publishNames())' },
  { stack: SERVING_STACK, key: 'AsynchronousAsyncInputLocation', publisher: 'the asynchronous ModelEndpoint (ServingStack.asynchronous.publishNames())' },
];

/** What the stand-in answers: the realtime and asynchronous endpoints' predictions. */
const REALTIME_ANSWER = '0.0734';
const ASYNC_ANSWER = '0.0812';
/** The evaluation reports of the two runs the suite registers (the quality gate's metric). */
const EARLIER_MSE = 0.0631;
const NEW_MSE = 0.0415;

const python = notebookPython();

if (!python && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(`notebook suite skipped: no notebook python in ${path.relative(process.cwd(), notebookVenvDir())}; `
    + 'make it with `npx ts-node scripts/notebook/venv.ts` (about two minutes, once) or run `npx projen test`');
}

(python || process.env.CI ? describe : describe.skip)('the evaluation notebook against the stand-in', () => {
  let moto: MotoServer | undefined;
  let stacks: AssemblyStack[];
  let outputs: Record<string, Record<string, string>>;
  let cells: Array<{ source: string; stdout: string; errors: string[]; executed: boolean }>;
  let groupName: string;
  let captureKeys: string[];
  /** What the stand-in holds after the notebook ran: executions, versions, the async requests. */
  let after: { executions: any; versions: any; version2: any; asyncRequests: any };
  /** What the notebook sent to the stand-in while it ran. */
  let requests: RecordedRequest[];
  const inferenceIds = ['fraud-check-0001', 'fraud-check-0002'];

  beforeAll(async () => {
    if (!python) {
      throw new Error(`no notebook python in ${notebookVenvDir()}: the test command makes it (npx ts-node scripts/notebook/venv.ts) before jest`);
    }
    stacks = readReferenceApp(`arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:model-package/unset/1`);
    outputs = Object.fromEntries(stacks.map((s) => [s.stackName, Object.fromEntries(
      Object.entries(resolvedOutputs(s)).map(([k, o]) => [k, o.value]))]));
    const missing = REQUIRED_OUTPUTS.filter((o) => outputs[o.stack]?.[o.key] === undefined);
    if (missing.length > 0) {
      throw new Error('the reference app lacks outputs the notebook reads:\n'
        + missing.map((o) => `  ${o.stack} output ${o.key}: ${o.publisher} must publish it`).join('\n'));
    }

    fs.mkdirSync(path.dirname(RECORDING), { recursive: true });
    fs.rmSync(RECORDING, { force: true });
    moto = await MotoServer.start(python, { recording: RECORDING });
    const seed = seedCalls();
    groupName = seed.groupName;
    captureKeys = seed.captureKeys;
    runCalls(python, moto.endpoint, seed.calls);

    fs.mkdirSync(path.dirname(EXECUTED), { recursive: true });
    const parameters = { region: REGION, poll_seconds: 1, timeout_minutes: 1 };
    runCalls(python, moto.endpoint, [{ motoApi: '/moto-api/recorder/start-recording', body: {} }]);
    const run = spawnSync(python, [path.join(NOTEBOOK_SCRIPTS, 'execute.py'), NOTEBOOK, EXECUTED, JSON.stringify(parameters)], {
      env: awsEnv(moto.endpoint), encoding: 'utf8', timeout: 240_000,
    });
    runCalls(python, moto.endpoint, [{ motoApi: '/moto-api/recorder/stop-recording', body: {} }]);
    requests = readRecording(RECORDING);
    if (!fs.existsSync(EXECUTED)) throw new Error(`the notebook did not run: ${run.error?.message ?? run.stderr}`);
    cells = readExecuted(EXECUTED);

    const versionArn = (n: number) => `arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:model-package/${groupName}/${n}`;
    const [bucket, ...prefix] = outputs[SERVING_STACK].AsynchronousAsyncInputLocation.replace(/^s3:\/\//, '').split('/');
    const [executions, versions, version2, asyncRequests] = runCalls(python, moto.endpoint, [
      { service: 'sagemaker', operation: 'list_pipeline_executions', params: { PipelineName: outputs[MODEL_STACK].TrainingPipelineName } },
      { service: 'sagemaker', operation: 'list_model_packages', params: { ModelPackageGroupName: groupName, SortBy: 'CreationTime', SortOrder: 'Ascending' } },
      { service: 'sagemaker', operation: 'describe_model_package', params: { ModelPackageName: versionArn(2) } },
      { service: 's3', operation: 'list_objects_v2', params: { Bucket: bucket, Prefix: `${prefix.join('/').replace(/\/$/, '')}/notebook/` } },
    ]);
    after = { executions, versions, version2, asyncRequests };
  }, 300_000);

  afterAll(async () => {
    await moto?.stop();
  }, 30_000);

  test('every code cell ran, none raised', () => {
    const failed = cells.filter((c) => c.errors.length > 0);
    expect(failed.map((c) => `${c.source.split('\n')[0]}\n${c.errors.join('\n')}`)).toEqual([]);
    expect(cells.length).toBeGreaterThanOrEqual(10);
    expect(cells.filter((c) => !c.executed).map((c) => c.source.split('\n')[0])).toEqual([]);
  });

  test('the names come from the stacks\' outputs', () => {
    const text = stdoutOf('names = {');
    expect(text).toContain(`pipeline: ${outputs[MODEL_STACK].TrainingPipelineName}`);
    expect(text).toContain(`model package group: ${outputs[MODEL_STACK].TrainingModelPackageGroupName}`);
    expect(text).toContain(`realtime endpoint: ${outputs[SERVING_STACK].RealtimeEndpointName}`);
    expect(text).toContain(`async endpoint: ${outputs[SERVING_STACK].AsynchronousEndpointName}`);
  });

  test('the training execution was started and finished', () => {
    expect(stdoutOf('start_pipeline_execution(')).toMatch(/^started execution [a-z0-9]+$/m);
    expect(stdoutOf('describe_pipeline_execution(')).toContain('execution finished: Succeeded');
    const executions = after.executions;
    expect(executions.PipelineExecutionSummaries).toHaveLength(1);
    expect(executions.PipelineExecutionSummaries[0].PipelineExecutionDisplayName).toMatch(/^notebook-\d{8}-\d{6}$/);
  });

  test('the versions are listed, newest first, with the metric of their evaluation report', () => {
    const lines = stdoutOf('list_model_packages(').split('\n').filter((l) => /^\s+\d+ /.test(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^\\s+2\\s+PendingManualApproval\\s+${NEW_MSE}\\s`));
    expect(lines[1]).toMatch(new RegExp(`^\\s+1\\s+Approved\\s+${EARLIER_MSE}\\s`));
  });

  test('the newest pending version is Approved afterwards, the earlier one untouched', () => {
    expect(stdoutOf('update_model_package(')).toContain('version 2 is now Approved');
    expect(after.versions.ModelPackageSummaryList.map((p: any) => [p.ModelPackageVersion, p.ModelApprovalStatus])).toEqual([[1, 'Approved'], [2, 'Approved']]);
    expect(after.version2.ApprovalDescription).toBe(`approved from the notebook: regression_metrics.mse.value = ${NEW_MSE}`);
  });

  test('the realtime endpoint answered', () => {
    const text = stdoutOf('invoke_endpoint(');
    expect(text).toContain(`endpoint ${outputs[SERVING_STACK].RealtimeEndpointName} InService`);
    expect(text).toMatch(new RegExp(`^realtime answered ${REALTIME_ANSWER} \\(variant AllTraffic, inference id notebook-[0-9a-f-]{36}\\)$`, 'm'));
  });

  test('the asynchronous request was queued and answered', () => {
    const text = stdoutOf('invoke_endpoint_async(');
    expect(text).toMatch(/^queued \S+ -> s3:\/\/\S+$/m);
    expect(text).toContain(`asynchronous answered ${ASYNC_ANSWER}`);
    // The request was put under the published input location.
    expect(after.asyncRequests.KeyCount).toBe(1);
  });

  test('the data capture records are read from the published location, where the endpoint config sends them', () => {
    const text = stdoutOf("names['realtime captures']");
    // The suite wrote the files where the endpoint config's DestinationS3Uri sends them; the notebook found them from the output.
    const location = outputs[SERVING_STACK].RealtimeDataCaptureLocation.replace(/\/?$/, '/');
    expect(text).toContain(`${captureKeys.length} capture files under ${location}; the newest:`);
    expect(location).toMatch(new RegExp(`/${outputs[SERVING_STACK].RealtimeEndpointName}/AllTraffic/$`));
    for (const id of inferenceIds) {
      expect(text).toMatch(new RegExp(`^ {2}\\S+ ${id}: '[0-9.,]+' -> '[0-9.]+'$`, 'm'));
    }
  });

  test('the notebook role of the reference app (ServingStack.notebookRole) allows every call the notebook made, from the constructs\' grants', () => {
    const serving = stacks.find((st) => st.stackName === SERVING_STACK)!;
    const roleId = Object.keys(serving.paths).find((id) => serving.paths[id] === `${SERVING_STACK}/NotebookRole/Resource`);
    if (!roleId) throw new Error(`${SERVING_STACK} has no NotebookRole: the reference app gives the notebook a role of its own`);
    const statements = roleStatements(serving, roleId);
    const account = accountOf(stacks, REGION, LOCAL_ACCOUNT);
    const authorizations: Authorization[] = requests.map(asDeployed).flatMap((r) => authorizationsOf(r, account));
    expect(authorizations.filter((a) => !isAllowed(statements, a)).map((a) => a.request)).toEqual([]);
    // Every kind of call the notebook makes was recorded (and so checked).
    expect([...new Set(authorizations.map((a) => a.action))].sort()).toEqual([
      'cloudformation:DescribeStacks',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'sagemaker:DescribeEndpoint',
      'sagemaker:DescribeModelPackage',
      'sagemaker:DescribePipelineExecution',
      'sagemaker:InvokeEndpoint',
      'sagemaker:InvokeEndpointAsync',
      'sagemaker:ListModelPackages',
      'sagemaker:StartPipelineExecution',
      'sagemaker:UpdateModelPackage',
    ]);
  });

  /**
   * A request as it would reach AWS: moto answers an asynchronous request in a bucket of its own
   * (sagemaker-output-<uuid>/<key>), where SageMaker writes under the endpoint's published
   * AsyncOutputLocation.
   */
  function asDeployed(request: RecordedRequest): RecordedRequest {
    const url = new URL(request.url, 'http://stand-in');
    const match = /^\/sagemaker-output-[0-9a-f-]{36}(?:\/(.*))?$/.exec(url.pathname);
    if (!match) return request;
    const [bucket, ...prefix] = outputs[SERVING_STACK].AsynchronousAsyncOutputLocation.replace(/^s3:\/\//, '').replace(/\/?$/, '/').split('/');
    const under = prefix.join('/');
    if (match[1]) return { ...request, url: `/${bucket}/${under}${match[1]}${url.search}` };
    // A listing of the answer's key (the notebook polls so): the same prefix under the output location.
    const search = new URLSearchParams(url.search);
    search.set('prefix', `${under}${search.get('prefix') ?? ''}`);
    return { ...request, url: `/${bucket}?${search}` };
  }

  /** The standard output of the one code cell whose source contains `marker`. */
  function stdoutOf(marker: string): string {
    const matching = cells.filter((c) => c.source.includes(marker));
    if (matching.length !== 1) throw new Error(`${matching.length} code cells contain ${JSON.stringify(marker)}: the suite expects one`);
    return matching[0].stdout;
  }

  /** What the stacks and a training run would have made, as boto3 calls, with the names the stand-in checks. */
  function seedCalls(): { calls: Call[]; groupName: string; captureKeys: string[] } {
    const model = stacks.find((s) => s.stackName === MODEL_STACK)!;
    const serving = stacks.find((s) => s.stackName === SERVING_STACK)!;
    const m = outputs[MODEL_STACK];
    const s = outputs[SERVING_STACK];
    const group = m.TrainingModelPackageGroupName;
    const bucket = m.TrainingArtifactsBucketName;
    const repository = Object.keys(model.template.Resources ?? {}).find((id) => model.template.Resources![id].Type === 'AWS::ECR::Repository')!;
    const image = `${model.resolver.resolve({ 'Fn::GetAtt': [repository, 'RepositoryUri'] })}:4f2c9e1`;

    // Two runs of the training pipeline: the earlier one approved (and deployed), the new one pending.
    const runs = [
      { execution: 'a1b2c3d4e5f6', mse: EARLIER_MSE, status: 'Approved' },
      { execution: 'f6e5d4c3b2a1', mse: NEW_MSE, status: 'PendingManualApproval' },
    ];
    const calls: Call[] = stackCalls(stacks);
    for (const run of runs) {
      const report = `${m.TrainingEvaluationReportsPrefix}${run.execution}/evaluation.json`;
      calls.push({
        service: 's3',
        operation: 'put_object',
        params: { Bucket: bucket, Key: report, ContentType: 'application/json' },
        bodyText: JSON.stringify({ regression_metrics: { mse: { value: run.mse, standard_deviation: 0.19 } } }),
      });
      calls.push({
        service: 'sagemaker',
        operation: 'create_model_package',
        params: {
          ModelPackageGroupName: group,
          ModelApprovalStatus: run.status,
          InferenceSpecification: {
            Containers: [{ Image: image, ModelDataUrl: `s3://${bucket}/models/${run.execution}/model.tar.gz` }],
            SupportedContentTypes: ['text/csv'],
            SupportedResponseMIMETypes: ['text/csv'],
          },
          ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: `s3://${bucket}/${report}` } } },
        },
      });
    }
    // The serving stack was deployed with the earlier, approved version.
    const deployed = readReferenceApp(`arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:model-package/${group}/1`)
      .find((st) => st.stackName === SERVING_STACK)!;
    calls.push(...endpointCalls(deployed));

    // The answers of the endpoints (moto's configuration API: the stand-in runs no model).
    calls.push({ motoApi: '/moto-api/static/sagemaker/endpoint-results', body: { account_id: LOCAL_ACCOUNT, region: REGION, results: [{ Body: REALTIME_ANSWER, ContentType: 'text/csv', InvokedProductionVariant: 'AllTraffic', CustomAttributes: '' }] } });
    calls.push({ motoApi: '/moto-api/static/sagemaker/async-endpoint-results', body: { account_id: LOCAL_ACCOUNT, region: REGION, results: [{ data: ASYNC_ANSWER, is_failure: false }] } });

    // Data capture of the realtime endpoint, as SageMaker writes it: <destination>/<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl.
    const config = endpointConfigOf(serving, s.RealtimeEndpointName);
    const destination = String(config.DataCaptureConfig.DestinationS3Uri).replace(/^s3:\/\//, '');
    const [captureBucket, ...capturePrefix] = destination.split('/');
    const variant = config.ProductionVariants[0].VariantName;
    const hour = new Date(Date.now() - 3600_000);
    const stamp = hour.toISOString();
    const folder = `${capturePrefix.join('/')}/${s.RealtimeEndpointName}/${variant}/${stamp.slice(0, 4)}/${stamp.slice(5, 7)}/${stamp.slice(8, 10)}/${stamp.slice(11, 13)}`;
    const keys = [`${folder}/12-05-113-0f1e2d3c-aaaa-4bbb-8ccc-000000000001.jsonl`, `${folder}/37-41-207-0f1e2d3c-aaaa-4bbb-8ccc-000000000002.jsonl`];
    keys.forEach((key, i) => calls.push({
      service: 's3',
      operation: 'put_object',
      params: { Bucket: captureBucket, Key: key },
      bodyText: JSON.stringify({
        captureData: {
          endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: `0.${i + 2},1.5,3.0,0.0`, encoding: 'CSV' },
          endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: `0.0${i + 6}`, encoding: 'CSV' },
        },
        eventMetadata: { eventId: `0f1e2d3c-aaaa-4bbb-8ccc-00000000000${i + 1}`, inferenceId: inferenceIds[i], inferenceTime: stamp.replace(/\.\d+Z$/, 'Z') },
        eventVersion: '0',
      }) + '\n',
    }));
    return { calls, groupName: group, captureKeys: keys };
  }
});

(python || process.env.CI ? describe : describe.skip)('the runner (scripts/notebook/execute.py)', () => {
  test('injects the parameters after the cell tagged "parameters", and a failing cell fails the run and stops it', () => {
    if (!python) throw new Error(`no notebook python in ${notebookVenvDir()}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notebook-runner-'));
    const cell = (source: string, tags?: string[]) => ({ cell_type: 'code', execution_count: null, metadata: tags ? { tags } : {}, outputs: [], source });
    const notebook = {
      cells: [cell("greeting = 'default'", ['parameters']), cell('print(greeting)'), cell("raise ValueError('a broken cell')"), cell("print('never')")],
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    try {
      fs.writeFileSync(path.join(dir, 'in.ipynb'), JSON.stringify(notebook));
      const run = spawnSync(python, [path.join(NOTEBOOK_SCRIPTS, 'execute.py'), path.join(dir, 'in.ipynb'), path.join(dir, 'out.ipynb'), JSON.stringify({ greeting: 'injected' })], {
        encoding: 'utf8', timeout: 120_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('a broken cell');
      const executed = readExecuted(path.join(dir, 'out.ipynb'));
      expect(executed.map((c) => c.source.split('\n')[0])).toEqual([
        "greeting = 'default'", '# Parameters injected by the notebook suite', 'print(greeting)', "raise ValueError('a broken cell')", "print('never')",
      ]);
      expect(executed[2].stdout).toBe('injected\n');
      expect(executed[3].errors).toEqual(['ValueError: a broken cell']);
      expect(executed[4].executed).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

/**
 * The cloud assembly the suite seeds from: the reference app as `npx projen example` wrote it
 * (examples/out; the test command runs that first), or NOTEBOOK_ASSEMBLY.
 */
const assemblyDir = path.resolve(process.env.NOTEBOOK_ASSEMBLY ?? path.join(__dirname, '..', '..', 'examples', 'out'));

function readReferenceApp(modelPackageArn: string): AssemblyStack[] {
  if (!fs.existsSync(path.join(assemblyDir, 'manifest.json'))) {
    throw new Error(`no synthesized reference app in ${assemblyDir}: run \`npx projen example\` first (the test command does)`);
  }
  return readAssembly(assemblyDir, { region: REGION, stackParameters: { ModelPackageArn: modelPackageArn } });
}

function readExecuted(file: string): Array<{ source: string; stdout: string; errors: string[]; executed: boolean }> {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  const text = (v: string | string[]) => (Array.isArray(v) ? v.join('') : v);
  return nb.cells.filter((c: any) => c.cell_type === 'code').map((c: any) => ({
    source: text(c.source),
    stdout: c.outputs.filter((o: any) => o.output_type === 'stream' && o.name === 'stdout').map((o: any) => text(o.text)).join(''),
    errors: c.outputs.filter((o: any) => o.output_type === 'error').map((o: any) => `${o.ename}: ${o.evalue}`),
    executed: typeof c.execution_count === 'number',
  }));
}
