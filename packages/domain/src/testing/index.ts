// Fixtures for tests of any package; kept out of the domain's public index, which ships.
export * from '../test-vectors.js';
export * from '../test-vectors-v2.js';
export * from './test-chain.js';
