import { MlRoot, request, Running, TRUE_BIAS, TRUE_WEIGHTS } from './harness';

/** Starts `serve` on 127.0.0.1 and a port the OS picks (SAGEMAKER_BIND_TO_PORT=0). */
async function startServer(root: MlRoot): Promise<{ server: Running; port: number }> {
  const server = new Running('serve', root, { SAGEMAKER_BIND_TO_PORT: '0', SERVE_HOST: '127.0.0.1' });
  try {
    const match = await server.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    return { server, port: Number(match[1]) };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/** y = 2*x1 - 3*x2 + 1 */
const expected = (row: number[]): number => TRUE_WEIGHTS[0] * row[0] + TRUE_WEIGHTS[1] * row[1] + TRUE_BIAS;

describe('serve with a model', () => {
  let root: MlRoot;
  let server: Running;
  let port: number;

  beforeAll(async () => {
    root = new MlRoot();
    // Only the archive, as a training job leaves it: serve reads model.json from inside it.
    root.writeJson('trained/model.json', { weights: TRUE_WEIGHTS, bias: TRUE_BIAS, epoch: 100 });
    root.tarModel('trained', 'model');
    ({ server, port } = await startServer(root));
  });

  afterAll(async () => {
    await server?.stop();
    root?.remove();
  });

  test('GET /ping answers 200 once the model is loaded', async () => {
    expect(server.stdout).toMatch(/loaded model from .*: features=2/);
    expect((await request(port, 'GET', '/ping')).status).toBe(200);
  });

  test('POST /invocations text/csv answers one prediction per line', async () => {
    const rows = [[1, 2], [3, 4], [0.5, -1]];

    const reply = await request(port, 'POST', '/invocations', rows.map((r) => r.join(',')).join('\n') + '\n', { 'Content-Type': 'text/csv' });

    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/csv');
    const lines = reply.body.trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length);
    lines.forEach((line, i) => expect(Number(line)).toBeCloseTo(expected(rows[i]), 9));
  });

  test('POST /invocations application/json answers {"predictions": [...]}', async () => {
    const instances = [[1, 2], [0, 0]];

    const reply = await request(port, 'POST', '/invocations', JSON.stringify({ instances }), { 'Content-Type': 'application/json; charset=utf-8' });

    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('application/json');
    const { predictions } = JSON.parse(reply.body);
    expect(predictions).toHaveLength(2);
    predictions.forEach((p: number, i: number) => expect(p).toBeCloseTo(expected(instances[i]), 9));
  });

  test('answers in the Accept type when one is asked for', async () => {
    const reply = await request(port, 'POST', '/invocations', '1,2\n', { 'Content-Type': 'text/csv', 'Accept': 'application/json' });

    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).predictions[0]).toBeCloseTo(expected([1, 2]), 9);
    expect((await request(port, 'POST', '/invocations', '1,2\n', { 'Content-Type': 'text/csv', 'Accept': 'image/png' })).status).toBe(406);
  });

  test('an unsupported content type is refused with 415', async () => {
    const reply = await request(port, 'POST', '/invocations', '1 2', { 'Content-Type': 'text/plain' });

    expect(reply.status).toBe(415);
    expect(reply.body).toMatch(/text\/plain is not supported; use text\/csv or application\/json/);
    expect((await request(port, 'POST', '/invocations', '1,2')).status).toBe(415); // no Content-Type at all
  });

  test.each([
    ['text/csv', '1,two\n', /line 1: not a row of numbers/],
    ['text/csv', '1,2,3\n', /row 1 has 3 values, the model expects 2 features/],
    ['text/csv', '', /no rows/],
    ['application/json', '{"instances": [[1, 2]', /not valid JSON/],
    ['application/json', '{"rows": [[1, 2]]}', /expected \{"instances"/],
    ['application/json', '{"instances": [[1, "2"]]}', /expected \{"instances"/],
    ['application/json', '{"instances": [[NaN, 1]]}', /expected \{"instances"/],
  ])('a malformed %s body %j is refused with 400 and a reason', async (contentType, body, reason) => {
    const reply = await request(port, 'POST', '/invocations', body, { 'Content-Type': contentType });

    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(reason);
  });

  test('unknown paths answer 404', async () => {
    expect((await request(port, 'GET', '/health')).status).toBe(404);
  });

  test('SIGTERM stops the server cleanly', async () => {
    server.signal('SIGTERM');

    expect(await server.exit(5_000)).toEqual({ code: 0, signal: null });
    expect(server.stdout).toMatch(/stopped\n$/);
  });
});

describe('serve without a model', () => {
  let root: MlRoot;
  let server: Running;
  let port: number;

  beforeAll(async () => {
    root = new MlRoot();
    ({ server, port } = await startServer(root));
  });

  afterAll(async () => {
    await server?.stop();
    root?.remove();
  });

  // It keeps running, so the endpoint's failed health check and the logs both carry the reason.
  test('GET /ping answers 503 with the reason, and so does /invocations', async () => {
    const ping = await request(port, 'GET', '/ping');
    expect(ping.status).toBe(503);
    expect(ping.body).toMatch(/model not loaded: no model in .*: expected model\.json or model\.tar\.gz/);
    expect(server.stderr).toMatch(/model not loaded/);

    const invocation = await request(port, 'POST', '/invocations', '1,2\n', { 'Content-Type': 'text/csv' });
    expect(invocation.status).toBe(503);
  });
});
