/**
 * The rules of election-day reports from a TPS (DOMAIN.md application 7): the KPPS records the
 * opening and closing of the station, incidents, and objections (form C2 "kejadian
 * khusus dan/atau keberatan"), each signed by the KPPS device and ledgered. A
 * correction is a new version with a reason, by a PPK or above (policy
 * `results.correct`): the first version stays visible in the log.
 */
import type { Violation } from '../../write/ledgered-write.ts';
import type { TpsReportPayload } from './schemas.ts';

/** `tps-report:<13-digit TPS code>:<ref>` */
export const reportSubject = (p: { tps: string; ref: string }) => `tps-report:${p.tps}:${p.ref}`;

/** Election day happens once, and not in the future; a TPS opens and closes once. */
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

/** A report is submitted as version 1; every later version is a correction. */
export function versionRules(correction: boolean, seq: number): Violation[] {
  if (correction && seq < 2)
    return [{ rule: 'correction-is-new-version', message: 'a correction is version 2 or later' }];
  if (!correction && seq !== 1)
    return [{ rule: 'submit-once', message: 'submit version 1; later versions are corrections' }];
  return [];
}
