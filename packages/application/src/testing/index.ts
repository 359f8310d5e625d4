export { createInMemoryUnitOfWork, type InMemoryUnitOfWork } from './in-memory-unit-of-work.js';
