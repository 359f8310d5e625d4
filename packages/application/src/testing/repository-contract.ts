import { afterEach, beforeEach, describe } from 'vitest';
import type { UnitOfWork } from '../ports/repositories.js';
import { accountsContract } from './contract-accounts.js';
import { ballotsContract } from './contract-ballots.js';
import { drawsContract } from './contract-draws.js';
import { lotteriesContract } from './contract-lotteries.js';
import { unitOfWorkContract } from './contract-unit-of-work.js';
import { walletsContract } from './contract-wallets.js';
import { webhooksContract } from './contract-webhooks.js';

export interface ContractSubject {
  readonly uow: UnitOfWork;
  teardown(): Promise<void>;
}

/**
 * The behaviour every implementation of the repository ports must show, run against the
 * in-memory one and the PostgreSQL one alike. `setup` is called before each test and must
 * return an empty store; reads from `reads` must run on a connection other than the one a
 * `run` holds (PostgreSQL: a pool of at least two).
 */
export function describeRepositoryContract(name: string, setup: () => Promise<ContractSubject>): void {
  describe(`${name} repositories`, () => {
    let subject: ContractSubject | null = null;
    const uow = () => {
      if (subject === null) throw new Error('the contract subject is not set up');
      return subject.uow;
    };
    beforeEach(async () => {
      subject = await setup();
    });
    afterEach(async () => {
      await subject?.teardown();
      subject = null;
    });
    unitOfWorkContract(uow);
    accountsContract(uow);
    lotteriesContract(uow);
    ballotsContract(uow);
    drawsContract(uow);
    walletsContract(uow);
    webhooksContract(uow);
  });
}
