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
 * Every version runs the arithmetic checks (forms/checks.ts). A version that
 * fails them is stored all the same — it is evidence — with status `flagged` and
 * the exact failed checks, and the recapitulation leaves it out until a correction
 * passes. Bad input is refused before anything is stored: an unknown TPS, a
 * contest not held there, a choice not on that ballot (422), a photo never
 * uploaded (422, checked by the database's foreign key), a replay (409).
 * Once the TPS has a published voter-register count, each version is also judged
 * against it ("voters who voted ≤ DPT + DPTb + DPK", rules.ts registerCheck):
 * the verdict is stored beside the version, never a refusal.
 * The rules themselves are in rules.ts and the row in store.ts; this file wires
 * them into the write path.
 */
import type { WriteDefinition } from '../../write/ledgered-write.ts';
import type { Registry } from '../registry/index.ts';
import { tpsRegisterCount } from '../voters/index.ts';
import type { CountForm } from './forms/index.ts';
import {
  ballotViolations,
  FORM_KINDS,
  type FormStage,
  formSubject,
  PHOTO_MUST_EXIST,
  PHOTO_OF_TPS,
  registerCheck,
  versionViolations,
} from './rules.ts';
import { COUNT_FORM_SCHEMA } from './schemas.ts';
import { countFormRow, insertRegisterCheck } from './store.ts';

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
    rules: (p, seq) => [...versionViolations(stage, seq, p), ...ballotViolations(registry, p)],
    constraints: {
      [PHOTO_MUST_EXIST.constraint]: {
        status: PHOTO_MUST_EXIST.status,
        code: PHOTO_MUST_EXIST.code,
        message: PHOTO_MUST_EXIST.message,
      },
      [PHOTO_OF_TPS.constraint]: {
        status: PHOTO_OF_TPS.status,
        code: PHOTO_OF_TPS.code,
        message: PHOTO_OF_TPS.message,
      },
    },
    rows: (w) => [countFormRow(w, stage)],
    // After the form's row (the verdict's foreign key): the register count is read
    // in the write's own transaction; a TPS without one costs this one indexed read.
    async apply(tx, w) {
      const verdict = registerCheck(w.payload, await tpsRegisterCount(tx, w.payload.tps));
      if (verdict !== null) await insertRegisterCheck(tx, w, verdict);
    },
  };
}
