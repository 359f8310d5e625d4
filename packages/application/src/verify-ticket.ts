import { timingSafeEqual } from 'node:crypto';
import type { LotteryId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail } from './errors.js';
import { type GetLotteryDeps, getLottery } from './get-lottery.js';

export type VerifyTicketDeps = GetLotteryDeps & Pick<Deps, 'keyed'>;

export async function verifyTicket(
  deps: VerifyTicketDeps,
  command: { lotteryId: LotteryId; ticketNumber: number; verificationCode: string },
): Promise<{ hasWon: boolean; prize: string | null }> {
  const { reads } = deps.uow;
  const lottery = await getLottery(deps, command);
  const draw = await reads.draws.findByLottery(lottery.id);
  if (draw === null) fail('NOT_DRAWN', 'this lottery has not been drawn yet');
  const ballot = await reads.ballots.findByTicket(lottery.id, command.ticketNumber);
  const presented = Buffer.from(deps.keyed.hash(`code:${command.verificationCode}`));
  // An unknown ticket and a wrong code answer alike, so numbers cannot be probed.
  if (ballot === null || !timingSafeEqual(presented, Buffer.from(ballot.codeHash))) {
    fail('INVALID_VERIFICATION_CODE', 'that ticket number and verification code do not match', [
      { path: 'verification_code', message: 'does not match the ticket' },
    ]);
  }
  const prize = draw.winners.find((w) => w.ballotId === ballot.id)?.prize ?? null;
  return { hasWon: prize !== null, prize };
}
