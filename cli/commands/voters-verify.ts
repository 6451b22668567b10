/**
 * `saksi voters verify --url URL --nik N --name S [--key VKEY]`: a person's check
 * of their own voter record from a terminal (issue #11), the same check the
 * portal runs in the browser. It posts NIK and name to
 * `POST /v1/voters/self-check` (never in a URL), then checks the answer with
 * the browser-safe verifier (ledger/verifier/voters): the checkpoint signature,
 * the entry's inclusion, and that the logged commitment is the one this NIK and
 * name give with the returned opening — trusting nothing but the log key.
 *
 * The NIK on a command line is visible to other users of the machine (`ps`) and
 * in shell history; `--nik -` reads it from standard input instead.
 *
 * Exit codes: 0 the record is in the log (and is current or removed, printed);
 * 4 no record for this NIK and name; 1 a check, the network or the server
 * failed (printed, with each failure's code); 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { parseVerifierKey } from '../../ledger/verifier/index.ts';
import { verifySelfCheck } from '../../ledger/verifier/voters/index.ts';
import { type CommandSpec, type Io, parseCommand, str, UsageError } from '../args.ts';

export const VOTERS_VERIFY: CommandSpec = {
  command: 'voters verify',
  summary: 'check your own voter registration and prove it is in the log (like cekdptonline)',
  flags: [
    { name: 'url', type: 'string', value: 'URL', required: true, description: 'the Saksi API' },
    {
      name: 'nik',
      type: 'string',
      value: 'N',
      required: true,
      description: "your 16-digit NIK, or '-' to read it from standard input",
    },
    {
      name: 'name',
      type: 'string',
      value: 'S',
      required: true,
      description: 'your name as on your ID card',
    },
    {
      name: 'key',
      type: 'string',
      value: 'VKEY',
      description: "the log's verifier key (default: fetched, trusted on first use)",
    },
  ],
  notes:
    'exit 0 the record is in the log; 4 no record for this NIK and name; 1 a check, the\nnetwork or the server failed; 2 usage error',
};

const TIMEOUT_MS = 30_000;
const MAX_ANSWER_BYTES = 1024 * 1024;

export async function votersVerifyCommand(
  args: string[],
  io: Io,
  stdin: () => string = () => readFileSync(0, 'utf8'),
): Promise<number> {
  const parsed = parseCommand(VOTERS_VERIFY, args, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const url = str(flags, 'url')!;
  let nik = str(flags, 'nik')!;
  const name = str(flags, 'name')!;
  let key = str(flags, 'key');
  if (nik === '-') nik = stdin().trim();
  if (!/^[0-9]{16}$/.test(nik)) throw new UsageError('--nik must be 16 digits');
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
  let answer: unknown;
  try {
    if (key === undefined) {
      const res = await fetch(new URL('log/key', base), {
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
      if (!res.ok) throw new Error(`GET log/key: HTTP ${res.status}`);
      key = (await res.text()).trim();
      io.stderr(`trusting the log key fetched from the server (first use): ${key}`);
    }
    const res = await fetch(new URL('v1/voters/self-check', base), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ nik, name }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
    const text = await res.text();
    if (!res.ok)
      throw new Error(`POST v1/voters/self-check: HTTP ${res.status} ${text.slice(0, 300)}`);
    if (text.length > MAX_ANSWER_BYTES) throw new Error('the answer is too large');
    answer = JSON.parse(text);
  } catch (e) {
    io.stderr(`saksi voters verify: ${(e as Error).message}`);
    return 1;
  }
  const verdict = verifySelfCheck(answer, { nik, name }, key);
  if (verdict.errors.some((e) => e.code === 'NOT_REGISTERED')) {
    io.stdout('NOT FOUND: no voter record for this NIK and name');
    return 4;
  }
  if (!verdict.ok || !verdict.proven) {
    io.stderr('FAILED: the answer does not prove your record');
    for (const e of verdict.errors) io.stderr(`  ${e.code}: ${e.message}`);
    return 1;
  }
  const p = verdict.proven;
  const removed = (answer as { removed?: unknown }).removed === true;
  io.stdout(
    removed
      ? `REMOVED: your record (version ${p.seq}) was removed from the register at TPS ${p.tps}; the removal is log entry ${p.index}`
      : `OK: you are registered at TPS ${p.tps} on list ${p.list} (version ${p.seq}, log entry ${p.index}, proven against the signed checkpoint)`,
  );
  return 0;
}
