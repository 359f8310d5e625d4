import { type Deps, wireDeps } from '@fairdraw/application';
import { withRepositories } from '@fairdraw/application/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeDeps } from './test-support/fakes.js';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
afterEach(() => h.close());

const withKey = (key: string) => ({ 'idempotency-key': key });

describe('Idempotency-Key on POST /lotteries/{id}/ballots', () => {
  it('replays the first response for the same key and body, issuing nothing more', async () => {
    h = await harness();
    const { token } = await h.participant();
    const lottery = await h.lottery({ ticket_limit: 100 });
    const send = (payload: Record<string, unknown>) =>
      h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token, headers: withKey('order-1'), payload });
    const first = await send({ count: 2 });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Same body with the keys in another order: the same request.
    const again = await h.request({
      method: 'POST',
      url: `/lotteries/${lottery.id}/ballots`,
      token,
      headers: { ...withKey('order-1'), 'content-type': 'application/json' },
      payload: '{ "count" : 2 }',
    });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect((await h.request({ method: 'GET', url: `/lotteries/${lottery.id}` })).json().tickets_issued).toBe(2);

    expectProblem(await send({ count: 3 }), 422, 'IDEMPOTENCY_KEY_REUSED');
    // Another key is another request.
    const other = await h.request({
      method: 'POST',
      url: `/lotteries/${lottery.id}/ballots`,
      token,
      headers: withKey('order-2'),
      payload: { count: 2 },
    });
    expect(other.json().ballots[0].id).not.toBe(first.json().ballots[0].id);
  });

  it('keeps keys per caller: another participant, or another guest address, starts afresh', async () => {
    h = await harness();
    const lottery = await h.lottery({ entry: { guests: true } });
    const alice = await h.participant();
    const bob = await h.participant();
    // A guest's key has at least 16 characters; participants' may be as short as they like.
    const send = (token?: string, remoteAddress = '127.0.0.1') =>
      h.request({
        method: 'POST',
        url: `/lotteries/${lottery.id}/ballots`,
        token,
        remoteAddress,
        headers: withKey('same-key-16-chars'),
        payload: {},
      });
    const tickets = await Promise.all([
      send(alice.token),
      send(bob.token),
      send(undefined, '198.51.100.1'),
      send(undefined, '198.51.100.2'),
    ]);
    expect(new Set(tickets.map((r) => r.json().ballots[0].ticket_number)).size).toBe(4);
    expect((await send(undefined, '198.51.100.1')).body).toBe(tickets[2]?.body);
  });

  it("refuses a guest's key under 16 characters, and keeps a participant's short key working", async () => {
    h = await harness();
    const lottery = await h.lottery({ entry: { guests: true } });
    const { token } = await h.participant();
    const send = (key: string, who?: string) =>
      h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token: who, headers: withKey(key), payload: {} });
    const short = expectProblem(await send('1'), 400, 'VALIDATION_FAILED');
    expect(short.errors).toEqual([{ path: 'idempotency-key', message: expect.stringContaining('16-255 characters') }]);
    expectProblem(await send('fifteen-chars-x'), 400, 'VALIDATION_FAILED');
    expect((await send('sixteen-chars-xx')).statusCode).toBe(201);
    expect((await send(crypto.randomUUID())).statusCode).toBe(201);
    expect((await send('1', token)).statusCode).toBe(201);
    expect((await send('1', token)).headers['idempotent-replayed']).toBe('true');
    // Nothing was issued for the refused requests: two guests' tickets and one participant's.
    const page = await h.request({ method: 'GET', url: `/lotteries/${lottery.id}`, token });
    expect(page.json().tickets_issued).toBe(3);
  });

  it('stores the response encrypted: the verification codes are not kept in clear', async () => {
    h = await harness();
    const { token, id } = await h.participant();
    const lottery = await h.lottery();
    const res = await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token, headers: withKey('k'), payload: {} });
    const code = res.json().ballots[0].verification_code;
    const stored = await h.deps.uow.reads.idempotency.find(`participant:${id}`, 'k');
    expect(stored).not.toBeNull();
    expect(stored?.response).not.toContain(code);
    expect(stored?.response).not.toContain('verification_code');
  });

  it('does not record failures: a retry after an error runs again', async () => {
    h = await harness();
    const { token } = await h.participant();
    const lottery = await h.lottery({ ticket_limit: 1 });
    const send = (count: number) =>
      h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token, headers: withKey('retry'), payload: { count } });
    expectProblem(await send(1 + 1), 410, 'SOLD_OUT');
    expect((await send(1)).statusCode).toBe(201);
  });

  it('400 for a key that is empty, too long or has spaces', async () => {
    h = await harness();
    const { token } = await h.participant();
    const lottery = await h.lottery();
    for (const key of ['a'.repeat(256), 'with space']) {
      const res = await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token, headers: withKey(key), payload: {} });
      expectProblem(res, 400, 'VALIDATION_FAILED');
    }
  });

  it('409 IDEMPOTENCY_IN_PROGRESS while another request holds the key', async () => {
    // The store reports the key as locked by a concurrent transaction.
    const keyHeld = (deps: FakeDeps): Deps => {
      const uow = withRepositories(deps.uow, (repos) => ({
        idempotency: { ...repos.idempotency, tryLock: async () => false, tryLockMany: async (keys) => keys.map(() => false) },
      }));
      return wireDeps({ ...deps, uow });
    };
    h = await harness({ wrapDeps: keyHeld });
    const { token } = await h.participant();
    const lottery = await h.lottery();
    const res = await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token, headers: withKey('busy'), payload: {} });
    expectProblem(res, 409, 'IDEMPOTENCY_IN_PROGRESS');
    expect((await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token, payload: {} })).statusCode).toBe(201);
  });
});

describe('Idempotency-Key on POST /lotteries', () => {
  it('creates one lottery for repeated requests, and 422 for another body', async () => {
    h = await harness();
    const admin = await h.admin();
    const send = (payload?: Record<string, unknown>) =>
      h.request({ method: 'POST', url: '/lotteries', token: admin.token, headers: withKey('create-1'), ...(payload ? { payload } : {}) });
    const first = await send({ name: 'Spring' });
    expect(first.statusCode).toBe(201);
    const again = await send({ name: 'Spring' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect((await h.request({ method: 'GET', url: '/lotteries' })).json().items).toHaveLength(1);
    expectProblem(await send({ name: 'Autumn' }), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('treats no body and an empty object as the same request', async () => {
    h = await harness();
    const admin = await h.admin();
    const first = await h.request({ method: 'POST', url: '/lotteries', token: admin.token, headers: withKey('empty') });
    const again = await h.request({ method: 'POST', url: '/lotteries', token: admin.token, headers: withKey('empty'), payload: {} });
    expect(again.body).toBe(first.body);
  });
});
