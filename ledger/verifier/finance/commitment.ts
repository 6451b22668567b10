/**
 * The donor commitment of a campaign contribution (docs/finance.md "Donor
 * privacy"), the one definition the writer (api/domains/finance) and every
 * verifier use. ARCHITECTURE.md "Personal data in a public log": the log entry
 * of a contribution carries
 *   commitment = HMAC-SHA256(salt, JCS({"d":"saksi donor v1", subject, participant,
 *                  category, country, idNumber, name, amount, date}))
 * with a random 32-byte salt per contribution, never the donor's name or
 * identity number, nor an unsalted hash of them (NIKs are guessable). JCS is
 * RFC 8785 canonical JSON; `name` is normalised like a register name.
 * Browser-safe: @noble/hashes and the log verifier only.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalize } from '../canonical.ts';
import { bytesEqual, fromBase64, utf8 } from '../encoding.ts';

export const DONOR_SALT_BYTES = 32;

/** Upper case, inner whitespace one space, trimmed, NFC: as ../voters/commitment.ts normalises names. */
export function normalizeDonorName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/gu, ' ').toUpperCase();
}

/** What an auditor's opening reveals: the donor and the contribution's public facts. */
export interface DonorRecord {
  /** The contribution's subject in the log (`finance-contribution:<random>`). */
  subject: string;
  participant: string;
  category: string;
  /** ISO 3166-1 alpha-2; always "ID" for an accepted contribution (no foreign donations). */
  country: string;
  /** NIK (individual) or NPWP/registration number (group, company). */
  idNumber: string;
  name: string;
  /** Rupiah, decimal digits. */
  amount: string;
  /** YYYY-MM-DD. */
  date: string;
}

/** The canonical text the commitment is the HMAC of. */
export function donorCommitmentText(r: DonorRecord): string {
  return canonicalize({
    d: 'saksi donor v1',
    subject: r.subject,
    participant: r.participant,
    category: r.category,
    country: r.country,
    idNumber: r.idNumber,
    name: normalizeDonorName(r.name),
    amount: r.amount,
    date: r.date,
  });
}

export function donorCommitment(salt: Uint8Array, r: DonorRecord): Uint8Array {
  return hmac(sha256, salt, utf8(donorCommitmentText(r)));
}

export interface DonorOpening {
  /** Standard base64 of the 32-byte salt. */
  salt: string;
  record: DonorRecord;
}

/** The public payload fields of the logged contribution an opening is checked against. */
export interface LoggedContribution {
  participant: string;
  category: string;
  amount: string;
  date: string;
  /** Standard base64 of the commitment. */
  commitment: string;
}

export type OpeningCheck =
  | { ok: true }
  | { ok: false; reason: 'BAD_SALT' | 'PUBLIC_FACTS_DIFFER' | 'COMMITMENT_MISMATCH' };

/**
 * Whether an opening (from `POST /v1/finance/openings`) matches the logged
 * contribution of `subject`: its public facts are the entry's, and the HMAC of
 * the record under the salt is the entry's commitment. An auditor runs this on
 * the entry fetched from the log (and its inclusion proof checked with the log
 * verifier), so the server cannot hand back a donor other than the committed one.
 */
export function checkDonorOpening(
  subject: string,
  logged: LoggedContribution,
  opening: DonorOpening,
): OpeningCheck {
  let salt: Uint8Array;
  try {
    salt = fromBase64(opening.salt);
  } catch {
    return { ok: false, reason: 'BAD_SALT' };
  }
  if (salt.length !== DONOR_SALT_BYTES) return { ok: false, reason: 'BAD_SALT' };
  const r = opening.record;
  if (
    r.subject !== subject ||
    r.participant !== logged.participant ||
    r.category !== logged.category ||
    r.amount !== logged.amount ||
    r.date !== logged.date
  )
    return { ok: false, reason: 'PUBLIC_FACTS_DIFFER' };
  let expected: Uint8Array;
  try {
    expected = fromBase64(logged.commitment);
  } catch {
    return { ok: false, reason: 'COMMITMENT_MISMATCH' };
  }
  return bytesEqual(donorCommitment(salt, r), expected)
    ? { ok: true }
    : { ok: false, reason: 'COMMITMENT_MISMATCH' };
}
