/**
 * A results proof built with the writer's own parts and no database, for the
 * observer's verifier tests: a device-signed count form (the write path's
 * submission message, node:crypto Ed25519), the recap entries from desa to
 * nation as the publisher builds them (formChild, areaChild, sumChildren), a
 * Merkle tree over those entries (ledger/merkle.ts), and a checkpoint signed
 * with the log's signer (ledger/note-sign.ts). Nothing is a stand-in; a test
 * may edit any entry *before* it is logged, so that inclusion holds and the
 * verifier must find the fault in the content itself.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { submissionMessage } from '../api/write/device-signature.ts';
import { canonicalize, ed25519Signer, leafHash, signNote, verifierKeyOf } from '../ledger/index.ts';
import { inclusionProof, type NodeId, perfectRoot, treeRoot } from '../ledger/merkle.ts';
import { formatCheckpointBody, toBase64, utf8 } from '../ledger/verifier/index.ts';
import {
  areaChild,
  type ChildFigures,
  type CountForm,
  formChild,
  type RecapPayload,
  type ResultsProof,
  sumChildren,
} from '../ledger/verifier/results/index.ts';

export const ORIGIN = 'test.saksi.localhost/log';
export const TPS = '3171011001001';
/** Desa, kecamatan, kab/kota, provinsi, nation: the recap nodes above TPS. */
export const PATH = ['3171011001', '317101', '3171', '31', 'ID'] as const;

/** A PPWP form that adds up (every check of version 1 holds). */
export const GOOD_FORM: CountForm = {
  tps: TPS,
  contest: 'PPWP',
  voters: { registered: { dpt: 250, dptb: 4, dpk: 2 }, voted: { dpt: 200, dptb: 3, dpk: 2 } },
  ballots: { received: 255, used: 205, unused: 48, spoiled: 2 },
  votes: { '1': 60, '2': 90, '3': 50 },
  valid: 200,
  invalid: 5,
  photo: 'a'.repeat(64),
};

type Entry = Record<string, unknown>;

export interface ProofPlan {
  form?: CountForm;
  formKind?: string;
  /** The status and check-set version the desa recap lists the form with (default: accepted, 1; null = no `checks` field). */
  status?: 'accepted' | 'flagged';
  checks?: number | null;
  /** Edits the form entry (after signing) before it is logged. */
  editForm?: (entry: Entry) => void;
  /** Edits a recap payload (level 0 = desa) before it is logged; the level above lists the edited recap. */
  editRecap?: (level: number, payload: Entry) => void;
  /** Replaces an entry's text (0 = form, 1… = recaps) before it is logged. */
  rawText?: (position: number, text: string) => string;
}

const device = generateKeyPairSync('ed25519');
const deviceKey = toBase64(
  new Uint8Array(device.publicKey.export({ format: 'der', type: 'spki' }).subarray(12)),
);
const logSigner = ed25519Signer(ORIGIN, new Uint8Array(32).fill(9));
export const VERIFIER_KEY = verifierKeyOf(logSigner);

/** A proof of `plan.form` from its TPS to the nation, logged and signed. */
export async function buildProof(plan: ProofPlan = {}): Promise<ResultsProof> {
  const form = plan.form ?? GOOD_FORM;
  const kind = plan.formKind ?? 'results.chasil.verified';
  const subject = `chasil:${form.contest}:${form.tps}`;
  const sig = sign(
    null,
    submissionMessage({ kind, subject, seq: 1, payload: form }),
    device.privateKey,
  );
  const formEntry: Entry = {
    v: 1,
    kind,
    subject,
    seq: 1,
    prev: null,
    at: '2024-02-14T13:00:00Z',
    actor: { id: 'kpps-1', role: 'KPPS', key: deviceKey, sig: toBase64(new Uint8Array(sig)) },
    payload: structuredClone(form),
  };
  plan.editForm?.(formEntry);
  const texts = [logged(0, formEntry, plan)];

  // A sibling TPS in the same desa, so every sum has two terms.
  const sibling: ChildFigures = {
    code: '3171011001002',
    seq: 1,
    hash: toBase64(new Uint8Array(32).fill(1)),
    status: 'accepted',
    checks: 1,
    valid: 100,
    invalid: 2,
    votes: { '1': 40, '2': 60 },
  };
  const checks = plan.checks === undefined ? 1 : (plan.checks ?? undefined);
  let below: ChildFigures = formChild(
    form.contest,
    form.tps,
    1,
    toBase64(leafHash(utf8(texts[0]!))),
    plan.status ?? 'accepted',
    checks,
    form,
    false,
  );
  PATH.forEach((area, level) => {
    const children = level === 0 ? [below, sibling] : [below];
    const payload: RecapPayload = {
      contest: form.contest,
      area,
      level: ['desa', 'kecamatan', 'kabkota', 'provinsi', 'nasional'][level]!,
      dapil: null,
      ...sumChildren(form.contest, false, children),
    };
    plan.editRecap?.(level, payload as unknown as Entry);
    const text = logged(
      level + 1,
      {
        v: 1,
        kind: 'results.recap.computed',
        subject: `recap:${form.contest}:${area}`,
        seq: 1,
        prev: null,
        at: '2024-02-14T13:05:00Z',
        actor: { id: 'saksi', role: 'SYSTEM' },
        payload,
      },
      plan,
    );
    texts.push(text);
    try {
      below = areaChild(payload, 1, toBase64(leafHash(utf8(text))), false);
    } catch {
      // An edit left no totals to list: the level above lists nothing of it.
    }
  });

  // Two unrelated entries first, so indexes and paths are not trivial.
  const leaves = ['{"other":1}', '{"other":2}', ...texts].map((t) => leafHash(utf8(t)));
  const reader = {
    nodes: async (ids: readonly NodeId[]) =>
      ids.map((n) =>
        perfectRoot(leaves.slice(n.index * 2 ** n.level, (n.index + 1) * 2 ** n.level)),
      ),
  };
  const size = leaves.length;
  const root = await treeRoot(size, reader);
  const checkpoint = await signNote(
    formatCheckpointBody({ origin: ORIGIN, size, rootHash: root }),
    [logSigner],
  );
  const proven = async (i: number) => ({
    index: i + 2,
    entry: texts[i]!,
    inclusionProof: (await inclusionProof(i + 2, size, reader)).map(toBase64),
  });
  return {
    contest: form.contest,
    tps: form.tps,
    checkpoint,
    treeSize: size,
    form: await proven(0),
    levels: await Promise.all(PATH.map(async (area, l) => ({ area, recap: await proven(l + 1) }))),
  };
}

function logged(position: number, entry: Entry, plan: ProofPlan): string {
  const text = canonicalize(entry);
  return plan.rawText ? plan.rawText(position, text) : text;
}
