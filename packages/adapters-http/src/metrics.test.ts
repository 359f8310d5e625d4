import { wireDeps } from '@fairdraw/application';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
afterEach(() => h?.close());

/** A server whose use cases report to `metrics`, as the composition root wires them. */
function instrumented(metrics: Metrics, options: Parameters<typeof harness>[0] = {}) {
  return harness({
    ...options,
    metrics,
    wrapDeps: (deps) => wireDeps({ ...deps, telemetry: metrics.telemetry }),
  });
}

async function scrape(from = '127.0.0.1'): Promise<string> {
  const res = await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: from });
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
}

/** The value of one sample, e.g. `fairdraw_ballots_issued_total` or `x_total{cause="admin"}`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('answers loopback in the Prometheus text format, and 403 IP_NOT_ALLOWED anywhere else', async () => {
    h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE fairdraw_http_request_duration_seconds histogram');
    expect((await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
    expectProblem(await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' }), 403, 'IP_NOT_ALLOWED');
  });

  it('follows METRICS_IP_ALLOWLIST (CIDRs), which then leaves loopback out', async () => {
    h = await harness({ metricsIpAllowlist: ['10.0.0.0/8'] });
    await scrape('10.1.2.3');
    expectProblem(await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' }), 403, 'IP_NOT_ALLOWED');
  });

  it('counts requests by route template and status, never by the path asked for', async () => {
    h = await harness();
    const ids = ['0190f5e2-0000-7000-8000-0000000000a1', '0190f5e2-0000-7000-8000-0000000000a2'];
    for (const id of ids) expect((await h.request({ method: 'GET', url: `/lotteries/${id}` })).statusCode).toBe(404);
    await h.request({ method: 'GET', url: `/no/such/${ids[0]}` });
    await h.request({ method: 'GET', url: '/no/such/place' });
    const text = await scrape();
    expect(sample(text, 'fairdraw_http_requests_total{method="GET",route="/lotteries/:id",status="404"}')).toBe(2);
    expect(sample(text, 'fairdraw_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(2);
    expect(sample(text, 'fairdraw_http_request_duration_seconds_count{method="GET",route="/lotteries/:id",status="404"}')).toBe(2);
    for (const id of ids) expect(text).not.toContain(id);
    expect(text).not.toContain('/no/such');
  });

  it('counts lotteries created, closed and drawn, ballots issued, turns and their timings', async () => {
    const metrics = createMetrics();
    h = await instrumented(metrics);
    const admin = await h.admin();
    const alice = await h.participant();
    const lottery = await h.lottery({ prizes: [{ name: 'Gold', amount: 1 }] });
    const ballots = await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token: alice.token, payload: { count: 3 } });
    expect(ballots.statusCode, ballots.body).toBe(201);
    expect((await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/close`, token: admin.token })).statusCode).toBe(200);
    expect((await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/draw`, token: admin.token })).statusCode).toBe(201);
    const text = await scrape();
    expect(sample(text, 'fairdraw_lotteries_created_total')).toBe(1);
    expect(sample(text, 'fairdraw_lotteries_closed_total{cause="admin"}')).toBe(1);
    expect(sample(text, 'fairdraw_lotteries_closed_total{cause="sold_out"}')).toBe(0);
    expect(sample(text, 'fairdraw_lotteries_drawn_total')).toBe(1);
    expect(sample(text, 'fairdraw_ballots_issued_total')).toBe(3);
    expect(sample(text, 'fairdraw_ballot_turn_requests_count')).toBe(1);
    expect(sample(text, 'fairdraw_ballot_turn_tickets_sum')).toBe(3);
    expect(sample(text, 'fairdraw_ballot_queue_wait_seconds_count')).toBe(1);
    expect(sample(text, 'fairdraw_seal_duration_seconds_count')).toBe(1);
    expect(sample(text, 'fairdraw_draw_duration_seconds_count')).toBe(1);
    expect(sample(text, 'fairdraw_http_requests_total{method="POST",route="/lotteries/:id/ballots",status="201"}')).toBe(1);
  });

  it('counts requests refused by each rate limit, and scrapes are never limited', async () => {
    h = await harness({ rateLimitPerMinute: 2, authRateLimitPerMinute: 1 });
    for (let i = 0; i < 3; i++) await h.request({ method: 'GET', url: '/lotteries' });
    await h.request({ method: 'POST', url: '/auth/login', payload: { username: 'nobody', password: 'not the password' } });
    await h.request({ method: 'POST', url: '/auth/login', payload: { username: 'nobody', password: 'not the password' } });
    const text = await scrape();
    await scrape();
    // The general limit was spent by the lists, so both logins were refused by it before the
    // auth limit was asked.
    expect(sample(text, 'fairdraw_rate_limited_requests_total{limit="general"}')).toBe(3);
    expect(sample(text, 'fairdraw_http_requests_total{method="GET",route="/lotteries",status="429"}')).toBe(1);
  });

  it('counts the auth limit on its own', async () => {
    h = await harness({ rateLimitPerMinute: 100, authRateLimitPerMinute: 1 });
    for (let i = 0; i < 3; i++)
      await h.request({ method: 'POST', url: '/auth/login', payload: { username: 'nobody', password: 'not the password' } });
    const text = await scrape();
    expect(sample(text, 'fairdraw_rate_limited_requests_total{limit="auth"}')).toBe(2);
    expect(sample(text, 'fairdraw_rate_limited_requests_total{limit="general"}')).toBe(0);
  });
});

describe('the series read at scrape time', () => {
  it('show the database pool as it is at the scrape', async () => {
    let stats = { total: 5, idle: 2, waiting: 0 };
    const metrics = createMetrics({ poolStats: () => stats });
    const first = (await metrics.exposition()).body;
    expect(sample(first, 'fairdraw_db_pool_connections{state="in_use"}')).toBe(3);
    expect(sample(first, 'fairdraw_db_pool_connections{state="idle"}')).toBe(2);
    expect(sample(first, 'fairdraw_db_pool_waiting')).toBe(0);
    stats = { total: 20, idle: 0, waiting: 7 };
    const second = (await metrics.exposition()).body;
    expect(sample(second, 'fairdraw_db_pool_connections{state="in_use"}')).toBe(20);
    expect(sample(second, 'fairdraw_db_pool_waiting')).toBe(7);
  });

  it('count beacon relay fetches by kind and outcome, from 0', async () => {
    const metrics = createMetrics();
    expect(sample((await metrics.exposition()).body, 'fairdraw_beacon_fetches_total{kind="round",outcome="failed"}')).toBe(0);
    metrics.beaconFetched('round', 'ok');
    metrics.beaconFetched('round', 'ok');
    metrics.beaconFetched('info', 'invalid');
    const body = (await metrics.exposition()).body;
    expect(sample(body, 'fairdraw_beacon_fetches_total{kind="round",outcome="ok"}')).toBe(2);
    expect(sample(body, 'fairdraw_beacon_fetches_total{kind="info",outcome="invalid"}')).toBe(1);
  });

  it('count webhook delivery attempts by outcome, from 0', async () => {
    const metrics = createMetrics();
    expect(sample((await metrics.exposition()).body, 'fairdraw_webhook_deliveries_total{outcome="failed"}')).toBe(0);
    metrics.telemetry.webhookAttempted('retried');
    metrics.telemetry.webhookAttempted('retried');
    metrics.telemetry.webhookAttempted('delivered');
    const body = (await metrics.exposition()).body;
    expect(sample(body, 'fairdraw_webhook_deliveries_total{outcome="retried"}')).toBe(2);
    expect(sample(body, 'fairdraw_webhook_deliveries_total{outcome="delivered"}')).toBe(1);
  });

  it('include Node process metrics when asked', async () => {
    const body = (await createMetrics({ processMetrics: true }).exposition()).body;
    expect(sample(body, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(body).toContain('nodejs_eventloop_lag_seconds');
    expect((await createMetrics().exposition()).body).not.toContain('process_resident_memory_bytes');
  });
});
