import type { ParticipantId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { walletHolder } from './wallet-holder.js';

export interface WalletView {
  readonly balance: number;
  readonly currency: string;
  /** When the balance last moved; for a wallet never used, when its account was opened. */
  readonly updatedAt: Date;
}

export type GetWalletDeps = Pick<Deps, 'uow' | 'settings'>;

/** A participant's balance: their own (`self`), or anyone's for an admin. */
export async function getWallet(
  deps: GetWalletDeps,
  command: { participantId: ParticipantId; asking: 'self' | 'admin' },
): Promise<WalletView> {
  const { reads } = deps.uow;
  const holder = await walletHolder(reads.participants, command.participantId, command.asking);
  const wallet = (await reads.wallets.find([holder.id])).get(holder.id)?.toState();
  return { balance: wallet?.balance ?? 0, currency: deps.settings.currency, updatedAt: wallet?.updatedAt ?? holder.createdAt };
}
