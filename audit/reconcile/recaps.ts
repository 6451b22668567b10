/**
 * `recaps` (migrations 008, 009): every published recap version of an area; the
 * row keeps the entry's payload without its children and choices (`totals`).
 */
import { hex, json, type LoggedEntry, type TableReconciler } from './table.ts';

export const recaps: TableReconciler = {
  table: 'recaps',
  holds: (kind) => kind === 'results.recap.computed',
  keys: [
    { column: 'contest', type: 'text' },
    { column: 'area', type: 'text' },
    { column: 'seq', type: 'int4' },
  ],
  keyOf: (e) => [String(e.payload?.contest), String(e.payload?.area), e.seq],
  // recapSubject (api/domains/results/recap/publisher.ts)
  versionOf: (k) => ({ subject: `recap:${k[0]}:${k[1]}`, seq: Number(k[2]) }),
  columnsSql: 't.contest, t.area, t.level, t.totals, t.entry_hash',
  expected: (e: LoggedEntry) => {
    const { children: _c, choices: _s, ...totals } = e.payload ?? {};
    return {
      contest: e.payload?.contest,
      area: e.payload?.area,
      level: e.payload?.level,
      totals: json(totals),
      entry_hash: hex(e.leafHash),
    };
  },
  actual: (r) => ({
    contest: r.contest,
    area: r.area,
    level: r.level,
    totals: json(r.totals),
    entry_hash: hex(r.entry_hash),
  }),
};
