// What the worker reuses from this app: one place reads settings and builds the runtime.
export { readSettings, type Settings } from './settings.js';
export { type Runtime, startRuntime } from './runtime.js';
export { argon2Hasher } from './argon2-hasher.js';
