/**
 * `saksi verify --log URL/log [--key VKEY] [--state FILE]` (CONTRACT.md): the
 * auditor's verifier. It reads the log only through its public C2SP tlog-tiles
 * API and checks it with ledger/verifier (the same code a browser runs):
 * the checkpoint's signature, that every entry bundle and hash tile hashes up to
 * the signed root, and, with --state, that the tree saved there is a prefix of
 * the new one (the log only grew), following a log-key hand-over announced in the
 * log under the pinned key (ledger/verifier/key-handover.ts). Only then is the
 * new checkpoint saved.
 *
 * Exit codes: 0 everything holds; 1 verification or network failure (printed);
 * 2 usage error.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import {
  concatBytes,
  type Ed25519NoteVerifier,
  fromBase64,
  openCheckpoint,
  parseCosignatureVerifierKey,
  parseVerifierKey,
  toBase64,
  VerifyError,
  type VerifyLogResult,
  verifyLog,
} from '../../ledger/verifier/index.ts';
import { type Io, int, list, parseArgs, str, UsageError } from '../args.ts';

const USAGE = `usage: saksi verify --log URL/log [--key VKEY] [--state FILE] [--witness VKEY]… [--quorum K]

  --log URL/log   the log's C2SP tlog-tiles prefix, e.g. https://saksi.example/log
  --key VKEY      the log's signed-note verifier key <name>+<key id>+<key>; if
                  absent, the key pinned in --state, else fetched from URL/log/key
                  and trusted on first use
  --state FILE    JSON with the last verified checkpoint: the log must be
                  consistent with it, and it is replaced when verification passes;
                  a log-key hand-over announced in the log under the pinned key
                  is followed and the new key pinned (docs/keys.md)
  --witness VKEY  a witness's cosignature/v1 verifier key (repeatable): the
                  checkpoint must carry valid cosignatures (C2SP tlog-cosignature)
  --quorum K      how many of the --witness keys must have cosigned (default: all)
                  (docs/witness.md)
`;

/** What --state holds between runs. */
interface VerifyState {
  /** The pinned log key. */
  verifierKey: string;
  size: number;
  /** Standard base64 of the root at `size`. */
  rootHash: string;
  /** The signed checkpoint note that vouched for (size, rootHash). */
  checkpoint: string;
  /**
   * The key that verified `checkpoint`, when it is not the pinned one: a
   * checkpoint signed by the old key alone that covers a hand-over.
   */
  checkpointKey?: string;
  /** Keys the pin moved away from by hand-overs, oldest first; --key may still name one. */
  previousKeys?: string[];
}

/** A response larger than this is refused (the largest entry bundle is ~16 MiB). */
const MAX_RESPONSE_BYTES = 32 << 20;
const REQUEST_TIMEOUT_MS = 60_000;

class CommandFailure extends Error {}

interface Options {
  log: string;
  keyArg: string | undefined;
  statePath: string | undefined;
  witnesses: string[];
  quorum: number;
}

/**
 * fetch checkpoint → check signatures → fetch tiles → recompute root →
 * consistency with state → follow key hand-overs (all in verifyLog, in that
 * order) → save state.
 */
export async function verifyCommand(args: string[], io: Io): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(args);
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof VerifyError && e.code === 'MALFORMED_VERIFIER_KEY')
    ) {
      io.stderr(`saksi verify: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (options === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const { log, statePath } = options;
  const started = performance.now();
  try {
    const state = statePath ? await readState(statePath) : undefined;
    const verifier = await chooseKey(options, state, io);
    const previous = state && { size: state.size, rootHash: fromBase64(state.rootHash) };
    const result = await verifyLog({
      fetch: (path) => httpGet(`${log}/${path}`),
      verifierKey: verifier,
      previous,
      ...(options.witnesses.length
        ? {
            witnesses: {
              witnesses: options.witnesses,
              quorum: options.quorum,
              now: Math.floor(Date.now() / 1000),
            },
          }
        : {}),
    });
    if (result.stale && state) {
      // An older view from the server (another process, a cache, witnesses a
      // round behind), shown to be a prefix of the saved state: nothing new, and
      // the state is kept as it is.
      io.stdout(
        `OK: log ${result.origin}: the server answered with an older checkpoint (size ${result.size}) than the one verified before (size ${state.size}); it is a prefix of it (root ${toBase64(result.rootHash)} at ${result.size}): nothing new to verify, ${statePath} kept as it was\n`,
      );
      return 0;
    }
    const lines = report(result, verifier, state, statePath, started);
    if (statePath) {
      await writeStateAtomically(statePath, nextState(result, verifier, state));
      lines.push(`  state      saved to ${statePath}`);
    }
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  } catch (e) {
    const what =
      e instanceof VerifyError
        ? `[${e.code}] ${e.message}`
        : e instanceof CommandFailure
          ? e.message
          : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
    io.stderr(`FAILED: ${what}\n`);
    if (statePath) io.stderr(`state file ${statePath} left unchanged\n`);
    return 1;
  }
}

function parseOptions(args: string[]): Options | 'help' {
  const parsed = parseArgs(args, {
    values: ['log', 'key', 'state', 'witness', 'quorum'],
    booleans: ['help'],
    repeatables: ['witness'],
  });
  const { flags, positional } = parsed;
  if (flags.help) return 'help';
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const l = str(flags, 'log');
  if (!l) throw new UsageError('--log URL/log is required');
  const log = l.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(log);
  } catch {
    throw new UsageError(`--log is not a URL: ${l}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError('--log must be an http:// or https:// URL');
  if (url.search || url.hash) throw new UsageError('--log must not have a query or fragment');
  const keyArg = str(flags, 'key');
  if (keyArg !== undefined) parseKey(keyArg, '--key');
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
  return { log, keyArg, statePath: str(flags, 'state'), witnesses, quorum };
}

function report(
  result: VerifyLogResult,
  verifier: Ed25519NoteVerifier,
  state: VerifyState | undefined,
  statePath: string | undefined,
  started: number,
): string[] {
  const seconds = (performance.now() - started) / 1000;
  const lines = [
    `OK: log ${result.origin} verified`,
    `  size       ${result.size}`,
    `  root       ${toBase64(result.rootHash)}`,
    `  entries    ${result.entries}, each hashed into the level-0 tiles`,
  ];
  for (const h of result.handOvers)
    lines.push(
      `  hand-over  ${h.from}`,
      `          →  ${h.to}`,
      `             announced in entry ${h.announcedAt}, covered by the checkpoint of size ${h.coveredBy} signed by the old key${h.signedByBoth ? ' and the new' : ''}`,
    );
  lines.push(`  key        ${result.verifierKey ?? verifier.verifierKey}`);
  for (const c of result.cosigners)
    lines.push(`  witness    ${c.name} cosigned at ${new Date(c.timestamp * 1000).toISOString()}`);
  if (state)
    lines.push(
      state.size === result.size
        ? `  growth     none: same size and root as saved in ${statePath}`
        : `  growth     ${state.size} → ${result.size}; the tree at ${state.size} is unchanged (root ${state.rootHash})`,
    );
  lines.push(
    `  fetched    ${result.tilesFetched} tiles and bundles, ${result.bytes} bytes in ${seconds.toFixed(2)} s`,
  );
  return lines;
}

/** The state to save: the new checkpoint, and the pin moved by any hand-over followed. */
function nextState(
  result: VerifyLogResult,
  verifier: Ed25519NoteVerifier,
  state: VerifyState | undefined,
): VerifyState {
  const verifierKey = result.verifierKey ?? verifier.verifierKey;
  const checkpointKey = result.checkpointKey ?? verifierKey;
  const previousKeys = [...(state?.previousKeys ?? []), ...result.handOvers.map((h) => h.from)];
  return {
    verifierKey,
    size: result.size,
    rootHash: toBase64(result.rootHash),
    checkpoint: result.checkpoint,
    ...(checkpointKey === verifierKey ? {} : { checkpointKey }),
    ...(previousKeys.length ? { previousKeys } : {}),
  };
}

function parseKey(s: string, source: string): Ed25519NoteVerifier {
  try {
    return parseVerifierKey(s);
  } catch (e) {
    if (e instanceof VerifyError)
      throw new VerifyError('MALFORMED_VERIFIER_KEY', `${source}: ${e.message}`);
    throw e;
  }
}

/**
 * The key to trust, in order: --key, the key pinned in the state file, or the
 * log's own /key (trust on first use, said loudly). A --key that differs from
 * the pinned one is refused — a key change must be a deliberate act (delete the
 * state file) or a hand-over followed in signed history, never a silent one —
 * unless the pin moved away from it by such a hand-over.
 */
async function chooseKey(
  { log, keyArg, statePath }: Options,
  state: VerifyState | undefined,
  io: Io,
): Promise<Ed25519NoteVerifier> {
  if (keyArg !== undefined) {
    if (state && state.verifierKey !== keyArg) {
      if (!state.previousKeys?.includes(keyArg))
        throw new CommandFailure(
          `--key differs from the key pinned in ${statePath} (${state.verifierKey}); remove the state file to change keys`,
        );
      io.stderr(
        `NOTE: --key was handed over, in the log's signed history, to the key pinned in ${statePath}:\n  ${state.verifierKey}\n`,
      );
      return parseKey(state.verifierKey, `verifier key in ${statePath}`);
    }
    return parseKey(keyArg, '--key');
  }
  if (state) return parseKey(state.verifierKey, `verifier key in ${statePath}`);
  const body = await httpGet(`${log}/key`).catch((e: unknown) => {
    throw new CommandFailure(`cannot fetch the log's key: ${(e as Error).message}`);
  });
  if (body === null) throw new CommandFailure(`${log}/key not found (404); pass --key`);
  const text = new TextDecoder().decode(body).trim();
  const verifier = parseKey(text, `${log}/key`);
  io.stderr(
    `WARNING: no --key given: trusting key on first use, as served by the log itself:\n  ${verifier.verifierKey}\n` +
      `  Compare it with the key KPU publishes out of band${statePath ? `; it is now pinned in ${statePath}` : ''}.\n`,
  );
  return verifier;
}

/**
 * Reads the state file; absent means first run. A state file that is present
 * but not exactly what this command writes is an error, not a fresh start: it
 * would otherwise be a way to skip the consistency check. Its checkpoint must
 * still open with its key and name its size and root.
 */
async function readState(path: string): Promise<VerifyState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CommandFailure(`cannot read state file ${path}: ${(e as Error).message}`);
  }
  const bad = (why: string): never => {
    throw new CommandFailure(`state file ${path} is not valid: ${why}`);
  };
  let s: Partial<VerifyState>;
  try {
    s = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (typeof s !== 'object' || s === null) bad('not an object');
  if (typeof s.verifierKey !== 'string') bad('verifierKey missing');
  if (!Number.isSafeInteger(s.size) || (s.size as number) < 0) bad('size missing or invalid');
  if (typeof s.rootHash !== 'string') bad('rootHash missing');
  if (typeof s.checkpoint !== 'string') bad('checkpoint missing');
  if (s.checkpointKey !== undefined && typeof s.checkpointKey !== 'string')
    bad('checkpointKey is not a string');
  if (
    s.previousKeys !== undefined &&
    (!Array.isArray(s.previousKeys) || !s.previousKeys.every((k) => typeof k === 'string'))
  )
    bad('previousKeys is not a list of keys');
  const state = s as VerifyState;
  try {
    for (const k of state.previousKeys ?? []) parseVerifierKey(k);
    const key = parseVerifierKey(state.checkpointKey ?? state.verifierKey);
    const cp = openCheckpoint(state.checkpoint, key);
    if (cp.size !== state.size || toBase64(cp.rootHash) !== state.rootHash)
      bad('its size and root are not those of its checkpoint');
  } catch (e) {
    if (e instanceof VerifyError) bad(`its checkpoint does not verify: ${e.message}`);
    throw e;
  }
  return state;
}

/** Write to a temporary file beside the target, then rename over it (atomic on POSIX). */
async function writeStateAtomically(path: string, state: VerifyState): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644, flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new CommandFailure(`cannot save state to ${path}: ${(e as Error).message}`);
  }
}

/** GET a resource of the log: bytes, null on 404, an error on anything else. */
async function httpGet(url: string): Promise<Uint8Array | null> {
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: { 'accept-encoding': 'gzip, identity' },
    });
  } catch (e) {
    // undici says only "fetch failed"; the reason (ECONNREFUSED, …) is the cause.
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new Error(`GET ${url}: ${cause ?? (e as Error).message}`);
  }
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${url}: HTTP ${res.status} ${res.statusText}`);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_RESPONSE_BYTES) {
    await res.body?.cancel();
    throw new Error(`GET ${url}: response of ${declared} bytes is too large`);
  }
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > MAX_RESPONSE_BYTES) throw new Error(`GET ${url}: response is too large`);
    chunks.push(chunk);
  }
  return concatBytes(...chunks);
}
