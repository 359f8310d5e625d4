import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness } from './test-support/harness.js';
import { claims, forgeJwt } from './test-support/jwt-forge.js';

let h: Harness;
let id: string;
beforeEach(async () => {
  h = await harness();
  id = (await h.participant()).id;
});
afterEach(() => h.close());

const me = (authorization: string) => h.request({ method: 'GET', url: '/me', headers: { authorization } });

describe('access tokens (HS256 pinned; iss, aud, exp required)', () => {
  it('accepts a correctly forged HS256 token, proving the forge matches the service', async () => {
    const res = await me(`Bearer ${forgeJwt(claims(id))}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(id);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refused: Array<[string, () => string]> = [
    ['alg none', () => forgeJwt(claims(id), { alg: 'none' })],
    ['HS512 with the right secret', () => forgeJwt(claims(id), { alg: 'HS512' })],
    ['RS256 with some key', () => forgeJwt(claims(id), { alg: 'RS256' })],
    ['another secret', () => forgeJwt(claims(id), { secret: 'someone-elses-secret-of-at-least-32-bytes' })],
    ['expired', () => forgeJwt(claims(id, { iat: now() - 3600, exp: now() - 60 }))],
    ['wrong audience', () => forgeJwt(claims(id, { aud: 'another-api' }))],
    ['wrong issuer', () => forgeJwt(claims(id, { iss: 'someone-else' }))],
    ['missing exp', () => forgeJwt(claims(id, { exp: undefined }))],
    ['missing iss', () => forgeJwt(claims(id, { iss: undefined }))],
    ['missing aud', () => forgeJwt(claims(id, { aud: undefined }))],
    ['missing sub', () => forgeJwt(claims(id, { sub: undefined }))],
    ['an unknown role', () => forgeJwt(claims(id, { role: 'root' }))],
    ['a sub that is not an id', () => forgeJwt(claims(id, { sub: "' OR 1=1 --" }))],
    [
      'tampered payload',
      () => {
        const [head, , signature] = forgeJwt(claims(id)).split('.');
        const payload = Buffer.from(JSON.stringify(claims(id, { role: 'admin' }))).toString('base64url');
        return `${head}.${payload}.${signature}`;
      },
    ],
    [
      'tampered signature',
      () => {
        const token = forgeJwt(claims(id));
        return `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      },
    ],
    ['garbage', () => 'not.a.jwt'],
    ['a lone word', () => 'garbage'],
  ];

  it.each(refused)('refuses %s with 401 UNAUTHORIZED', async (_name, token) => {
    expectProblem(await me(`Bearer ${token()}`), 401, 'UNAUTHORIZED');
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer    '], ['Token abc.def.ghi'], ['Bearer a b']])(
    'refuses the header "%s" with 401',
    async (authorization) => {
      expectProblem(await me(authorization), 401, 'UNAUTHORIZED');
    },
  );

  it('refuses a bad token even where guests are welcome, rather than treating it as a guest', async () => {
    const lottery = await h.lottery({ entry: { guests: true } });
    const res = await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, headers: { authorization: 'Bearer garbage' } });
    expectProblem(res, 401, 'UNAUTHORIZED');
  });

  it('401 without a token on a signed-in route', async () => {
    expectProblem(await h.request({ method: 'GET', url: '/me' }), 401, 'UNAUTHORIZED');
  });
});
