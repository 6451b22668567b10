/**
 * The latest checkpoint, checked against the pinned log key and, when the page
 * pins witness keys, their cosignatures (C2SP tlog-cosignature; every pinned
 * witness must have cosigned). Without pinned witnesses the other signature
 * lines are counted and said to be unchecked, never silently trusted. Then,
 * when this browser verified an earlier checkpoint of the log, the log must
 * have only grown since (./growth.ts); only then is the latest remembered.
 */
import {
  type OpenedCheckpoint,
  openCheckpoint,
  parseNote,
  requireCosignatures,
} from '../ledger/verifier/index.ts';
import { proveGrowth, rememberCheckpoint, rememberedCheckpoint } from './growth.ts';
import { type Steps, why } from './steps.ts';

export interface Trust {
  /** The log's signed-note verifier key. */
  key: string;
  /** Witness cosignature verifier keys; all must have cosigned. */
  witnesses: string[];
}

/** GET /log/checkpoint as text (not yet trusted). */
export async function fetchCheckpoint(base: string): Promise<string> {
  const r = await fetch(`${base}/log/checkpoint`, { cache: 'no-store' });
  if (!r.ok) throw new Error(`HTTP ${r.status} for /log/checkpoint`);
  return r.text();
}

/**
 * Opens the fetched checkpoint `note` with the pinned key (and witnesses), and
 * checks it against the one this browser saw last, saying each step.
 */
export async function latestCheckpoint(
  note: Promise<string>,
  trust: Trust,
  steps: Steps,
  base: string,
): Promise<OpenedCheckpoint | null> {
  let text: string;
  try {
    text = await note;
  } catch (e) {
    steps.add('fail', `checkpoint: ${why(e)}`);
    return null;
  }
  let cp: OpenedCheckpoint;
  try {
    cp = openCheckpoint(text, trust.key);
  } catch (e) {
    steps.add('fail', `checkpoint signature does not verify with the pinned log key: ${why(e)}`);
    return null;
  }
  steps.add('ok', `checkpoint ${cp.origin}, size ${cp.size}: signed by the pinned log key`);
  if (trust.witnesses.length > 0) {
    try {
      const cosigners = requireCosignatures(text, { witnesses: trust.witnesses });
      steps.add('ok', `cosigned by ${cosigners.map((c) => c.name).join(', ')}`);
    } catch (e) {
      steps.add('fail', `witness cosignatures: ${why(e)}`);
      return null;
    }
  } else {
    const others = parseNote(text).signatures.length - 1;
    steps.add(
      'info',
      others > 0
        ? `${others} other signature line(s) (witnesses), not checked: no witness key pinned`
        : 'no witness cosignatures on this checkpoint',
    );
  }
  return (await sinceLastSeen(base, cp, text, trust, steps)) ? cp : null;
}

/** The latest against this browser's last verified checkpoint, then remembered. */
async function sinceLastSeen(
  base: string,
  latest: OpenedCheckpoint,
  text: string,
  trust: Trust,
  steps: Steps,
): Promise<boolean> {
  const seen = rememberedCheckpoint(latest.origin);
  if (seen !== null && seen !== text) {
    let older: OpenedCheckpoint | null = null;
    try {
      older = openCheckpoint(seen, trust.key);
    } catch {
      // Signed by another key (the pinned key changed): no evidence either way.
      steps.add('info', 'the checkpoint this browser saw before is not signed by the pinned key');
    }
    if (
      older &&
      !(await proveGrowth(base, older, latest, steps, 'since this browser last checked'))
    )
      return false; // the fork or rollback stays remembered, to be seen again
  }
  rememberCheckpoint(latest.origin, text);
  return true;
}

/** A checkpoint the reader gives (saved, published elsewhere), opened with the pinned key. */
export function givenCheckpoint(text: string, trust: Trust, steps: Steps): OpenedCheckpoint | null {
  try {
    const cp = openCheckpoint(text.replace(/\r\n/g, '\n').trim() + '\n', trust.key);
    steps.add('ok', `the given checkpoint (size ${cp.size}) is signed by the pinned log key`);
    return cp;
  } catch (e) {
    steps.add('fail', `the given checkpoint does not verify with the pinned log key: ${why(e)}`);
    return null;
  }
}
