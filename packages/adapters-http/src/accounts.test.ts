import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness, JWT, PASSWORD } from './test-support/harness.js';
import { claims, forgeJwt } from './test-support/jwt-forge.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(() => h.close());

const post = (url: string, payload: unknown) => h.request({ method: 'POST', url, payload: payload as Record<string, unknown> });
const register = (payload: Record<string, unknown>) => post('/auth/register', payload);

describe('POST /auth/register', () => {
  it('201 with the participant and a token pair', async () => {
    const res = await register({ username: 'Alice', password: PASSWORD, email: 'Alice@Example.org' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      participant: {
        id: expect.any(String),
        username: 'Alice',
        email: 'alice@example.org',
        role: 'participant',
        created_at: '2030-01-10T12:00:00.000Z',
      },
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: JWT.accessTtlSeconds,
    });
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: body.participant.id, role: 'participant', iss: JWT.issuer, aud: JWT.audience });
    expect(claims.exp - claims.iat).toBe(JWT.accessTtlSeconds);
  });

  it('409 USERNAME_TAKEN ignoring case, 409 EMAIL_TAKEN', async () => {
    await register({ username: 'alice', password: PASSWORD, email: 'a@example.org' });
    expectProblem(await register({ username: 'ALICE', password: PASSWORD }), 409, 'USERNAME_TAKEN');
    expectProblem(await register({ username: 'bob', password: PASSWORD, email: 'A@example.org' }), 409, 'EMAIL_TAKEN');
  });

  it.each([
    ['a short username', { username: 'al', password: PASSWORD }, 'username'],
    ['a username with spaces', { username: 'al ice', password: PASSWORD }, 'username'],
    ['a 33-character username', { username: 'a'.repeat(33), password: PASSWORD }, 'username'],
    ['a short password', { username: 'alice', password: 'short' }, 'password'],
    ['a 257-character password', { username: 'alice', password: 'p'.repeat(257) }, 'password'],
    ['a bad email', { username: 'alice', password: PASSWORD, email: 'not-an-email' }, 'email'],
    ['no password', { username: 'alice' }, 'password'],
    ['an unknown field', { username: 'alice', password: PASSWORD, role: 'admin' }, 'role'],
  ])('400 VALIDATION_FAILED for %s', async (_name, payload, path) => {
    const body = expectProblem(await register(payload), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
  });

  it('accepts the boundaries: 3 and 32 characters, 8 and 256 character passwords', async () => {
    expect((await register({ username: 'a.b', password: 'p'.repeat(8) })).statusCode).toBe(201);
    expect((await register({ username: `${'x'.repeat(30)}_-`, password: 'p'.repeat(256) })).statusCode).toBe(201);
  });

  it('counts password characters, not UTF-16 units: 256 emoji are allowed, 4 are too few', async () => {
    expect((await register({ username: 'emoji256', password: '😀'.repeat(256) })).statusCode).toBe(201);
    expectProblem(await register({ username: 'emoji257', password: '😀'.repeat(257) }), 400, 'VALIDATION_FAILED');
    expectProblem(await register({ username: 'emoji4', password: '😀'.repeat(4) }), 400, 'VALIDATION_FAILED');
  });
});

describe('POST /auth/login', () => {
  beforeEach(async () => {
    await register({ username: 'alice', password: PASSWORD, email: 'alice@example.org' });
  });

  it('200 a token pair, by username (any case) or by email', async () => {
    for (const username of ['alice', 'ALICE', 'alice@example.org']) {
      const res = await post('/auth/login', { username, password: PASSWORD });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
      });
    }
  });

  it('the same 401 INVALID_CREDENTIALS for a wrong password and an unknown user', async () => {
    const wrong = expectProblem(await post('/auth/login', { username: 'alice', password: 'wrong password' }), 401, 'INVALID_CREDENTIALS');
    const unknown = expectProblem(await post('/auth/login', { username: 'nobody', password: PASSWORD }), 401, 'INVALID_CREDENTIALS');
    expect(unknown).toEqual(wrong);
  });

  it('400 for a missing field or an unknown one', async () => {
    expectProblem(await post('/auth/login', { username: 'alice' }), 400, 'VALIDATION_FAILED');
    expectProblem(await post('/auth/login', { username: 'alice', password: PASSWORD, remember: true }), 400, 'VALIDATION_FAILED');
  });
});

describe('refresh, logout and /me', () => {
  it('refresh gives a new pair and spends the old token; replaying it revokes the family', async () => {
    const { refreshToken } = await h.participant('carol');
    const first = await post('/auth/refresh', { refresh_token: refreshToken });
    expect(first.statusCode).toBe(200);
    const next = first.json();
    expect(next).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(next.refresh_token).not.toBe(refreshToken);
    expect((await h.request({ method: 'GET', url: '/me', token: next.access_token })).json().username).toBe('carol');

    expectProblem(await post('/auth/refresh', { refresh_token: refreshToken }), 401, 'UNAUTHORIZED');
    // The replay revoked every token descended from the same login.
    expectProblem(await post('/auth/refresh', { refresh_token: next.refresh_token }), 401, 'UNAUTHORIZED');
  });

  it('refresh: 401 for an unknown token, 400 for a missing one', async () => {
    expectProblem(await post('/auth/refresh', { refresh_token: 'never-issued' }), 401, 'UNAUTHORIZED');
    expectProblem(await post('/auth/refresh', {}), 400, 'VALIDATION_FAILED');
  });

  it('logout is 204 and ends the session; an unknown token is 204 too', async () => {
    const { refreshToken } = await h.participant();
    const res = await post('/auth/logout', { refresh_token: refreshToken });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expectProblem(await post('/auth/refresh', { refresh_token: refreshToken }), 401, 'UNAUTHORIZED');
    expect((await post('/auth/logout', { refresh_token: 'never-issued' })).statusCode).toBe(204);
    expectProblem(await post('/auth/logout', {}), 400, 'VALIDATION_FAILED');
  });

  it('GET /me returns the participant, for admins too', async () => {
    const { token, id } = await h.participant('dave');
    const res = await h.request({ method: 'GET', url: '/me', token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id, username: 'dave', email: null, role: 'participant', created_at: '2030-01-10T12:00:00.000Z' });
    const admin = await h.admin('root');
    expect((await h.request({ method: 'GET', url: '/me', token: admin.token })).json()).toMatchObject({ username: 'root', role: 'admin' });
  });

  it('401 UNAUTHORIZED, never 500, when the account behind a well-signed token is gone', async () => {
    const token = forgeJwt(claims('0190f5e2-0000-7000-8000-000000000001'));
    expectProblem(await h.request({ method: 'GET', url: '/me', token }), 401, 'UNAUTHORIZED');
    const lottery = await h.lottery();
    expectProblem(await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token, payload: {} }), 401, 'UNAUTHORIZED');
    expect((await h.request({ method: 'GET', url: `/lotteries/${lottery.id}` })).json().tickets_issued).toBe(0);
  });
});
