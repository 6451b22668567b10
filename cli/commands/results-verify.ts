/**
 * `saksi results verify --url URL --contest C --tps CODE [--key VKEY]`: the
 * observer's check of one TPS's numbers in the published totals (issue #4). It
 * fetches `GET /v1/results/<C>/proof/<CODE>` and checks it with
 * verifyResultsProof — the checkpoint signature, every inclusion proof, the
 * device signature over the form, every sum from the desa to the nation — trusting
 * nothing but the log key.
 *
 * Exit codes: 0 everything holds; 1 a check, the network or the server failed
 * (printed); 2 usage error.
 */
import { CONTEST_IDS, isContestId } from '../../api/domains/registry/contests.ts';
import type { ResultsProof } from '../../api/domains/results/proof/chain.ts';
import { verifyResultsProof } from '../../api/domains/results/proof/verify-chain.ts';
import { parseVerifierKey } from '../../ledger/verifier/index.ts';
import { isTpsCode } from '../../policies/areas.ts';
import { type Io, parseArgs, str, UsageError } from '../args.ts';

const USAGE = `usage: saksi results verify --url URL --contest C --tps CODE [--key VKEY]

  --url URL       the Saksi API, e.g. https://saksi.example
  --contest C     ${CONTEST_IDS.join(', ')}
  --tps CODE      13-digit TPS code (desa code + TPS number)
  --key VKEY      the log's verifier key <name>+<key id>+<key>; if absent it is
                  fetched from URL/log/key and trusted on first use (say so)
`;

const TIMEOUT_MS = 30_000;

export async function resultsVerifyCommand(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, {
    values: ['url', 'contest', 'tps', 'key'],
    booleans: ['help'],
  });
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
  if (!isContestId(contest))
    throw new UsageError(`--contest must be one of ${CONTEST_IDS.join(', ')}`);
  if (!isTpsCode(tps))
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
  let proof: ResultsProof;
  try {
    if (key === undefined) {
      key = (await (await get('log/key')).text()).trim();
      io.stderr(`trusting the log key fetched from the server (first use): ${key}`);
    }
    proof = (await (await get(`v1/results/${contest}/proof/${tps}`)).json()) as ResultsProof;
  } catch (e) {
    io.stderr(`saksi results verify: ${(e as Error).message}`);
    return 1;
  }
  const verdict = verifyResultsProof(proof, key);
  if (!verdict.ok) {
    io.stderr(`FAILED: ${contest} TPS ${tps}`);
    for (const e of verdict.errors) io.stderr(`  ${e}`);
    return 1;
  }
  const nation = JSON.parse(proof.levels.at(-1)!.recap.entry) as {
    payload: { valid: number; tps: { accepted: number; flagged: number } };
  };
  io.stdout(
    `OK: ${contest} TPS ${tps} is counted in ${verdict.checked.levels.join(' → ')} ` +
      `(checkpoint size ${proof.treeSize}); every sum on the way holds; national valid votes ` +
      `${nation.payload.valid} from ${nation.payload.tps.accepted} TPS (${nation.payload.tps.flagged} flagged, not counted)`,
  );
  return 0;
}
