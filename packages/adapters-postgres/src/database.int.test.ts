import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDatabase } from './database.js';
import { type OwnTestDatabase, startTestDatabase } from './testing/index.js';

let database: OwnTestDatabase | null = null;
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(() => database?.close());

// Without a listener on the pool, pg rethrows this as an uncaught exception and the service dies
// whenever PostgreSQL restarts or an administrator ends an idle session.
it('survives the server ending an idle connection, and the next query connects afresh', async () => {
  if (database === null) throw new Error('the test database was not created');
  const errors: Error[] = [];
  let heard: () => void = () => {};
  const noticed = new Promise<void>((resolve) => {
    heard = resolve;
  });
  const db = createDatabase(database.url, {
    poolSize: 2,
    onIdleClientError: (error) => {
      errors.push(error);
      heard();
    },
  });
  try {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
    const pid = rows[0]?.pid;
    await sql`select pg_terminate_backend(${pid}::int)`.execute(database.db);
    await noticed;
    expect(errors.map((e) => (e as Error & { code?: string }).code)).toEqual(['57P01']);
    const after = await sql<{ n: number }>`select 2 as n`.execute(db);
    expect(after.rows).toEqual([{ n: 2 }]);
  } finally {
    await db.destroy();
  }
});
