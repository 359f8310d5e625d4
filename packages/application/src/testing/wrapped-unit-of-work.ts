import type { Repositories, UnitOfWork } from '../ports/repositories.js';

/**
 * The same unit of work, with some repositories replaced inside its transactions: a store that
 * refuses one kind of write, counts calls or reports a key as locked, for the test at hand.
 */
export function withRepositories(uow: UnitOfWork, replace: (repos: Repositories) => Partial<Repositories>): UnitOfWork {
  return {
    reads: uow.reads,
    isOpen: () => uow.isOpen(),
    run: (work) => uow.run((repos) => work({ ...repos, ...replace(repos) })),
  };
}
