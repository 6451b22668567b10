/**
 * The versions the demo writes for one contest at one TPS, in order — a pure
 * function of the TPS, its place in the seeding order and its ballot, so that
 * every seeder (a rerun, a second one at the same time, the server's start-up)
 * plans exactly the same versions, and resuming is reading how many exist and
 * writing the rest.
 *
 * The story (./plan.ts): at every third TPS a machine reading first (half of
 * them misread), then the KPPS-verified numbers; at one TPS in ten the
 * KPPS-verified form misreads a digit, is kept flagged, and the PPK of the
 * kecamatan corrects it.
 */
import { createHash } from 'node:crypto';
import type { Ballot } from '../domains/registry/index.ts';
import type { Contest, CountForm } from '../domains/results/forms/index.ts';
import type { FormStage } from '../domains/results/rules.ts';
import { consistentForm } from '../domains/results/testing.ts';
import { misread, type TpsScript } from './plan.ts';
import { demoVotes } from './votes.ts';

export interface FormStep {
  stage: FormStage;
  /** Who signs it: the TPS's KPPS, or the PPK of its kecamatan. */
  role: 'KPPS' | 'PPK';
  area: string;
  form: CountForm;
  /** Required for every version after the first. */
  reason?: string;
  /** This version fails the arithmetic checks on purpose (a misread digit). */
  flagged: boolean;
  /** For a machine reading that misread, and for a correction: what was misread. */
  misread?: { choice: string; right: number; read: number };
  /** A correction citing a case (Bawaslu register number). */
  caseRef?: string;
}

export interface StepInput {
  tps: string;
  /** The TPS's place in the seeding order (0 = the demo TPS). */
  ordinal: number;
  contest: Contest;
  ballot: Ballot;
  dpt: number;
  script: TpsScript;
  /** SHA-256 (hex) of the form's photo. */
  photo: string;
}

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** A stable seed for a form's figures: the same TPS and contest give the same numbers. */
const figureSeed = (tps: string, contest: string) =>
  Number.parseInt(hex(`${tps}:${contest}`).slice(0, 8), 16);

/** The true figures of the C.Hasil sheet: they add up, with plausible votes. */
export function trueForm(i: StepInput): CountForm {
  const figures = consistentForm(
    i.contest,
    i.tps,
    i.ballot,
    i.dpt,
    i.photo,
    figureSeed(i.tps, i.contest),
  );
  return {
    ...figures,
    votes: demoVotes(i.ballot.choices, figures.valid, figureSeed(i.contest, i.tps)),
  };
}

/** Every version of the contest's form at the TPS, version 1 first. */
export function formSteps(i: StepInput): FormStep[] {
  const { tps, script, contest } = i;
  const truth = trueForm(i);
  const steps: FormStep[] = [];
  let reason: string | undefined;
  if (script.reading) {
    const wrong = script.readingMisread ? misread(truth) : null;
    steps.push({
      stage: 'read',
      role: 'KPPS',
      area: tps,
      form: wrong?.form ?? truth,
      flagged: wrong !== null,
      ...(wrong ? { misread: { choice: wrong.choice, right: wrong.right, read: wrong.read } } : {}),
    });
    reason = wrong
      ? `machine reading took ${wrong.read} for ${wrong.right} (choice ${wrong.choice}); checked against the C.Hasil sheet`
      : 'machine reading checked against the C.Hasil sheet';
  }
  const bad = script.flaggedContest === contest ? misread(truth) : null;
  steps.push({
    stage: 'verified',
    role: 'KPPS',
    area: tps,
    form: bad?.form ?? truth,
    flagged: bad !== null,
    ...(reason ? { reason } : {}),
  });
  if (bad) {
    const kecamatan = tps.slice(0, 6);
    const caseRef = script.caseRef
      ? `${String(i.ordinal).padStart(3, '0')}/Reg/LP/PL/Kec/${kecamatan}/02/2024`
      : undefined;
    steps.push({
      stage: 'corrected',
      role: 'PPK',
      area: kecamatan,
      form: caseRef ? { ...truth, caseRef } : truth,
      flagged: false,
      reason: `recount at PPK ${kecamatan}: choice ${bad.choice} has ${bad.right} votes; the KPPS form read ${bad.read} (a "${bad.digits[0]}" taken for "${bad.digits[1]}")`,
      misread: { choice: bad.choice, right: bad.right, read: bad.read },
      ...(caseRef ? { caseRef } : {}),
    });
  }
  return steps;
}

/** A version as the public history shows it (GET /v1/results/{c}/tps/{tps}). */
export interface SeenVersion {
  seq: number;
  stage: string;
  status: string;
}

/**
 * A contest at a TPS is counted once its latest version is verified or
 * corrected and accepted: machine readings never count, flagged forms are left
 * out of the totals until corrected (../forms/README.md).
 */
export function isCounted(versions: readonly SeenVersion[]): boolean {
  const last = versions.at(-1);
  return last !== undefined && last.stage !== 'read' && last.status === 'accepted';
}
