/**
 * One version of a voter record: a fresh random salt, the commitment the log
 * carries (ledger/verifier/voters/commitment.ts — the verifier's own code, so
 * writer and verifier cannot disagree), and the sealed opening kept private.
 */
import { randomBytes } from 'node:crypto';
import {
  detailsDigest,
  SALT_BYTES,
  voterCommitment,
} from '../../../ledger/verifier/voters/index.ts';
import { sealOpening } from './crypto.ts';
import type { VoterList, VoterPersonal } from './schemas.ts';

export interface SealedVersion {
  commitment: Uint8Array;
  /** `{salt, details, formA}` sealed under the record's key (voter_salts). */
  opening: Buffer;
}

export function sealVersion(
  dek: Uint8Array,
  r: VoterPersonal,
  v: { subject: string; seq: number; tps: string; list: VoterList; formA: string | null },
): SealedVersion {
  const salt = randomBytes(SALT_BYTES);
  const { nik, name, ...rest } = r;
  const details = detailsDigest(salt, { ...rest, formA: v.formA });
  const commitment = voterCommitment(
    salt,
    { subject: v.subject, seq: v.seq, tps: v.tps, list: v.list, nik, name },
    details,
  );
  const opening = sealOpening(
    dek,
    v.subject,
    v.seq,
    JSON.stringify({
      salt: salt.toString('base64'),
      details: Buffer.from(details).toString('base64'),
      formA: v.formA,
    }),
  );
  return { commitment, opening };
}

/** A new opaque subject: random, so nothing about the person can be read from it. */
export const newVoterSubject = () => `voter:${randomBytes(16).toString('hex')}`;
