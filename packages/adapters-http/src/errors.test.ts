import { afterEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness, PASSWORD } from './test-support/harness.js';

let h: Harness;
afterEach(() => h.close());

const register = (payload: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  h.request({ method: 'POST', url: '/auth/register', headers, payload });

describe('problem+json for every failure', () => {
  it('404 NOT_FOUND for an unknown route or method', async () => {
    h = await harness();
    const body = expectProblem(await h.request({ method: 'GET', url: '/nope?x=1' }), 404, 'NOT_FOUND');
    expect(body).toEqual({
      type: expect.stringMatching(/^urn:/),
      title: 'Not Found',
      status: 404,
      detail: 'no route for GET /nope',
      code: 'NOT_FOUND',
    });
    expectProblem(await h.request({ method: 'DELETE', url: '/lotteries' }), 404, 'NOT_FOUND');
  });

  it('400 VALIDATION_FAILED for a path the router cannot decode or with an over-long parameter', async () => {
    h = await harness();
    for (const url of ['/lotteries/%', '/lotteries/%E0%A4%A', `/lotteries/${'a'.repeat(150)}`, `/lotteries/${'a'.repeat(150)}/winners`]) {
      const body = expectProblem(await h.request({ method: 'GET', url }), 400, 'VALIDATION_FAILED');
      expect(body.errors, url).toEqual([{ path: 'url', message: expect.any(String) }]);
    }
  });

  it('400 VALIDATION_FAILED for malformed JSON and for a JSON body that is not an object', async () => {
    h = await harness();
    expectProblem(await register('{"username": "alice",'), 400, 'VALIDATION_FAILED');
    expectProblem(await register('[1, 2]'), 400, 'VALIDATION_FAILED');
    expectProblem(await register('{"__proto__": {"admin": true}, "username": "alice", "password": "x"}'), 400, 'VALIDATION_FAILED');
  });

  it('400 lists every problem with its path, unknown fields included', async () => {
    h = await harness();
    const res = await register(JSON.stringify({ username: 'al', password: PASSWORD, is_admin: true, role: 'admin' }));
    const body = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: 'username', message: expect.any(String) },
        { path: 'is_admin', message: 'unknown field' },
        { path: 'role', message: 'unknown field' },
      ]),
    );
  });

  it('nested paths are dotted', async () => {
    h = await harness();
    const admin = await h.admin();
    const res = await h.request({
      method: 'POST',
      url: '/lotteries',
      token: admin.token,
      payload: {
        prizes: [
          { name: 'A', amount: 1 },
          { name: 'B', amount: -1 },
        ],
      },
    });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([{ path: 'prizes.1.amount', message: expect.any(String) }]);
  });

  it('413 PAYLOAD_TOO_LARGE above 1 MiB; 1 MiB of JSON is still read', async () => {
    h = await harness();
    const huge = JSON.stringify({ username: 'alice', password: 'p'.repeat(1024 * 1024) });
    expectProblem(await register(huge), 413, 'PAYLOAD_TOO_LARGE');
    const justFits = JSON.stringify({ username: 'alice', password: PASSWORD, email: 'x' }).padEnd(1024 * 1024, ' ');
    expectProblem(await register(justFits), 400, 'VALIDATION_FAILED');
  });

  it('400 VALIDATION_FAILED for bodies that are not JSON (API.md has no 415 code)', async () => {
    h = await harness();
    expectProblem(await register('username=alice', { 'content-type': 'application/x-www-form-urlencoded' }), 400, 'VALIDATION_FAILED');
    expectProblem(await register('alice', { 'content-type': 'text/plain' }), 400, 'VALIDATION_FAILED');
  });

  it('an empty JSON body is no body: 400 where one is needed', async () => {
    h = await harness();
    expectProblem(await register(''), 400, 'VALIDATION_FAILED');
  });

  it('500 INTERNAL hides the stack and the SQL, and logs them', async () => {
    const logged: string[] = [];
    const stream = { write: (line: string) => logged.push(line) };
    h = await harness({
      logger: { level: 'error', stream },
      extend: (app) => {
        app.get('/boom', async () => {
          throw new Error('syntax error at or near "SELECT * FROM participants WHERE password_hash"');
        });
      },
    });
    const res = await h.request({ method: 'GET', url: '/boom' });
    const body = expectProblem(res, 500, 'INTERNAL');
    expect(res.body).not.toMatch(/SELECT|password_hash|at .*\.ts/);
    expect(body).toEqual({
      type: expect.any(String),
      title: 'Internal Server Error',
      status: 500,
      detail: expect.any(String),
      code: 'INTERNAL',
    });
    expect(logged.join('')).toContain('SELECT * FROM participants');
  });

  it('every problem type is a URN naming its code', async () => {
    h = await harness();
    const body = expectProblem(
      await h.request({ method: 'GET', url: '/lotteries/0190f5e2-0000-7000-8000-00000000dead' }),
      404,
      'LOTTERY_NOT_FOUND',
    );
    expect(body.type).toBe('urn:fairdraw:problem:lottery-not-found');
  });
});
