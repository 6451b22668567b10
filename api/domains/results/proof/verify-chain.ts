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
 *   4. at every level, the recap's valid, invalid, per-choice votes and TPS
 *      counts are exactly the sum of the children it lists (flagged forms listed,
 *      not summed), and every listed child lies in that area;
 *   5. the chain is unbroken: the desa recap lists the form by its leaf hash and
 *      version with exactly its signed numbers, and the status its arithmetic
 *      checks give; each recap is listed by the one above with its hash, version
 *      and totals; up to the nation.
 *
 * What it does not check is every sibling's listing against the sibling's own
 * entry: that is each sibling's own proof.
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
import {
  areaChild,
  type ChildFigures,
  formChild,
  listedChildren,
  type RecapPayload,
  sameChild,
  sumChildren,
} from '../recap/aggregate.ts';
import { listsOwnChild } from '../recap/parts.ts';
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

  const formEntry = parse('form entry', proof.form.entry);
  const formHash = included('form entry', proof.form);
  if (formEntry) checkDeviceSignature(formEntry, fail);
  if (formEntry && formEntry.subject !== `chasil:${proof.contest}:${proof.tps}`)
    fail(`the form entry is for ${formEntry.subject}, not ${proof.contest} TPS ${proof.tps}`);

  // How the level above must list the level below: the form's own numbers, then
  // each recap's totals (only the choices the parent keeps).
  let below: ((parentWithinDapil: boolean) => ChildFigures) | null = null;
  if (formEntry) {
    const f = formEntry.payload as CountForm;
    const status = checkForm(f).length > 0 ? 'flagged' : 'accepted';
    const hash = toBase64(formHash);
    below = (within) => formChild(proof.contest, proof.tps, formEntry.seq, hash, status, f, within);
  }
  let belowCode = proof.tps;
  for (const level of proof.levels) {
    const recapEntry = parse(`recap of ${level.area}`, level.recap.entry);
    const recapHash = included(`recap of ${level.area}`, level.recap);
    const recap = recapEntry?.payload as RecapPayload | undefined;
    if (!recapEntry || !recap) {
      below = null;
      belowCode = level.area;
      continue;
    }
    if (recap.area !== level.area || recap.contest !== proof.contest)
      fail(`recap entry of ${level.area} is for ${recap.contest} ${recap.area}`);
    const malformed = listingIssue(recap);
    if (malformed) {
      fail(`${level.area}'s recap: ${malformed}`);
      below = null;
      belowCode = level.area;
      continue;
    }
    const children = listedChildren(recap);
    const within = recap.dapil !== null;
    // 5. The chain: the level below is listed here with its exact hash, version
    // and figures (for a form, its signed numbers and the status its checks give).
    const listed = children.find((c) => c.code === belowCode);
    if (!listed) fail(`${level.area}'s recap does not list ${belowCode}`);
    else if (below && !sameChild(listed, below(within)))
      fail(
        `${level.area}'s recap lists ${belowCode} with a hash, version, status or figures other than the proven entry's`,
      );
    // 4. The sum: this recap's totals are exactly its listed children's.
    for (const c of children)
      if (!listsOwnChild(level.area, c.code))
        fail(`${level.area}'s recap lists ${c.code}, which is not one of its areas`);
    const sum = sumChildren(proof.contest, within, children);
    if (sum.valid !== recap.valid || sum.invalid !== recap.invalid)
      fail(
        `${level.area}: valid/invalid ${recap.valid}/${recap.invalid} but the children sum to ${sum.valid}/${sum.invalid}`,
      );
    if (sum.tps.accepted !== recap.tps.accepted || sum.tps.flagged !== recap.tps.flagged)
      fail(
        `${level.area}: counts ${recap.tps.accepted}+${recap.tps.flagged} TPS but the children hold ${sum.tps.accepted}+${sum.tps.flagged}`,
      );
    const keys = new Set([...Object.keys(sum.votes), ...Object.keys(recap.votes)]);
    for (const k of keys)
      if ((sum.votes[k] ?? 0) !== (recap.votes[k] ?? 0))
        fail(
          `${level.area}: choice ${k} has ${recap.votes[k] ?? 0} but the children sum to ${sum.votes[k] ?? 0}`,
        );
    const hash = toBase64(recapHash);
    below = (parentWithin) => areaChild(recap, recapEntry.seq, hash, parentWithin);
    belowCode = level.area;
  }
  const top = proof.levels.at(-1);
  if (top?.area !== 'ID') fail('the chain does not reach the national recap');
  return {
    ok: errors.length === 0,
    errors,
    checked: { treeSize: proof.treeSize, levels: proof.levels.map((l) => l.area) },
  };
}

const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;

/** What is wrong with a recap's listing as data (before any sum), or null. */
function listingIssue(r: RecapPayload): string | null {
  if (!Array.isArray(r.choices) || !r.choices.every((c) => typeof c === 'string'))
    return 'choices is not a list of choice ids';
  if (new Set(r.choices).size !== r.choices.length) return 'a choice is listed twice';
  if (!Array.isArray(r.children)) return 'children is not a list';
  const codes = new Set<string>();
  for (const c of r.children) {
    if (typeof c?.code !== 'string') return 'a child has no code';
    if (codes.has(c.code)) return `${c.code} is listed twice`;
    codes.add(c.code);
    // A TPS row is one form (accepted or flagged); an area or part row carries
    // the TPS counts below it. Either shape on the other would miscount TPS.
    const isTps = /^[0-9]{13}$/.test(c.code);
    if (isTps && (c.tps !== undefined || (c.status !== 'accepted' && c.status !== 'flagged')))
      return `${c.code}: a TPS row must say accepted or flagged, and nothing else`;
    if (!isTps && (c.status !== undefined || c.tps === undefined))
      return `${c.code}: an area row must carry its TPS counts, not a status`;
    if (!count(c.valid) || !count(c.invalid)) return `${c.code}: valid/invalid are not counts`;
    if (!Array.isArray(c.votes) || c.votes.length !== r.choices.length || !c.votes.every(count))
      return `${c.code}: votes are not one count per choice`;
    if (c.tps && (!count(c.tps.accepted) || !count(c.tps.flagged)))
      return `${c.code}: TPS counts are not counts`;
  }
  return null;
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
