/**
 * Building signed count forms as a KPPS device does — for tests, the write fuzzer
 * and the demo seeder. Real Ed25519 signatures over the real submission message;
 * nothing here is a stand-in.
 */
import { type KeyObject, sign } from 'node:crypto';
import type { JsonObject } from '../../../ledger/index.ts';
import { submissionMessage } from '../../write/device-signature.ts';
import type { Ballot, ContestId } from '../registry/index.ts';
import type { CountForm } from './forms/index.ts';
import { FORM_KINDS, type FormStage, formSubject } from './rules.ts';

export interface SigningDevice {
  privateKey: KeyObject;
  keyB64: string;
}

/** The request body of a count-form write, signed by the device. */
export function signedForm(
  device: SigningDevice,
  stage: FormStage,
  form: CountForm,
  seq: number,
  reason?: string,
): JsonObject {
  const kind = FORM_KINDS[stage];
  const subject = formSubject(form);
  const msg = submissionMessage({ kind, subject, seq, payload: form, reason });
  return {
    subject,
    seq,
    payload: form,
    ...(reason === undefined ? {} : { reason }),
    device: { key: device.keyB64, sig: sign(null, msg, device.privateKey).toString('base64') },
  };
}

/**
 * A form that adds up, for a ballot: `voters` of `dpt` registered voted, votes
 * spread over the choices by a deterministic pseudo-random `seed`.
 */
export function consistentForm(
  contest: ContestId,
  tps: string,
  ballot: Ballot,
  dpt: number,
  photo: string,
  seed: number,
): CountForm {
  let x = (seed * 2654435761) >>> 0 || 1;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const dptb = Math.floor(rnd() * 4);
  const dpk = Math.floor(rnd() * 3);
  const votedDpt = Math.floor(dpt * (0.7 + rnd() * 0.25));
  const voted = votedDpt + dptb + dpk;
  const invalid = Math.floor(voted * 0.02 * rnd());
  const valid = voted - invalid;
  // Not every choice gets votes at every TPS (a DPR ballot has ~200).
  const ids = ballot.choices.map((c) => c.id).filter((_, i) => i < 4 || rnd() < 0.3);
  const weights = ids.map(() => rnd() + 0.05);
  const total = weights.reduce((a, b) => a + b, 0);
  const votes: Record<string, number> = {};
  let given = 0;
  let top = 0;
  ids.forEach((id, i) => {
    votes[id] = Math.floor((valid * weights[i]!) / total);
    given += votes[id];
    if (weights[i]! > weights[top]!) top = i;
  });
  // The rounding remainder goes to the strongest choice, not always the last one.
  votes[ids[top]!]! += valid - given;
  const spoiled = Math.floor(rnd() * 3);
  const received = Math.max(dpt + Math.ceil(dpt * 0.02), voted + spoiled);
  return {
    tps,
    contest,
    voters: {
      registered: { dpt, dptb, dpk },
      voted: { dpt: votedDpt, dptb, dpk },
    },
    ballots: { received, used: voted, unused: received - voted - spoiled, spoiled },
    votes,
    valid,
    invalid,
    photo,
  };
}
