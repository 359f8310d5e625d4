export { createDatabase, type Database } from './database.js';
export { type PostgresServer, startEmbeddedPostgres } from './embedded.js';
export { migrateToLatest } from './migrations.js';
export { type PoolCounts, poolStatsOf } from './pool-stats.js';
export { createPostgresUnitOfWork } from './unit-of-work.js';
