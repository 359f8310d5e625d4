import type { Lottery } from '@fairdraw/domain';
import type { DrawRecord } from './ports/repositories.js';

/** A lottery and its draw record, if drawn: what the winners and draw endpoints show. */
export interface DrawView {
  readonly lottery: Lottery;
  readonly record: DrawRecord | null;
}
