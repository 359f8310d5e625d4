import { createLottery, type Deps } from '@fairdraw/application';
import type { LotteryId } from '@fairdraw/domain';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { type OwnTestDatabase, postgresTestDeps, startTestDatabase } from './testing/index.js';

// A lottery the planner's statistics have not seen yet is estimated at one row, which made a
// lottery-wide index as cheap as the exact one: a pool slot was found by filtering every stored
// slot of the lottery (migration 0002). The statements below are the ones pools.ts sends; each
// must touch only the rows it asks for, whatever the statistics say.
let database: OwnTestDatabase | null = null;
let db: Kysely<Database>;
let deps: Deps;
let fresh: LotteryId;
const ROWS = 5_000;

/** Slots 0..n-1 all stored, holding tickets n..1. */
async function fill(lotteryId: LotteryId, n: number): Promise<void> {
  await sql`insert into pool_slots (lottery_id, position, ticket) select ${lotteryId}, p, ${n} - p from generate_series(0, ${n - 1}) p`.execute(
    db,
  );
}

beforeAll(async () => {
  database = await startTestDatabase();
  db = database.db;
  deps = postgresTestDeps(db);
  const known = await createLottery(deps, { ticketLimit: 1_000_000, entry: { guests: true } });
  await fill(known.id, 4 * ROWS);
  await sql`analyze pool_slots`.execute(db);
  fresh = (await createLottery(deps, { ticketLimit: 1_000_000, entry: { guests: true } })).id;
  await fill(fresh, ROWS);
});
afterAll(() => database?.close());

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Index Cond'?: string;
  readonly Plans?: readonly PlanNode[];
}

/** Every node of the executed plan, and how many rows its filters threw away in all. */
async function executed(statement: ReturnType<typeof sql>): Promise<{ nodes: PlanNode[]; filtered: number }> {
  const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>`explain (analyze, format json) ${statement}`.execute(db);
  const nodes: PlanNode[] = [];
  const visit = (node: PlanNode) => {
    nodes.push(node);
    for (const child of node.Plans ?? []) visit(child);
  };
  const root = rows[0]?.['QUERY PLAN'][0].Plan;
  if (root === undefined) throw new Error('no plan');
  visit(root);
  return { nodes, filtered: nodes.reduce((sum, node) => sum + (node['Rows Removed by Filter'] ?? 0), 0) };
}

describe('pool slot lookups on a lottery the statistics have not seen', () => {
  it('reads pool slots by position through the index on position', async () => {
    const plan = await executed(
      sql`select "position", "ticket" from "pool_slots" where "lottery_id" = ${fresh} and "position" in (${17}, ${ROWS - 1})`,
    );
    expect(plan.filtered).toBe(0);
    expect(plan.nodes.some((node) => node['Index Cond']?.includes('position'))).toBe(true);
  });

  it('finds where a chosen ticket sits through the index on ticket', async () => {
    const plan = await executed(sql`select "position" from "pool_slots" where "lottery_id" = ${fresh} and "ticket" = ${42}`);
    expect(plan.filtered).toBe(0);
    expect(plan.nodes.some((node) => node['Index Cond']?.includes('ticket'))).toBe(true);
  });

  it("reads a turn's slots by position and by ticket in one statement, through both indexes", async () => {
    const plan = await executed(
      sql`select "position", "ticket" from "pool_slots" where "lottery_id" = ${fresh}
        and ("position" = any(${[17, ROWS - 1]}::integer[]) or "ticket" = any(${[42, 4_000]}::integer[]))`,
    );
    expect(plan.filtered).toBe(0);
    expect(plan.nodes.some((node) => node['Index Cond']?.includes('position'))).toBe(true);
    expect(plan.nodes.some((node) => node['Index Cond']?.includes('ticket'))).toBe(true);
  });

  it('still answers the upsert that writes pool slots (its conflict target is the reordered key)', async () => {
    await sql`insert into pool_slots (lottery_id, position, ticket) values (${fresh}, ${3}, ${9}), (${fresh}, ${ROWS + 3}, ${8})
      on conflict (lottery_id, position) do update set ticket = excluded.ticket`.execute(db);
    const { rows } = await sql<{ position: number; ticket: number }>`select position, ticket from pool_slots
      where lottery_id = ${fresh} and position in (${3}, ${ROWS + 3}) order by position`.execute(db);
    expect(rows).toEqual([
      { position: 3, ticket: 9 },
      { position: ROWS + 3, ticket: 8 },
    ]);
  });
});
