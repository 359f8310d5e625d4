import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from './metrics/metrics.js';
import { type MetricsServer, serveMetrics } from './metrics/metrics-server.js';

let server: MetricsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const start = async (allowlist: string[]) => {
  const metrics = createMetrics();
  metrics.telemetry.ballotsIssued(4);
  server = await serveMetrics({ metrics, port: 0, host: '127.0.0.1', allowlist });
  return (path: string) => fetch(`http://127.0.0.1:${server?.port}${path}`);
};

describe('the metrics port of a process without an API (the worker)', () => {
  it('serves GET /metrics to an allowed address, and nothing else', async () => {
    const get = await start(['127.0.0.1', '::1']);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('fairdraw_ballots_issued_total 4');
    const other = await get('/lotteries');
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await other.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('answers 403 IP_NOT_ALLOWED outside METRICS_IP_ALLOWLIST', async () => {
    const get = await start(['10.0.0.0/8']);
    const res = await get('/metrics');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'IP_NOT_ALLOWED', status: 403 });
  });

  it('refuses to start with an empty allow-list, which would mean any address', async () => {
    await expect(serveMetrics({ metrics: createMetrics(), port: 0, host: '127.0.0.1', allowlist: [] })).rejects.toThrow(
      /METRICS_IP_ALLOWLIST/,
    );
  });
});
