import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { patientFetch } from './demo-http.js';

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

/** A server that answers each request with the next of `answers`, and remembers the headers it got. */
async function scripted(answers: { status: number; headers?: Record<string, string>; body: object }[]) {
  const seen: IncomingHttpHeaders[] = [];
  server = createServer((request, response) => {
    seen.push(request.headers);
    const answer = answers.shift() ?? { status: 500, body: {} };
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('the demo talking to the service', () => {
  it('waits out a 429 and a 503 for their Retry-After, and sends the same Idempotency-Key again', async () => {
    const { url, seen } = await scripted([
      { status: 429, headers: { 'retry-after': '1' }, body: { code: 'RATE_LIMITED' } },
      { status: 503, headers: { 'retry-after': '1' }, body: { code: 'SERVICE_UNAVAILABLE' } },
      { status: 201, body: { ballots: [] } },
    ]);
    const waits: string[] = [];
    const patient = patientFetch(url, (seconds, why) => waits.push(`${why} ${seconds}`));
    const answer = await patient(`${url}/lotteries/x/ballots`, {
      method: 'POST',
      headers: { authorization: 'Bearer t' },
      body: '{"count":1}',
    });
    expect(answer.status).toBe(201);
    expect(await answer.json()).toEqual({ ballots: [] });
    expect(waits).toEqual(['rate limited 1', 'service unavailable 1']);
    expect(patient.waitedSeconds()).toBe(2);
    const keys = seen.map((h) => h['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    expect(seen[0]?.authorization).toBe('Bearer t');
  });

  it('hands other refusals back as they are, and each POST gets a key of its own', async () => {
    const { url, seen } = await scripted([
      { status: 409, body: { code: 'TICKET_TAKEN' } },
      { status: 201, body: {} },
    ]);
    const patient = patientFetch(url);
    expect((await patient(`${url}/a`, { method: 'POST', body: '{}' })).status).toBe(409);
    expect((await patient(new Request(`${url}/a`, { method: 'POST', body: '{}' }))).status).toBe(201);
    expect(seen[0]?.['idempotency-key']).not.toBe(seen[1]?.['idempotency-key']);
  });

  it('says plainly when nothing listens', async () => {
    const { url } = await scripted([]);
    server?.close();
    await once(server as Server, 'close');
    await expect(patientFetch(url)(`${url}/lotteries`)).rejects.toThrow(/nothing answers at .* is the service running\?/);
  });
});
