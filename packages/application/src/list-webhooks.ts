import type { Deps } from './deps.js';
import type { Page, PageRequest } from './ports/repositories.js';
import type { Webhook } from './ports/webhooks.js';

/** Newest first, without secrets (they are never shown again). */
export function listWebhooks(deps: Pick<Deps, 'uow'>, page: PageRequest): Promise<Page<Webhook>> {
  return deps.uow.reads.webhooks.list(page);
}
