/**
 * `saksi voters verify-counts --url URL --area A [--depth N] [--key VKEY]`: checks
 * the voter register's published counts from a terminal (issue #11 "Public,
 * provable counts"), the same check a browser runs: from area A down to every
 * TPS and the voter entries behind them (or N levels), each count entry must be
 * in a checkpoint signed by the log key and be exactly the sum of what it lists
 * (ledger/verifier/voters/counts.ts `verifyCountTree`). Each child is fetched at
 * the version its parent lists (`GET /v1/voters/counts/{area}/proof?seq=`), so
 * the walk reads one publication.
 *
 * Exit codes: 0 every count checked adds up and is in the log; 1 a check, the
 * network or the server failed (each failure printed with its area and code);
 * 2 usage error.
 */
import { parseVerifierKey } from '../../ledger/verifier/index.ts';
import { verifyCountTree } from '../../ledger/verifier/voters/index.ts';
import { type CommandSpec, type Io, int, parseCommand, str, UsageError } from '../args.ts';

export const VOTERS_VERIFY_COUNTS: CommandSpec = {
  command: 'voters verify-counts',
  summary: 'prove the published voter counts of an area are the sum of its TPS and voter entries',
  flags: [
    { name: 'url', type: 'string', value: 'URL', required: true, description: 'the Saksi API' },
    {
      name: 'area',
      type: 'string',
      value: 'A',
      required: true,
      description: 'area or TPS code (ID for the nation)',
    },
    {
      name: 'depth',
      type: 'int',
      value: 'N',
      description: 'levels to walk down (default: to the voter entries of every TPS)',
    },
    {
      name: 'key',
      type: 'string',
      value: 'VKEY',
      description: "the log's verifier key (default: fetched, trusted on first use)",
    },
  ],
  notes:
    'exit 0 every count adds up and is in the log; 1 a check, the network or the\nserver failed; 2 usage error',
};

const TIMEOUT_MS = 30_000;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const AREA = /^(?:ID|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}|[0-9]{13})$/;

export async function votersVerifyCountsCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(VOTERS_VERIFY_COUNTS, args, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const url = str(flags, 'url')!;
  const area = str(flags, 'area')!;
  const depth = int(flags, 'depth');
  let key = str(flags, 'key');
  if (!AREA.test(area)) throw new UsageError('--area must be ID or an area or TPS code');
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
  const get = async (path: string) => {
    const res = await fetch(new URL(path, base), {
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    if (text.length > MAX_ANSWER_BYTES) throw new Error(`GET ${path}: the answer is too large`);
    return text;
  };
  try {
    if (key === undefined) {
      key = (await get('log/key')).trim();
      io.stderr(`trusting the log key fetched from the server (first use): ${key}`);
    }
  } catch (e) {
    io.stderr(`saksi voters verify-counts: ${(e as Error).message}`);
    return 1;
  }
  const verdict = await verifyCountTree(
    area,
    async (a, seq) =>
      JSON.parse(
        await get(`v1/voters/counts/${a}/proof${seq === undefined ? '' : `?seq=${seq}`}`),
      ) as unknown,
    key,
    depth === undefined ? {} : { depth },
  );
  if (!verdict.ok || !verdict.root) {
    io.stderr(`FAILED: the counts of ${area} are not proven`);
    for (const e of verdict.errors.slice(0, 50)) io.stderr(`  ${e.area} ${e.code}: ${e.message}`);
    if (verdict.errors.length > 50) io.stderr(`  … and ${verdict.errors.length - 50} more`);
    return 1;
  }
  const r = verdict.root;
  io.stdout(
    `OK: ${area} version ${r.seq} (log entry ${r.index}): ${r.total} records, DPT ${r.lists.DPT} DPTb ${r.lists.DPTb} DPK ${r.lists.DPK} DPS ${r.lists.DPS} DPSHP ${r.lists.DPSHP}; ${verdict.nodes} count entries and ${verdict.voters} voter entries checked`,
  );
  return 0;
}
