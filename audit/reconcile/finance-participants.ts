/**
 * `finance_participants` (migration 015): a campaign account (RKDK), updated in
 * place — the row holds the latest version of `finance-account:<id>`, so an
 * entry of an older version is superseded and only the latest is compared.
 */
import { hex, type LoggedEntry, type TableReconciler } from './table.ts';

export const financeParticipants: TableReconciler = {
  table: 'finance_participants',
  holds: (kind) => kind === 'finance.account.registered' || kind === 'finance.account.changed',
  keys: [{ column: 'id', type: 'text' }],
  keyOf: (e) => [String(e.payload?.id)],
  versionColumns: 't.seq AS row_seq',
  versionOf: (k, r) => ({ subject: `finance-account:${k[0]}`, seq: Number(r?.row_seq) }),
  superseded: (e, r) => Number(r.seq) > e.seq,
  columnsSql:
    't.seq, t.name, t.kind, t.contest, t.area, t.filer, t.bank, t.account_number, t.account_holder, t.entry_hash',
  expected: (e: LoggedEntry) => {
    const account = (e.payload?.account ?? {}) as Record<string, unknown>;
    return {
      seq: e.seq,
      name: e.payload?.name,
      kind: e.payload?.kind,
      contest: e.payload?.contest,
      area: e.payload?.area,
      filer: e.payload?.filer,
      bank: account.bank,
      account_number: account.number,
      account_holder: account.holder,
      entry_hash: hex(e.leafHash),
    };
  },
  actual: (r) => ({
    seq: Number(r.seq),
    name: r.name,
    kind: r.kind,
    contest: r.contest,
    area: r.area,
    filer: r.filer,
    bank: r.bank,
    account_number: r.account_number,
    account_holder: r.account_holder,
    entry_hash: hex(r.entry_hash),
  }),
};
