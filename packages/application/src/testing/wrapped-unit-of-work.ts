import type { Repositories, UnitOfWork } from '../ports/repositories.js';
import type { WebhookEvent } from '../ports/webhooks.js';

/**
 * The same unit of work, with some repositories replaced inside its transactions: a store that
 * refuses one kind of write, counts calls or reports a key as locked, for the test at hand.
 */
export function withRepositories(uow: UnitOfWork, replace: (repos: Repositories) => Partial<Repositories>): UnitOfWork {
  return {
    reads: uow.reads,
    run: (work) => uow.run((repos) => work({ ...repos, ...replace(repos) })),
  };
}

/**
 * The same unit of work, whose transactions fail right after writing an event of `type` to the
 * outbox: for the tests that a change rolled back takes its events with it.
 */
export function failingAfterEvent(uow: UnitOfWork, type: WebhookEvent): UnitOfWork {
  return withRepositories(uow, (repos) => ({
    webhooks: {
      ...repos.webhooks,
      addEvent: async (event, deliveries) => {
        await repos.webhooks.addEvent(event, deliveries);
        if (event.type === type) throw new Error('connection lost');
      },
    },
  }));
}
