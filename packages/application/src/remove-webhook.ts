import type { Deps } from './deps.js';
import { fail } from './errors.js';

/** Deletes a webhook and its deliveries: nothing more is sent to it, pending or not. */
export async function removeWebhook(deps: Pick<Deps, 'uow'>, command: { webhookId: string }): Promise<void> {
  const removed = await deps.uow.run((repos) => repos.webhooks.remove(command.webhookId));
  if (!removed) fail('NOT_FOUND', 'no such webhook');
}
