import { freshDatabase, type TestDatabase } from './fresh-database.js';
import { startTestPostgres } from './start-test-postgres.js';

export interface OwnTestDatabase extends Omit<TestDatabase, 'drop'> {
  /** Drops the database and stops its server. */
  close(): Promise<void>;
}

/** A server of its own and one migrated database on it: what a test file that needs no sharing wants. */
export async function startTestDatabase(options: { poolSize?: number } = {}): Promise<OwnTestDatabase> {
  const server = await startTestPostgres();
  try {
    const database = await freshDatabase(server, options);
    return {
      url: database.url,
      db: database.db,
      close: async () => {
        await database.drop();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
