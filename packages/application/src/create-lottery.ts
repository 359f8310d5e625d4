import { type EntryRules, Lottery, LotteryId, memorableName, type Prize, SEED_BYTES } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { noTelemetry } from './ports/telemetry.js';

export interface CreateLottery {
  readonly name?: string | undefined;
  readonly closesOn?: string | null | undefined;
  readonly closesAt?: Date | null | undefined;
  readonly ticketLimit?: number | null | undefined;
  readonly prizes?: readonly Prize[] | undefined;
  readonly entry?: Partial<EntryRules> | undefined;
  /** Minor units of CURRENCY per ticket; 0 (free) when absent. */
  readonly ticketPrice?: number | undefined;
}

export type CreateLotteryDeps = Pick<Deps, 'uow' | 'clock' | 'random' | 'settings' | 'beacon' | 'beaconDraws' | 'telemetry'>;

export async function createLottery(deps: CreateLotteryDeps, command: CreateLottery): Promise<Lottery> {
  const lottery = Lottery.open({
    id: LotteryId(deps.random.uuid()),
    name: command.name ?? memorableName((bound) => deps.random.below(bound)),
    closesOn: command.closesOn,
    closesAt: command.closesAt,
    ticketLimit: command.ticketLimit,
    prizes: command.prizes,
    entry: command.entry,
    ticketPrice: command.ticketPrice,
    currency: deps.settings.currency,
    // The commitment to this seed is published now; the seed itself only after the draw.
    seed: deps.random.bytes(SEED_BYTES),
    now: deps.clock.now(),
    timeZone: deps.settings.timeZone,
    // fairdraw-v2 while the beacon's chain info is known: fixed now, for the lottery's whole life.
    beacon: beaconOf(deps),
  });
  await deps.uow.run((repos) => repos.lotteries.add(lottery));
  await scheduleBeaconDraw(deps, lottery);
  (deps.telemetry ?? noTelemetry).lotteryCreated();
  return lottery;
}

export const DEFAULT_BEACON_MARGIN_S = 10;

function beaconOf(deps: CreateLotteryDeps) {
  const chain = deps.beacon?.chainInfo() ?? null;
  return chain === null ? null : { chain, marginS: deps.settings.beaconMarginS ?? DEFAULT_BEACON_MARGIN_S };
}

/** After the commit: a v2 lottery with a closing instant is drawn when its round is published. */
export async function scheduleBeaconDraw(deps: CreateLotteryDeps, lottery: Lottery): Promise<void> {
  const pinned = lottery.beaconRound;
  if (pinned === null || lottery.toState().closesAt === null) return;
  await deps.beaconDraws?.drawAt(lottery.id, new Date(pinned.publishedAtMs));
}
