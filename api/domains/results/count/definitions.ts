/**
 * Count forms (C.Hasil) on the ledgered write path (issue #4, DOMAIN.md
 * application 8). One subject per TPS and contest, `chasil:<contest>:<tps>`, whose
 * versions are separate signed entries that are never overwritten (2024 failures 1
 * and 2):
 *
 *   results.chasil.read       the machine reading of the photo (version 1 only),
 *                             by the TPS's KPPS device;
 *   results.chasil.verified   the numbers the KPPS checked against the sheet:
 *                             version 1, or version 2 right after a machine reading
 *                             (then, like every later version, with a reason);
 *   results.chasil.corrected  a later version by PPK or above, with a reason and an
 *                             optional case reference (policy `results.correct`).
 *
 * Every version runs the arithmetic checks (../forms/checks.ts). A version that
 * fails them is stored all the same — it is evidence — with status `flagged` and
 * the exact failed checks, and the recapitulation leaves it out until a correction
 * passes. Bad input is refused before anything is stored: an unknown TPS, a
 * contest not held there, a choice not on that ballot (422), a photo never
 * uploaded or uploaded for another TPS (422, ../forms/photo-rules.ts; the
 * database's foreign key backs the first), a replay (409).
 */
import type { Violation, WriteDefinition } from '../../../write/ledgered-write.ts';
import { photoBinding } from '../../photos/index.ts';
import type { Registry } from '../../registry/index.ts';
import { COUNT_FORM_SCHEMA, type CountForm, checkForm, photoBelongsToTps } from '../forms/index.ts';

export const FORM_KINDS = {
  read: 'results.chasil.read',
  verified: 'results.chasil.verified',
  corrected: 'results.chasil.corrected',
} as const;
export type FormStage = keyof typeof FORM_KINDS;

export const formSubject = (p: { contest: string; tps: string }) => `chasil:${p.contest}:${p.tps}`;

/** The choices a form names that its TPS's ballot for that contest does not have. */
export function ballotViolations(registry: Registry, p: CountForm): Violation[] {
  const ballot = registry.ballotFor(p.contest, p.tps);
  if (ballot === null)
    return [
      registry.hasTps(p.tps)
        ? { rule: 'contest-held', message: `${p.contest} is not contested at TPS ${p.tps}` }
        : { rule: 'known-tps', message: `TPS ${p.tps} is not in the registry` },
    ];
  const unknown = Object.keys(p.votes).filter((id) => !ballot.choiceIds.has(id));
  return unknown.length === 0
    ? []
    : [
        {
          rule: 'choice-on-ballot',
          message: `not on the ${p.contest} ballot at TPS ${p.tps}: ${unknown.slice(0, 10).join(', ')}`,
        },
      ];
}

export function countFormDefinition(
  stage: FormStage,
  registry: Registry,
): WriteDefinition<CountForm> {
  return {
    kind: FORM_KINDS[stage],
    action:
      stage === 'read'
        ? 'results.read_machine'
        : stage === 'verified'
          ? 'results.submit'
          : 'results.correct',
    payloadSchema: COUNT_FORM_SCHEMA,
    resource: (p) => ({ type: 'Area', code: p.tps }),
    deviceSigned: true,
    subjectMatches: (subject, p) => subject === formSubject(p),
    ...(stage === 'verified'
      ? { after: [FORM_KINDS.read] }
      : stage === 'corrected'
        ? { after: Object.values(FORM_KINDS) }
        : {}),
    rules(p, seq) {
      const v: Violation[] = [];
      if (stage === 'read' && seq !== 1)
        v.push({ rule: 'read-first', message: 'the machine reading is version 1' });
      if (stage === 'verified' && seq > 2)
        v.push({
          rule: 'verify-once',
          message:
            'the KPPS verifies once (version 1, or 2 after a machine reading); later changes are corrections',
        });
      if (stage === 'corrected' && seq < 2)
        v.push({
          rule: 'correction-is-new-version',
          message: 'a correction is version 2 or later',
        });
      if (stage !== 'corrected' && p.caseRef !== undefined)
        v.push({ rule: 'case-ref-on-corrections', message: 'only a correction cites a case' });
      v.push(...ballotViolations(registry, p));
      return v;
    },
    // A photo's binding never changes once stored, so it is read before the
    // shared transaction (issue #10: a form may cite only its own TPS's photo).
    storedRules: async (db, p) => photoBelongsToTps(await photoBinding(db, p.photo), p),
    constraints: {
      count_forms_photo_uploaded: {
        status: 422,
        code: 'PHOTO_NOT_UPLOADED',
        message: 'the form photo must be uploaded (PUT /v1/photos/<sha256>) before a form cites it',
      },
    },
    rows(w) {
      const failed = checkForm(w.payload);
      return [
        {
          table: 'count_forms',
          values: {
            subject: w.subject,
            seq: w.seq,
            contest: w.payload.contest,
            tps: w.payload.tps,
            stage,
            status: failed.length === 0 ? 'accepted' : 'flagged',
            failed_checks: failed,
            form: w.payload,
            photo: Buffer.from(w.payload.photo, 'hex'),
            officer_id: w.principal.id,
            reason: w.reason ?? null,
            entry_hash: w.entryHash,
            pending_id: w.pendingId,
          },
        },
      ];
    },
  };
}
