export { createInMemoryUnitOfWork, type InMemoryUnitOfWork } from './in-memory-unit-of-work.js';
export { ManualClock, plainTextPasswords, type TestDeps, testDeps } from './test-deps.js';
