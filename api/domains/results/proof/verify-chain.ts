/**
 * The observer's check of a results proof (chain.ts), trusting nothing but the
 * log's verifier key. Runs in a browser too: it imports the ledger verifier, the
 * canonical-JSON encoder, noble's Ed25519 and the pure count-form and recap
 * arithmetic — no Node built-ins, no database, no writer code.
 *
 * It checks, and reports every failure (not just the first):
 *   1. the checkpoint is signed by the log key;
 *   2. the form entry and every recap entry are in the tree of that checkpoint;
 *   3. the form was signed by the device named in it, over exactly its contents;
 *   4. at every level, each child entry hashes to the hash the recap lists for it,
 *      and the recap's valid, invalid and per-choice votes are exactly the sum of
 *      its accepted children (flagged forms listed, not summed); a child listed as
 *      accepted passes the arithmetic checks, a flagged one fails them;
 *   5. the chain is unbroken: the form is a child of the desa recap, each recap a
 *      child of the one above, up to the nation.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { canonicalBytes } from '../../../../ledger/canonical.ts';
import {
  fromBase64,
  leafHash,
  openCheckpoint,
  toBase64,
  utf8,
  verifyInclusion,
} from '../../../../ledger/verifier/index.ts';
import { type CountForm, checkForm } from '../forms/index.ts';
import { type Figures, type RecapPayload, recapVotes, sumChildren } from '../recap/aggregate.ts';
import type { ProvenEntry, ResultsProof } from './chain.ts';

const SUBMISSION_LABEL = 'saksi/submission/v1\n';

interface Entry {
  kind: string;
  subject: string;
  seq: number;
  reason?: string;
  actor: { id: string; role: string; key?: string; sig?: string };
  payload: unknown;
}

export interface ChainVerdict {
  ok: boolean;
  errors: string[];
  /** What was proven, for display. */
  checked: { treeSize: number; levels: string[] };
}

export function verifyResultsProof(proof: ResultsProof, verifierKey: string): ChainVerdict {
  const errors: string[] = [];
  const fail = (m: string) => errors.push(m);
  let root: Uint8Array | undefined;
  try {
    const cp = openCheckpoint(proof.checkpoint, verifierKey);
    if (cp.size !== proof.treeSize)
      fail(`checkpoint size ${cp.size} is not treeSize ${proof.treeSize}`);
    root = cp.rootHash;
  } catch (e) {
    fail(`checkpoint: ${(e as Error).message}`);
  }
  const included = (what: string, p: ProvenEntry): Uint8Array => {
    const h = leafHash(utf8(p.entry));
    if (root)
      try {
        verifyInclusion(h, p.index, proof.treeSize, p.inclusionProof.map(fromBase64), root);
      } catch (e) {
        fail(`${what} (index ${p.index}) is not in the checkpoint's tree: ${(e as Error).message}`);
      }
    return h;
  };
  const parse = (what: string, s: string): Entry | null => {
    try {
      return JSON.parse(s) as Entry;
    } catch {
      fail(`${what} is not JSON`);
      return null;
    }
  };

  const form = parse('form entry', proof.form.entry);
  const formHash = included('form entry', proof.form);
  if (form) checkDeviceSignature(form, fail);

  let below = { code: proof.tps, hash: toBase64(formHash) };
  for (const [i, level] of proof.levels.entries()) {
    const recapEntry = parse(`recap of ${level.area}`, level.recap.entry);
    const recapHash = included(`recap of ${level.area}`, level.recap);
    if (!recapEntry) continue;
    const recap = recapEntry.payload as RecapPayload;
    if (recap.area !== level.area || recap.contest !== proof.contest)
      fail(`recap entry of ${level.area} is for ${recap.contest} ${recap.area}`);
    // 5. The chain: the level below is one of this recap's children, by hash.
    const link = recap.children.find((c) => c.code === below.code);
    if (!link || link.hash !== below.hash)
      fail(`${level.area}'s recap does not list ${below.code} with the proven entry hash`);
    // 4. Every child: hash as committed, figures that sum to the recap's.
    const children: Parameters<typeof sumChildren>[2][number][] = [];
    for (const ref of recap.children) {
      const c = level.children.find((x) => x.code === ref.code && x.seq === ref.seq);
      if (!c) {
        fail(`${level.area}: child ${ref.code} v${ref.seq} is missing from the proof`);
        continue;
      }
      if (toBase64(leafHash(utf8(c.entry))) !== ref.hash) {
        fail(`${level.area}: child ${ref.code} v${ref.seq} does not hash to the committed hash`);
        continue;
      }
      const e = parse(`child ${ref.code}`, c.entry);
      if (!e) continue;
      if (i === 0) {
        const f = e.payload as CountForm;
        const failed = checkForm(f).length > 0;
        if (failed !== (ref.status === 'flagged'))
          fail(
            `${level.area}: TPS ${ref.code} is listed ${ref.status} but its numbers ${failed ? 'fail' : 'pass'} the checks`,
          );
        const figures: Figures = {
          valid: f.valid,
          invalid: f.invalid,
          votes: recapVotes(proof.contest, f.votes),
        };
        children.push({ ref, figures });
      } else {
        const p = e.payload as RecapPayload;
        children.push({ ref, figures: p, tps: p.tps });
      }
    }
    const within = recap.dapil !== null;
    const sum = sumChildren(proof.contest, within, children);
    if (sum.valid !== recap.valid || sum.invalid !== recap.invalid)
      fail(
        `${level.area}: valid/invalid ${recap.valid}/${recap.invalid} but the children sum to ${sum.valid}/${sum.invalid}`,
      );
    const keys = new Set([...Object.keys(sum.votes), ...Object.keys(recap.votes)]);
    for (const k of keys)
      if ((sum.votes[k] ?? 0) !== (recap.votes[k] ?? 0))
        fail(
          `${level.area}: choice ${k} has ${recap.votes[k] ?? 0} but the children sum to ${sum.votes[k] ?? 0}`,
        );
    below = { code: level.area, hash: toBase64(recapHash) };
  }
  const top = proof.levels.at(-1);
  if (!top || top.area !== 'ID') fail('the chain does not reach the national recap');
  return {
    ok: errors.length === 0,
    errors,
    checked: { treeSize: proof.treeSize, levels: proof.levels.map((l) => l.area) },
  };
}

function checkDeviceSignature(e: Entry, fail: (m: string) => void): void {
  const { key, sig } = e.actor;
  if (!key || !sig) {
    fail('the form entry carries no device signature');
    return;
  }
  const body = canonicalBytes({
    kind: e.kind,
    subject: e.subject,
    seq: e.seq,
    payload: e.payload,
    ...(e.reason === undefined ? {} : { reason: e.reason }),
  });
  const message = new Uint8Array([...utf8(SUBMISSION_LABEL), ...body]);
  let ok = false;
  try {
    ok = ed25519.verify(fromBase64(sig), message, fromBase64(key), { zip215: false });
  } catch {
    ok = false;
  }
  if (!ok) fail(`the form's device signature (key ${key}) does not verify`);
}
