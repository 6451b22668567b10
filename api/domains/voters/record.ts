/**
 * One version of a voter record: a fresh random salt, the commitment the log
 * carries (over ledger/verifier/voters/commitment.ts's canonical texts, so writer
 * and verifier hash the same bytes), and the sealed opening kept private.
 *
 * The texts are written here in a fixed shape rather than by the verifier's
 * general RFC 8785 serializer (three of them per imported record were ~35 µs of
 * its CPU): each is one object of known keys, built in RFC 8785 §3.2.3 key order
 * and holding only strings, booleans, null and safe integers, for which
 * ECMAScript's `JSON.stringify` is exactly RFC 8785 (the scheme's serialization
 * is ECMAScript's, §3.2.2) — provided no string holds a lone surrogate, which
 * RFC 8785 refuses and `JSON.stringify` would escape: refused here too.
 * record.test.ts holds these texts to the verifier's, byte for byte.
 */
import { createHmac } from 'node:crypto';
import { normalizeName, SALT_BYTES } from '../../../ledger/verifier/voters/index.ts';
import { DIRECT_RANDOM, type Random } from './batch-seal.ts';
import { sealOpening } from './crypto.ts';
import type { VoterList, VoterPersonal } from './schemas.ts';

const IV = 12;

export interface SealedVersion {
  commitment: Uint8Array;
  /** `{salt, details, formA}` sealed under the record's key (voter_salts). */
  opening: Buffer;
}

// A lone surrogate (String.prototype.isWellFormed is ES2024).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses what RFC 8785 refuses and `JSON.stringify` would escape instead. */
function wellFormed(...texts: (string | null)[]): void {
  // Joined by a newline, so two fields cannot pair a surrogate across them.
  if (LONE_SURROGATE.test(texts.join('\n')))
    throw new RangeError('a voter field is not well-formed Unicode (a lone surrogate)');
}

/** RFC 8785 text of the personal fields (what `voters.personal` seals). */
export function personalText(r: VoterPersonal): string {
  wellFormed(r.address, r.birthDate, r.birthPlace, r.disability, r.kk, r.marital, r.name, r.nik);
  return JSON.stringify({
    address: r.address,
    birthDate: r.birthDate,
    birthPlace: r.birthPlace,
    disability: r.disability,
    ektp: r.ektp,
    kk: r.kk,
    marital: r.marital,
    name: r.name,
    nik: r.nik,
    sex: r.sex,
  });
}

/** The verifier's `detailsText`, in a fixed shape. */
export function detailsTextOf(r: VoterPersonal, formA: string | null): string {
  wellFormed(r.address, r.birthDate, r.birthPlace, r.disability, r.kk, r.marital, r.sex, formA);
  return JSON.stringify({
    address: r.address,
    birthDate: r.birthDate,
    birthPlace: r.birthPlace,
    d: 'saksi voter details v1',
    disability: r.disability,
    ektp: r.ektp,
    formA,
    kk: r.kk,
    marital: r.marital,
    sex: r.sex,
  });
}

/** The verifier's `commitmentText`, in a fixed shape. */
export function commitmentTextOf(
  v: { subject: string; seq: number; tps: string; list: string; nik: string; name: string },
  details: Uint8Array,
): string {
  if (!Number.isSafeInteger(v.seq)) throw new RangeError('seq must be a safe integer');
  const name = normalizeName(v.name);
  wellFormed(v.list, name, v.nik, v.subject, v.tps);
  return JSON.stringify({
    d: 'saksi voter v1',
    details: Buffer.from(details.buffer, details.byteOffset, details.length).toString('base64'),
    list: v.list,
    name,
    nik: v.nik,
    seq: v.seq,
    subject: v.subject,
    tps: v.tps,
  });
}

export function sealVersion(
  dek: Uint8Array,
  r: VoterPersonal,
  v: { subject: string; seq: number; tps: string; list: VoterList; formA: string | null },
  random: Random = DIRECT_RANDOM,
): SealedVersion {
  const salt = random.take(SALT_BYTES);
  // node:crypto's HMAC (several times faster than the verifier's pure-JS one,
  // which matters at import rates) over the verifier's texts.
  const details = createHmac('sha256', salt).update(detailsTextOf(r, v.formA)).digest();
  const commitment = createHmac('sha256', salt)
    .update(
      commitmentTextOf(
        { subject: v.subject, seq: v.seq, tps: v.tps, list: v.list, nik: r.nik, name: r.name },
        details,
      ),
    )
    .digest();
  const opening = sealOpening(
    dek,
    v.subject,
    v.seq,
    JSON.stringify({
      salt: salt.toString('base64'),
      details: details.toString('base64'),
      formA: v.formA,
    }),
    random.take(IV),
  );
  return { commitment, opening };
}

/** A new opaque subject: random, so nothing about the person can be read from it. */
export const newVoterSubject = (random: Random = DIRECT_RANDOM) =>
  `voter:${random.take(16).toString('hex')}`;
