/**
 * `voter_changes` (migration 014): the public facts and the commitment of each
 * version of a voter's record — never personal data, which only the sealed
 * `voters` columns hold (control 6 looks at those).
 */
import { hex, type LoggedEntry, SUBJECT_KEYS, type TableReconciler } from './table.ts';

export const voterChanges: TableReconciler = {
  table: 'voter_changes',
  holds: (kind) => kind.startsWith('voters.voter.'),
  ...SUBJECT_KEYS,
  columnsSql: 't.tps, t.list, t.change, t.reason_code, t.commitment, t.entry_hash',
  expected: (e: LoggedEntry) => {
    const p = e.payload ?? e.public ?? {};
    const commitment = (p.commitment as string | undefined) ?? e.commitment;
    return {
      tps: p.tps,
      list: p.list,
      change: p.change,
      reason_code: p.reason ?? null,
      commitment: commitment ? Buffer.from(commitment, 'base64').toString('hex') : null,
      entry_hash: hex(e.leafHash),
    };
  },
  actual: (r) => ({
    tps: r.tps,
    list: r.list,
    change: r.change,
    reason_code: r.reason_code ?? null,
    commitment: hex(r.commitment),
    entry_hash: hex(r.entry_hash),
  }),
};
