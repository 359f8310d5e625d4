import type { Deps, ScheduledDrawsOutcome } from '@fairdraw/application';

/**
 * What `pnpm close-and-draw` prints: one line per lottery provisioned, drawn or failed, and
 * each winner, so an operator can check the result against GET /lotteries/{id}/winners.
 */
export async function reportOutcome(deps: Deps, outcome: ScheduledDrawsOutcome): Promise<string> {
  const lines: string[] = [];
  for (const lottery of outcome.provisioned) {
    const state = lottery.toState();
    lines.push(`provisioned ${state.closesOn} ${state.name} (${state.id}), closes ${state.closesAt?.toISOString()}`);
  }
  if (outcome.provisionError !== null) lines.push(`provisioning failed: ${outcome.provisionError}`);
  for (const draw of outcome.drawn) {
    const state = (await deps.uow.reads.lotteries.findById(draw.lotteryId))?.toState();
    const label = state ? `${state.closesOn ?? 'no date'} ${state.name}` : 'lottery';
    lines.push(
      `closed and drew ${label} (${draw.lotteryId}): ${draw.n} ${draw.n === 1 ? 'entry' : 'entries'}, ${draw.winners.length} ${draw.winners.length === 1 ? 'winner' : 'winners'}`,
    );
    for (const w of draw.winners) {
      lines.push(`  #${w.rank} ${w.prize}: ticket ${w.ticketNumber} (ballot ${w.ballotId}${w.username ? `, ${w.username}` : ', guest'})`);
    }
  }
  for (const failure of outcome.failed) lines.push(`failed to draw ${failure.lotteryId}: ${failure.error}`);
  if (outcome.drawn.length === 0 && outcome.failed.length === 0) lines.push('nothing was due');
  return lines.join('\n');
}
