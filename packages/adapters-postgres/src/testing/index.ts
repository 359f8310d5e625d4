export { freePort } from '../embedded.js';
export { isAlive } from '../postmaster-lock.js';
export { dockerAnswers } from './docker.js';
export { emptyDatabase, freshDatabase, type TestDatabase } from './fresh-database.js';
export { startTestPostgres } from './start-test-postgres.js';
export { type OwnTestDatabase, startTestDatabase } from './test-database.js';
export { postgresTestDeps, type Settled, settle, settleAll } from './use-case-deps.js';
