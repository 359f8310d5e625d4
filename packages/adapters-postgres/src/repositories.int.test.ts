import { describeRepositoryContract } from '@fairdraw/application/testing';
import { afterAll, beforeAll } from 'vitest';
import { freshDatabase, startTestPostgres } from './testing/index.js';
import { createPostgresUnitOfWork } from './unit-of-work.js';

// One server for this file; every test gets a database of its own, copied from a migrated template.
let server: Awaited<ReturnType<typeof startTestPostgres>> | null = null;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describeRepositoryContract('PostgreSQL', async () => {
  if (server === null) throw new Error('the test server did not start');
  const database = await freshDatabase(server);
  return { uow: createPostgresUnitOfWork(database.db), teardown: database.drop };
});
