import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness } from './test-support/harness.js';

// API.md, *Timeouts*: a request whose headers or body do not arrive in time is ended (408
// REQUEST_TIMEOUT where an answer can still be sent); an idle keep-alive connection is closed.
// The deadline is shortened to 400 ms here; the bound each test waits is generous (a busy
// machine), and without the timeouts these sockets stayed open for good.
const TIMEOUT_MS = 400;
const BOUND_MS = 8_000;

let h: Harness;
afterEach(() => h.close());

async function listening(): Promise<number> {
  h = await harness({ requestTimeoutMs: TIMEOUT_MS });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on a port');
  return address.port;
}

/** Everything the server sent until it closed the socket, and when; rejects after BOUND_MS. */
function untilClosed(socket: Socket): Promise<{ received: string; afterMs: number }> {
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const bound = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${BOUND_MS} ms; received: ${JSON.stringify(received)}`));
    }, BOUND_MS);
    socket.once('close', () => {
      clearTimeout(bound);
      resolve({ received, afterMs: Date.now() - started });
    });
    socket.on('error', () => {});
  });
}

const post = 'POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n';

function expect408(received: string): void {
  expect(received).toMatch(/^HTTP\/1\.1 408 /);
  expect(received).toMatch(/content-type: application\/problem\+json/i);
  const body = JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4));
  expect(body).toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT' });
}

describe('request timeouts', () => {
  it('ends a request whose body never arrives with 408', async () => {
    const socket = connect(await listening(), '127.0.0.1');
    socket.write(post);
    const { received, afterMs } = await untilClosed(socket);
    expect408(received);
    expect(afterMs).toBeGreaterThanOrEqual(TIMEOUT_MS / 2);
  });

  it('ends a body trickled a byte at a time, though the socket is never idle', async () => {
    const socket = connect(await listening(), '127.0.0.1');
    socket.write(post);
    const drip = setInterval(() => socket.writable && socket.write(' '), TIMEOUT_MS / 8);
    try {
      expect408((await untilClosed(socket)).received);
    } finally {
      clearInterval(drip);
    }
  });

  it('ends a request whose headers never complete with 408', async () => {
    const socket = connect(await listening(), '127.0.0.1');
    socket.write('GET /lotteries HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect408((await untilClosed(socket)).received);
  });

  it('closes an idle keep-alive connection after a complete answer', async () => {
    const socket = connect(await listening(), '127.0.0.1');
    socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const { received } = await untilClosed(socket);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).not.toMatch(/ 408 /);
  });

  it('lets a request that arrives in time through', async () => {
    const port = await listening();
    const res = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(res.status).toBe(200);
  });
});
