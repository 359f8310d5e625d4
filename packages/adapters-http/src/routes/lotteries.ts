import {
  cancelLottery,
  closeLottery,
  createLottery,
  drawLottery,
  getLottery,
  getLotteryByDate,
  listLotteries,
} from '@fairdraw/application';
import { LotteryId, MAX_PRICE, MAX_TICKET_LIMIT } from '@fairdraw/domain';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdempotencyHeaders, replyIdempotently } from '../idempotency/idempotent-reply.js';
import { conditionalGet, REVALIDATE } from '../plugins/http-cache.js';
import { DrawSchema, drawView } from '../representations/draw.js';
import { LotterySchema, lotteryView } from '../representations/lottery.js';
import { BEARER, CalendarDate, DateParams, LotteryParams, optionalBody, PageQuery, pageOf, pageRequest } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { type RouteContext, typed } from './context.js';

const Limit = z.int().min(1);
const Price = z.int().min(0).max(MAX_PRICE);
const CreateLotteryBody = z.strictObject({
  name: z.string().min(1).max(100).nullable().optional().describe('a memorable random name when absent'),
  closes_on: CalendarDate.nullable().optional().describe('open through this date; closes at the midnight that ends it'),
  closes_at: z.iso.datetime({ offset: true }).nullable().optional().describe('an exact future closing instant'),
  ticket_limit: z.int().min(1).max(MAX_TICKET_LIMIT).nullable().optional().describe('a finite pool 1..ticket_limit'),
  prizes: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(100),
        amount: z.int().min(1),
        value: Price.optional().describe('minor units paid into each winner’s wallet; default 0'),
      }),
    )
    .min(1)
    .max(1000)
    .optional()
    .describe('rank order; default [{ "name": "Winner", "amount": 1 }]'),
  entry: z
    .strictObject({
      guests: z.boolean().optional(),
      per_participant_limit: Limit.nullable().optional(),
      per_ip_limit: Limit.nullable().optional(),
    })
    .optional(),
  ticket_price: Price.optional().describe('minor units of CURRENCY per ticket, debited from the wallet; default 0 (free)'),
});
// Close and draw take no input; a body, if sent, must not carry fields that would be ignored.
const NoBody = optionalBody(z.strictObject({}));

const ListQuery = PageQuery.extend({
  status: z.enum(['open', 'closed', 'drawn', 'cancelled']).optional(),
  closes_from: CalendarDate.optional(),
  closes_to: CalendarDate.optional(),
});

const tags = ['lotteries'];

export function lotteryRoutes(app: FastifyInstance, { deps, guards, cipher }: RouteContext): void {
  const api = typed(app);
  const now = () => deps.clock.now();

  api.post(
    '/lotteries',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Create a lottery (admin)',
        security: BEARER,
        headers: IdempotencyHeaders,
        body: optionalBody(CreateLotteryBody),
        response: { 201: LotterySchema, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      return replyIdempotently(deps, cipher, request, reply, async () => {
        const entry = body.entry;
        const lottery = await createLottery(deps, {
          name: body.name ?? undefined,
          closesOn: body.closes_on,
          closesAt: body.closes_at == null ? body.closes_at : new Date(body.closes_at),
          ticketLimit: body.ticket_limit,
          prizes: body.prizes,
          ticketPrice: body.ticket_price,
          entry: entry && {
            ...(entry.guests !== undefined ? { guests: entry.guests } : {}),
            ...(entry.per_participant_limit !== undefined ? { perParticipantLimit: entry.per_participant_limit } : {}),
            ...(entry.per_ip_limit !== undefined ? { perIpLimit: entry.per_ip_limit } : {}),
          },
        });
        return { status: 201, body: lotteryView(lottery, now()) };
      });
    },
  );

  api.get(
    '/lotteries',
    {
      onSend: conditionalGet,
      schema: {
        tags,
        summary: 'List lotteries, newest first',
        querystring: ListQuery,
        response: { 200: pageOf(LotterySchema), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { status, closes_from, closes_to } = request.query;
      const page = await listLotteries(deps, { status, closesFrom: closes_from, closesTo: closes_to, ...pageRequest(request.query) });
      const at = now();
      reply.header('cache-control', REVALIDATE);
      return { items: page.items.map((l) => lotteryView(l, at)), next_cursor: page.nextCursor };
    },
  );

  api.get(
    '/lotteries/:id',
    {
      onSend: conditionalGet,
      schema: { tags, summary: 'One lottery', params: LotteryParams, response: { 200: LotterySchema, ...problemResponses(400, 404) } },
    },
    // Even a drawn lottery revalidates: its representation is a view, not the published record.
    async (request, reply) => {
      const lottery = await getLottery(deps, { lotteryId: LotteryId(request.params.id) });
      reply.header('cache-control', REVALIDATE);
      return lotteryView(lottery, now());
    },
  );

  api.get(
    '/lotteries/by-date/:date',
    {
      schema: {
        tags,
        summary: 'The lottery closing on a date',
        params: DateParams,
        response: { 200: LotterySchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => lotteryView(await getLotteryByDate(deps, { date: request.params.date }), now()),
  );

  api.post(
    '/lotteries/:id/close',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Stop taking ballots (admin)',
        security: BEARER,
        params: LotteryParams,
        body: NoBody,
        response: { 200: LotterySchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => lotteryView(await closeLottery(deps, { lotteryId: LotteryId(request.params.id) }), now()),
  );

  api.post(
    '/lotteries/:id/draw',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Draw a closed lottery (admin)',
        security: BEARER,
        params: LotteryParams,
        body: NoBody,
        response: { 201: DrawSchema, ...problemResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(drawView(await drawLottery(deps, { lotteryId: LotteryId(request.params.id) }), now())),
  );

  api.post(
    '/lotteries/:id/cancel',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Call off an undrawn lottery and refund every purchase (admin)',
        security: BEARER,
        params: LotteryParams,
        body: NoBody,
        response: { 200: LotterySchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => lotteryView(await cancelLottery(deps, { lotteryId: LotteryId(request.params.id) }), now()),
  );
}
