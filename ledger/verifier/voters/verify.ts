/**
 * A person's check of their own voter record (issue #11 "Self-check"), from the
 * answer of `POST /v1/voters/self-check` and the NIK and name they typed,
 * trusting nothing but the log's verifier key. Browser-safe like ../results/:
 * the log verifier and @noble only (../boundary.test.ts).
 *
 * It checks, and reports every failure with its code:
 *   1. the answer has the expected shape, or nothing else is read;
 *   2. the checkpoint is signed by the log key, for the stated tree size;
 *   3. the entry is in that checkpoint's tree (RFC 9162 §2.1.3 inclusion);
 *   4. the entry is canonical JSON (RFC 8785), a voter entry of the stated
 *      subject and version, naming the stated TPS and list;
 *   5. its commitment is the one the typed NIK and name, the stated TPS, list,
 *      subject and version, and the opening (salt, details) give
 *      (./commitment.ts): so the record in the log is this person's.
 * Not checked: that no later version exists (the answer names the latest the
 * server knows; a later one would be a further entry of the same subject).
 */
import { canonicalize } from '../canonical.ts';
import { openCheckpoint } from '../checkpoint.ts';
import { bytesEqual, fromBase64, utf8 } from '../encoding.ts';
import { leafHash } from '../hash.ts';
import { verifyInclusion } from '../proof.ts';
import { SALT_BYTES, voterCommitment } from './commitment.ts';

/** Entry kinds a voter version may have (api/domains/voters/rules.ts). */
export const VOTER_KINDS = [
  'voters.voter.registered',
  'voters.voter.promoted',
  'voters.voter.transferred',
  'voters.voter.assigned',
  'voters.voter.removed',
  'voters.voter.erased',
] as const;

export type SelfCheckFailure =
  | 'MALFORMED_ANSWER'
  | 'NOT_REGISTERED'
  | 'BAD_CHECKPOINT'
  | 'NOT_INCLUDED'
  | 'MALFORMED_ENTRY'
  | 'WRONG_ENTRY'
  | 'COMMITMENT_MISMATCH';

export interface SelfCheckVerdict {
  ok: boolean;
  errors: { code: SelfCheckFailure; message: string }[];
  /** What was proven, for display. */
  proven: { tps: string; list: string; subject: string; seq: number; index: number } | null;
}

export interface SelfCheckProof {
  index: number;
  treeSize: number;
  checkpoint: string;
  /** The log entry, exactly as logged (RFC 8785 JSON text). */
  entry: string;
  inclusionProof: string[];
}

export interface SelfCheckAnswer {
  found: true;
  /** The record was removed from the register (the proof is of its removal). */
  removed: boolean;
  tps: string;
  list: string;
  subject: string;
  seq: number;
  opening: { salt: string; details: string };
  proof: SelfCheckProof;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNat = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const isB64 = (v: unknown, bytes: number) =>
  isStr(v) && B64.test(v) && v.length === Math.ceil(bytes / 3) * 4;

/** The shape of a self-check answer, or the first problem with it. */
function shapeProblem(a: unknown): string | null {
  if (!isObj(a)) return 'the answer is not an object';
  if (a.found !== true) return 'no record was found for this NIK and name';
  for (const k of ['tps', 'list', 'subject'] as const)
    if (!isStr(a[k])) return `${k} is not a string`;
  if (!isNat(a.seq) || (a.seq as number) < 1) return 'seq is not a positive integer';
  const o = a.opening;
  if (!isObj(o) || !isB64(o.salt, SALT_BYTES) || !isB64(o.details, 32))
    return 'opening needs a 32-byte base64 salt and details digest';
  const p = a.proof;
  if (!isObj(p)) return 'proof is missing';
  if (!isNat(p.index) || !isNat(p.treeSize) || (p.index as number) >= (p.treeSize as number))
    return 'proof index and treeSize are not a position in the tree';
  if (!isStr(p.checkpoint) || !isStr(p.entry)) return 'proof needs checkpoint and entry text';
  if (!Array.isArray(p.inclusionProof) || !p.inclusionProof.every((h) => isB64(h, 32)))
    return 'inclusionProof is not a list of 32-byte base64 hashes';
  return null;
}

/**
 * Checks a self-check answer (parsed JSON of any shape) for the NIK and name the
 * person typed. Never throws on bad input.
 */
export function verifySelfCheck(
  answer: unknown,
  typed: { nik: string; name: string },
  verifierKey: string,
): SelfCheckVerdict {
  const errors: SelfCheckVerdict['errors'] = [];
  const fail = (code: SelfCheckFailure, message: string) => errors.push({ code, message });
  const problem = shapeProblem(answer);
  if (problem !== null) {
    fail(isObj(answer) && answer.found === false ? 'NOT_REGISTERED' : 'MALFORMED_ANSWER', problem);
    return { ok: false, errors, proven: null };
  }
  const a = answer as unknown as SelfCheckAnswer;
  const p = a.proof;

  let root: Uint8Array | null = null;
  try {
    const cp = openCheckpoint(p.checkpoint, verifierKey);
    if (cp.size !== p.treeSize)
      fail('BAD_CHECKPOINT', `checkpoint size ${cp.size} is not treeSize ${p.treeSize}`);
    else root = cp.rootHash;
  } catch (e) {
    fail(
      'BAD_CHECKPOINT',
      `the checkpoint does not open with the log key: ${(e as Error).message}`,
    );
  }
  if (root)
    try {
      verifyInclusion(
        leafHash(utf8(p.entry)),
        p.index,
        p.treeSize,
        p.inclusionProof.map(fromBase64),
        root,
      );
    } catch (e) {
      fail('NOT_INCLUDED', `the entry is not in the checkpoint's tree: ${(e as Error).message}`);
    }

  let entry: unknown;
  try {
    entry = JSON.parse(p.entry);
  } catch {
    fail('MALFORMED_ENTRY', 'the entry is not JSON');
  }
  if (isObj(entry)) {
    if (canonicalize(entry) !== p.entry)
      fail('MALFORMED_ENTRY', 'the entry is not canonical JSON (RFC 8785)');
    const payload = entry.payload;
    if (!(VOTER_KINDS as readonly unknown[]).includes(entry.kind))
      fail('WRONG_ENTRY', `the entry is a ${String(entry.kind)} entry, not a voter version`);
    else if (entry.subject !== a.subject || entry.seq !== a.seq)
      fail('WRONG_ENTRY', `the entry is not version ${a.seq} of ${a.subject}`);
    else if (!isObj(payload) || payload.tps !== a.tps || payload.list !== a.list)
      fail('WRONG_ENTRY', `the entry does not name TPS ${a.tps} and list ${a.list}`);
    else if (!isB64(payload.commitment, 32))
      fail('MALFORMED_ENTRY', 'the entry carries no 32-byte commitment');
    else {
      const expected = voterCommitment(
        fromBase64(a.opening.salt),
        { subject: a.subject, seq: a.seq, tps: a.tps, list: a.list, ...typed },
        fromBase64(a.opening.details),
      );
      if (!bytesEqual(expected, fromBase64(payload.commitment as string)))
        fail(
          'COMMITMENT_MISMATCH',
          'the logged commitment is not the one your NIK and name with this opening give',
        );
    }
  } else if (entry !== undefined) fail('MALFORMED_ENTRY', 'the entry is not a JSON object');

  return {
    ok: errors.length === 0,
    errors,
    proven:
      errors.length === 0
        ? { tps: a.tps, list: a.list, subject: a.subject, seq: a.seq, index: p.index }
        : null,
  };
}
