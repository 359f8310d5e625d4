/**
 * The RandomnessBeacon over drand's HTTP API (API.md, fairdraw-v2): relays tried in order with a
 * short timeout; chain info accepted only when it hashes to BEACON_CHAIN_HASH, then pinned; every
 * beacon verified before use, a relay answering one that does not verify logged and skipped; no
 * fallback to anything else. Chain info is fetched in the background (at start and every minute),
 * so the service never waits on a relay to start or to create a lottery.
 */
import type { RandomnessBeacon } from '@fairdraw/application';
import { acceptChainInfo, type Beacon, type BeaconChain, checkBeacon } from '@fairdraw/domain';

export type BeaconMode = 'auto' | 'drand' | 'off';

export interface BeaconLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** What happened at a relay, for metrics. */
export type RelayEvent = { readonly kind: 'info' | 'round'; readonly relay: string; readonly outcome: 'ok' | 'failed' | 'invalid' };

export interface DrandRelaysOptions {
  readonly mode: BeaconMode;
  readonly urls: readonly string[];
  readonly chainHash: string;
  readonly log: BeaconLog;
  /** Per request (default 2 s): a relay that hangs must not hold a draw for long. */
  readonly timeoutMs?: number | undefined;
  /** How often chain info is fetched again (default a minute). */
  readonly refreshMs?: number | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly onRelayEvent?: ((event: RelayEvent) => void) | undefined;
}

export interface BeaconStatus {
  readonly mode: BeaconMode;
  /** v2 for new lotteries right now. */
  readonly inUse: boolean;
  readonly chainHash: string;
  /** Why the last chain-info fetch failed; null after a success. */
  readonly problem: string | null;
}

export class DrandRelays implements RandomnessBeacon {
  private chain: BeaconChain | null = null;
  private problem: string | null = 'chain info not fetched yet';
  private timer: NodeJS.Timeout | null = null;
  private readonly urls: readonly string[];
  private readonly fetcher: typeof fetch;

  private log: BeaconLog;

  constructor(private readonly options: DrandRelaysOptions) {
    this.urls = options.urls.map((url) => url.replace(/\/+$/, ''));
    this.fetcher = options.fetch ?? fetch;
    this.log = options.log;
  }

  /** Reports to the app's logger from now on. */
  useLog(log: BeaconLog): void {
    this.log = log;
  }

  chainInfo(): BeaconChain | null {
    return this.options.mode === 'off' ? null : this.chain;
  }

  status(): BeaconStatus {
    const { mode, chainHash } = this.options;
    return { mode, chainHash, inUse: this.chainInfo() !== null || mode === 'drand', problem: mode === 'off' ? null : this.problem };
  }

  /** Fetches and checks chain info from the first relay that gives it; keeps the last good one meanwhile in drand mode. */
  async refresh(): Promise<BeaconChain | null> {
    const reasons: string[] = [];
    for (const relay of this.urls) {
      const answer = await this.get(`${relay}/${this.options.chainHash}/info`);
      if ('problem' in answer) {
        reasons.push(`${relay}: ${answer.problem}`);
        this.options.onRelayEvent?.({ kind: 'info', relay, outcome: 'failed' });
        continue;
      }
      const info = acceptChainInfo(answer.json, this.options.chainHash);
      if ('problem' in info) {
        reasons.push(`${relay}: ${info.problem}`);
        this.log.warn({ relay, problem: info.problem }, 'beacon relay answered chain info that is refused');
        this.options.onRelayEvent?.({ kind: 'info', relay, outcome: 'invalid' });
        continue;
      }
      this.options.onRelayEvent?.({ kind: 'info', relay, outcome: 'ok' });
      const first = this.chain === null;
      this.chain = { chainHash: info.chainHash, publicKey: info.publicKey, period: info.period, genesisTime: info.genesisTime };
      this.problem = null;
      if (first)
        this.log.info(
          { relay, chain_hash: info.chainHash, period: info.period },
          'beacon chain info checked: new lotteries are fairdraw-v2',
        );
      return this.chain;
    }
    this.problem = reasons.join('; ') || 'no BEACON_URLS';
    // auto: new lotteries fall back to v1 until a relay answers again; drand: v2 only, readiness says why.
    if (this.options.mode === 'auto') {
      if (this.chain !== null || reasons.length > 0) {
        this.log.warn({ problem: this.problem }, 'beacon chain info unavailable: new lotteries are fairdraw-v1 until a relay answers');
      }
      this.chain = null;
    }
    return this.chainInfo();
  }

  /** Background refreshes: one now, then every refreshMs; the timer never keeps the process alive. */
  start(): void {
    if (this.options.mode === 'off' || this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async beacon(chain: BeaconChain, round: number): Promise<Beacon | null> {
    for (const relay of this.urls) {
      const answer = await this.get(`${relay}/${chain.chainHash}/public/${round}`);
      if ('problem' in answer) {
        this.options.onRelayEvent?.({ kind: 'round', relay, outcome: 'failed' });
        continue;
      }
      const json = answer.json as Partial<Record<keyof Beacon, unknown>> | null;
      const beacon = { round: json?.round, signature: json?.signature, randomness: json?.randomness } as Beacon;
      const check = checkBeacon(chain, round, beacon);
      if (check === 'ok') {
        this.options.onRelayEvent?.({ kind: 'round', relay, outcome: 'ok' });
        return { round, signature: beacon.signature, randomness: beacon.randomness };
      }
      this.options.onRelayEvent?.({ kind: 'round', relay, outcome: 'invalid' });
      this.log.warn({ relay, round, failed_check: check }, 'beacon relay answered a beacon that does not verify; skipped');
    }
    return null;
  }

  private async get(url: string): Promise<{ json: unknown } | { problem: string }> {
    try {
      const response = await this.fetcher(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 2_000),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return { problem: `answered ${response.status}` };
      }
      return { json: await response.json() };
    } catch (error) {
      return { problem: error instanceof Error ? error.message : String(error) };
    }
  }
}
