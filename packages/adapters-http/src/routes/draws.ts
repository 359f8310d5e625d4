import { getDraw, getDrawByDate, listWinners, openEntries } from '@fairdraw/application';
import { LotteryId } from '@fairdraw/domain';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DrawSchema, drawView } from '../representations/draw.js';
import { CalendarDate, DateParams, LotteryParams, PageQuery, pageOf, pageRequest } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { type RouteContext, typed } from './context.js';

const WinnersQuery = PageQuery.extend({
  from: CalendarDate.optional().describe('first drawn_at date, inclusive'),
  to: CalendarDate.optional().describe('last drawn_at date, inclusive'),
});

const tags = ['draws'];

export function drawRoutes(app: FastifyInstance, { deps, entriesDownloads }: RouteContext): void {
  const api = typed(app);
  const now = () => deps.clock.now();
  const byId = { tags, params: LotteryParams, response: { 200: DrawSchema, ...problemResponses(400, 404) } };

  api.get('/lotteries/:id/winners', { schema: { ...byId, summary: 'The draw of a lottery; winners empty until drawn' } }, async (request) =>
    drawView(await getDraw(deps, { lotteryId: LotteryId(request.params.id) }), now()),
  );

  api.get('/lotteries/:id/draw', { schema: { ...byId, summary: 'The verifiable draw record (fairdraw-v1)' } }, async (request) =>
    drawView(await getDraw(deps, { lotteryId: LotteryId(request.params.id) }), now()),
  );

  api.get(
    '/lotteries/by-date/:date/winners',
    { schema: { tags, summary: 'The draw of the lottery closing on a date', params: DateParams, response: byId.response } },
    async (request) => drawView(await getDrawByDate(deps, { date: request.params.date }), now()),
  );

  api.get(
    '/winners',
    {
      schema: {
        tags,
        summary: 'Draws made within the dates, newest first',
        querystring: WinnersQuery,
        response: { 200: pageOf(DrawSchema), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const page = await listWinners(deps, { from, to, ...pageRequest(request.query) });
      const at = now();
      return { items: page.items.map((view) => drawView(view, at)), next_cursor: page.nextCursor };
    },
  );

  api.get(
    '/lotteries/:id/entries',
    {
      schema: {
        tags,
        summary: 'The canonical entries text: "ticket_number:ballot_id" lines, ascending',
        params: LotteryParams,
        response: {
          200: { description: 'one line per ballot', content: { 'text/plain': { schema: z.string() } } },
          ...problemResponses(400, 404, 409),
        },
      },
    },
    async (request, reply) => {
      entriesDownloads.admit(reply);
      const lines = await openEntries(deps, { lotteryId: LotteryId(request.params.id) });
      // Streamed from the store in chunks: a lottery with millions of ballots is never buffered,
      // and a client that stops reading holds no database connection (entries-download.ts).
      const stream = entriesDownloads.body(lines, reply);
      // The typed reply expects the documented string; Fastify pipes a stream without a serializer.
      return reply.type('text/plain; charset=utf-8').send(stream as unknown as string);
    },
  );
}
