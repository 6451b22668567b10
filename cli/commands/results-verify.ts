/**
 * `saksi results verify --url URL --contest C --tps CODE [--key VKEY]`: the
 * observer's check of one TPS's numbers in the published totals (issue #4). It
 * fetches `GET /v1/results/<C>/proof/<CODE>` and checks it with the browser-safe
 * results verifier (ledger/verifier/results/, docs/results-verifier.md) — the
 * checkpoint signature, every inclusion proof, the device signature over the
 * form, the checks that judged it, every sum from the desa to the nation —
 * trusting nothing but the log key.
 *
 * What it prints is what the proof shows (issue #10): a TPS whose form is flagged
 * is listed in every recap but counted in none, and the command says so rather
 * than "counted"; a counted correction is named as one.
 *
 * Exit codes: 0 the proof holds and the TPS is counted; 3 the proof holds but the
 * TPS's form is flagged, so it is counted in no total; 1 a check, the network or
 * the server failed (printed, with each failure's code); 2 usage error.
 */
import {
  checkWitnessedPrefix,
  fromBase64,
  openCheckpoint,
  openCosignedCheckpoint,
  parseCosignatureVerifierKey,
  parseVerifierKey,
  VerifyError,
} from '../../ledger/verifier/index.ts';
import {
  type ChainVerdict,
  CONTESTS,
  isContest,
  type ProvenForm,
  verifyResultsProof,
} from '../../ledger/verifier/results/index.ts';
import { isTpsCode } from '../../policies/areas.ts';
import { type Io, int, list, parseArgs, str, UsageError } from '../args.ts';

const USAGE = `usage: saksi results verify --url URL --contest C --tps CODE [--key VKEY] [--witness VKEY]… [--quorum K]

  --url URL       the Saksi API, e.g. https://saksi.example
  --contest C     ${CONTESTS.join(', ')}
  --tps CODE      13-digit TPS code (desa code + TPS number)
  --key VKEY      the log's verifier key <name>+<key id>+<key>; if absent it is
                  fetched from URL/log/key and trusted on first use (say so)
  --witness VKEY  a witness's cosignature/v1 verifier key (repeatable): the tree
                  the proof is in must be a prefix of a checkpoint they cosigned
  --quorum K      how many of the --witness keys must have cosigned (default: all)

exit 0 the proof holds and the TPS is counted; 3 the proof holds but the TPS's
form is flagged (it fails the arithmetic checks), so no total counts it;
1 a check, the network or the server failed; 2 usage error
`;

const TIMEOUT_MS = 30_000;
/** A proof is a few KiB (api/domains/results/proof/chain.ts); refuse a server that sends far more. */
const MAX_PROOF_BYTES = 4 * 1024 * 1024;

export async function resultsVerifyCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseArgs(args, {
    values: ['url', 'contest', 'tps', 'key', 'witness', 'quorum'],
    booleans: ['help'],
    repeatables: ['witness'],
  });
  const { flags, positional } = parsed;
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const url = str(flags, 'url');
  const contest = str(flags, 'contest');
  const tps = str(flags, 'tps');
  let key = str(flags, 'key');
  if (!url) throw new UsageError('--url is required');
  if (!contest || !isContest(contest))
    throw new UsageError(`--contest must be one of ${CONTESTS.join(', ')}`);
  if (!tps || !isTpsCode(tps))
    throw new UsageError('--tps must be a 13-digit TPS code (desa code + TPS number 001–999)');
  let base: URL;
  try {
    base = new URL(url.endsWith('/') ? url : `${url}/`);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(url)} is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new UsageError('--url must be http or https');
  if (key !== undefined) {
    try {
      parseVerifierKey(key);
    } catch (e) {
      throw new UsageError(`--key: ${(e as Error).message}`);
    }
  }
  const witnesses = list(parsed, 'witness');
  for (const w of witnesses) {
    try {
      parseCosignatureVerifierKey(w);
    } catch (e) {
      throw new UsageError(`--witness ${w}: ${(e as Error).message}`);
    }
  }
  if (new Set(witnesses).size !== witnesses.length)
    throw new UsageError('a --witness key is given twice');
  const quorum = int(flags, 'quorum') ?? witnesses.length;
  if (quorum > witnesses.length)
    throw new UsageError(`--quorum ${quorum} needs at least ${quorum} --witness keys`);
  if (witnesses.length > 0 && quorum < 1) throw new UsageError('--quorum must be at least 1');

  const get = async (path: string): Promise<Response> => {
    const res = await fetch(new URL(path, base), {
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
    if (!res.ok) {
      const body = await res.text().catch(() => '');
      throw new Error(`GET ${path}: HTTP ${res.status} ${body.slice(0, 300)}`);
    }
    return res;
  };
  let proof: unknown;
  try {
    if (key === undefined) {
      key = (await (await get('log/key')).text()).trim();
      io.stderr(`trusting the log key fetched from the server (first use): ${key}`);
    }
    const text = await (await get(`v1/results/${contest}/proof/${tps}`)).text();
    if (text.length > MAX_PROOF_BYTES)
      throw new Error(`the proof is ${text.length} bytes, more than ${MAX_PROOF_BYTES}`);
    try {
      proof = JSON.parse(text);
    } catch {
      throw new Error('the proof is not JSON');
    }
  } catch (e) {
    io.stderr(`saksi results verify: ${(e as Error).message}`);
    return 1;
  }
  const verdict = verifyResultsProof(proof, key);
  if (!verdict.ok || verdict.form === null) {
    io.stderr(`FAILED: ${contest} TPS ${tps}`);
    for (const e of verdict.errors) io.stderr(`  ${e.code}: ${e.message}`);
    return 1;
  }
  if (witnesses.length > 0) {
    try {
      const names = await witnessed(
        get,
        key,
        (proof as { checkpoint: string }).checkpoint,
        witnesses,
        quorum,
      );
      io.stdout(`witnessed: the proof's tree is a prefix of a checkpoint cosigned by ${names}`);
    } catch (e) {
      io.stderr(`FAILED: ${contest} TPS ${tps}`);
      const code = e instanceof VerifyError ? `${e.code}: ` : '';
      io.stderr(`  ${code}${(e as Error).message}`);
      return 1;
    }
  }
  io.stdout(verdictText(contest, tps, verdict, verdict.form));
  return verdict.form.status === 'accepted' ? 0 : 3;
}

/** How long to wait for the witnesses to cosign a tree as large as the proof's. */
const WITNESS_WAIT_MS = 15_000;

/**
 * The log's cosigned checkpoint (/log/checkpoint) must carry `quorum` of the
 * witnesses' cosignatures and extend the proof's tree (a consistency proof from
 * /v1/proofs/consistency); a cosigned tree still smaller than the proof's is
 * asked for again for a while, since the witnesses cosign a little behind.
 */
async function witnessed(
  get: (path: string) => Promise<Response>,
  key: string,
  proofCheckpoint: string,
  witnesses: string[],
  quorum: number,
): Promise<string> {
  const tree = openCheckpoint(proofCheckpoint, key);
  const until = Date.now() + WITNESS_WAIT_MS;
  for (;;) {
    const note = await (await get('log/checkpoint')).text();
    const cp = openCosignedCheckpoint(note, key, {
      witnesses,
      quorum,
      now: Math.floor(Date.now() / 1000),
    });
    if (cp.size < tree.size && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    const path =
      cp.size > tree.size
        ? (
            (await (await get(`v1/proofs/consistency?from=${tree.size}&to=${cp.size}`)).json()) as {
              path: string[];
            }
          ).path.map(fromBase64)
        : [];
    checkWitnessedPrefix(tree, cp, path);
    return cp.cosigners.map((c) => c.name).join(', ');
  }
}

/** What a verified proof shows, in words that say no more than it does. */
export function verdictText(
  contest: string,
  tps: string,
  verdict: ChainVerdict,
  form: ProvenForm,
): string {
  const path = verdict.checked.levels.join(' → ');
  const nation = verdict.nation
    ? `national valid votes ${verdict.nation.valid} from ${verdict.nation.tps.accepted} TPS ` +
      `(${verdict.nation.tps.flagged} flagged, not counted)`
    : '';
  const holds = `checkpoint size ${verdict.checked.treeSize}; every sum on the way holds; ${nation}`;
  const correction = form.kind === 'results.chasil.corrected';
  const version = `version ${form.seq}${correction ? `, a correction by ${form.role}` : ''}`;
  const why = form.reason === null ? '' : ` (reason: ${JSON.stringify(form.reason)})`;
  if (form.status === 'accepted')
    return (
      `OK: ${contest} TPS ${tps} is counted in ${path}` +
      (correction ? ` through its correction (${version})${why}` : '') +
      ` (${holds})`
    );
  const failed = form.failedChecks.map((c) => `${c.check} (${c.message})`).join('; ');
  return (
    `FLAGGED: ${contest} TPS ${tps}'s form (${version})${why} fails checks version ` +
    `${form.checks}: ${failed}. It is listed in ${path} but counted in no total; ` +
    `${correction ? 'this correction is itself flagged, and ' : ''}no correction that adds up ` +
    `counts yet (${holds})`
  );
}
