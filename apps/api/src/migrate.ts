import { createDatabase, migrateToLatest } from '@fairdraw/adapters-postgres';
import { readSettings, startRuntime } from '@fairdraw/runtime';

/** `pnpm migrate`: applies the migrations and exits (the compose file's one-shot service). */
const settings = readSettings(process.env);
if (settings.DATABASE_URL) {
  const db = createDatabase(settings.DATABASE_URL, { poolSize: 1 });
  await migrateToLatest(db);
  await db.destroy();
} else {
  // Embedded mode migrates as it starts.
  const runtime = await startRuntime(settings, { migrate: true });
  await runtime.close();
}
console.log('migrations are up to date');
