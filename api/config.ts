/**
 * The one typed configuration object (CONVENTIONS.md §8), built from flags and
 * environment and validated at start-up. It names keys and secrets by reference
 * (a directory, a file, a Vault path), never holds them.
 */
import { resolve } from 'node:path';
import { type AuthConfig, loadAuthConfig } from './auth/config.ts';

export interface Config {
  /** TCP port of the API (0 = any free port). */
  port: number;
  /** Interface to listen on; loopback unless deliberately exposed. */
  host: string;
  /** Directory for the embedded database (PGlite) and the local keystore. */
  dataDir: string;
  /** PostgreSQL URL; when absent the embedded PGlite under dataDir is used. */
  databaseUrl: string | undefined;
  /** Checkpoint origin line and the log key's name (C2SP tlog-checkpoint). */
  origin: string;
  /** File holding the local keystore's key-encryption key; default dataDir/kek. */
  kekFile: string | undefined;
  /** Sequencer: most entries per batch and longest pause between batches. */
  batchSize: number;
  batchIntervalMs: number;
  /**
   * HTTP timeouts of the Node server (api/server.ts), against clients that hold
   * connections open (issue #10): the whole header block must arrive within
   * `headersTimeoutMs` (slowloris), the whole request with its body within
   * `requestTimeoutMs` (long enough for a 5 MiB form photo over a slow mobile
   * link), and an idle keep-alive connection is closed after `keepAliveTimeoutMs`.
   */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Demo mode: sample data and demo tokens. Never in production. */
  demo: boolean;
  /** Bearer tokens, officer look-up cache, external OIDC (api/auth/config.ts). */
  auth: AuthConfig;
}

export class ConfigError extends Error {
  readonly code = 'BAD_CONFIG';
}

const ORIGIN_RE = /^[a-z0-9.-]+(\/[A-Za-z0-9._~-]+)*$/;

export function loadConfig(flags: Partial<Config>, env: NodeJS.ProcessEnv = process.env): Config {
  const int = (
    name: string,
    v: string | number | undefined,
    def: number,
    min: number,
    max: number,
  ) => {
    const n = v === undefined || v === '' ? def : Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(`${name} must be an integer in ${min}..${max}`);
    return n;
  };
  const origin = flags.origin ?? env.SAKSI_LOG_ORIGIN ?? 'saksi.localhost/log';
  // The origin becomes a signed-note key name: no spaces, no "+", printable.
  if (!ORIGIN_RE.test(origin))
    throw new ConfigError(
      `log origin ${JSON.stringify(origin)} is not a schemaless URL like kpu.go.id/saksi/log`,
    );
  return {
    port: int('port', flags.port ?? env.PORT, 8080, 0, 65535),
    host: flags.host ?? env.SAKSI_HOST ?? '127.0.0.1',
    dataDir: resolve(flags.dataDir ?? env.SAKSI_DATA ?? '.saksi'),
    databaseUrl: flags.databaseUrl ?? (env.DATABASE_URL || undefined),
    origin,
    kekFile: flags.kekFile ?? (env.SAKSI_KEK_FILE || undefined),
    batchSize: int('batch size', flags.batchSize ?? env.SAKSI_BATCH_SIZE, 4096, 1, 65536),
    batchIntervalMs: int(
      'batch interval',
      flags.batchIntervalMs ?? env.SAKSI_BATCH_INTERVAL_MS,
      100,
      1,
      250,
    ),
    ...timeouts(flags, env, int),
    demo: flags.demo ?? false,
    auth: flags.auth ?? loadAuthConfig(env, { origin }),
  };
}

function timeouts(
  flags: Partial<Config>,
  env: NodeJS.ProcessEnv,
  int: (
    name: string,
    v: string | number | undefined,
    d: number,
    min: number,
    max: number,
  ) => number,
): Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'> {
  const headersTimeoutMs = int(
    'SAKSI_HEADERS_TIMEOUT_MS',
    flags.headersTimeoutMs ?? env.SAKSI_HEADERS_TIMEOUT_MS,
    10_000,
    100,
    600_000,
  );
  const requestTimeoutMs = int(
    'SAKSI_REQUEST_TIMEOUT_MS',
    flags.requestTimeoutMs ?? env.SAKSI_REQUEST_TIMEOUT_MS,
    120_000,
    100,
    3_600_000,
  );
  // Node refuses a header timeout longer than the request's (the headers are part of it).
  if (headersTimeoutMs > requestTimeoutMs)
    throw new ConfigError('SAKSI_HEADERS_TIMEOUT_MS must not exceed SAKSI_REQUEST_TIMEOUT_MS');
  const keepAliveTimeoutMs = int(
    'SAKSI_KEEP_ALIVE_TIMEOUT_MS',
    flags.keepAliveTimeoutMs ?? env.SAKSI_KEEP_ALIVE_TIMEOUT_MS,
    5_000,
    100,
    600_000,
  );
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs };
}
