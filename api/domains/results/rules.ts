/**
 * The rules of counting (DOMAIN.md application 8; issue #4), as pure functions
 * named for what they decide, each tested in rules.test.ts. The write definition
 * (definitions.ts), the recap publisher and the stored rows call these;
 * none of them restates a rule in SQL or in a storage hook (docs/rules.md).
 *
 * The arithmetic checks themselves are `checkForm` (forms/checks.ts); this module
 * decides what their outcome means.
 */
import { checkTurnout, type RegisterCheck } from '../../../ledger/verifier/voters/turnout.ts';
import type { Violation } from '../../write/ledgered-write.ts';
import type { Registry } from '../registry/index.ts';
import { CHECKS_VERSION, type CountForm, checkForm, type FailedCheck } from './forms/index.ts';

/**
 * The versions of a C.Hasil subject (`chasil:<contest>:<tps>`):
 *
 *   read       the machine reading of the photo (version 1 only), by the TPS's KPPS device;
 *   verified   the numbers the KPPS checked against the sheet: version 1, or
 *              version 2 right after a machine reading;
 *   corrected  a later version by PPK or above, with a reason and an optional case.
 */
export const FORM_STAGES = ['read', 'verified', 'corrected'] as const;
export type FormStage = (typeof FORM_STAGES)[number];

export const FORM_KINDS: Readonly<Record<FormStage, string>> = {
  read: 'results.chasil.read',
  verified: 'results.chasil.verified',
  corrected: 'results.chasil.corrected',
};

export const formSubject = (p: { contest: string; tps: string }) => `chasil:${p.contest}:${p.tps}`;

export type FormStatus = 'accepted' | 'flagged';

/**
 * Rule "a form that does not add up is flagged": a version failing any
 * arithmetic check is kept — it is evidence (2024 failure 1) — with status
 * `flagged` and exactly the checks it failed; otherwise it is `accepted`.
 */
export function formStatus(failed: readonly FailedCheck[]): FormStatus {
  return failed.length === 0 ? 'accepted' : 'flagged';
}

/** A form's status and failed checks, as stored with it and shown to observers. */
export function judgeForm(form: CountForm): {
  status: FormStatus;
  failed: FailedCheck[];
  checks: number;
} {
  // Judged by the current check set; its version is kept with the verdict so the
  // recap can tell observers which rules gave it (ledger/verifier/results/checks.ts).
  const failed = checkForm(form, CHECKS_VERSION);
  return { status: formStatus(failed), failed, checks: CHECKS_VERSION };
}

/**
 * Rule "machine readings never count": a photo reading is kept as its own signed
 * entry so a misread can be seen (2024 failure 1), but only numbers a person
 * signed — the KPPS's verification or a correction — reach the totals.
 */
export function countsTowardTotals(stage: FormStage): boolean {
  return stage !== 'read';
}

/** The stages whose versions the recapitulation reads (countsTowardTotals). */
export const COUNTED_STAGES: readonly FormStage[] = FORM_STAGES.filter(countsTowardTotals);

/**
 * Rule "the photo must exist": a form cites the SHA-256 of a photo uploaded
 * beforehand (PUT /v1/photos/<sha256>). The database checks it — the foreign key
 * `count_forms_photo_uploaded` (infra/db/migrations), in the write's own
 * transaction, so no upload can race it and no extra round trip is needed — and
 * this is the request's error when that check refuses a form.
 */
export const PHOTO_MUST_EXIST = {
  rule: 'photo-uploaded',
  constraint: 'count_forms_photo_uploaded',
  status: 422,
  code: 'PHOTO_NOT_UPLOADED',
  message: 'the form photo must be uploaded (PUT /v1/photos/<sha256>) before a form cites it',
} as const;

/**
 * Rule "a form cites only its own TPS's photo" (issue #10): a photo is the
 * evidence of one TPS's sheet, bound to the TPS it was uploaded for; a form of
 * another TPS citing it would publish numbers beside a photo that is not theirs.
 * Enforced by the foreign key `count_forms_photo_of_tps` on (photo, tps)
 * (infra/db/migrations/013_form_photo_of_tps.sql), inside the form's own insert.
 */
export const PHOTO_OF_TPS = {
  rule: 'photo-of-own-tps',
  constraint: 'count_forms_photo_of_tps',
  status: 422,
  code: 'PHOTO_OF_OTHER_TPS',
  message:
    'the form photo was uploaded for another TPS; a form may cite only the photo of its own TPS',
} as const;

/**
 * Rules of a subject's versions: the machine reading is version 1; the KPPS
 * verifies once (version 1, or 2 after a reading); a correction is version 2 or
 * later; only a correction cites a case. (Which kind may follow which is the
 * write definition's `after` state machine.)
 */
export function versionViolations(stage: FormStage, seq: number, p: CountForm): Violation[] {
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
    v.push({ rule: 'correction-is-new-version', message: 'a correction is version 2 or later' });
  if (stage !== 'corrected' && p.caseRef !== undefined)
    v.push({ rule: 'case-ref-on-corrections', message: 'only a correction cites a case' });
  return v;
}

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

/** A form version's verdict against the register, and the count entry that gave it. */
export type RegisterVerdict = RegisterCheck & {
  /** The TPS's `voters.count.computed` entry compared with: subject, version, leaf hash. */
  count: { subject: string; seq: number; entry: string };
};

/**
 * Rule "voters who voted ≤ DPT + DPTb + DPK of the TPS" (issue #11, the
 * election-day check of the register's public counts): once the TPS has a
 * published register count, every version of its form is judged against it
 * (ledger/verifier/voters/turnout.ts) and the verdict stored with the version
 * (`count_forms.register_check`) and shown in its history.
 *
 * A form over the register is **flagged for review, not refused and not kept
 * out of totals**: the signed sheet is evidence whatever it says (2024 failure
 * 1), and the recap's status is the form's own arithmetic, which the observer's
 * recap verifier recomputes from the form alone (../../../ledger/verifier/results/
 * checks.ts); the register may also lag the day (a DPK voter is registered by
 * voting). The verdict names the count entry, so anyone can recompute it from the
 * two log entries. Null when the TPS has no published count.
 */
export function registerCheck(
  form: CountForm,
  count: { subject: string; seq: number; entry: string; lists: Record<string, number> } | null,
): RegisterVerdict | null {
  if (count === null) return null;
  return {
    ...checkTurnout(form.voters.voted, count.lists),
    count: { subject: count.subject, seq: count.seq, entry: count.entry },
  };
}
