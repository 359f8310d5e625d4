import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { problemOf, sendProblem } from '../errors/problem.js';
import { LotteryParams } from '../schemas/common.js';
import { VERIFY_ASSETS, verifyAsset } from '../verify-assets.js';
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
  // The page's BLS modules (fairdraw-v2), from the service itself.
  typed(app).get(
    `${VERIFY_ASSETS}/:pkg/*`,
    {
      schema: {
        tags: ['draws'],
        summary: "The /verify page's BLS12-381 modules (@noble/curves, @noble/hashes)",
        params: z.object({ pkg: z.string().max(20), '*': z.string().max(200) }),
        hide: true,
      },
    },
    async (request, reply) => {
      const text = await verifyAsset(request.params.pkg, request.params['*']);
      if (text === null) return sendProblem(reply, problemOf('NOT_FOUND', 'no such verifier module'));
      return reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(text);
    },
  );
}
