/**
 * The voter-record commitment (docs/voters.md "The commitment"), the one
 * definition both the writer (api/domains/voters) and every verifier use.
 * ARCHITECTURE.md "Personal data in a public log": a log entry carries
 * `HMAC-SHA256(salt, canonical private record)` with a random 32-byte salt per
 * version, never the record nor an unsalted hash of it (NIKs and birth dates
 * are guessable). HMAC (RFC 2104) keyed by the salt, so the commitment hides
 * the record (the salt is a uniformly random key) and binds it (collision
 * resistance of SHA-256).
 *
 * Two levels, so a person's self-check needs only what they type (NIK, name)
 * and what the server hands back (salt, `details`):
 *   details    = HMAC-SHA256(salt, JCS({"d":"saksi voter details v1", kk, birthPlace,
 *                  birthDate, sex, marital, address, disability, ektp, formA}))
 *   commitment = HMAC-SHA256(salt, JCS({"d":"saksi voter v1", subject, seq, tps, list,
 *                  nik, name, details: base64(details)}))
 * JCS is RFC 8785 canonical JSON; `name` is normalised by `normalizeName`.
 * Browser-safe: @noble/hashes and the log verifier only.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalize } from '../canonical.ts';
import { toBase64, utf8 } from '../encoding.ts';

export const SALT_BYTES = 32;

/** The fields the self-check asks for, and the public facts of the version. */
export interface CommittedVersion {
  subject: string;
  seq: number;
  tps: string;
  list: string;
  nik: string;
  name: string;
}

/** The personal fields the self-check does not ask for (DOMAIN.md application 3). */
export interface VoterDetails {
  kk: string;
  birthPlace: string;
  birthDate: string;
  sex: string;
  marital: string;
  address: string;
  disability: string;
  ektp: boolean;
  /** The transfer form A's number, on a DPTb version; null otherwise. */
  formA: string | null;
}

/**
 * Names compare as the register prints them: upper case, inner whitespace one
 * space, no leading or trailing space (Unicode NFC first, so a composed and a
 * decomposed "É" are one name).
 */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/gu, ' ').toUpperCase();
}

/** The canonical text the details digest is the HMAC of. */
export function detailsText(d: VoterDetails): string {
  return canonicalize({
    d: 'saksi voter details v1',
    kk: d.kk,
    birthPlace: d.birthPlace,
    birthDate: d.birthDate,
    sex: d.sex,
    marital: d.marital,
    address: d.address,
    disability: d.disability,
    ektp: d.ektp,
    formA: d.formA,
  });
}

export function detailsDigest(salt: Uint8Array, d: VoterDetails): Uint8Array {
  return hmac(sha256, salt, utf8(detailsText(d)));
}

/** The canonical text the commitment is the HMAC of. */
export function commitmentText(v: CommittedVersion, details: Uint8Array): string {
  return canonicalize({
    d: 'saksi voter v1',
    subject: v.subject,
    seq: v.seq,
    tps: v.tps,
    list: v.list,
    nik: v.nik,
    name: normalizeName(v.name),
    details: toBase64(details),
  });
}

export function voterCommitment(
  salt: Uint8Array,
  v: CommittedVersion,
  details: Uint8Array,
): Uint8Array {
  return hmac(sha256, salt, utf8(commitmentText(v, details)));
}
