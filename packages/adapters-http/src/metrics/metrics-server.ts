import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalIp } from '../auth/ip-address.js';
import { ipAllowlist } from '../auth/ip-allowlist.js';
import { problemOf } from '../errors/problem.js';
import type { Metrics } from './metrics.js';

export interface MetricsServerOptions {
  readonly metrics: Metrics;
  readonly port: number;
  readonly host: string;
  /** METRICS_IP_ALLOWLIST; it must not be empty (the caller applies the loopback default). */
  readonly allowlist: readonly string[];
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * GET /metrics on a port of its own, for a process that serves no HTTP API (the worker): the
 * same series format and the same allow-list answer as the API's /metrics, and nothing else.
 * Only the socket's address counts here: nothing sits in front of a worker's scrape port.
 */
export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer> {
  if (options.allowlist.length === 0) throw new Error('METRICS_IP_ALLOWLIST: empty');
  const allowed = ipAllowlist(options.allowlist, 'METRICS_IP_ALLOWLIST');
  const server = createServer((request, response) => {
    const problem = (code: 'IP_NOT_ALLOWED' | 'NOT_FOUND', detail: string) => {
      const body = problemOf(code, detail);
      response.writeHead(body.status, { 'content-type': 'application/problem+json; charset=utf-8' }).end(JSON.stringify(body));
    };
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') return problem('NOT_FOUND', 'this port serves GET /metrics only');
    if (!allowed(canonicalIp(request.socket.remoteAddress) ?? '')) return problem('IP_NOT_ALLOWED', '/metrics is not open to this address');
    options.metrics.exposition().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
