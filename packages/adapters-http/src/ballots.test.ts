import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
let player: { token: string; id: string };
let admin: string;
beforeEach(async () => {
  h = await harness();
  player = await h.participant('pat');
  admin = (await h.admin()).token;
});
afterEach(() => h.close());

const UNKNOWN = '0190f5e2-0000-7000-8000-00000000dead';
/** As `pat` unless another token, or null for a guest, is given. */
const buy = (lotteryId: string, payload?: Record<string, unknown>, token: string | null = player.token, remoteAddress?: string) =>
  h.request({
    method: 'POST',
    url: `/lotteries/${lotteryId}/ballots`,
    token: token ?? undefined,
    ...(payload ? { payload } : {}),
    ...(remoteAddress ? { remoteAddress } : {}),
  });
const close = (id: string) => h.request({ method: 'POST', url: `/lotteries/${id}/close`, token: admin });
const draw = (id: string) => h.request({ method: 'POST', url: `/lotteries/${id}/draw`, token: admin });

describe('POST /lotteries/{id}/ballots', () => {
  it('201 with count ballots, each with a one-time verification code', async () => {
    const lottery = await h.lottery();
    const res = await buy(lottery.id, { count: 3 });
    expect(res.statusCode).toBe(201);
    const { ballots } = res.json();
    expect(ballots).toHaveLength(3);
    expect(ballots.map((b: { ticket_number: number }) => b.ticket_number)).toEqual([1, 2, 3]);
    for (const ballot of ballots) {
      expect(ballot).toEqual({
        id: expect.any(String),
        lottery_id: lottery.id,
        ticket_number: expect.any(Number),
        verification_code: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
        created_at: '2030-01-10T12:00:00.000Z',
      });
    }
    expect((await buy(lottery.id)).json().ballots).toHaveLength(1);
  });

  it('a finite pool hands out numbers in an unpredictable order, and a chosen number on request', async () => {
    const lottery = await h.lottery({ ticket_limit: 1000 });
    const numbers = (await buy(lottery.id, { count: 20 })).json().ballots.map((b: { ticket_number: number }) => b.ticket_number);
    expect(new Set(numbers).size).toBe(20);
    expect(numbers).not.toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const free = Array.from({ length: 1000 }, (_, i) => i + 1).find((n) => !numbers.includes(n));
    const chosen = await buy(lottery.id, { ticket_number: free });
    expect(chosen.json().ballots[0].ticket_number).toBe(free);
    expectProblem(await buy(lottery.id, { ticket_number: free }), 409, 'TICKET_TAKEN');
    expect((await h.request({ method: 'GET', url: `/lotteries/${lottery.id}` })).json()).toMatchObject({
      tickets_issued: 21,
      tickets_available: 979,
    });
  });

  it('404 LOTTERY_NOT_FOUND first, then 403 ADMIN_CANNOT_PLAY, then 409 LOTTERY_CLOSED', async () => {
    expectProblem(await buy(UNKNOWN, { count: 1 }, admin), 404, 'LOTTERY_NOT_FOUND');
    const lottery = await h.lottery();
    expectProblem(await buy(lottery.id, {}, admin), 403, 'ADMIN_CANNOT_PLAY');
    await close(lottery.id);
    expectProblem(await buy(lottery.id, {}, admin), 403, 'ADMIN_CANNOT_PLAY');
    expectProblem(await buy(lottery.id), 409, 'LOTTERY_CLOSED');
  });

  it('409 LOTTERY_CLOSED from the closing instant on, before anyone records the close', async () => {
    const lottery = await h.lottery({ closes_on: '2030-01-10' });
    expect((await buy(lottery.id)).statusCode).toBe(201);
    h.deps.clock.set('2030-01-11T00:00:00.000Z');
    expectProblem(await buy(lottery.id), 409, 'LOTTERY_CLOSED');
  });

  it('410 SOLD_OUT when fewer tickets are left than asked (nothing issued), and once the last is gone', async () => {
    const lottery = await h.lottery({ ticket_limit: 3 });
    expectProblem(await buy(lottery.id, { count: 4 }), 410, 'SOLD_OUT');
    expect((await h.request({ method: 'GET', url: `/lotteries/${lottery.id}` })).json().tickets_issued).toBe(0);
    expect((await buy(lottery.id, { count: 3 })).statusCode).toBe(201);
    // The last ticket closed the lottery by itself: that is SOLD_OUT, not LOTTERY_CLOSED.
    expect((await h.request({ method: 'GET', url: `/lotteries/${lottery.id}` })).json()).toMatchObject({
      status: 'closed',
      tickets_available: 0,
    });
    expectProblem(await buy(lottery.id), 410, 'SOLD_OUT');
  });

  it('403 ENTRY_LIMIT_REACHED counts tickets: a request that would pass the limit is refused whole', async () => {
    const lottery = await h.lottery({ entry: { per_participant_limit: 2 } });
    expectProblem(await buy(lottery.id, { count: 3 }), 403, 'ENTRY_LIMIT_REACHED');
    expect((await buy(lottery.id, { count: 2 })).statusCode).toBe(201);
    expectProblem(await buy(lottery.id), 403, 'ENTRY_LIMIT_REACHED');
    expect((await buy(lottery.id, {}, (await h.participant()).token)).statusCode).toBe(201);
  });

  it('403 ENTRY_LIMIT_REACHED for per_ip_limit counts every ticket from one address, participants included', async () => {
    const lottery = await h.lottery({ entry: { per_ip_limit: 2 } });
    expect((await buy(lottery.id, {}, undefined, '198.51.100.7')).statusCode).toBe(201);
    const other = (await h.participant()).token;
    expectProblem(await buy(lottery.id, { count: 2 }, other, '198.51.100.7'), 403, 'ENTRY_LIMIT_REACHED');
    expect((await buy(lottery.id, {}, other, '198.51.100.7')).statusCode).toBe(201);
    expectProblem(await buy(lottery.id, {}, other, '198.51.100.7'), 403, 'ENTRY_LIMIT_REACHED');
    expect((await buy(lottery.id, {}, other, '198.51.100.8')).statusCode).toBe(201);
  });

  it('guests: 401 where an account is needed; by client IP where guests are welcome', async () => {
    const members = await h.lottery();
    expectProblem(await buy(members.id, {}, null), 401, 'UNAUTHORIZED');
    const open = await h.lottery({ entry: { guests: true, per_ip_limit: 1 } });
    expect((await buy(open.id, {}, null, '198.51.100.1')).statusCode).toBe(201);
    expectProblem(await buy(open.id, {}, null, '198.51.100.1'), 403, 'ENTRY_LIMIT_REACHED');
    expect((await buy(open.id, {}, null, '198.51.100.2')).statusCode).toBe(201);
  });

  it.each([
    ['count 0', { count: 0 }],
    ['count 101', { count: 101 }],
    ['count 1.5', { count: 1.5 }],
    ['ticket_number 0', { ticket_number: 0 }],
    ['an unknown field', { tickets: 2 }],
  ])('400 VALIDATION_FAILED for %s', async (_name, payload) => {
    const lottery = await h.lottery({ ticket_limit: 10 });
    expectProblem(await buy(lottery.id, payload), 400, 'VALIDATION_FAILED');
  });

  it('400 for a chosen number with count > 1, out of range, or in an unlimited pool', async () => {
    const finite = await h.lottery({ ticket_limit: 10 });
    expectProblem(await buy(finite.id, { ticket_number: 2, count: 2 }), 400, 'VALIDATION_FAILED');
    expectProblem(await buy(finite.id, { ticket_number: 11 }), 400, 'VALIDATION_FAILED');
    const unlimited = await h.lottery();
    expectProblem(await buy(unlimited.id, { ticket_number: 1 }), 400, 'VALIDATION_FAILED');
  });
});

describe('GET /me/ballots', () => {
  it('lists my ballots newest first without codes, filtered by lottery, with prize once drawn', async () => {
    const first = await h.lottery({ prizes: [{ name: 'Bike', amount: 1 }] });
    const second = await h.lottery();
    const mine = (await buy(first.id)).json().ballots[0];
    await buy(second.id, { count: 2 });
    await buy(second.id, {}, (await h.participant()).token);

    const all = await h.request({ method: 'GET', url: '/me/ballots', token: player.token });
    expect(all.statusCode).toBe(200);
    const items = all.json().items;
    expect(items).toHaveLength(3);
    expect(items[2]).toEqual({ id: mine.id, lottery_id: first.id, ticket_number: 1, created_at: mine.created_at });
    expect(JSON.stringify(all.json())).not.toContain('verification_code');

    await close(first.id);
    await draw(first.id);
    const filtered = (await h.request({ method: 'GET', url: `/me/ballots?lottery_id=${first.id}`, token: player.token })).json();
    expect(filtered).toEqual({
      items: [{ id: mine.id, lottery_id: first.id, ticket_number: 1, created_at: mine.created_at, prize: 'Bike' }],
      next_cursor: null,
    });

    const page = (await h.request({ method: 'GET', url: '/me/ballots?limit=2', token: player.token })).json();
    expect(page.items).toHaveLength(2);
    const rest = (await h.request({ method: 'GET', url: `/me/ballots?limit=2&cursor=${page.next_cursor}`, token: player.token })).json();
    expect(rest.items.map((b: { id: string }) => b.id)).toEqual([mine.id]);
  });

  it('401 without a token; 400 for a bad lottery_id', async () => {
    expectProblem(await h.request({ method: 'GET', url: '/me/ballots' }), 401, 'UNAUTHORIZED');
    expectProblem(await h.request({ method: 'GET', url: '/me/ballots?lottery_id=nope', token: player.token }), 400, 'VALIDATION_FAILED');
  });
});

describe('GET /lotteries/{id}/ballots (admin)', () => {
  it('lists every ballot ascending, with the owner or null for guests; 404 for an unknown lottery', async () => {
    const lottery = await h.lottery({ entry: { guests: true } });
    await buy(lottery.id, { count: 2 });
    await buy(lottery.id, {}, null);
    const res = await h.request({ method: 'GET', url: `/lotteries/${lottery.id}/ballots?limit=2`, token: admin });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.items).toEqual([
      { id: expect.any(String), ticket_number: 1, participant: { id: player.id, username: 'pat' }, created_at: '2030-01-10T12:00:00.000Z' },
      { id: expect.any(String), ticket_number: 2, participant: { id: player.id, username: 'pat' }, created_at: '2030-01-10T12:00:00.000Z' },
    ]);
    const rest = (
      await h.request({ method: 'GET', url: `/lotteries/${lottery.id}/ballots?cursor=${page.next_cursor}`, token: admin })
    ).json();
    expect(rest).toEqual({ items: [expect.objectContaining({ ticket_number: 3, participant: null })], next_cursor: null });
    expectProblem(await h.request({ method: 'GET', url: `/lotteries/${UNKNOWN}/ballots`, token: admin }), 404, 'LOTTERY_NOT_FOUND');
  });
});

describe('POST /lotteries/{id}/verify', () => {
  it('409 NOT_DRAWN first; then has_won and prize; 400 INVALID_VERIFICATION_CODE for a wrong code or number', async () => {
    const lottery = await h.lottery({ prizes: [{ name: 'Bike', amount: 1 }] });
    const [ballot] = (await buy(lottery.id)).json().ballots;
    const other = await h.participant();
    const [loser] = (await buy(lottery.id, {}, other.token)).json().ballots;
    const verify = (ticket_number: unknown, verification_code: unknown) =>
      h.request({ method: 'POST', url: `/lotteries/${lottery.id}/verify`, payload: { ticket_number, verification_code } });

    expectProblem(await verify(ballot.ticket_number, 'wrong'), 409, 'NOT_DRAWN');
    await close(lottery.id);
    const record = (await draw(lottery.id)).json();
    const winner = record.winners[0].ballot_id === ballot.id ? ballot : loser;
    const other_ = winner === ballot ? loser : ballot;

    expect((await verify(winner.ticket_number, winner.verification_code)).json()).toEqual({ has_won: true, prize: 'Bike' });
    expect((await verify(other_.ticket_number, other_.verification_code)).json()).toEqual({ has_won: false, prize: null });
    expectProblem(await verify(winner.ticket_number, other_.verification_code), 400, 'INVALID_VERIFICATION_CODE');
    expectProblem(await verify(99, winner.verification_code), 400, 'INVALID_VERIFICATION_CODE');
    expectProblem(await verify('1', winner.verification_code), 400, 'VALIDATION_FAILED');
    expectProblem(
      await h.request({ method: 'POST', url: `/lotteries/${UNKNOWN}/verify`, payload: { ticket_number: 1, verification_code: 'x' } }),
      404,
      'LOTTERY_NOT_FOUND',
    );
  });
});
