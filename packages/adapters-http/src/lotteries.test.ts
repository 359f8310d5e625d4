import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await harness();
  admin = (await h.admin()).token;
});
afterEach(() => h.close());

const create = (payload?: Record<string, unknown>) =>
  h.request({ method: 'POST', url: '/lotteries', token: admin, ...(payload ? { payload } : {}) });
const get = (url: string) => h.request({ method: 'GET', url });
const UNKNOWN = '0190f5e2-0000-7000-8000-00000000dead';

describe('POST /lotteries', () => {
  it('201 with defaults: a memorable name, one prize, no guests, a commitment', async () => {
    const res = await create();
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: expect.stringMatching(/^[a-z]+-[a-z]+-\d{1,2}$/),
      status: 'open',
      closes_on: null,
      closes_at: null,
      ticket_limit: null,
      tickets_issued: 0,
      tickets_available: null,
      prizes: [{ name: 'Winner', amount: 1, value: 0 }],
      entry: { guests: false, per_participant_limit: null, per_ip_limit: null },
      ticket_price: 0,
      currency: 'EUR',
      commitment: expect.stringMatching(/^[0-9a-f]{64}$/),
      created_at: '2030-01-10T12:00:00.000Z',
      closed_at: null,
      drawn_at: null,
      algorithm: 'fairdraw-v1',
      beacon: null,
    });
  });

  it('takes every field; closes_on closes at the midnight that ends it', async () => {
    const res = await create({
      name: 'Spring raffle',
      closes_on: '2030-01-12',
      ticket_limit: 100,
      prizes: [
        { name: 'Bike', amount: 1 },
        { name: 'Mug', amount: 3 },
      ],
      entry: { guests: true, per_participant_limit: 2, per_ip_limit: 5 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'Spring raffle',
      closes_on: '2030-01-12',
      closes_at: '2030-01-13T00:00:00.000Z',
      ticket_limit: 100,
      tickets_available: 100,
      prizes: [
        { name: 'Bike', amount: 1 },
        { name: 'Mug', amount: 3 },
      ],
      entry: { guests: true, per_participant_limit: 2, per_ip_limit: 5 },
    });
  });

  it('closes_at sets an exact instant (offsets are normalised to UTC)', async () => {
    const res = await create({ closes_at: '2030-01-10T15:30:00+01:00' });
    expect(res.json()).toMatchObject({ closes_on: null, closes_at: '2030-01-10T14:30:00.000Z' });
  });

  it('accepts the latest closing times a timestamp can name, and lists them', async () => {
    expect((await create({ closes_on: '9999-12-30' })).json()).toMatchObject({ closes_at: '9999-12-31T00:00:00.000Z' });
    expect((await create({ closes_at: '9999-12-31T23:59:59.999Z' })).statusCode).toBe(201);
    expect((await get('/lotteries')).json().items).toHaveLength(2);
  });

  it('409 CLOSING_DATE_TAKEN for a second lottery on one date', async () => {
    await create({ closes_on: '2030-01-11' });
    expectProblem(await create({ closes_on: '2030-01-11' }), 409, 'CLOSING_DATE_TAKEN');
  });

  it.each([
    ['a date before today', { closes_on: '2030-01-09' }],
    ['a date that does not exist', { closes_on: '2030-02-30' }],
    // Its closing instant would be in year 10000, which no response timestamp can carry.
    ['the last date of year 9999', { closes_on: '9999-12-31' }],
    ['a closes_at in the past', { closes_at: '2030-01-10T11:59:59.000Z' }],
    ['both closes_on and closes_at', { closes_on: '2030-01-11', closes_at: '2030-01-11T10:00:00.000Z' }],
    ['an empty prize list', { prizes: [] }],
    ['a prize of amount 0', { prizes: [{ name: 'Bike', amount: 0 }] }],
    ['ticket_limit 0', { ticket_limit: 0 }],
    ['a fractional ticket_limit', { ticket_limit: 2.5 }],
    ['a string ticket_limit', { ticket_limit: '10' }],
    ['an unknown field', { colour: 'red' }],
    ['an unknown entry field', { entry: { vip: true } }],
    ['an unknown prize field', { prizes: [{ name: 'Bike', amount: 1, worth: 100 }] }],
  ])('400 VALIDATION_FAILED for %s', async (_name, payload) => {
    expectProblem(await create(payload), 400, 'VALIDATION_FAILED');
  });

  it('400 TOO_MANY_PRIZES for more prize units than tickets', async () => {
    const body = expectProblem(
      await create({
        ticket_limit: 2,
        prizes: [
          { name: 'A', amount: 2 },
          { name: 'B', amount: 1 },
        ],
      }),
      400,
      'TOO_MANY_PRIZES',
    );
    expect(body.errors).toEqual([{ path: 'prizes', message: expect.any(String) }]);
  });
});

describe('reading lotteries', () => {
  it('GET /lotteries/{id}: 200, 404 LOTTERY_NOT_FOUND, 400 for a malformed id', async () => {
    const created = (await create()).json();
    const res = await get(`/lotteries/${created.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(created);
    expectProblem(await get(`/lotteries/${UNKNOWN}`), 404, 'LOTTERY_NOT_FOUND');
    expectProblem(await get('/lotteries/not-an-id'), 400, 'VALIDATION_FAILED');
  });

  it('GET /lotteries/by-date/{date}: 200, 404 LOTTERY_NOT_FOUND, 400 for a bad date', async () => {
    const created = (await create({ closes_on: '2030-01-15' })).json();
    expect((await get('/lotteries/by-date/2030-01-15')).json()).toEqual(created);
    expectProblem(await get('/lotteries/by-date/2030-01-16'), 404, 'LOTTERY_NOT_FOUND');
    expectProblem(await get('/lotteries/by-date/15-01-2030'), 400, 'VALIDATION_FAILED');
  });

  it('GET /lotteries: newest first, paginated with an opaque cursor, filtered', async () => {
    const ids: string[] = [];
    for (const closes_on of ['2030-01-11', '2030-01-12', '2030-01-13']) ids.push((await create({ closes_on })).json().id);
    const first = await get('/lotteries?limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((l: { id: string }) => l.id)).toEqual([ids[2], ids[1]]);
    const cursor = first.json().next_cursor;
    expect(cursor).toEqual(expect.any(String));
    const second = (await get(`/lotteries?limit=2&cursor=${encodeURIComponent(cursor)}`)).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], next_cursor: null });

    await h.request({ method: 'POST', url: `/lotteries/${ids[0]}/close`, token: admin });
    const closed = (await get('/lotteries?status=closed')).json();
    expect(closed.items.map((l: { id: string }) => l.id)).toEqual([ids[0]]);
    const window = (await get('/lotteries?closes_from=2030-01-12&closes_to=2030-01-12')).json();
    expect(window.items.map((l: { id: string }) => l.id)).toEqual([ids[1]]);
  });

  it('GET /lotteries: the default page is 20', async () => {
    for (let i = 0; i < 21; i++) await create();
    const page = (await get('/lotteries')).json();
    expect(page.items).toHaveLength(20);
    expect(page.next_cursor).not.toBeNull();
  });

  it.each(['limit=0', 'limit=101', 'limit=ten', 'status=pending', 'closes_from=yesterday', 'cursor=%25%25'])(
    'GET /lotteries?%s is 400 VALIDATION_FAILED',
    async (query) => {
      expectProblem(await get(`/lotteries?${query}`), 400, 'VALIDATION_FAILED');
    },
  );

  it('a lottery past its closing instant reads as closed before anyone records the close', async () => {
    const created = (await create({ closes_at: '2030-01-10T13:00:00.000Z' })).json();
    h.deps.clock.set('2030-01-10T13:00:00.000Z');
    expect((await get(`/lotteries/${created.id}`)).json()).toMatchObject({ status: 'closed', closed_at: '2030-01-10T13:00:00.000Z' });
    h.deps.clock.set('2030-01-10T13:05:00.000Z');
    // Closed as far as any client can tell: closing it again is ALREADY_CLOSED, as for any closed lottery.
    const close = await h.request({ method: 'POST', url: `/lotteries/${created.id}/close`, token: admin });
    expectProblem(close, 409, 'ALREADY_CLOSED');
    // Recording the close (here by the draw) keeps the closed_at clients were already shown.
    expect((await h.request({ method: 'POST', url: `/lotteries/${created.id}/draw`, token: admin })).statusCode).toBe(201);
    expect((await get(`/lotteries/${created.id}`)).json()).toMatchObject({
      status: 'drawn',
      closed_at: '2030-01-10T13:00:00.000Z',
      drawn_at: '2030-01-10T13:05:00.000Z',
    });
  });
});

describe('close and draw', () => {
  it('close: 200 closed, then 409 ALREADY_CLOSED; unknown 404', async () => {
    const { id } = (await create()).json();
    const closed = await h.request({ method: 'POST', url: `/lotteries/${id}/close`, token: admin });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ id, status: 'closed', closed_at: '2030-01-10T12:00:00.000Z' });
    expectProblem(await h.request({ method: 'POST', url: `/lotteries/${id}/close`, token: admin }), 409, 'ALREADY_CLOSED');
    expectProblem(await h.request({ method: 'POST', url: `/lotteries/${UNKNOWN}/close`, token: admin }), 404, 'LOTTERY_NOT_FOUND');
  });

  it('draw: 409 LOTTERY_NOT_CLOSED while open, 201 once closed, then 409 ALREADY_DRAWN (close too)', async () => {
    const { id, commitment } = (await create()).json();
    const draw = () => h.request({ method: 'POST', url: `/lotteries/${id}/draw`, token: admin });
    expectProblem(await draw(), 409, 'LOTTERY_NOT_CLOSED');
    await h.request({ method: 'POST', url: `/lotteries/${id}/close`, token: admin });
    const res = await draw();
    expect(res.statusCode).toBe(201);
    const record = res.json();
    expect(record).toMatchObject({ lottery_id: id, status: 'drawn', algorithm: 'fairdraw-v1', commitment, n: 0, winners: [] });
    expect(createHash('sha256').update(Buffer.from(record.seed, 'hex')).digest('hex')).toBe(commitment);
    expectProblem(await draw(), 409, 'ALREADY_DRAWN');
    expectProblem(await h.request({ method: 'POST', url: `/lotteries/${id}/close`, token: admin }), 409, 'ALREADY_DRAWN');
    expect((await get(`/lotteries/${id}`)).json()).toMatchObject({ status: 'drawn', drawn_at: '2030-01-10T12:00:00.000Z' });
    expectProblem(await h.request({ method: 'POST', url: `/lotteries/${UNKNOWN}/draw`, token: admin }), 404, 'LOTTERY_NOT_FOUND');
  });

  it('close and draw accept an empty JSON body but not unknown fields', async () => {
    const { id } = (await create()).json();
    const headers = { 'content-type': 'application/json' };
    expectProblem(
      await h.request({ method: 'POST', url: `/lotteries/${id}/close`, token: admin, payload: { force: true } }),
      400,
      'VALIDATION_FAILED',
    );
    expect((await h.request({ method: 'POST', url: `/lotteries/${id}/close`, token: admin, headers, payload: '' })).statusCode).toBe(200);
    expect((await h.request({ method: 'POST', url: `/lotteries/${id}/draw`, token: admin, payload: {} })).statusCode).toBe(201);
  });
});
