import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDatabase } from './database.js';
import { Reachability } from './reachability.js';
import { type OwnTestDatabase, startTestDatabase } from './testing/index.js';

let database: OwnTestDatabase | null = null;
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(() => database?.close());

// Without a listener on the pool, pg rethrows this as an uncaught exception and the service dies
// whenever PostgreSQL restarts or an administrator ends an idle session. The server saying it
// ends the session (57P01) is the database going away, heard once for all its connections.
it('survives the server ending an idle connection, and the next query connects afresh', async () => {
  if (database === null) throw new Error('the test database was not created');
  const events: string[] = [];
  let heard: () => void = () => {};
  const noticed = new Promise<void>((resolve) => {
    heard = resolve;
  });
  const reachability = new Reachability({
    onUnreachable: (error) => {
      events.push(`down ${(error as Error & { code?: string }).code}`);
      heard();
    },
    onReachable: () => events.push('up'),
  });
  const idle: Error[] = [];
  const db = createDatabase(database.url, { poolSize: 2, reachability, onIdleClientError: (error) => idle.push(error) });
  try {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
    const pid = rows[0]?.pid;
    await sql`select pg_terminate_backend(${pid}::int)`.execute(database.db);
    await noticed;
    const after = await sql<{ n: number }>`select 2 as n`.execute(db);
    expect(after.rows).toEqual([{ n: 2 }]);
    expect(events).toEqual(['down 57P01', 'up']);
    expect(idle).toEqual([]);
  } finally {
    await db.destroy();
  }
});

// A transaction that stops talking must not hold its lottery's lock (and every ballot queued
// behind it) for ever, nor may the server ending it kill the process; a runaway statement is
// cancelled, and the connection stays usable.
it('lets the server end a transaction left idle (its locks released) and cancel a runaway statement', async () => {
  if (database === null) throw new Error('the test database was not created');
  const heard: string[] = [];
  const db = createDatabase(database.url, {
    poolSize: 1,
    idleInTransactionTimeoutMs: 300,
    statementTimeoutMs: 500,
    onIdleClientError: (error) => heard.push((error as Error & { code?: string }).code ?? error.message),
  });
  try {
    const lottery = '0190f5e2-0000-7000-8000-000000000001';
    const stuck = db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(42)`.execute(trx);
      await new Promise((resolve) => setTimeout(resolve, 800));
      await sql`select ${lottery}`.execute(trx);
    });
    await expect(stuck).rejects.toThrow();
    expect(heard).toContain('25P03');
    // The lock went with the transaction: another session takes it at once.
    const { rows } = await sql<{ got: boolean }>`select pg_try_advisory_lock(42) as got`.execute(database.db);
    expect(rows[0]?.got).toBe(true);
    await sql`select pg_advisory_unlock(42)`.execute(database.db);
    await expect(sql`select pg_sleep(2)`.execute(db)).rejects.toMatchObject({ code: '57014' });
    expect((await sql<{ n: number }>`select 3 as n`.execute(db)).rows).toEqual([{ n: 3 }]);
  } finally {
    await db.destroy();
  }
});
