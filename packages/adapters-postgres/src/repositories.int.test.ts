import { describeRepositoryContract } from '@fairdraw/application/testing';
import { afterAll, beforeAll } from 'vitest';
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
