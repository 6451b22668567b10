/**
 * The observer's check of a results proof (api/domains/results/proof/chain.ts
 * serves it), trusting nothing but the log's verifier key. Runs in a browser:
 * it imports the log verifier, noble's Ed25519 and the pure count-form and recap
 * arithmetic of this folder — no Node built-ins, no database, no writer code.
 *
 * Every input is untrusted JSON. It checks, and reports every failure with its
 * code (./errors.ts), not just the first (docs/results-verifier.md, step by step):
 *   1. the proof has the shape of its schema (./proof-schema.ts), or nothing
 *      else is read;
 *   2. the checkpoint is signed by the log key;
 *   3. the form entry and every recap entry are in the tree of that checkpoint;
 *   4. each entry is an envelope of the kind the chain needs, in canonical
 *      (RFC 8785) JSON, so no other reader parses other values;
 *   5. the form is a human-verified or corrected version (a machine reading
 *      never counts) of its schema (./count-form.ts), for this contest and TPS,
 *      signed by the device named in it over exactly its contents;
 *   6. the desa recap lists the form by its leaf hash and version, with exactly
 *      its signed numbers and the status that the check-set version named on the
 *      row gives (./checks.ts: old rows are judged by their own version's rules);
 *   7. at every level, the recap is well formed and its totals are exactly the
 *      sum of the rows it lists (./listing.ts), and the level above lists it
 *      with its hash, version and totals; up to the nation.
 *
 * What it does not check is every sibling's listing against the sibling's own
 * entry: that is each sibling's own proof.
 */
import { canonicalize } from '../canonical.ts';
import { openCheckpoint } from '../checkpoint.ts';
import { fromBase64, toBase64, utf8 } from '../encoding.ts';
import { VerifyError } from '../errors.ts';
import { leafHash } from '../hash.ts';
import { verifyInclusion } from '../proof.ts';
import { CHECK_SETS, type CheckRegistry, checkForm, type FailedCheck } from './checks.ts';
import { COUNT_FORM_SCHEMA, type CountForm } from './count-form.ts';
import { deviceSignatureHolds } from './device-signature.ts';
import { ResultsVerifyError } from './errors.ts';
import { type Fail, listingHolds, sumHolds } from './listing.ts';
import {
  LOGGED_ENTRY_SCHEMA,
  type LoggedEntry,
  type ProvenEntry,
  RECAP_PAYLOAD_SCHEMA,
  RESULTS_PROOF_SCHEMA,
  type ResultsProof,
} from './proof-schema.ts';
import {
  areaChild,
  type ChildFigures,
  formChild,
  listedChildren,
  type RecapPayload,
  sameChild,
} from './recap.ts';
import { type Schema, schemaProblem } from './schema.ts';

/** Entry kinds whose numbers may be counted (api/domains/results/count/definitions.ts). */
export const COUNTED_FORM_KINDS = ['results.chasil.verified', 'results.chasil.corrected'] as const;
export const RECAP_KIND = 'results.recap.computed';

export interface VerifyResultsOptions {
  /** The check sets to judge forms by (default: every version this code knows). */
  checks?: CheckRegistry;
}

/** The proven form as the chain shows it, for display. */
export interface ProvenForm {
  seq: number;
  kind: string;
  /** The status the form's checks give, by the version its desa recap names. */
  status: 'accepted' | 'flagged';
  /** That check-set version. */
  checks: number;
  failedChecks: FailedCheck[];
  reason: string | null;
  role: string;
}

export interface ChainVerdict {
  ok: boolean;
  errors: ResultsVerifyError[];
  /** What was proven, for display. */
  checked: { treeSize: number; levels: string[] };
  /** The form, once its entry and its desa listing were read; null if they could not be. */
  form: ProvenForm | null;
  /** The national recap's totals, if the chain reached it. */
  nation: Pick<RecapPayload, 'valid' | 'invalid' | 'tps'> | null;
}

/**
 * Checks a results proof as received (parsed JSON of any shape) against the
 * log's verifier key. Never throws on bad input: every problem is an error of
 * the verdict with its code.
 */
export function verifyResultsProof(
  proof: unknown,
  verifierKey: string,
  opts: VerifyResultsOptions = {},
): ChainVerdict {
  const errors: ResultsVerifyError[] = [];
  const fail: Fail = (code, message) => errors.push(new ResultsVerifyError(code, message));
  const verdict = (): ChainVerdict => ({
    ok: errors.length === 0,
    errors,
    checked: {
      treeSize: shaped ? proof.treeSize : 0,
      levels: shaped ? proof.levels.map((l) => l.area) : [],
    },
    form,
    nation,
  });
  let form: ProvenForm | null = null;
  let nation: ChainVerdict['nation'] = null;
  const shaped = conformsTo<ResultsProof>(RESULTS_PROOF_SCHEMA, proof, 'the proof', (m) =>
    fail('MALFORMED_PROOF', m),
  );
  if (!shaped) return verdict();

  // 2. The checkpoint.
  let root: Uint8Array | undefined;
  try {
    const cp = openCheckpoint(proof.checkpoint, verifierKey);
    if (cp.size !== proof.treeSize)
      fail(
        'CHECKPOINT_SIZE_MISMATCH',
        `checkpoint size ${cp.size} is not treeSize ${proof.treeSize}`,
      );
    root = cp.rootHash;
  } catch (e) {
    const why = e instanceof VerifyError ? `${e.code}: ${e.message}` : String(e);
    fail('BAD_CHECKPOINT', `the checkpoint does not open with the log key (${why})`);
  }

  // 3–4. Inclusion, and the entry as data.
  const included = (what: string, p: ProvenEntry): Uint8Array => {
    const h = leafHash(utf8(p.entry));
    if (root)
      try {
        verifyInclusion(h, p.index, proof.treeSize, p.inclusionProof.map(fromBase64), root);
      } catch (e) {
        fail(
          'NOT_INCLUDED',
          `${what} (index ${p.index}) is not in the checkpoint's tree: ${(e as Error).message}`,
        );
      }
    return h;
  };
  const read = (what: string, text: string, kinds: readonly string[]): LoggedEntry | null => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      fail('MALFORMED_ENTRY', `${what} is not JSON`);
      return null;
    }
    if (
      !conformsTo<LoggedEntry>(LOGGED_ENTRY_SCHEMA, value, what, (m) => fail('MALFORMED_ENTRY', m))
    )
      return null;
    // A log entry is RFC 8785 JSON: one text per value. Anything else (a
    // duplicate key, another number spelling) could read differently elsewhere.
    if (canonical(value) !== text) {
      fail('MALFORMED_ENTRY', `${what} is not canonical JSON (RFC 8785)`);
      return null;
    }
    if (!kinds.includes(value.kind)) {
      fail('WRONG_KIND', `${what} is a ${value.kind} entry, not ${kinds.join(' or ')}`);
      return null;
    }
    return value;
  };

  // 5. The form.
  const formHash = included('the form entry', proof.form);
  const formEntry = read('the form entry', proof.form.entry, COUNTED_FORM_KINDS);
  let counted: CountForm | null = null;
  if (formEntry) {
    const subject = `chasil:${proof.contest}:${proof.tps}`;
    if (formEntry.subject !== subject)
      fail('WRONG_SUBJECT', `the form entry is for ${formEntry.subject}, not ${subject}`);
    if (
      conformsTo<CountForm>(COUNT_FORM_SCHEMA, formEntry.payload, 'the form', (m) =>
        fail('MALFORMED_FORM', m),
      )
    ) {
      counted = formEntry.payload;
      if (counted.contest !== proof.contest || counted.tps !== proof.tps)
        fail(
          'WRONG_SUBJECT',
          `the form's numbers are for ${counted.contest} TPS ${counted.tps}, not ${proof.contest} TPS ${proof.tps}`,
        );
    }
    if (formEntry.actor.key === undefined || formEntry.actor.sig === undefined)
      fail('UNSIGNED_FORM', 'the form entry carries no device signature');
    else if (!deviceSignatureHolds(formEntry))
      fail(
        'BAD_DEVICE_SIGNATURE',
        `the form's device signature (key ${formEntry.actor.key}) does not verify`,
      );
  }

  // 6–7. Level by level: how the level above must list the level below.
  const registry = opts.checks ?? CHECK_SETS;
  let below: ((listed: ChildFigures, parentWithinDapil: boolean) => ChildFigures | null) | null =
    null;
  if (formEntry && counted) {
    const f = counted;
    const hash = toBase64(formHash);
    below = (listed, within) => {
      const version = listed.checks ?? 1;
      let failed: FailedCheck[];
      try {
        failed = checkForm(f, version, registry);
      } catch (e) {
        if (!(e instanceof ResultsVerifyError)) throw e;
        fail(e.code, `the desa recap judged the form by checks version ${version}: ${e.message}`);
        return null;
      }
      const status = failed.length > 0 ? 'flagged' : 'accepted';
      form = {
        seq: formEntry.seq,
        kind: formEntry.kind,
        status,
        checks: version,
        failedChecks: failed,
        reason: formEntry.reason ?? null,
        role: formEntry.actor.role,
      };
      if (listed.status !== status)
        fail(
          'STATUS_MISMATCH',
          `the form is listed as ${listed.status} but checks version ${version} find it ${status}` +
            (failed.length ? ` (${failed.map((c) => c.check).join(', ')})` : ''),
        );
      return formChild(
        proof.contest,
        proof.tps,
        formEntry.seq,
        hash,
        status,
        listed.checks,
        f,
        within,
      );
    };
  }
  let belowCode = proof.tps;
  for (const level of proof.levels) {
    const what = `the recap of ${level.area}`;
    const recapHash = included(what, level.recap);
    const entry = read(what, level.recap.entry, [RECAP_KIND]);
    const recap = entry && recapOf(entry, what, fail);
    if (!entry || !recap || !listingHolds(level.area, recap, fail)) {
      below = null;
      belowCode = level.area;
      continue;
    }
    if (
      recap.area !== level.area ||
      recap.contest !== proof.contest ||
      entry.subject !== `recap:${proof.contest}:${level.area}`
    )
      fail(
        'WRONG_AREA',
        `${what} is the entry of ${entry.subject} (${recap.contest} ${recap.area})`,
      );
    const children = listedChildren(recap);
    const within = recap.dapil !== null;
    // The chain: the level below is listed here with its exact hash, version and figures.
    const listed = children.find((c) => c.code === belowCode);
    if (!listed) fail('CHILD_MISSING', `${level.area}'s recap does not list ${belowCode}`);
    else if (below) {
      const expected = below(listed, within);
      if (expected && expected.status === listed.status && !sameChild(listed, expected))
        fail(
          'CHILD_MISMATCH',
          `${level.area}'s recap lists ${belowCode} with a hash, version or figures other than the proven entry's`,
        );
    }
    sumHolds(level.area, proof.contest, recap, children, fail);
    const hash = toBase64(recapHash);
    below = (_listed, parentWithin) => areaChild(recap, entry.seq, hash, parentWithin);
    belowCode = level.area;
    if (level.area === 'ID')
      nation = { valid: recap.valid, invalid: recap.invalid, tps: recap.tps };
  }
  if (proof.levels.at(-1)?.area !== 'ID')
    fail('CHAIN_INCOMPLETE', 'the chain does not reach the national recap');
  return verdict();
}

/** Validates `value` against `schema`; reports the first problem with its JSON Pointer. */
function conformsTo<T>(
  schema: Schema,
  value: unknown,
  what: string,
  report: (message: string) => void,
): value is T {
  const p = schemaProblem(schema, value);
  if (p) report(`${what}: ${p.path} ${p.message}`);
  return p === null;
}

function canonical(value: unknown): string | null {
  try {
    return canonicalize(value);
  } catch {
    return null;
  }
}

function recapOf(entry: LoggedEntry, what: string, fail: Fail): RecapPayload | null {
  return conformsTo<RecapPayload>(RECAP_PAYLOAD_SCHEMA, entry.payload, what, (m) =>
    fail('MALFORMED_RECAP', m),
  )
    ? entry.payload
    : null;
}
