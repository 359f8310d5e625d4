import { describeRepositoryContract } from '@fairdraw/application/testing';
import { afterAll, beforeAll } from 'vitest';
import { LotteryReadCache } from './lottery-read-cache.js';
import { emptyDatabase, freshDatabase, startTestPostgres, type TestDatabase } from './testing/index.js';
import { createPostgresUnitOfWork } from './unit-of-work.js';

// One server and one database for this file; each test starts from empty tables.
let server: Awaited<ReturnType<typeof startTestPostgres>> | null = null;
let database: TestDatabase | null = null;
beforeAll(async () => {
  server = await startTestPostgres();
  database = await freshDatabase(server);
});
afterAll(async () => {
  await database?.drop();
  await server?.stop();
});

describeRepositoryContract('PostgreSQL', async () => {
  if (database === null) throw new Error('the test database was not created');
  await emptyDatabase(database.db);
  return { uow: createPostgresUnitOfWork(database.db), teardown: async () => {} };
});

// The same contract through a unit of work whose lottery reads come from memory for a minute:
// every write goes through a transaction, so the cache must never show what a test did not store.
describeRepositoryContract('PostgreSQL, with the lottery read cache', async () => {
  if (database === null) throw new Error('the test database was not created');
  await emptyDatabase(database.db);
  return { uow: createPostgresUnitOfWork(database.db, { lotteryCache: new LotteryReadCache(60_000) }), teardown: async () => {} };
});
