/** Ballots one raw turn writes (raw-transactions.ts `turn`), also what the report multiplies by. */
export const TURN_ROWS = 5000;
