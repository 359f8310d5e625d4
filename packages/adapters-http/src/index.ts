export type { Caller, JwtSettings } from './auth/access-tokens.js';
export { type IpAllowlist, ipAllowlist } from './auth/ip-allowlist.js';
export { HttpProblem, type Problem, problemOf, sendProblem } from './errors/problem.js';
export { type ProblemCode, STATUS_OF } from './errors/status-table.js';
export type { Readiness } from './routes/health.js';
export { buildServer, type ServerOptions } from './server.js';
