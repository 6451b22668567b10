/**
 * Control 1, log integrity (issue #13). Through the log's public C2SP
 * tlog-tiles API only, as any outsider would:
 *  - the checkpoint's Ed25519 signature under the pinned log key (C2SP signed-note);
 *  - every entry bundle and hash tile hashes up to the signed root;
 *  - with the auditor's saved state, the log only grew since (RFC 9162 §2.1.4) —
 *    a rolled-back log (LOG_SHRANK) or a forked checkpoint (INCONSISTENT_LOG)
 *    fails here;
 * all by ledger/verifier (the code `saksi verify` and browsers run), and in the
 * same pass
 *  - the whole tree recomputed from the entries by merkletreejs (../tree/), which
 *    must give the signed root too.
 * The published leaf hashes are kept (32 bytes each) for reconciliation.
 */
import {
  parseCheckpointBody,
  parseNote,
  toBase64,
  VerifyError,
  verifyLog,
} from '../../ledger/verifier/index.ts';
import { kindOf } from '../reconcile/entries-to-rows.ts';
import { ResultsInLog } from '../recount/in-log.ts';
import { independentTree, inThreadTree, type LeafSink } from '../tree/threaded-tree.ts';
import type { AuditContext, Control, ControlOutcome, Finding, PublishedLog } from '../types.ts';

export const logIntegrity: Control = {
  id: 'log-integrity',
  title: { id: 'Integritas log', en: 'Log integrity' },
  severity: 'critical',
  run,
};

async function run(ctx: AuditContext): Promise<ControlOutcome> {
  const trusted = ctx.verifierKey ? { key: ctx.verifierKey, tofu: false } : await servedKey(ctx);
  let tree: LeafSink = inThreadTree(0);
  try {
    return await check(ctx, trusted, (t) => {
      tree = t;
    });
  } finally {
    await tree.close();
  }
}

async function check(
  ctx: AuditContext,
  trusted: { key: string; tofu: boolean },
  started: (tree: LeafSink) => void,
): Promise<ControlOutcome> {
  let tree: LeafSink = inThreadTree(0);
  let activation: PublishedLog['policyActivation'];
  const results = new ResultsInLog();
  let result: Awaited<ReturnType<typeof verifyLog>>;
  try {
    result = await verifyLog({
      // verifyLog reads the checkpoint before any tile: its size (not yet
      // trusted; verifyLog checks it) sizes the independent tree.
      fetch: async (path) => {
        // Backpressure: no more bundles while the tree's worker is behind.
        if (path !== 'checkpoint') await tree.drained();
        const body = await ctx.tiles(path);
        if (path === 'checkpoint' && body) {
          await tree.close();
          tree = independentTree(uncheckedSize(body));
          started(tree);
        }
        return body;
      },
      verifierKey: trusted.key,
      previous: ctx.previous,
      onProgress: (p) =>
        ctx.progress?.({
          control: 'log-integrity',
          done: p.entriesVerified,
          total: p.totalEntries,
        }),
      onEntry: (index, entry) => {
        const bytes = Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength);
        // One look at the envelope's kind (canonical JSON); a search of the
        // whole entry only where it cannot be read that way.
        const kind = kindOf(entry);
        if (kind === null ? bytes.includes(RESULTS_KIND) : kind.startsWith('results.'))
          noteResults(results, index, bytes);
        const policy =
          kind === null ? bytes.includes(POLICY_KIND) : kind === 'system.policy_set.activated';
        if (policy && (!activation || activation.index < index))
          activation = policyActivation(index, entry) ?? activation;
        tree.add(index, entry);
      },
    });
  } catch (e) {
    if (!(e instanceof VerifyError)) throw e;
    return failed([{ code: e.code, record: 'log', message: e.message }], trusted);
  }
  const evidence: Record<string, unknown> = {
    origin: result.origin,
    size: result.size,
    rootHash: toBase64(result.rootHash),
    checkpoint: result.checkpoint,
    verifierKey: trusted.key,
    keyTrustedOnFirstUse: trusted.tofu,
    previous: ctx.previous
      ? { size: ctx.previous.size, rootHash: toBase64(ctx.previous.rootHash) }
      : null,
    tilesFetched: result.tilesFetched,
    bytes: result.bytes,
    entries: result.entries,
  };
  if (result.stale)
    return {
      status: 'pass',
      summary: `the log served an older checkpoint (size ${result.size}) that is a prefix of the saved state (size ${ctx.previous?.size}); nothing newer to check`,
      findings: [],
      evidence: { ...evidence, stale: true },
    };
  const independent = await tree.root();
  evidence.independentRoot = independent.toString('base64');
  if (!independent.equals(Buffer.from(result.rootHash)))
    return {
      status: 'fail',
      summary: 'the independent recomputation of the tree disagrees with the signed root',
      findings: [
        {
          code: 'INDEPENDENT_ROOT_MISMATCH',
          record: `checkpoint ${result.size}`,
          message: `merkletreejs gives root ${independent.toString('base64')} for size ${result.size}, the checkpoint signs ${toBase64(result.rootHash)}`,
        },
      ],
      evidence,
    };
  ctx.published = {
    origin: result.origin,
    size: result.size,
    rootHash: result.rootHash,
    checkpoint: result.checkpoint,
    ...(activation ? { policyActivation: activation } : {}),
    results,
    leafAt: tree.leafAt,
  };
  return {
    status: 'pass',
    summary: `${result.size} entries: signature, tiles, bundles${ctx.previous ? ', consistency with the saved state' : ''} and an independent recomputation all give the signed root`,
    findings: [],
    evidence,
  };
}

/** Policy-set activations are noted in the same pass for the policies control. */
const POLICY_KIND = Buffer.from('"kind":"system.policy_set.activated"');

/**
 * Count forms and recaps are noted in the same pass for the results control
 * (../recount/in-log.ts): parsed once, here, and only these kinds.
 */
const RESULTS_KIND = Buffer.from('"kind":"results.');

function noteResults(results: ResultsInLog, index: number, bytes: Buffer): void {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return; // not JSON: the reconciliation reports the entry
  }
  if (e && typeof e === 'object') results.note(index, e);
}

function policyActivation(index: number, entry: Uint8Array): PublishedLog['policyActivation'] {
  try {
    const e = JSON.parse(new TextDecoder().decode(entry)) as { kind?: unknown; payload?: unknown };
    if (e.kind !== 'system.policy_set.activated' || typeof e.payload !== 'object' || !e.payload)
      return undefined;
    return { index, payload: e.payload as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/** The size a checkpoint names, before its signature is checked (0 if unreadable). */
function uncheckedSize(body: Uint8Array): number {
  try {
    return parseCheckpointBody(parseNote(body).text).size;
  } catch {
    return 0; // verifyLog refuses it with the exact reason
  }
}

/** Without a pinned key, the key the log serves, trusted on first use (and the report says so). */
async function servedKey(ctx: AuditContext): Promise<{ key: string; tofu: boolean }> {
  const body = await ctx.tiles('key');
  if (!body) throw new Error("the log serves no key at /log/key; pass the log's key");
  return { key: new TextDecoder().decode(body).trim(), tofu: true };
}

function failed(findings: Finding[], trusted: { key: string; tofu: boolean }): ControlOutcome {
  return {
    status: 'fail',
    summary: findings.map((f) => `[${f.code}] ${f.message}`).join('; '),
    findings,
    evidence: { verifierKey: trusted.key, keyTrustedOnFirstUse: trusted.tofu },
  };
}
