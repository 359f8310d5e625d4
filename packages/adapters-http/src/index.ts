export type { Caller, JwtSettings } from './auth/access-tokens.js';
export type { TrustProxy } from './auth/client-ip.js';
export { type IpAllowlist, ipAllowlist, ipRange } from './auth/ip-allowlist.js';
export {
  type BeaconLog,
  type BeaconMode,
  type BeaconStatus,
  DrandRelays,
  type DrandRelaysOptions,
  type RelayEvent,
} from './beacon/drand-relays.js';
export { HttpProblem, type Problem, problemOf, sendProblem } from './errors/problem.js';
export { type ProblemCode, STATUS_OF } from './errors/status-table.js';
export { webhookSecretBox } from './idempotency/response-cipher.js';
export { createMetrics, type Metrics, type MetricsOptions, type PoolStats } from './metrics/metrics.js';
export { type MetricsServer, serveMetrics } from './metrics/metrics-server.js';
export type { Readiness } from './routes/health.js';
export { buildServer, METRICS_IP_ALLOWLIST_DEFAULT, type ServerOptions } from './server.js';
export { type AddressRule, isPrivateAddress, type Resolve, webhookAddressPolicy } from './webhooks/address-policy.js';
export { httpWebhookPayloads } from './webhooks/payloads.js';
export { WEBHOOK_TIMEOUT_MS, webhookTransport } from './webhooks/transport.js';
