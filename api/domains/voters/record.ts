/**
 * One version of a voter record: a fresh random salt, the commitment the log
 * carries (over ledger/verifier/voters/commitment.ts's canonical texts, so writer
 * and verifier hash the same bytes), and the sealed opening kept private.
 */
import { createHmac } from 'node:crypto';
import { commitmentText, detailsText, SALT_BYTES } from '../../../ledger/verifier/voters/index.ts';
import { DIRECT_RANDOM, type Random, sealOpeningWith } from './batch-seal.ts';
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
  random: Random = DIRECT_RANDOM,
): SealedVersion {
  const salt = random.take(SALT_BYTES);
  const { nik, name, ...rest } = r;
  // The verifier's canonical texts, hashed with node:crypto's HMAC (several times
  // faster than the verifier's pure-JS one, which matters at import rates);
  // ledger/verifier/voters/commitment.test.ts holds the two to the same bytes.
  const details = createHmac('sha256', salt)
    .update(detailsText({ ...rest, formA: v.formA }))
    .digest();
  const commitment = createHmac('sha256', salt)
    .update(
      commitmentText(
        { subject: v.subject, seq: v.seq, tps: v.tps, list: v.list, nik, name },
        details,
      ),
    )
    .digest();
  const opening = sealOpeningWith(
    random,
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
export const newVoterSubject = (random: Random = DIRECT_RANDOM) =>
  `voter:${random.take(16).toString('hex')}`;
