import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { createDatabase, type Database } from '../database.js';
import { migrateToLatest } from '../migrations.js';

export interface TestDatabase {
  readonly url: string;
  readonly db: Kysely<Database>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

const templates = new Map<string, Promise<string>>();

/**
 * A new, migrated database on the server, so that test files (or tests) never see each other's
 * rows. The schema is migrated once per server into a template that each new database copies,
 * which is much cheaper than migrating every time.
 */
export async function freshDatabase(server: { readonly url: string }, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  let template = templates.get(server.url);
  if (template === undefined) {
    template = createTemplate(server.url);
    templates.set(server.url, template);
  }
  const name = await createDatabaseOn(server.url, `fairdraw_test_${randomBytes(6).toString('hex')}`, await template);
  const url = withDatabase(server.url, name);
  const db = createDatabase(url, { poolSize: options.poolSize ?? 5 });
  return {
    url,
    db,
    drop: async () => {
      await db.destroy();
      await adminQuery(server.url, (admin) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin));
    },
  };
}

async function createTemplate(serverUrl: string): Promise<string> {
  const name = await createDatabaseOn(serverUrl, `fairdraw_template_${randomBytes(6).toString('hex')}`, null);
  // Every connection to the template must be closed before it can be copied.
  const db = createDatabase(withDatabase(serverUrl, name), { poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return name;
}

async function createDatabaseOn(serverUrl: string, name: string, template: string | null): Promise<string> {
  await adminQuery(serverUrl, (admin) =>
    template === null
      ? sql`create database ${sql.id(name)}`.execute(admin)
      : sql`create database ${sql.id(name)} template ${sql.id(template)} strategy file_copy`.execute(admin),
  );
  return name;
}

async function adminQuery(serverUrl: string, query: (admin: Kysely<Database>) => Promise<unknown>): Promise<void> {
  const admin = createDatabase(serverUrl, { poolSize: 1 });
  try {
    await query(admin);
  } finally {
    await admin.destroy();
  }
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
