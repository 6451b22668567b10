/**
 * What control 3 needs from the log, noted by control 1 in its one pass over the
 * verified bundles (no second read of the log): every count-form (C.Hasil)
 * version, the figures of each TPS's latest counted version, and the latest
 * published recap of every area. Entries are parsed once, here, and only those
 * of the results kinds.
 *
 * Memory is bounded by the election's area tree, not by the log's length: one
 * figure set per TPS × contest and one per area × contest, whatever the number
 * of versions the log holds.
 */
import {
  CHECKS_VERSION,
  type CountForm,
  checkForm,
  isAreaCode,
  TPS_CODE,
} from '../../ledger/verifier/results/index.ts';

/** A count-form version as the log holds it. */
export interface FormVersion {
  kind: string;
  seq: number;
  index: number;
  reason: string | null;
  /** Counted versions only: the arithmetic checks (ledger/verifier/results/checks.ts) recomputed. */
  status?: 'accepted' | 'flagged';
}

/** A TPS's latest counted form: what the recap must sum (or list as flagged). */
export interface CountedForm {
  seq: number;
  index: number;
  status: 'accepted' | 'flagged';
  valid: number;
  invalid: number;
  votes: Record<string, number>;
}

/** The latest published recap of one area (kind `results.recap.computed`). */
export interface PublishedRecap {
  seq: number;
  index: number;
  level: string;
  dapil: string | null;
  valid: number;
  invalid: number;
  votes: Record<string, number>;
  tps: { accepted: number; flagged: number };
}

const COUNTED = new Set(['results.chasil.verified', 'results.chasil.corrected']);
export const RECAP_KIND = 'results.recap.computed';

export class ResultsInLog {
  /** Every count-form version by subject `chasil:<contest>:<tps>`, in the order seen. */
  readonly forms = new Map<string, FormVersion[]>();
  /** contest → TPS → its latest counted form. */
  readonly counted = new Map<string, Map<string, CountedForm>>();
  /** contest → area → its latest recap. */
  readonly recaps = new Map<string, Map<string, PublishedRecap>>();
  /**
   * contest → recap node listing TPS (a desa, or a part of one) → its latest
   * version and the TPS versions it lists.
   */
  readonly listings = new Map<string, Map<string, { seq: number; tps: Map<string, number> }>>();

  /** Notes one entry of kind `results.chasil.*` or `results.recap.computed` (already parsed). */
  note(index: number, e: Record<string, unknown>): void {
    if (typeof e.kind !== 'string' || typeof e.seq !== 'number') return;
    const payload = e.payload as Record<string, unknown> | undefined;
    if (!payload || typeof payload !== 'object') return;
    if (e.kind === RECAP_KIND) this.#noteRecap(index, e.seq, payload);
    else if (e.kind.startsWith('results.chasil.') && typeof e.subject === 'string')
      this.#noteForm(index, e.kind, e.subject, e.seq, e.reason, payload);
  }

  #noteForm(
    index: number,
    kind: string,
    subject: string,
    seq: number,
    reason: unknown,
    payload: Record<string, unknown>,
  ): void {
    const version: FormVersion = {
      kind,
      seq,
      index,
      reason: typeof reason === 'string' ? reason : null,
    };
    const versions = this.forms.get(subject) ?? [];
    versions.push(version);
    this.forms.set(subject, versions);
    if (!COUNTED.has(kind)) return;
    // Judged by the checks new forms are judged by; a form the checks cannot
    // read (not reachable through the server's schema) is not summed.
    let failed = true;
    try {
      failed = checkForm(payload as unknown as CountForm, CHECKS_VERSION).length > 0;
    } catch {
      failed = true;
    }
    version.status = failed ? 'flagged' : 'accepted';
    const { contest, tps } = payload as { contest?: unknown; tps?: unknown };
    if (typeof contest !== 'string' || typeof tps !== 'string' || !TPS_CODE.test(tps)) return;
    const byTps = this.counted.get(contest) ?? new Map<string, CountedForm>();
    this.counted.set(contest, byTps);
    const seen = byTps.get(tps);
    if (seen && seen.seq >= seq) return;
    byTps.set(tps, {
      seq,
      index,
      status: version.status,
      valid: num(payload.valid),
      invalid: num(payload.invalid),
      votes: votesOf(payload.votes),
    });
  }

  #noteRecap(index: number, seq: number, p: Record<string, unknown>): void {
    const { contest, area } = p as { contest?: unknown; area?: unknown };
    if (typeof contest !== 'string' || typeof area !== 'string') return;
    if (isAreaCode(area)) {
      const byArea = this.recaps.get(contest) ?? new Map<string, PublishedRecap>();
      this.recaps.set(contest, byArea);
      const seen = byArea.get(area);
      if (!seen || seen.seq < seq) {
        const tps = (p.tps ?? {}) as { accepted?: unknown; flagged?: unknown };
        byArea.set(area, {
          seq,
          index,
          level: String(p.level),
          dapil: typeof p.dapil === 'string' ? p.dapil : null,
          valid: num(p.valid),
          invalid: num(p.invalid),
          votes: votesOf(p.votes),
          tps: { accepted: num(tps.accepted), flagged: num(tps.flagged) },
        });
      }
    }
    // The nodes that list TPS: which version of each TPS's form they count.
    const children = Array.isArray(p.children)
      ? (p.children as { code?: unknown; seq?: unknown }[])
      : [];
    if (!children.some((c) => typeof c.code === 'string' && TPS_CODE.test(c.code))) return;
    const byNode = this.listings.get(contest) ?? new Map();
    this.listings.set(contest, byNode);
    const seen = byNode.get(area);
    if (seen && seen.seq >= seq) return;
    const tps = new Map<string, number>();
    for (const c of children)
      if (typeof c.code === 'string' && typeof c.seq === 'number') tps.set(c.code, c.seq);
    byNode.set(area, { seq, tps });
  }
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function votesOf(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (v && typeof v === 'object')
    for (const [k, n] of Object.entries(v)) if (typeof n === 'number') out[k] = n;
  return out;
}
