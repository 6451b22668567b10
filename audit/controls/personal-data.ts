/**
 * Control 6, personal data (issue #13; UU 27/2022 on personal data protection):
 * people are sampled from every private-data source (../personal-data/: voters,
 * campaign-finance donors) by re-deriving them from the private tables through
 * the key service, as the application unseals them, and every spelling of
 * their NIK, identity number, name and birth date (../personal-data/needles.ts)
 * is searched for
 *  - in every entry of the log (streamed in batches through LogReader; control
 *    2 shows those bytes are the published ones), and
 *  - in every public endpoint's answer (../personal-data/endpoints.ts): the
 *    portal, the public /v1 reads, the CSV exports, the log's tiles and
 *    checkpoint.
 * A hit names where (log entry, or route and character offset), the private
 * record, the field and its format, and a fingerprint keyed for this run —
 * never the value.
 */
import { crawlPublic } from '../personal-data/endpoints.ts';
import { type Hit, Matcher, needlesOf, SOURCES } from '../personal-data/index.ts';
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
/** Findings listed per place and in all: one leak repeated everywhere is still read. */
const MAX_FINDINGS = 200;

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
  const needles = people.flatMap(needlesOf);
  const matcher = new Matcher(needles);
  const findings: Finding[] = [];
  let hits = 0;
  const report = (code: string, record: string, found: Hit[]) => {
    hits += found.length;
    const distinct = new Map(found.map((h) => [`${h.needle.fingerprint}|${h.needle.format}`, h]));
    for (const h of distinct.values()) {
      if (findings.length >= MAX_FINDINGS) return;
      findings.push({
        code,
        record,
        message: `holds the ${h.needle.field} (${h.needle.format}, fingerprint ${h.needle.fingerprint}) of ${h.needle.record} in clear, at character ${h.offset}`,
      });
    }
  };

  // The log, every entry.
  const size = ctx.published?.size ?? (await ctx.reader.integratedSize());
  const decoder = new TextDecoder();
  for (let from = 0; from < size && matcher.size > 0; from += BATCH) {
    const positions = await ctx.reader.integratedBetween(from, Math.min(size, from + BATCH));
    const entries = await ctx.reader.pendingEntries(positions.map((p) => p.pendingId));
    for (const { index, pendingId } of positions) {
      const bytes = entries.get(pendingId)?.entry;
      if (!bytes) continue;
      const found = matcher.find(decoder.decode(bytes));
      if (found.length) report('PERSONAL_DATA_IN_LOG', `log entry ${index}`, found);
    }
  }

  // The public endpoints.
  const crawl = await crawlPublic({
    http: ctx.http,
    db: ctx.db,
    logSize: size,
    scan: (path, text) => {
      const found = matcher.find(text);
      if (found.length) report('PERSONAL_DATA_IN_PUBLIC_ENDPOINT', `GET ${path}`, found);
    },
  });

  const fields: Record<string, number> = {};
  for (const n of needles) fields[n.field] = (fields[n.field] ?? 0) + 1;
  return {
    status: findings.length ? 'fail' : 'pass',
    summary: findings.length
      ? `personal data in clear: ${findings.length} findings (${hits} occurrences) in the log or public endpoints`
      : `${people.length} people sampled from ${SOURCES.length} private sources; none of their NIK, identity number, name or birth date spellings is in any of ${size} log entries or ${crawl.requests} public responses`,
    findings,
    evidence: {
      sampled,
      spellingsSearched: needles.length,
      spellingsByField: fields,
      entriesScanned: size,
      publicResponsesScanned: crawl.requests,
      publicBytesScanned: crawl.bytes,
      publicRoutes: crawl.routes,
      publicRoutesNotReached: crawl.publicRoutesNotReached,
      crawlBudgetExhausted: crawl.budgetExhausted,
      occurrences: hits,
      notSearched:
        'DDMMYY alone (it is digits 7–12 of the NIK, which is searched; alone it matches counts and amounts); values split inside a number or encoded (percent, base64)',
    },
  };
}
