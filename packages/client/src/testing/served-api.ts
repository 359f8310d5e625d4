import type { AddressInfo } from 'node:net';
import { buildServer } from '@fairdraw/adapters-http';
import { testDeps } from '@fairdraw/application/testing';

/**
 * The API as it serves its OpenAPI document, on 127.0.0.1 with an in-memory store: the document
 * depends on the routes' schemas only, so no database is needed to generate the client from it.
 */
export async function startServedApi(): Promise<{ url: string; close(): Promise<void> }> {
  const app = await buildServer({
    deps: testDeps(),
    jwt: { secret: 'client generation, not a real secret!!', issuer: 'fairdraw', audience: 'fairdraw-api', accessTtlSeconds: 900 },
    adminIpAllowlist: [],
    trustProxy: false,
    rateLimitPerMinute: 1000,
    logger: false,
    responseSecret: 'client generation, not a real secret',
    readiness: async () => ({}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}

/** GET {base}/openapi.json. */
export async function fetchDocument(baseUrl: string): Promise<unknown> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/openapi.json`);
  if (!response.ok) throw new Error(`GET ${baseUrl}/openapi.json answered ${response.status}`);
  return response.json();
}
