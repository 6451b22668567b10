/**
 * The one typed configuration object (CONVENTIONS.md §8), built from flags and
 * the environment and validated once, at start-up: every environment variable
 * the product reads is read here (docs/rules.md "Configuration" lists them), so a
 * bad value stops the process with its name and the rule it broke before anything
 * is opened. Nothing else in product code reads `process.env` (config.test.ts
 * checks). The object names keys and secrets by reference (a directory, a file, a
 * Vault path), never holds them — except a development VAULT_TOKEN, which only
 * redactVaultOptions() may print.
 */
import { resolve } from 'node:path';
import { type VaultOptions, vaultConfigFromEnv } from '../keys/index.ts';
import { parseCosignatureVerifierKey } from '../ledger/verifier/index.ts';
import { type AuthConfig, loadAuthConfig } from './auth/config.ts';
import { ConfigError } from './config-error.ts';

export { ConfigError };

/** pino's levels; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * How many TPS `saksi serve --demo` seeds once listening: a number (0: none),
 * Infinity for the whole province, or `default` — the demo TPS's kabupaten/kota
 * and the next two in code order (api/demo/startup.ts).
 */
export type DemoSeedSize = number | 'default';

/** The part a `saksi serve --workers` process plays (set by the primary for its children). */
export const NODE_ROLES = ['api', 'recap'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];
/** The variable the primary sets in each child's environment (cli/commands/serve.ts). */
export const NODE_ROLE_VARIABLE = 'SAKSI_NODE_ROLE';

export interface RateLimitConfig {
  /** Sustained requests per second. */
  rate: number;
  /** Largest burst. */
  burst: number;
}

export interface Config {
  /** TCP port of the API (0 = any free port). `--port`, PORT; default 8080. */
  port: number;
  /** Interface to listen on; loopback unless deliberately exposed. `--host`, SAKSI_HOST. */
  host: string;
  /** Directory for the embedded database (PGlite) and the local keystore. `--data`, SAKSI_DATA. */
  dataDir: string;
  /** PostgreSQL URL; when absent the embedded PGlite under dataDir is used. DATABASE_URL. */
  databaseUrl: string | undefined;
  /** Checkpoint origin line and the log key's name (C2SP tlog-checkpoint). `--origin`, SAKSI_LOG_ORIGIN. */
  origin: string;
  /** File holding the local keystore's key-encryption key; default dataDir/kek. SAKSI_KEK_FILE. */
  kekFile: string | undefined;
  /** Sequencer: most entries per batch (SAKSI_BATCH_SIZE) … */
  batchSize: number;
  /** … and longest pause between batches (SAKSI_BATCH_INTERVAL_MS). */
  batchIntervalMs: number;
  /**
   * HTTP timeouts of the Node server (api/server.ts), against clients that hold
   * connections open (issue #10): the whole header block must arrive within
   * `headersTimeoutMs` (slowloris; SAKSI_HEADERS_TIMEOUT_MS, 10 s), the whole
   * request with its body within `requestTimeoutMs` (long enough for a 5 MiB form
   * photo over a slow mobile link; SAKSI_REQUEST_TIMEOUT_MS, 120 s), and an idle
   * keep-alive connection is closed after `keepAliveTimeoutMs`
   * (SAKSI_KEEP_ALIVE_TIMEOUT_MS, 5 s).
   */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Demo mode: sample data and demo tokens. Never in production. `--demo` only. */
  demo: boolean;
  /** What `--demo` seeds at start-up. SAKSI_DEMO_SEED. */
  demoSeed: DemoSeedSize;
  /** Log level of the request and decision log. SAKSI_LOG_LEVEL. */
  logLevel: LogLevel;
  /** The part this process plays under `serve --workers`; undefined otherwise. SAKSI_NODE_ROLE. */
  nodeRole: NodeRole | undefined;
  /** The group-committed write path (api/write/group-commit.ts). */
  write: {
    /** Most requests in one shared commit. SAKSI_WRITE_BATCH. */
    maxBatch: number;
    /** Shared commits in flight per process. SAKSI_WRITE_CONCURRENCY. */
    concurrency: number;
  };
  /** Token-bucket limits (api/platform/rate-limit.ts). */
  rateLimits: {
    /** Writes per officer. SAKSI_RATE_PRINCIPAL, SAKSI_BURST_PRINCIPAL. */
    perPrincipal: RateLimitConfig;
    /** Log-in attempts per client IP. SAKSI_RATE_LOGIN, SAKSI_BURST_LOGIN. */
    loginPerIp: RateLimitConfig;
    /** Requests per client IP. SAKSI_RATE_IP, SAKSI_BURST_IP. */
    perIp: RateLimitConfig;
    /**
     * Voter self-checks per client IP (api/domains/voters/self-check.ts): a
     * person checks their own record a few times, an enumerator thousands.
     * SAKSI_RATE_SELF_CHECK, SAKSI_BURST_SELF_CHECK.
     */
    selfCheckPerIp: RateLimitConfig;
  };
  /** HashiCorp Vault Transit, when VAULT_ADDR is set (keys/vault-config.ts names its variables). */
  vault: VaultOptions | undefined;
  /** Bearer tokens, officer look-up cache, external OIDC (api/auth/config.ts names its variables). */
  auth: AuthConfig;
  /**
   * C2SP tlog-witnesses that cosign each checkpoint (docs/witness.md):
   * `--witness VKEY=URL` (repeatable) or SAKSI_WITNESSES (space-separated VKEY=URL).
   */
  witnesses: WitnessConfig[];
  /** Longest wait for one round of witnesses. SAKSI_WITNESS_TIMEOUT_MS; default 3000. */
  witnessTimeoutMs: number;
  /** Stage gates (api/domains/audit, docs/audit-gates.md). */
  audit: {
    /**
     * JSON file with the election calendar's stages; the 2024 calendar (PKPU
     * 3/2022) when unset. SAKSI_STAGES_FILE.
     */
    stagesFile: string | undefined;
    /**
     * Audit or feasibility evidence older than this many seconds does not open a
     * stage. SAKSI_AUDIT_MAX_AGE; default 604800 (7 days).
     */
    maxAgeSeconds: number;
  };
}

export interface WitnessConfig {
  /** The witness's cosignature/v1 verifier key (type 0x04). */
  verifierKey: string;
  /** Its tlog-witness submission prefix (http:// or https://). */
  url: string;
}

const ORIGIN_RE = /^[a-z0-9.-]+(\/[A-Za-z0-9._~-]+)*$/;

export function loadConfig(flags: Partial<Config>, env: NodeJS.ProcessEnv = process.env): Config {
  const set = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };
  const int = (
    name: string,
    v: string | number | undefined,
    def: number,
    min: number,
    max: number,
  ) => {
    const n = v === undefined || v === '' ? def : typeof v === 'number' ? v : decimal(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(
        `${name} must be an integer in ${min}..${max}, not ${JSON.stringify(v)}`,
      );
    return n;
  };
  /** A positive rate or burst (requests; fractions allowed for a rate). */
  const limit = (rateName: string, burstName: string, rate: number, burst: number) => {
    const positive = (name: string, def: number, max: number) => {
      const v = set(name);
      const n = v === undefined ? def : /^[0-9]+(\.[0-9]+)?$/.test(v) ? Number(v) : Number.NaN;
      if (!(n > 0 && n <= max))
        throw new ConfigError(`${name} must be a number in (0, ${max}], not ${JSON.stringify(v)}`);
      return n;
    };
    return { rate: positive(rateName, rate, 1e7), burst: positive(burstName, burst, 1e7) };
  };
  const oneOf = <T extends string>(name: string, values: readonly T[], def: T | undefined) => {
    const v = set(name);
    if (v === undefined) return def;
    if (!(values as readonly string[]).includes(v))
      throw new ConfigError(
        `${name} must be one of ${values.join(', ')}, not ${JSON.stringify(v)}`,
      );
    return v as T;
  };

  const origin = flags.origin ?? set('SAKSI_LOG_ORIGIN') ?? 'saksi.localhost/log';
  // The origin becomes a signed-note key name: no spaces, no "+", printable.
  if (!ORIGIN_RE.test(origin))
    throw new ConfigError(
      `log origin ${JSON.stringify(origin)} is not a schemaless URL like kpu.go.id/saksi/log`,
    );
  return {
    port: int('port', flags.port ?? set('PORT'), 8080, 0, 65535),
    host: flags.host ?? set('SAKSI_HOST') ?? '127.0.0.1',
    dataDir: resolve(flags.dataDir ?? set('SAKSI_DATA') ?? '.saksi'),
    databaseUrl: flags.databaseUrl ?? databaseUrl(set('DATABASE_URL')),
    origin,
    kekFile: flags.kekFile ?? set('SAKSI_KEK_FILE'),
    batchSize: int('batch size', flags.batchSize ?? set('SAKSI_BATCH_SIZE'), 4096, 1, 65536),
    batchIntervalMs: int(
      'batch interval',
      flags.batchIntervalMs ?? set('SAKSI_BATCH_INTERVAL_MS'),
      100,
      1,
      250,
    ),
    ...timeouts(flags, env, int),
    demo: flags.demo ?? false,
    demoSeed: flags.demoSeed ?? demoSeed(set('SAKSI_DEMO_SEED')),
    logLevel: flags.logLevel ?? oneOf('SAKSI_LOG_LEVEL', LOG_LEVELS, 'info')!,
    nodeRole: flags.nodeRole ?? oneOf(NODE_ROLE_VARIABLE, NODE_ROLES, undefined),
    write: flags.write ?? {
      maxBatch: int('SAKSI_WRITE_BATCH', set('SAKSI_WRITE_BATCH'), 256, 1, 4096),
      // One shared commit in flight per process measured best on 2 cores: while it
      // commits, the next batch gathers (bench-results/api.md: 4 → 1 raised writes/s
      // by 18% and cut p99 from 714 to 298 ms).
      concurrency: int('SAKSI_WRITE_CONCURRENCY', set('SAKSI_WRITE_CONCURRENCY'), 1, 1, 64),
    },
    rateLimits: flags.rateLimits ?? {
      perPrincipal: limit('SAKSI_RATE_PRINCIPAL', 'SAKSI_BURST_PRINCIPAL', 100, 200),
      loginPerIp: limit('SAKSI_RATE_LOGIN', 'SAKSI_BURST_LOGIN', 5, 20),
      perIp: limit('SAKSI_RATE_IP', 'SAKSI_BURST_IP', 20_000, 40_000),
      selfCheckPerIp: limit('SAKSI_RATE_SELF_CHECK', 'SAKSI_BURST_SELF_CHECK', 0.1, 30),
    },
    vault: flags.vault ?? vaultConfigFromEnv(env),
    auth: flags.auth ?? loadAuthConfig(env, { origin }),
    witnesses: flags.witnesses ?? witnesses(set('SAKSI_WITNESSES')),
    witnessTimeoutMs: int(
      'SAKSI_WITNESS_TIMEOUT_MS',
      flags.witnessTimeoutMs ?? set('SAKSI_WITNESS_TIMEOUT_MS'),
      3000,
      100,
      60_000,
    ),
    audit: flags.audit ?? {
      stagesFile: set('SAKSI_STAGES_FILE'),
      maxAgeSeconds: int(
        'SAKSI_AUDIT_MAX_AGE',
        set('SAKSI_AUDIT_MAX_AGE'),
        604_800,
        60,
        31_622_400,
      ),
    },
  };
}

/**
 * Parses `VKEY=URL` witness specifications (from `--witness` or SAKSI_WITNESSES):
 * the key must be a cosignature/v1 verifier key, the URL http(s) without query,
 * and no witness twice.
 */
export function parseWitnesses(specs: readonly string[]): WitnessConfig[] {
  const out: WitnessConfig[] = [];
  for (const spec of specs) {
    const m = /^([^=\s]+)=(https?:\/\/\S+)$/.exec(spec);
    if (!m) throw new ConfigError(`witness ${JSON.stringify(spec)} is not VKEY=URL`);
    const [, verifierKey, url] = m as unknown as [string, string, string];
    try {
      parseCosignatureVerifierKey(verifierKey);
    } catch (e) {
      throw new ConfigError(`witness key ${verifierKey}: ${(e as Error).message}`);
    }
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new ConfigError(`witness URL ${url} is not a URL`);
    }
    if (u.search || u.hash) throw new ConfigError(`witness URL ${url} must not have a query`);
    if (out.some((w) => w.verifierKey === verifierKey))
      throw new ConfigError(`witness ${verifierKey} is given twice`);
    out.push({ verifierKey, url: url.replace(/\/+$/, '') });
  }
  return out;
}

function witnesses(v: string | undefined): WitnessConfig[] {
  return v === undefined ? [] : parseWitnesses(v.split(/\s+/).filter((s) => s !== ''));
}

/** Plain decimal digits only: Number() would also take "1e3", "0x10" and " 8 ". */
function decimal(v: string): number {
  return /^[0-9]{1,15}$/.test(v) ? Number(v) : Number.NaN;
}

function databaseUrl(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError('DATABASE_URL is not a URL (postgres://user@host:5432/db)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new ConfigError(`DATABASE_URL must be a postgres:// URL, not ${url.protocol}`);
  return v;
}

/** SAKSI_DEMO_SEED: unset or `default`, `all`, or a number of TPS (0: no seeding). */
function demoSeed(v: string | undefined): DemoSeedSize {
  if (v === undefined || v === 'default') return 'default';
  if (v === 'all') return Number.POSITIVE_INFINITY;
  if (!/^[0-9]{1,7}$/.test(v))
    throw new ConfigError(
      `SAKSI_DEMO_SEED must be "default", "all" or a number of TPS, not ${JSON.stringify(v)}`,
    );
  return Number(v);
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
