import { type Deps, listLotteries, listWinners } from '@fairdraw/application';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FRONT_PAGE_POLICY, frontPageHtml } from '../front-page.js';
import { drawView } from '../representations/draw.js';
import { lotteryView } from '../representations/lottery.js';
import { problemResponses } from '../schemas/problem.js';
import { typed } from './context.js';

/** Open lotteries read for the page: the soonest to close among them are shown. */
const OPEN_READ = 100;
const OPEN_SHOWN = 20;
const LATEST_DRAWS = 10;

const closing = (closesAt: string | null) => (closesAt === null ? Number.POSITIVE_INFINITY : Date.parse(closesAt));

/** GET /: what is open and who won lately, for people; everything it shows is public in the API too. */
export function frontPageRoute(app: FastifyInstance, deps: Deps): void {
  typed(app).get(
    '/',
    {
      schema: {
        tags: ['operations'],
        summary: 'A page for people: open lotteries, the latest winners, a link to /docs',
        response: { 200: { description: 'an HTML page', content: { 'text/html': { schema: z.string() } } }, ...problemResponses() },
      },
    },
    async (_request, reply) => {
      const [open, drawn] = await Promise.all([
        listLotteries(deps, { status: 'open', limit: OPEN_READ, cursor: null }),
        listWinners(deps, { limit: LATEST_DRAWS, cursor: null }),
      ]);
      const now = deps.clock.now();
      const views = open.items.map((lottery) => lotteryView(lottery, now)).sort((a, b) => closing(a.closes_at) - closing(b.closes_at));
      const html = frontPageHtml({
        open: views.slice(0, OPEN_SHOWN),
        moreOpen: views.length > OPEN_SHOWN || open.nextCursor !== null,
        latest: drawn.items.map((view) => ({ name: view.lottery.toState().name, draw: drawView(view, now) })),
        now,
      });
      // The page's only style is pinned by hash; helmet's default policy is wider than it needs.
      return reply.header('content-security-policy', FRONT_PAGE_POLICY).type('text/html; charset=utf-8').send(html);
    },
  );
}
