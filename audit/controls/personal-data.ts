/**
 * Control 6, personal data (issue #13; UU 27/2022 on personal data protection):
 * people are sampled from every private-data source (../personal-data/) by
 * re-deriving them from the private tables through the key service, and every
 * spelling of their NIK, name and birth date is searched for in every entry of
 * the log (streamed in batches through LogReader; control 2 shows those bytes
 * are the published ones). A hit names the log entry and the private record,
 * never the data found.
 */
import { SOURCES } from '../personal-data/index.ts';
import type { Person } from '../personal-data/source.ts';
import type { AuditContext, Control, ControlOutcome, Finding } from '../types.ts';

export const personalData: Control = {
  id: 'personal-data',
  title: { id: 'Data pribadi', en: 'Personal data' },
  severity: 'critical',
  run,
};

/** People sampled per source. */
export const SAMPLE = 50;
const BATCH = 2048;

async function run(ctx: AuditContext): Promise<ControlOutcome> {
  if (!ctx.db || !ctx.reader || !ctx.keys)
    return {
      status: 'skip',
      summary: 'needs the database and the key service to re-derive people from the private tables',
      findings: [],
      evidence: {},
    };
  const people: Person[] = [];
  const sampled: Record<string, number> = {};
  for (const source of SOURCES) {
    const some = await source.sample(ctx.db, ctx.keys, SAMPLE);
    sampled[source.name] = some.length;
    people.push(...some);
  }
  const needles = people.flatMap((p) =>
    p.spellings.filter((s) => s.length >= 4).map((s) => ({ s, record: p.record })),
  );
  const findings: Finding[] = [];
  const size = ctx.published?.size ?? (await ctx.reader.integratedSize());
  const decoder = new TextDecoder();
  for (let from = 0; from < size && needles.length > 0; from += BATCH) {
    const positions = await ctx.reader.integratedBetween(from, Math.min(size, from + BATCH));
    const entries = await ctx.reader.pendingEntries(positions.map((p) => p.pendingId));
    for (const { index, pendingId } of positions) {
      const bytes = entries.get(pendingId)?.entry;
      if (!bytes) continue;
      const text = decoder.decode(bytes);
      for (const n of needles)
        if (text.includes(n.s))
          findings.push({
            code: 'PERSONAL_DATA_IN_LOG',
            record: `log entry ${index}`,
            message: `holds personal data of ${n.record} in clear`,
          });
    }
  }
  return {
    status: findings.length ? 'fail' : 'pass',
    summary: findings.length
      ? `${findings.length} log entries hold personal data in clear`
      : `${people.length} people sampled from ${SOURCES.length} private sources; none of their NIK, name or birth date spellings is in any of ${size} log entries`,
    findings,
    evidence: {
      sampled,
      spellingsSearched: needles.length,
      entriesScanned: size,
      publicEndpoints:
        'not scanned by this control yet (api/domains/voters/leak.test.ts covers them in CI)',
    },
  };
}
