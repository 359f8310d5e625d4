import { ipRange, type TrustProxy } from '@fairdraw/adapters-http';
import { isValidTimeZone, QUICKNET_CHAIN_HASH } from '@fairdraw/domain';
import { z } from 'zod';
import { HOW_TO_MAKE_ONE, weaknessOf } from './secret-strength.js';

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 15m, 12h or 30d')
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(value) ?? [];
    const ms = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 'ms'];
    return Number(amount) * ms;
  });

/** The League of Entropy's public HTTP relays (drand's documented endpoints). */
const DEFAULT_BEACON_URLS = 'https://api.drand.sh,https://api2.drand.sh,https://api3.drand.sh,https://drand.cloudflare.com';

/** JWT_SECRET, HASH_SECRET: refused at start-up unless they look random (secret-strength.ts). */
const key = (name: string) =>
  optional.superRefine((value, context) => {
    const weakness = value === undefined ? null : weaknessOf(value);
    if (weakness !== null) context.addIssue({ code: 'custom', message: `${name} is not a random key: ${weakness}; ${HOW_TO_MAKE_ONE}` });
  });

/**
 * TRUST_PROXY (API.md): `false` (or 0), a hop count, or the proxies' IPs/CIDRs. `true` is
 * refused by name: it would take the left-most X-Forwarded-For entry, which the client writes.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((value, context): TrustProxy => {
    if (value === 'false' || value === '0' || value === '') return false;
    if (value === 'true') {
      context.addIssue({
        code: 'custom',
        message:
          'TRUST_PROXY=true is refused: it would believe whatever a client writes into X-Forwarded-For. Set the number of proxies in front (1 for one load balancer) or their IPs/CIDRs (e.g. 10.0.0.0/8)',
      });
      return z.NEVER;
    }
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops <= 32) return hops;
      context.addIssue({ code: 'custom', message: 'TRUST_PROXY: a hop count is at most 32' });
      return z.NEVER;
    }
    const entries = value.split(',').map((e) => e.trim());
    const wrong = entries.filter((e) => ipRange(e) === null);
    if (wrong.length === 0) return entries;
    context.addIssue({
      code: 'custom',
      message: `TRUST_PROXY: ${wrong.map((e) => `"${e}"`).join(', ')} is not an IP or CIDR (use false, a hop count, or the proxies' IPs/CIDRs)`,
    });
    return z.NEVER;
  });

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** `a, b,c` → ['a', 'b', 'c']; unset or empty → []. */
const commaList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
const optional = z.string().trim().min(1).optional().catch(undefined);

/** `https://shop.example` or `http://127.0.0.1:8080`: what browsers send as Origin, exactly. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

/** Every environment variable the service reads (API.md "Settings"), parsed once at start-up. */
const settingsSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: optional,
  DATA_DIR: z.string().default('./.data'),
  EMBEDDED_POSTGRES_DIR: optional,
  REDIS_URL: optional,
  JWT_SECRET: key('JWT_SECRET'),
  HASH_SECRET: key('HASH_SECRET'),
  ACCESS_TOKEN_TTL: duration.prefault('15m'),
  REFRESH_TOKEN_TTL: duration.prefault('30d'),
  ADMIN_USERNAME: optional,
  ADMIN_PASSWORD: optional,
  ADMIN_IP_ALLOWLIST: commaList,
  // Unset or empty: loopback only (a scrape from elsewhere must be allowed by name).
  METRICS_IP_ALLOWLIST: commaList.transform((entries) => (entries.length > 0 ? entries : ['127.0.0.1', '::1'])),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  TRUST_PROXY: trustProxy.prefault('false'),
  REQUEST_TIMEOUT: duration.prefault('30s').refine((ms) => ms >= 100, 'REQUEST_TIMEOUT must be at least 100ms'),
  SERVICE_TIMEZONE: z.string().default('UTC').refine(isValidTimeZone, 'SERVICE_TIMEZONE must be an IANA time zone'),
  DRAW_CRON: z.string().default('0 0 * * *'),
  DAILY_LOTTERIES: flag.prefault('true'),
  DAILY_LOTTERY_DAYS_AHEAD: z.coerce.number().int().min(1).max(366).default(7),
  DRAW_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  DRAW_RETRY_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).default(20),
  // Ballot turns (transactions) a process runs at once; each serves many lotteries (ballot-batches.ts).
  BALLOT_TURNS: z.coerce.number().int().min(1).max(64).default(2),
  // How long the API answers a lottery read outside a transaction from memory (0: never); its
  // own writes are seen at once, another process's within this time. Workers keep no such copies.
  LOTTERY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  CORS_ORIGINS: commaList.pipe(
    z.array(z.string().refine(isOrigin, 'each of CORS_ORIGINS must be an origin such as https://shop.example (no path, no *)')),
  ),
  WEBHOOK_ALLOW_PRIVATE: flag.prefault('false'),
  CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'CURRENCY must be an ISO 4217 code such as EUR')
    .default('EUR'),
  PAYMENTS: z.enum(['simulated']).default('simulated'),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(1).default(5_000),
  ENTRIES_MAX_DOWNLOADS: z.coerce.number().int().min(1).default(32),
  ENTRIES_STALL_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // fairdraw-v2 (API.md): auto = v2 while a relay has given checked chain info, drand = v2 only, off = v1 only.
  DRAW_BEACON: z.enum(['auto', 'drand', 'off']).default('auto'),
  BEACON_URLS: z
    .string()
    .default(DEFAULT_BEACON_URLS)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((urls) => urls.every((url) => /^https?:\/\/[^\s/]+/.test(url)), 'BEACON_URLS must be comma-separated http(s) URLs'),
  BEACON_CHAIN_HASH: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'BEACON_CHAIN_HASH must be 64 lower-case hex digits')
    .default(QUICKNET_CHAIN_HASH),
  BEACON_MARGIN_S: z.coerce.number().int().min(1).max(86_400).default(10),
});

export type Settings = z.infer<typeof settingsSchema>;

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid settings:\n${lines.join('\n')}`);
  }
  if (parsed.data.ADMIN_USERNAME !== undefined && parsed.data.ADMIN_PASSWORD === undefined) {
    throw new Error('invalid settings:\n  ADMIN_PASSWORD: required when ADMIN_USERNAME is set');
  }
  return parsed.data;
}
