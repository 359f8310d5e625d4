import { depositFunds, getLedger, getWallet, listWalletTransactions } from '@fairdraw/application';
import { MAX_DEPOSIT, ParticipantId } from '@fairdraw/domain';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { signedInCaller } from '../auth/guards.js';
import { IdempotencyHeaders, replyIdempotently } from '../idempotency/idempotent-reply.js';
import { LedgerSchema, ledgerView, TransactionSchema, transactionView, WalletSchema, walletView } from '../representations/wallet.js';
import { BEARER, Id, PageQuery, pageOf, pageRequest } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { type RouteContext, typed } from './context.js';

const DepositBody = z.strictObject({
  amount: z.int().min(1).max(MAX_DEPOSIT).describe('minor units of currency to add'),
});
const ParticipantParams = z.object({ id: Id });

const tags = ['wallets'];

export function walletRoutes(app: FastifyInstance, { deps, guards, cipher }: RouteContext): void {
  const api = typed(app);
  const me = (request: Parameters<typeof signedInCaller>[0]) => ParticipantId(signedInCaller(request).participantId);

  api.get(
    '/me/wallet',
    {
      onRequest: guards.signedIn,
      schema: {
        tags,
        summary: 'My balance (participants; admins hold no wallet)',
        security: BEARER,
        response: { 200: WalletSchema, ...problemResponses(401, 403) },
      },
    },
    async (request) => walletView(await getWallet(deps, { participantId: me(request), asking: 'self' })),
  );

  api.get(
    '/me/wallet/transactions',
    {
      onRequest: guards.signedIn,
      schema: {
        tags,
        summary: 'My wallet’s transactions, newest first',
        security: BEARER,
        querystring: PageQuery,
        response: { 200: pageOf(TransactionSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await listWalletTransactions(deps, { participantId: me(request), ...pageRequest(request.query) });
      return { items: page.items.map(transactionView), next_cursor: page.nextCursor };
    },
  );

  api.post(
    '/me/wallet/deposits',
    {
      onRequest: guards.signedIn,
      schema: {
        tags,
        summary: 'Add money to my wallet (PAYMENTS=simulated accepts every deposit)',
        security: BEARER,
        headers: IdempotencyHeaders,
        body: DepositBody,
        response: { 201: TransactionSchema, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const participantId = me(request);
      return replyIdempotently(deps, cipher, request, reply, async () => ({
        status: 201,
        body: transactionView(await depositFunds(deps, { participantId, amount: request.body.amount })),
      }));
    },
  );

  api.get(
    '/participants/:id/wallet',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'A participant’s balance (admin)',
        security: BEARER,
        params: ParticipantParams,
        response: { 200: WalletSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => walletView(await getWallet(deps, { participantId: ParticipantId(request.params.id), asking: 'admin' })),
  );

  api.get(
    '/ledger',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Every wallet summed: deposits − purchases + refunds + payouts = balances (admin)',
        security: BEARER,
        response: { 200: LedgerSchema, ...problemResponses(401, 403) },
      },
    },
    async () => ledgerView(await getLedger(deps)),
  );
}
