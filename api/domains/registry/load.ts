/**
 * Loading a whole election (the demo generator's output) into an empty registry:
 * checked in memory first, then stored with bulk inserts and recorded in the log
 * as one entry per dataset — all in one transaction.
 */
import { type Db, type EntryActor, SYSTEM_ACTOR } from '../../../ledger/index.ts';
import { type DatasetLoad, digestElection, recordLoads } from './datasets.ts';
import { Registry } from './registry.ts';
import {
  checkAreas,
  checkCandidates,
  checkDapil,
  checkPairs,
  checkParties,
  checkTpsTable,
} from './rules.ts';
import {
  CONTEST_IDS,
  type ElectionData,
  NO_DPRD_KABKOTA_PROVINCE,
  RegistryError,
  type RegistryIssue,
} from './schemas.ts';
import { refreshShared } from './shared.ts';
import {
  insertAreas,
  insertCandidates,
  insertDapil,
  insertPairs,
  insertParties,
  insertTpsTable,
  lockRegistry,
  registryIsEmpty,
} from './store.ts';

export interface LoadResult {
  loads: DatasetLoad[];
  /** Pending ids of the dataset entries (receipts' pendingId), in `loads` order. */
  pendingIds: number[];
}

/**
 * Every rule of rules.ts over a whole election, plus completeness: every TPS
 * has a ballot for each contest (four in Jakarta). Returns the problems found.
 */
export function checkElection(data: ElectionData): RegistryIssue[] {
  const issues = [...checkAreas(data.areas, [], undefined), ...checkTpsTable(data.tps, data.areas)];
  if (issues.length > 0) return issues;
  const areasOnly = Registry.fromData({ ...data, dapil: [], candidates: [] });
  issues.push(...checkDapil(data.dapil, areasOnly), ...checkParties(data.parties));
  if (issues.length > 0) return issues;
  const full = Registry.fromData(data);
  issues.push(...checkCandidates(data.candidates, full), ...checkPairs(data.pairs));
  for (const desa of data.tps.desa) {
    const first = full.children(desa)[0];
    if (first === undefined) continue;
    const expected = desa.startsWith(NO_DPRD_KABKOTA_PROVINCE) ? 4 : CONTEST_IDS.length;
    const held = full.contestsAt(first);
    if (held.length !== expected) {
      const missing = CONTEST_IDS.filter((c) => !held.includes(c));
      issues.push({ message: `desa ${desa} has no dapil for ${missing.join(', ')}` });
      if (issues.length >= 100) break;
    }
  }
  return issues;
}

/**
 * Stores `data` in an empty registry (refused otherwise: REGISTRY_NOT_EMPTY) and
 * appends its dataset entries in the same transaction.
 */
export async function loadElection(
  db: Db,
  data: ElectionData,
  opts: { actor?: EntryActor; at?: Date } = {},
): Promise<LoadResult> {
  const issues = checkElection(data);
  if (issues.length > 0) throw new RegistryError('INVALID_DATA', 'the election is invalid', issues);
  const loads = digestElection(data);
  const result = await db.transaction(async (tx) => {
    await lockRegistry(tx);
    if (!(await registryIsEmpty(tx)))
      throw new RegistryError('REGISTRY_NOT_EMPTY', 'the registry already holds an election');
    await insertAreas(tx, data.areas);
    await insertTpsTable(tx, data.tps);
    await insertDapil(tx, data.dapil);
    await insertParties(tx, data.parties);
    await insertCandidates(tx, data.candidates);
    await insertPairs(tx, data.pairs);
    const pendingIds = await recordLoads(tx, loads, opts.actor ?? SYSTEM_ACTOR, {
      ...(opts.at ? { at: opts.at } : {}),
    });
    return { loads, pendingIds };
  });
  await refreshShared(db);
  return result;
}
