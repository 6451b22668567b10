/**
 * The stage gate as of now: the evidence it reads (the latest audit and
 * feasibility reports for the stage, the open findings) and the reasons
 * (rules.ts) it gives. Read again inside the deciding transaction, under the
 * audit lock, so that a decision is never taken on evidence that changed.
 */
import type { Sql } from '../../../ledger/index.ts';
import { type GateReason, gateReasons } from './rules.ts';
import { latestEvidence, openFindings } from './store.ts';

export interface GateState {
  reasons: GateReason[];
  evidence: { audit: string | null; feasibility: string | null; openFindings: string[] };
}

export async function evaluateGate(
  sql: Sql,
  stage: string,
  now: number,
  maxAgeSeconds: number,
): Promise<GateState> {
  const [audit, feasibility, open] = [
    await latestEvidence(sql, 'audit', stage),
    await latestEvidence(sql, 'feasibility', stage),
    await openFindings(sql),
  ];
  const openIds = open.map((f) => f.id);
  return {
    reasons: gateReasons({ audit, feasibility, openFindings: openIds, now, maxAgeSeconds }),
    evidence: {
      audit: audit?.id ?? null,
      feasibility: feasibility?.id ?? null,
      openFindings: openIds,
    },
  };
}

/** Two evaluations decide alike when they read the same evidence and give the same reasons. */
export const sameGate = (a: GateState, b: GateState) => JSON.stringify(a) === JSON.stringify(b);
