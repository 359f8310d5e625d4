import { type Issued, listLotteryBallots, listMyBallots, submitBallots, submitBallotsOnce, verifyTicket } from '@fairdraw/application';
import { LotteryId, MAX_BALLOTS_PER_REQUEST } from '@fairdraw/domain';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { clientKey } from '../auth/client-ip.js';
import { signedInCaller } from '../auth/guards.js';
import { IdempotencyHeaders, idempotencyOf, sealedResponse, sendProduced, sendStored } from '../idempotency/idempotent-reply.js';
import {
  IssuedBallotsSchema,
  issuedBallotsView,
  LotteryBallotSchema,
  lotteryBallotView,
  MyBallotSchema,
  myBallotView,
} from '../representations/ballot.js';
import { BEARER, Id, LotteryParams, optionalBody, PageQuery, pageOf, pageRequest } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { type RouteContext, typed } from './context.js';

const SubmitBody = z.strictObject({
  count: z.int().min(1).max(MAX_BALLOTS_PER_REQUEST).optional().describe('default 1'),
  ticket_number: z.int().min(1).optional().describe('choose this ticket of a finite pool; count must be 1'),
});
// Only the types are checked here: NOT_DRAWN must win over any complaint about the values.
const VerifyBody = z.strictObject({ ticket_number: z.int(), verification_code: z.string().max(1024) });
const VerifiedSchema = z.object({ has_won: z.boolean(), prize: z.string().nullable() });
const MyBallotsQuery = PageQuery.extend({ lottery_id: Id.optional() });

const tags = ['ballots'];

export function ballotRoutes(app: FastifyInstance, { deps, guards, cipher }: RouteContext): void {
  const api = typed(app);

  api.post(
    '/lotteries/:id/ballots',
    {
      onRequest: guards.optional,
      schema: {
        tags,
        summary: 'Take tickets: a participant, or anyone when entry.guests',
        security: [...BEARER, {}],
        params: LotteryParams,
        headers: IdempotencyHeaders,
        body: optionalBody(SubmitBody),
        response: { 201: IssuedBallotsSchema, ...problemResponses(400, 401, 402, 403, 404, 409, 410, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const caller = request.caller;
      const command = {
        lotteryId: LotteryId(request.params.id),
        player: { participantId: caller?.participantId ?? null, isAdmin: caller?.role === 'admin' },
        // per_ip_limit counts what the rate limits count: an IPv6 client by its /64.
        clientIp: clientKey(request),
        count: body.count ?? 1,
        ticketNumber: body.ticket_number ?? null,
      };
      const created = (issued: Issued) => ({ status: 201, body: issuedBallotsView(issued) });
      const once = idempotencyOf(deps, request);
      if (once === null) return sendProduced(reply, created(await submitBallots(deps, command)));
      const outcome = await submitBallotsOnce(deps, command, once, (_, issued) => sealedResponse(cipher, created(issued)));
      return sendStored(reply, cipher, outcome);
    },
  );

  api.get(
    '/me/ballots',
    {
      onRequest: guards.signedIn,
      schema: {
        tags,
        summary: 'My ballots, newest first (codes are never shown again)',
        security: BEARER,
        querystring: MyBallotsQuery,
        response: { 200: pageOf(MyBallotSchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { lottery_id } = request.query;
      const page = await listMyBallots(deps, {
        participantId: signedInCaller(request).participantId,
        lotteryId: lottery_id === undefined ? null : LotteryId(lottery_id),
        ...pageRequest(request.query),
      });
      return { items: page.items.map(myBallotView), next_cursor: page.nextCursor };
    },
  );

  api.get(
    '/lotteries/:id/ballots',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Every ballot of a lottery, ascending ticket number (admin)',
        security: BEARER,
        params: LotteryParams,
        querystring: PageQuery,
        response: { 200: pageOf(LotteryBallotSchema), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await listLotteryBallots(deps, { lotteryId: LotteryId(request.params.id), ...pageRequest(request.query) });
      return { items: page.items.map(lotteryBallotView), next_cursor: page.nextCursor };
    },
  );

  api.post(
    '/lotteries/:id/verify',
    {
      schema: {
        tags,
        summary: 'Did this ticket win?',
        params: LotteryParams,
        body: VerifyBody,
        response: { 200: VerifiedSchema, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const { hasWon, prize } = await verifyTicket(deps, {
        lotteryId: LotteryId(request.params.id),
        ticketNumber: request.body.ticket_number,
        verificationCode: request.body.verification_code,
      });
      return { has_won: hasWon, prize };
    },
  );
}
