/**
 * The model monitor's checker inside a container of the stock scikit-learn image's shape
 * (Debian's python3 with numpy, scipy, pandas and scikit-learn; scripts/container/monitor.sh),
 * run as SageMaker Processing runs it: read-only root, tmpfs /tmp, no network, inputs and
 * outputs under /opt/ml/processing/, the code as the library's zipped asset unpacked by the
 * library's own entry point. The captures come from the real starter container's serve loop:
 * the test sends requests and writes each request and answer as SageMaker's data capture does.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { docker, freePort, IMAGE, ROOT, workDir } from './stage';
import { CHECKER_CODE_PATH, CHECKER_ENTRYPOINT } from '../../src/training/private/baseline';

jest.setTimeout(300_000);

const MONITOR_IMAGE = process.env.MONITOR_STAGE_IMAGE;
if (!MONITOR_IMAGE) {
  throw new Error('MONITOR_STAGE_IMAGE is not set: scripts/container/stage.sh sources scripts/container/monitor.sh, which makes the image first');
}

const WEIGHTS = [1.5, -2];
const BIAS = 0.5;
const ENDPOINT = 'churn-endpoint';
const NAMESPACE = 'CdkSageMakerGitHub/ModelMonitor';
// The types the endpoint config lists in CaptureContentTypeHeader; others are captured base64-encoded.
const CAPTURE_CSV = ['text/csv'];
const CAPTURE_JSON = ['application/json'];

/** Seeded normal draws (Park-Miller's minimal standard generator and Box-Muller): the same data every run. */
function normals(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  const uniform = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function request(port: number, body: string, headers: Record<string, string>): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/invocations', headers, agent: false, timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('POST /invocations timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** One side of a capture record, encoded as SageMaker encodes it for the configured types. */
function captured(contentType: string, data: string, mode: 'INPUT' | 'OUTPUT') {
  const encoding = CAPTURE_CSV.includes(contentType) ? 'CSV' : CAPTURE_JSON.includes(contentType) ? 'JSON' : 'BASE64';
  return { observedContentType: contentType, mode, data: encoding === 'BASE64' ? Buffer.from(data).toString('base64') : data, encoding };
}

function append(file: string, record: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, JSON.stringify(record) + '\n');
}

const hourFolder = (t: Date) => t.toISOString().slice(0, 13).replace(/[-T]/g, '/');

/** `docker run` as a Processing job: read-only, tmpfs /tmp, no network, the code zip in the code input. */
function processingRun(name: string, mounts: Record<string, string>, args: string[], env: Record<string, string> = {}) {
  const run = docker(['run', '--rm', '--name', name, '--read-only', '--tmpfs', '/tmp', '--network', 'none',
    ...Object.entries(mounts).flatMap(([host, inside]) => ['-v', `${host}:${inside}`]),
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    '--entrypoint', CHECKER_ENTRYPOINT[0], MONITOR_IMAGE!, ...CHECKER_ENTRYPOINT.slice(1), ...args], 180_000);
  return run;
}

describe('the checker in the stock-image-shaped container, on captures of the starter\'s serve loop', () => {
  const work = workDir('monitor');
  const at = (...p: string[]) => path.join(work, ...p);
  const serveName = `stage-monitor-serve-${process.pid}`;
  const sent: { truth: number[]; predictions: number[] } = { truth: [], predictions: [] };
  let rows = 0;
  let requests = 0;
  let baseline: ReturnType<typeof docker>;
  let check: ReturnType<typeof docker>;
  let report: any;

  beforeAll(async () => {
    // The model and the training data (target last, as the starter trains on it).
    fs.mkdirSync(at('model'), { recursive: true });
    fs.writeFileSync(at('model', 'model.json'), JSON.stringify({ weights: WEIGHTS, bias: BIAS, epoch: 1 }));
    const draw = normals(17);
    const truthOf = (x: number[]) => WEIGHTS[0] * x[0] + WEIGHTS[1] * x[1] + BIAS + 0.3 * draw();
    const reference = Array.from({ length: 400 }, () => [draw(), draw()]);
    fs.mkdirSync(at('data'));
    fs.writeFileSync(at('data', 'train.csv'), ['x1,x2,y', ...reference.map((x) => [...x, truthOf(x)].join(','))].join('\n') + '\n');

    // The checker as the library ships it: one zip of its *.py files (the CDK directory asset).
    fs.mkdirSync(at('code'));
    const zipped = docker(['run', '--rm', '--network', 'none', '-v', `${path.join(ROOT, 'src', 'monitoring', 'checker')}:/src:ro`, '-v', `${at('code')}:/out`,
      '--entrypoint', 'python3', MONITOR_IMAGE!, '-c',
      "import glob,os,zipfile;z=zipfile.ZipFile('/out/asset.zip','w');[z.write(f,os.path.basename(f)) for f in glob.glob('/src/*.py')];z.close()"]);
    expect(zipped.status).toBe(0);

    const port = await freePort();
    expect(docker(['run', '-d', '--name', serveName, '--read-only', '--tmpfs', '/tmp', '-p', `127.0.0.1:${port}:8080`,
      '-v', `${at('model')}:/opt/ml/model:ro`, IMAGE, 'serve']).status).toBe(0);
    for (const deadline = Date.now() + 30_000; ;) {
      const ping = await new Promise<number>((resolve) => {
        http.get({ host: '127.0.0.1', port, path: '/ping', agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', () => resolve(0));
      });
      if (ping === 200) break;
      if (Date.now() > deadline) throw new Error(`no 200 from /ping: ${docker(['logs', serveName]).stdout}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // 150 requests of 2 rows over two hours, x1 shifted by 1.5, x2 not; three content types;
    // every fifth request without an InferenceId (ground truth then joins on the eventId).
    const start = Date.parse('2026-03-01T10:00:00Z');
    const kinds = ['text/csv', 'application/json', 'application/json; charset=utf-8'];
    for (let k = 0; k < 155; k++) {
      const x = [[1.5 + draw(), draw()], [1.5 + draw(), draw()]];
      const truth = x.map(truthOf);
      const contentType = kinds[k % 3];
      const body = contentType === 'text/csv' ? x.map((r) => r.join(',')).join('\n') : JSON.stringify({ instances: x });
      const reply = await request(port, body, { 'Content-Type': contentType, 'Accept': contentType === 'text/csv' ? 'text/csv' : 'application/json' });
      expect(reply.status).toBe(200);
      const predictions: number[] = reply.type === 'text/csv' ? reply.body.trim().split('\n').map(Number) : JSON.parse(reply.body).predictions;
      // the last 5 are inferred after the window: the checker must leave them out
      const late = k >= 150;
      const when = new Date(late ? Date.parse('2026-03-01T12:30:00Z') + k * 1000 : start + k * 47_000);
      const eventId = randomUUID();
      const inferenceId = k % 5 === 4 ? undefined : `inf-${k}`;
      append(at('captures', ENDPOINT, 'AllTraffic', hourFolder(when), 'capture.jsonl'), {
        captureData: { endpointInput: captured(contentType, body, 'INPUT'), endpointOutput: captured(reply.type, reply.body, 'OUTPUT') },
        eventMetadata: { eventId, ...(inferenceId ? { inferenceId } : {}), inferenceTime: when.toISOString() },
        eventVersion: '0',
      });
      append(at('ground-truth', hourFolder(new Date(when.getTime() + 2 * 3600_000)), 'labels.jsonl'), {
        groundTruthData: { data: truth.join('\n'), encoding: 'CSV' }, eventMetadata: { eventId: inferenceId ?? eventId }, eventVersion: '0',
      });
      if (!late) {
        sent.truth.push(...truth);
        sent.predictions.push(...predictions);
        rows += x.length;
        requests++;
      }
    }
    docker(['rm', '-f', serveName]);

    for (const dir of ['baseline', 'report', 'cloudwatch']) fs.mkdirSync(at(dir));
    baseline = processingRun(`stage-monitor-baseline-${process.pid}`, {
      [at('code')]: `${CHECKER_CODE_PATH}:ro`, [at('data')]: '/opt/ml/processing/input/data:ro', [at('baseline')]: '/opt/ml/processing/output/baseline',
    }, ['baseline', '--data', '/opt/ml/processing/input/data', '--target-column', 'last', '--output', '/opt/ml/processing/output/baseline']);
    check = processingRun(`stage-monitor-check-${process.pid}`, {
      [at('code')]: `${CHECKER_CODE_PATH}:ro`,
      [at('baseline')]: '/opt/ml/processing/input/baseline:ro',
      [at('captures')]: '/opt/ml/processing/input/captures:ro',
      [at('ground-truth')]: '/opt/ml/processing/input/ground-truth:ro',
      [at('report')]: '/opt/ml/processing/output/report',
      [path.join(ROOT, 'test', 'monitoring', 'checker', 'fake-boto3')]: '/opt/fake-boto3:ro',
      [at('cloudwatch')]: '/opt/fake-cloudwatch',
    }, ['check', '--baseline', '/opt/ml/processing/input/baseline/baseline.json', '--captures', '/opt/ml/processing/input/captures',
      '--ground-truth', '/opt/ml/processing/input/ground-truth', '--problem-type', 'regression',
      '--start', '2026-03-01T10:00:00.000Z', '--end', '2026-03-01T12:00:00.000Z', '--min-records', '100',
      '--endpoint', ENDPOINT, '--cloudwatch-namespace', NAMESPACE, '--output', '/opt/ml/processing/output/report'],
    { PYTHONPATH: '/opt/fake-boto3', FAKE_BOTO3_LOG: '/opt/fake-cloudwatch/calls.jsonl' });
    report = fs.existsSync(at('report', 'report.json')) ? JSON.parse(fs.readFileSync(at('report', 'report.json'), 'utf8')) : undefined;
  });

  afterAll(() => { docker(['rm', '-f', serveName]); });

  test('the baseline job exits 0 with the two features (the target left out)', () => {
    const b = JSON.parse(fs.readFileSync(at('baseline', 'baseline.json'), 'utf8'));
    expect([baseline.status, baseline.stderr, b.features.map((f: any) => `${f.name}:${f.type}`), b.target_column]).toEqual([0, '', ['x1:numerical', 'x2:numerical'], 'y']);
  });

  test('the check job exits 0 and counts every row of the window, and none after it', () => {
    expect([check.status, check.stderr, report.status, report.records, report.requests, report.data_quality.outside_window]).toEqual([0, '', 'ok', rows, requests, 0]);
  });

  test('it flags the shifted feature alone, and one of two is dataset drift', () => {
    expect([report.drifted_features, report.features.x1.method, report.dataset_drift]).toEqual([['x1'], 'ks', true]);
  });

  test('its regression quality is the serve loop\'s answers against the ground truth, joined on inferenceId or eventId', () => {
    const errors = sent.predictions.map((p, i) => p - sent.truth[i]);
    const mean = sent.truth.reduce((a, b) => a + b, 0) / sent.truth.length;
    const sse = errors.reduce((a, e) => a + e * e, 0);
    const q = report.model_quality;
    expect([q.status, q.labelled]).toEqual(['ok', rows]);
    expect(q.mae).toBeCloseTo(errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length, 9);
    expect(q.rmse).toBeCloseTo(Math.sqrt(sse / errors.length), 9);
    expect(q.r2).toBeCloseTo(1 - sse / sent.truth.reduce((a, t) => a + (t - mean) ** 2, 0), 9);
  });

  test('the page draws the drifted feature\'s two distributions', () => {
    const page = fs.readFileSync(at('report', 'report.html'), 'utf8');
    expect([...page.matchAll(/<h3>([^ <]+) \(/g)].map((m) => m[1])).toEqual(['x1']);
  });

  test('it publishes DatasetDrift, Records and ReportPublished for the endpoint', () => {
    const data = fs.readFileSync(at('cloudwatch', 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
      .flatMap((r: any) => r.MetricData.map((d: any) => [r.Namespace, d.MetricName, d.Dimensions.map((x: any) => x.Value).join('/'), d.Value]));
    expect(data.filter((d: any[]) => ['DatasetDrift', 'Records', 'ReportPublished'].includes(d[1]))).toEqual([
      [NAMESPACE, 'Records', ENDPOINT, rows], [NAMESPACE, 'ReportPublished', ENDPOINT, 1], [NAMESPACE, 'DatasetDrift', ENDPOINT, 1],
    ]);
  });
});
