export { aBallot, aDraw, aLottery, allPages, aParticipant, NOW, stored, uuidv7 } from './fixtures.js';
export { InMemoryBeacon } from './in-memory-beacon.js';
export { createInMemoryUnitOfWork, type InMemoryUnitOfWork } from './in-memory-unit-of-work.js';
export { type ContractSubject, describeRepositoryContract } from './repository-contract.js';
export { ManualClock, plainTextPasswords, type TestDeps, testDeps } from './test-deps.js';
export { testWebhookPorts } from './test-webhooks.js';
export { failingAfterEvent, withRepositories } from './wrapped-unit-of-work.js';
