import type { Deps } from './deps.js';
import { fail } from './errors.js';
import type { Page, PageRequest } from './ports/repositories.js';
import type { Delivery } from './ports/webhooks.js';

/** Newest first; NOT_FOUND for a webhook that does not exist (or was deleted). */
export async function listDeliveries(deps: Pick<Deps, 'uow'>, command: { webhookId: string } & PageRequest): Promise<Page<Delivery>> {
  const { webhookId, ...page } = command;
  if (!(await deps.uow.reads.webhooks.exists(webhookId))) fail('NOT_FOUND', 'no such webhook');
  return deps.uow.reads.webhooks.deliveries(webhookId, page);
}
