/**
 * Answers given before or around the routes (Node's HTTP parser, a server draining after
 * SIGTERM) cannot be reached through `inject`; these tests speak HTTP over a real socket.
 */
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness } from './test-support/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/**
 * Writes `request` to the server, lets `then` write more on the same connection, and collects
 * everything the server sends until it closes the socket.
 */
function exchange(port: number, request: string, then?: (write: (more: string) => void) => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      received += data;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.on('connect', () => {
      socket.write(request);
      then?.((more) => socket.write(more)).catch(reject);
    });
  });
}

/** The status line and the parsed JSON body of the last response in `raw`. */
function lastResponse(raw: string): { status: number; headers: string; body: Record<string, unknown> } {
  const start = raw.lastIndexOf('HTTP/1.1 ');
  const [head = '', body = ''] = raw.slice(start).split('\r\n\r\n');
  return { status: Number(head.slice(9, 12)), headers: head.toLowerCase(), body: JSON.parse(body) };
}

async function listening(options: Parameters<typeof harness>[0] = {}): Promise<number> {
  h = await harness(options);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  return (h.app.server.address() as AddressInfo).port;
}

describe('answers outside the routes are problem+json too', () => {
  it('headers larger than Node accepts: 400 VALIDATION_FAILED, not Fastify JSON', async () => {
    const port = await listening();
    const raw = await exchange(port, `GET /me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(20_000)}\r\n\r\n`);
    const { status, headers, body } = lastResponse(raw);
    expect(status).toBe(400);
    expect(headers).toContain('content-type: application/problem+json');
    expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', type: expect.any(String), title: 'Bad Request' });
  });

  it('a request that is not HTTP: 400 VALIDATION_FAILED', async () => {
    const port = await listening();
    const { status, body } = lastResponse(await exchange(port, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(status).toBe(400);
    expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('a request arriving on a kept-alive connection while the server drains: 503 SERVICE_UNAVAILABLE', async () => {
    let release = () => {};
    let started = () => {};
    const slowStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const port = await listening({
      extend: (app) => {
        app.get('/slow', async () => {
          started();
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return { ok: true };
        });
      },
    });
    const server = h?.app.server;
    let closing: Promise<void> = Promise.resolve();
    const raw = await exchange(port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n', async (write) => {
      await slowStarted;
      // SIGTERM's app.close() while /slow is in flight keeps this connection open until it ends.
      closing = h?.app.close() ?? Promise.resolve();
      const arrived = new Promise((resolve) => server?.once('request', resolve));
      write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
      await arrived;
      release();
    });
    await closing;
    h = null;
    expect(raw).toContain('HTTP/1.1 200');
    const { status, headers, body } = lastResponse(raw);
    expect(status).toBe(503);
    expect(headers).toContain('content-type: application/problem+json');
    expect(headers).toContain('connection: close');
    expect(body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', title: 'Service Unavailable' });
  });
});
