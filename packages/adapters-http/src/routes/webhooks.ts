import { listDeliveries, listWebhooks, registerWebhook, removeWebhook, WEBHOOK_EVENTS } from '@fairdraw/application';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  DeliverySchema,
  deliveryView,
  RegisteredWebhookSchema,
  WebhookEventSchema,
  WebhookSchema,
  webhookView,
} from '../representations/webhook.js';
import { BEARER, Id, PageQuery, pageOf, pageRequest } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { type RouteContext, typed } from './context.js';

const RegisterBody = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .describe('http(s)://; a host that is or resolves to a loopback, private, link-local or unspecified address is refused'),
  events: z.array(WebhookEventSchema).min(1).max(WEBHOOK_EVENTS.length).describe('what this receiver is told of'),
  description: z.string().max(500).nullable().optional(),
});
const WebhookParams = z.object({ id: Id });
const tags = ['webhooks'];

export function webhookRoutes(app: FastifyInstance, { deps, guards }: RouteContext): void {
  const api = typed(app);

  api.post(
    '/webhooks',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Register a webhook receiver (admin); its signing secret is shown once',
        security: BEARER,
        body: RegisterBody,
        response: { 201: RegisteredWebhookSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { url, events, description } = request.body;
      const { webhook, secret } = await registerWebhook(deps, { url, events, description: description ?? null });
      return reply.code(201).send({ ...webhookView(webhook), secret });
    },
  );

  api.get(
    '/webhooks',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Webhooks, newest first (admin)',
        security: BEARER,
        querystring: PageQuery,
        response: { 200: pageOf(WebhookSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await listWebhooks(deps, pageRequest(request.query));
      return { items: page.items.map(webhookView), next_cursor: page.nextCursor };
    },
  );

  api.delete(
    '/webhooks/:id',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Delete a webhook and its deliveries (admin)',
        security: BEARER,
        params: WebhookParams,
        response: { 204: z.undefined(), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await removeWebhook(deps, { webhookId: request.params.id });
      return reply.code(204).send();
    },
  );

  api.get(
    '/webhooks/:id/deliveries',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Deliveries of a webhook, newest first (admin)',
        security: BEARER,
        params: WebhookParams,
        querystring: PageQuery,
        response: { 200: pageOf(DeliverySchema), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await listDeliveries(deps, { webhookId: request.params.id, ...pageRequest(request.query) });
      return { items: page.items.map(deliveryView), next_cursor: page.nextCursor };
    },
  );
}
