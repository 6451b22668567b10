/**
 * Builds the AuditContext from what the operator gives `saksi audit`: the API's
 * URL (the log is read at URL/log like any outsider reads it), optionally the
 * database (for the controls that compare it with the log), a pinned key and a
 * saved state. The auditor's HTTP has a timeout and a response size limit: the
 * server being audited is not trusted to answer sensibly.
 */
import type { KeyService } from '../keys/index.ts';
import { type Db, LedgerStore, openDb } from '../ledger/index.ts';
import type { TileFetcher } from '../ledger/verifier/index.ts';
import type { AuditContext, AuditProgress } from './types.ts';

/** The largest entry bundle is ~16 MiB; nothing the auditor reads is larger. */
const MAX_RESPONSE_BYTES = 32 << 20;
const REQUEST_TIMEOUT_MS = 60_000;

export interface AuditTarget {
  /** The API's base URL. */
  url: string;
  /** postgres://… or a PGlite data directory; absent: database controls are skipped. */
  database?: string;
  /** An open database instead of `database` (the caller closes it). */
  db?: Db;
  /** The key service that sealed the private records (control 6). */
  keys?: KeyService;
  verifierKey?: string;
  previous?: { size: number; rootHash: Uint8Array };
  loadtestDir?: string;
  stage?: string;
  /** The server's environment dump, NAME=value per line (`env` output). */
  env?: Record<string, string>;
  /** Maximum age in days of a signing key's current version (control 5). */
  keyMaxAgeDays?: number;
  progress?(p: AuditProgress): void;
  /** Another fetch (a test's in-process app.request); default: the global fetch. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
}

export async function openAuditContext(
  target: AuditTarget,
): Promise<{ ctx: AuditContext; close(): Promise<void> }> {
  const baseUrl = target.url.replace(/\/+$/, '');
  const doFetch = target.fetch ?? fetch;
  const http = async (path: string, init?: RequestInit) => {
    try {
      return await doFetch(`${baseUrl}${path}`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...init,
      });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new Error(
        `${init?.method ?? 'GET'} ${baseUrl}${path}: ${cause ?? (e as Error).message}`,
      );
    }
  };
  const tiles: TileFetcher = async (path) => {
    const res = await http(`/log/${path}`);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`GET ${baseUrl}/log/${path}: HTTP ${res.status}`);
    }
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.length > MAX_RESPONSE_BYTES)
      throw new Error(`GET ${baseUrl}/log/${path}: more than ${MAX_RESPONSE_BYTES} bytes`);
    return body;
  };
  const opened = target.database
    ? await openDb(
        /^postgres(ql)?:\/\//.test(target.database)
          ? { url: target.database, poolSize: 4 }
          : { dataDir: target.database },
      )
    : undefined;
  const db = target.db ?? opened;
  const ctx: AuditContext = {
    baseUrl,
    http,
    tiles,
    ...(target.verifierKey ? { verifierKey: target.verifierKey } : {}),
    ...(target.previous ? { previous: target.previous } : {}),
    ...(db ? { db, reader: new LedgerStore(db) } : {}),
    ...(target.loadtestDir ? { loadtestDir: target.loadtestDir } : {}),
    ...(target.stage ? { stage: target.stage } : {}),
    ...(target.env ? { env: target.env } : {}),
    ...(target.keys ? { keys: target.keys } : {}),
    ...(target.keyMaxAgeDays !== undefined ? { keyMaxAgeDays: target.keyMaxAgeDays } : {}),
    ...(target.progress ? { progress: target.progress } : {}),
    now: () => new Date(),
  };
  return { ctx, close: async () => opened?.close() };
}
