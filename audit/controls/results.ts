/**
 * Control 3, results recomputed (issue #13): "every recap recomputed from the
 * forms in the log alone, independently of the database's recap tables, and
 * compared with what was published; flagged forms listed with their
 * corrections".
 *
 * Control 1's pass over the verified log notes every count-form version and
 * every published recap (../recount/in-log.ts), so nothing is read twice and
 * the database is not read at all. Here every area's totals are rebuilt, per
 * contest, from each TPS's latest counted form (verified or corrected; machine
 * readings never count) — TPS → desa/kelurahan → kecamatan → kab/kota →
 * provinsi → nation, with the observer's arithmetic (../recount/rebuild.ts) —
 * and compared with the latest recap the log publishes for that area. The
 * first differing areas are named, deepest first (where a difference starts);
 * a recap that lists an older version of a TPS's form than the log's latest is
 * named too. Flagged forms (the arithmetic checks recomputed) are listed with
 * the versions that corrected them.
 */
import { recount } from '../recount/rebuild.ts';
import type { AuditContext, Control, ControlOutcome, Finding } from '../types.ts';

export const results: Control = {
  id: 'results',
  title: { id: 'Hasil dihitung ulang dari log', en: 'Results recomputed from the log' },
  severity: 'critical',
  run,
};

/** Flagged forms listed in the evidence at most (the count is always given). */
const MAX_FLAGGED_LISTED = 200;

async function run(ctx: AuditContext): Promise<ControlOutcome> {
  const log = ctx.published?.results;
  if (!log)
    return {
      status: 'skip',
      summary: 'the log was not verified: there is no log to recompute from',
      findings: [],
      evidence: {},
    };
  const findings: Finding[] = [];
  const stats = recount(log, findings);
  const flagged: {
    form: string;
    seq: number;
    corrections: { seq: number; kind: string; reason: string | null; status?: string }[];
  }[] = [];
  let flaggedTotal = 0;
  for (const [subject, versions] of [...log.forms].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const sorted = [...versions].sort((a, b) => a.seq - b.seq);
    for (const v of sorted) {
      if (v.status !== 'flagged') continue;
      flaggedTotal++;
      if (flagged.length < MAX_FLAGGED_LISTED)
        flagged.push({
          form: subject,
          seq: v.seq,
          corrections: sorted
            .filter((c) => c.seq > v.seq)
            .map((c) => ({
              seq: c.seq,
              kind: c.kind,
              reason: c.reason,
              ...(c.status ? { status: c.status } : {}),
            })),
        });
    }
  }
  const nation: Record<string, unknown> = {};
  for (const [contest, areas] of log.recaps) {
    const n = areas.get('ID');
    if (n) nation[contest] = { valid: n.valid, invalid: n.invalid, votes: n.votes, tps: n.tps };
  }
  const evidence = {
    formsInLog: log.forms.size,
    ...stats,
    flaggedForms: flaggedTotal,
    flagged,
    nation,
  };
  return {
    status: findings.length ? 'fail' : 'pass',
    summary: findings.length
      ? `${findings.length} findings (${[...new Set(findings.map((f) => f.code))].join(', ')}); the first: ${findings[0]!.record}`
      : `${stats.areasCompared} area recaps in ${stats.contests} contests rebuilt from ${stats.tpsCounted} TPS forms in the log, up to the nation: each equals what was published; ${flaggedTotal} flagged form versions`,
    findings,
    evidence,
  };
}
