/** The demo seeder's report as the lines `saksi demo seed` and `saksi serve --demo` print. */
import type { SeedReport } from './report.ts';

const n = (x: number) => x.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function summaryLines(r: SeedReport): string[] {
  const lines = [
    `seeded ${n(r.tps)} TPS${r.skipped ? ` (${n(r.skipped)} passed over: already complete)` : ''}: ` +
      `${n(r.forms)} signed count forms — ${n(r.readings)} machine readings (${n(r.misreadReadings)} misread), ` +
      `${n(r.verified)} KPPS-verified (${n(r.flagged)} flagged), ${n(r.corrected)} PPK corrections ` +
      `(${n(r.corrections.filter((c) => c.caseRef).length)} citing a case); ${n(r.photos)} photos, ${n(r.devices)} devices`,
    `submitted in ${s(r.submitMs)} (${n(r.requests)} requests, ${(r.forms / Math.max(r.submitMs / 1000, 0.001)).toFixed(0)} forms/s); ` +
      `counted nationally after ${s(r.elapsedMs)}; log size ${n(r.checkpointSize)}`,
  ];
  if (r.leftAlone.length > 0)
    lines.push(
      `left alone: ${r.leftAlone
        .slice(0, 5)
        .map((f) => `${f.contest} at TPS ${f.tps}`)
        .join(
          ', ',
        )}${r.leftAlone.length > 5 ? ` and ${r.leftAlone.length - 5} more` : ''} — versions the demo did not write, not counted`,
    );
  for (const t of r.national) {
    const total = t.votes.reduce((a, v) => a + v.votes, 0);
    const top = t.contest === 'PPWP' ? t.votes : t.votes.slice(0, 3);
    const shown = top
      .map((v) => {
        const pct = total > 0 ? ` (${((100 * v.votes) / total).toFixed(1)}%)` : '';
        return `${v.id}${v.name ? ` ${v.name}` : ''} ${n(v.votes)}${pct}`;
      })
      .join(', ');
    // The national DPD recap has no per-candidate rows (candidates stand per province).
    const votes = shown ? `; ${t.contest === 'PPWP' ? '' : 'leading: '}${shown}` : '';
    lines.push(
      `${t.contest} national: ${n(t.accepted)} TPS accepted, ${n(t.flagged)} flagged; valid ${n(t.valid)}, invalid ${n(t.invalid)}${votes} (recap entry ${t.recapIndex})`,
    );
  }
  return lines;
}
