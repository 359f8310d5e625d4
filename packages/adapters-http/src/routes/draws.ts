import { type DrawView, getDraw, getDrawByDate, getLottery, listWinners, openEntriesOf } from '@fairdraw/application';
import { LotteryId } from '@fairdraw/domain';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { clientHasCurrent, conditionalGet, entityTag, IMMUTABLE, notModified, REVALIDATE } from '../plugins/http-cache.js';
import { DrawSchema, drawView } from '../representations/draw.js';
import { CalendarDate, DateParams, LotteryParams, PageQuery, pageOf, pageRequest } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { type RouteContext, typed } from './context.js';

const WinnersQuery = PageQuery.extend({
  from: CalendarDate.optional().describe('first drawn_at date, inclusive'),
  to: CalendarDate.optional().describe('last drawn_at date, inclusive'),
});

const tags = ['draws'];

/** A drawn lottery's record is fixed forever; before that it changes with the clock and the draw. */
function drawCached(view: DrawView, reply: FastifyReply): DrawView {
  reply.header('cache-control', view.record === null ? REVALIDATE : IMMUTABLE);
  return view;
}

export function drawRoutes(app: FastifyInstance, { deps, entriesDownloads }: RouteContext): void {
  const api = typed(app);
  const now = () => deps.clock.now();
  const byId = { tags, params: LotteryParams, response: { 200: DrawSchema, ...problemResponses(400, 404) } };

  api.get(
    '/lotteries/:id/winners',
    { onSend: conditionalGet, schema: { ...byId, summary: 'The draw of a lottery; winners empty until drawn' } },
    async (request, reply) => drawView(drawCached(await getDraw(deps, { lotteryId: LotteryId(request.params.id) }), reply), now()),
  );

  api.get(
    '/lotteries/:id/draw',
    { onSend: conditionalGet, schema: { ...byId, summary: 'The verifiable draw record (fairdraw-v1)' } },
    async (request, reply) => drawView(drawCached(await getDraw(deps, { lotteryId: LotteryId(request.params.id) }), reply), now()),
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
      onSend: conditionalGet,
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
      const lotteryId = LotteryId(request.params.id);
      // Sealed entries are the preimage of their digest: that is their ETag, and a client that
      // holds them is answered before a single line is read. Unsealed (due, or a sell-out being
      // sealed), they are served without one. Drawn, the lottery can no longer be cancelled.
      const lottery = await getLottery(deps, { lotteryId });
      const { status, entriesDigest } = lottery.toState();
      reply.header('cache-control', status === 'drawn' ? IMMUTABLE : REVALIDATE);
      if (entriesDigest !== null) {
        reply.header('etag', entityTag(entriesDigest));
        if (clientHasCurrent(request.headers['if-none-match'], entityTag(entriesDigest))) return notModified(reply).send();
      }
      const lines = await openEntriesOf(deps, lottery);
      // Streamed from the store in chunks: a lottery with millions of ballots is never buffered,
      // and a client that stops reading holds no database connection (entries-download.ts).
      const stream = entriesDownloads.body(lines, reply);
      // The typed reply expects the documented string; Fastify pipes a stream without a serializer.
      return reply.type('text/plain; charset=utf-8').send(stream as unknown as string);
    },
  );
}
