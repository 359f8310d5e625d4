import type { FastifyInstance } from 'fastify';
import { LotteryParams } from '../schemas/common.js';
import { VERIFY_PAGE_POLICY, verifyPageHtml } from '../verify-page.js';
import { typed } from './context.js';

/** The page for people: it recomputes a draw in the browser from the public API alone. */
export function verifyPageRoute(app: FastifyInstance): void {
  typed(app).get(
    '/verify/:id',
    { schema: { tags: ['draws'], summary: 'A page that verifies the draw in the browser', params: LotteryParams } },
    async (request, reply) =>
      // The page's only script and style are pinned by hash; helmet's default policy would block them.
      reply.header('content-security-policy', VERIFY_PAGE_POLICY).type('text/html; charset=utf-8').send(verifyPageHtml(request.params.id)),
  );
}
