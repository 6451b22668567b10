/**
 * Election-day reports from a TPS (DOMAIN.md application 7): the KPPS records the
 * opening and closing of the station, incidents, and objections (form C2 "kejadian
 * khusus dan/atau keberatan"), each signed by the KPPS device and ledgered. A
 * correction is a new version with a reason, by a PPK or above (policy
 * `results.correct`): the first version stays visible in the log.
 */
import type { JsonObject } from '../../../ledger/index.ts';
import { publicText } from '../../public-text.ts';
import type { Violation, WriteDefinition } from '../../write/ledgered-write.ts';

export const REPORT_TYPES = ['opened', 'closed', 'incident', 'objection'] as const;

export interface TpsReportPayload extends JsonObject {
  tps: string;
  /** The device's own reference for the report, unique per TPS (e.g. "c2-1"). */
  ref: string;
  type: (typeof REPORT_TYPES)[number];
  occurredAt: string;
  description: string;
}

/** `tps-report:<13-digit TPS code>:<ref>` */
export const reportSubject = (p: { tps: string; ref: string }) => `tps-report:${p.tps}:${p.ref}`;

export const PAYLOAD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tps', 'ref', 'type', 'occurredAt', 'description'],
  properties: {
    tps: {
      type: 'string',
      pattern: '^[0-9]{13}$',
      description: 'desa code (10 digits) + TPS number (3 digits)',
    },
    ref: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
    type: { enum: [...REPORT_TYPES] },
    occurredAt: { type: 'string', format: 'date-time' },
    description: publicText({ minLength: 1, maxLength: 2000 }),
  },
};

/** Pure rules: election day happens once, and not in the future. */
export function reportRules(p: TpsReportPayload, now = Date.now()): Violation[] {
  const v: Violation[] = [];
  const t = Date.parse(p.occurredAt);
  if (!Number.isFinite(t)) v.push({ rule: 'occurred-at', message: 'occurredAt is not a date' });
  else if (t > now + 5 * 60_000)
    v.push({ rule: 'not-in-future', message: 'occurredAt is in the future' });
  if ((p.type === 'opened' || p.type === 'closed') && p.ref !== p.type)
    v.push({
      rule: 'one-opening-one-closing',
      message: `a TPS is ${p.type} once: use ref "${p.type}"`,
    });
  return v;
}

function definition(correction: boolean): WriteDefinition<TpsReportPayload> {
  return {
    kind: correction ? 'tps.report.corrected' : 'tps.report.submitted',
    action: correction ? 'results.correct' : 'results.submit',
    payloadSchema: PAYLOAD_SCHEMA,
    resource: (p) => ({ type: 'Area', code: p.tps }),
    deviceSigned: true,
    subjectMatches: (subject, p) => subject === reportSubject(p),
    rules(p, seq) {
      const v = reportRules(p);
      if (correction && seq < 2)
        v.push({
          rule: 'correction-is-new-version',
          message: 'a correction is version 2 or later',
        });
      if (!correction && seq !== 1)
        v.push({
          rule: 'submit-once',
          message: 'submit version 1; later versions are corrections',
        });
      return v;
    },
    rows: (w) => [
      {
        table: 'tps_reports',
        values: {
          subject: w.subject,
          seq: w.seq,
          tps: w.payload.tps,
          type: w.payload.type,
          occurred_at: w.payload.occurredAt,
          description: w.payload.description,
          officer_id: w.principal.id,
          entry_hash: w.entryHash,
        },
      },
    ],
  };
}

export const submitReport = definition(false);
export const correctReport = definition(true);
