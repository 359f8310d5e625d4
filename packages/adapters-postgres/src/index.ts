export { createDatabase, type Database, type PoolUsage, poolUsage } from './database.js';
export { type EmbeddedPostgres, type PostgresServer, startEmbeddedPostgres } from './embedded.js';
export { LotteryReadCache } from './lottery-read-cache.js';
export { migrateToLatest } from './migrations.js';
export { Reachability, type ReachabilityEvents } from './reachability.js';
export { createReadinessProbe, type ReadinessProbe } from './readiness-probe.js';
export { createPostgresUnitOfWork } from './unit-of-work.js';
