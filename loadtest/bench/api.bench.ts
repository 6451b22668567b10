/**
 * API write benchmark (`npm run bench:api`), issue #3 "Benchmark": on this
 * machine, with real PostgreSQL, over HTTP on loopback, ≥ 5,000 authenticated,
 * device-signed, authorised, ledgered writes/s sustained, p99 ≤ 250 ms, and zero
 * lost receipts (every 201 ends up integrated).
 *
 * Everything goes through the product: `saksi serve --demo --workers N` as a
 * child process on a fresh PostgreSQL database; demo KPPS officers at distinct
 * TPS, each with a device enrolled over the API (proof of possession); TPS
 * reports signed by those devices. Bodies are signed before the timed phase, and
 * the load comes from a separate driver process (this file, `--child-driver`)
 * on raw keep-alive sockets, one request in flight per connection, so that the
 * client spends as little of the machine's CPU as possible while it is timed.
 *
 * After the run every receipt's pendingId is looked up in the log through
 * LogReader (same leaf hash as the receipt) and the whole log is verified over HTTP.
 *
 * Where the time goes: CPU seconds of the API processes, of the PostgreSQL
 * backends serving this database, and of the driver, per request (from /proc);
 * micro-measurements of each per-request step in-process (JWT, ajv, Cedar cold
 * and cached, JCS, Ed25519, entry validation, pino lines); the write path without
 * HTTP (performWrite + GroupCommitter) with the time of each shared commit; and,
 * with --profile, a CPU profile of the server summarised by component.
 *
 * Imports from api/ — none of them on the measured HTTP path, which is the server
 * process; each is setup, the driver's signing, or an in-process measurement that
 * is reported as such (imports.test.ts holds this list to the file's imports):
 *   - api/domains/devices/index.ts: the enrolment message a device signs, its subject (setup), the device registry of the in-process write path
 *   - api/domains/tps-reports/index.ts: the report payload and subject the driver signs; the report definition and rules for the in-process measurements
 *   - api/write/device-signature.ts: the message a device signs (driver); its verification measured in-process
 *   - api/auth/tokens.ts: JWT verification measured in-process (microCosts)
 *   - api/domains/identity/directory.ts: the officer-record cache measured in-process (microCosts)
 *   - api/platform/logger.ts: the request and decision log lines measured in-process (microCosts)
 *   - api/schemas.ts: ajv validation measured in-process (microCosts)
 *   - api/write/cedar-authorizer.ts: Cedar decisions measured in-process, and the in-process write path
 *   - api/write/ledgered-write.ts: performWrite and the group committer, the in-process write path (no HTTP)
 *
 *   --workers 1,2        API processes tried (saksi serve --workers N)      (1,2)
 *   --seconds S          timed phase                                           (25)
 *   --warmup S           untimed warm-up before it                              (3)
 *   --concurrency C      requests in flight (connections)                     (256)
 *   --officers N         KPPS officers, one device and one TPS each           (200)
 *   --presign-rate R     bodies signed in advance per second of run        (7,500)
 *   --env K=V            extra server environment (repeatable), e.g. SAKSI_WRITE_BATCH=512
 *   --tune 'A=1;A=2,B=3' more runs (last --workers, ≤ 15 s), one per ;-separated env set
 *   --profile            one more run (1 worker) under node --cpu-prof, summarised
 *   --no-micro           skip the in-process measurements
 *   --no-http            skip the HTTP runs (micro-measurements and --profile only)
 *   --quick              a smoke run: 6 s, 1 worker, 64 officers, fewer iterations
 *
 * PostgreSQL: a fresh saksi_bench_api_<random> per run on
 * postgres://postgres@127.0.0.1:5432/postgres (SAKSI_BENCH_PG_URL), dropped after.
 */

import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { TokenService } from '../../api/auth/tokens.ts';
import {
  DbDeviceRegistry,
  deviceSubject,
  enrolmentMessage,
} from '../../api/domains/devices/index.ts';
import { OfficerDirectory } from '../../api/domains/identity/directory.ts';
import {
  reportRules,
  reportSubject,
  submitReport,
  type TpsReportPayload,
} from '../../api/domains/tps-reports/index.ts';
import { createLogger } from '../../api/platform/logger.ts';
import { validate } from '../../api/schemas.ts';
import { cedarAuthorizer } from '../../api/write/cedar-authorizer.ts';
import { submissionMessage, verifyDeviceSignature } from '../../api/write/device-signature.ts';
import { ledgerCommitter, performWrite, submissionSchema } from '../../api/write/ledgered-write.ts';
import { openLocalKeystore } from '../../keys/index.ts';
import {
  canonicalBytes,
  type Db,
  LedgerStore,
  type LogReader,
  migrate,
  openDb,
  validateEntry,
} from '../../ledger/index.ts';
import { verifyLog } from '../../ledger/verifier/index.ts';
import { loadPolicyEngine } from '../../policies/index.ts';
import { benchArgs, now, pool } from './common.ts';
import {
  figureLog,
  latencyPoints,
  latencySummary,
  percentile,
  table,
  writeBenchResults,
} from './figures.ts';
import { Conn } from './http-conn.ts';
import { createDb, pgPids, pgSettings } from './postgres.ts';
import {
  childrenOf,
  cpuOf,
  machineCpu,
  type Spawned,
  serveArgs,
  spawnDriver,
  spawnLogged,
} from './processes.ts';
import { summariseProfiles } from './profiles.ts';
import { waitIntegrated } from './receipts.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TARGET = { rate: 5000, p99Ms: 250 };

/** A TPS report as a KPPS device would submit it; `ref` makes each one a new subject. */
function reportPayload(tps: string, ref: string): TpsReportPayload {
  return {
    tps,
    ref,
    type: 'incident',
    occurredAt: '2024-02-14T10:15:00Z',
    description: `Laporan kejadian khusus ${ref}: saksi partai mengajukan keberatan atas surat suara rusak`,
  };
}

function signedReport(key: KeyObject, keyB64: string, tps: string, ref: string) {
  const payload = reportPayload(tps, ref);
  const subject = reportSubject(payload);
  const msg = submissionMessage({ kind: 'tps.report.submitted', subject, seq: 1, payload });
  return {
    subject,
    seq: 1,
    payload,
    device: { key: keyB64, sig: sign(null, msg, key).toString('base64') },
  };
}

const rawKey = (k: KeyObject) =>
  Buffer.from(k.export({ format: 'jwk' }).x!, 'base64url').toString('base64');

// ───────────────────────────── the load driver ──────────────────────────────

interface DriverJob {
  url: string;
  seconds: number;
  warmup: number;
  concurrency: number;
  presign: number;
  /** Prefix of every report ref, unique per run. */
  run: string;
  officers: { token: string; tps: string; pkcs8: string }[];
  out: string;
}

interface DriverResult {
  signed: number;
  signSeconds: number;
  timedSeconds: number;
  ranOut: boolean;
  statuses: Record<string, number>;
  warmupStatuses: Record<string, number>;
  ok: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** Completed 201s per whole second of the timed phase. */
  perSecond: number[];
  /** [pendingId, entryHash] of every 201, warm-up included. */
  receipts: [number, string][];
  /** Index into receipts of the first answered in the timed phase. */
  timedFrom: number;
  errors: string[];
  cpuSeconds: number;
}

const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

/**
 * The driver process: signs every body first (during the timed phase this
 * process only writes bytes), then sends them; its result goes to job.out.
 */
async function childDriver(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as DriverJob;
  const url = new URL(job.url);
  const t0 = now();
  const requests = presignRequests(job, url);
  const signSeconds = (now() - t0) / 1000;
  emit({ event: 'signed', n: job.presign, seconds: signSeconds });
  const sent = await sendRequests(job, url, requests);
  const result: DriverResult = { signed: job.presign, signSeconds, ...sent };
  writeFileSync(job.out, JSON.stringify(result));
  emit({ event: 'done' });
}

/** Every request of the run, whole (head and device-signed body), round-robin over the officers. */
function presignRequests(job: DriverJob, url: URL): Buffer[] {
  const keys = job.officers.map((o) => {
    const k = createPrivateKey({
      key: Buffer.from(o.pkcs8, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    return {
      key: k,
      keyB64: Buffer.from(k.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
    };
  });
  const heads = job.officers.map(
    (o) =>
      `POST /v1/tps-reports HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${o.token}\r\nContent-Type: application/json\r\nContent-Length: `,
  );
  const requests: Buffer[] = new Array(job.presign);
  for (let i = 0; i < job.presign; i++) {
    const o = i % job.officers.length;
    const body = JSON.stringify(
      signedReport(keys[o]!.key, keys[o]!.keyB64, job.officers[o]!.tps, `${job.run}-${i}`),
    );
    requests[i] = Buffer.from(`${heads[o]}${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  return requests;
}

/**
 * Warm-up, then the timed phase, on `job.concurrency` keep-alive connections,
 * one request in flight each; a clock marks the phases (events on stdout).
 */
async function sendRequests(
  job: DriverJob,
  url: URL,
  requests: Buffer[],
): Promise<Omit<DriverResult, 'signed' | 'signSeconds'>> {
  const host = url.hostname;
  const port = Number(url.port);
  const conns = Array.from({ length: job.concurrency }, () => new Conn(host, port));
  const lat = new Float64Array(job.presign);
  let nLat = 0;
  const statuses: Record<string, number> = {};
  const warmupStatuses: Record<string, number> = {};
  const receipts: [number, string][] = [];
  const errors: string[] = [];
  const perSecond: number[] = [];
  let next = 0;
  let phase: 'warmup' | 'timed' | 'done' = 'warmup';
  let timedStart = 0;
  let timedEnd = 0;
  let cpuAtStart = process.cpuUsage();
  let timedFrom = 0;

  const start = now();
  const warmEnd = start + job.warmup * 1000;
  const stopAt = warmEnd + job.seconds * 1000;
  const clock = setInterval(() => {
    const t = now();
    if (phase === 'warmup' && t >= warmEnd) {
      phase = 'timed';
      timedStart = t;
      timedFrom = receipts.length;
      cpuAtStart = process.cpuUsage();
      emit({ event: 'timed-start' });
    } else if (phase === 'timed' && t >= stopAt) {
      phase = 'done';
      timedEnd = t;
      emit({ event: 'timed-end' });
    }
  }, 5);

  async function loop(c: Conn): Promise<void> {
    while (phase !== 'done' && next < requests.length) {
      const i = next++;
      const req = requests[i]!;
      const began = now();
      const inTimed = phase === 'timed';
      let r: { status: number; body: Buffer };
      try {
        r = await c.request(req);
      } catch (e) {
        if (errors.length < 20) errors.push((e as Error).message);
        (inTimed ? statuses : warmupStatuses).error =
          ((inTimed ? statuses : warmupStatuses).error ?? 0) + 1;
        continue;
      }
      const t = now();
      const counts = inTimed ? statuses : warmupStatuses;
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      if (r.status === 201) {
        const rec = JSON.parse(r.body.toString('utf8')) as { pendingId: number; entryHash: string };
        receipts.push([rec.pendingId, rec.entryHash]);
      } else if (errors.length < 20)
        errors.push(`${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
      if (inTimed && phase === 'timed') {
        lat[nLat++] = t - began;
        if (r.status === 201) {
          const sec = Math.floor((t - timedStart) / 1000);
          perSecond[sec] = (perSecond[sec] ?? 0) + 1;
        }
      }
    }
  }
  await Promise.all(conns.map(loop));
  clearInterval(clock);
  // `phase` is changed by the clock callback, which TypeScript cannot see.
  const ranOut = (phase as string) !== 'done';
  if (ranOut) {
    timedEnd = now();
    if (timedStart === 0) timedStart = timedEnd;
  }
  const cpu = process.cpuUsage(cpuAtStart);
  for (const c of conns) c.close();
  const sorted = lat.subarray(0, nLat).sort();
  const timedSeconds = (timedEnd - timedStart) / 1000;
  return {
    timedSeconds,
    ranOut,
    statuses,
    warmupStatuses,
    ok: statuses['201'] ?? 0,
    latencyMs: latencySummary(sorted),
    // Only whole seconds: the last partial one would read as a dip.
    perSecond: Array.from({ length: Math.floor(timedSeconds) }, (_, i) => perSecond[i] ?? 0),
    receipts,
    timedFrom,
    errors,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const { figures, record } = figureLog();

interface Cost {
  what: string;
  us: number;
  note: string;
}
const costs: Cost[] = [];

// ───────────────────────── per-request costs, in-process ─────────────────────

/** Mean µs per call over `n` calls after a warm-up of n/10. */
async function perCall(n: number, fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.max(10, n / 10); i++) await fn(i);
  const t0 = now();
  for (let i = 0; i < n; i++) await fn(i);
  return ((now() - t0) * 1000) / n;
}

/**
 * Each per-request step of a write measured alone, in-process on one core (no
 * HTTP, no database client): the steps below, in the order a request meets them.
 */
async function microCosts(quick: boolean): Promise<void> {
  const n = quick ? 2_000 : 20_000;
  const dir = mkdtempSync(join(os.tmpdir(), 'saksi-bench-api-micro-'));
  try {
    const device = generateKeyPairSync('ed25519');
    const keyB64 = rawKey(device.publicKey);
    const bodies = Array.from({ length: 1000 }, (_, i) =>
      signedReport(device.privateKey, keyB64, tpsCode(i % 200), `m-${i}`),
    );
    costs.push(
      ...(await tokenCosts(n, dir)),
      ...(await bodyCosts(n, bodies)),
      ...(await cedarCosts(n, quick)),
      ...(await signatureCosts(n, bodies, keyB64)),
      ...(await entryCosts(n, bodies)),
      ...(await logCosts(n)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type SignedReport = ReturnType<typeof signedReport>;

/** The token: JWT verification and the officer record (keystore in `dir`). */
async function tokenCosts(n: number, dir: string): Promise<Cost[]> {
  const out: Cost[] = [];
  const keys = await openLocalKeystore({ dir });
  const tokens = new TokenService(keys, {
    issuer: 'bench.saksi.local/log',
    audience: 'saksi-api',
    ttlSeconds: 900,
  });
  const officers = Array.from({ length: 200 }, (_, i) => ({
    id: `demo-kpps-${tpsCode(i)}`,
    role: 'KPPS' as const,
    area: tpsCode(i),
  }));
  const issued = await Promise.all(officers.map((o) => tokens.issue(o)));
  out.push({
    what: 'JWT verification (EdDSA, claims)',
    us: await perCall(n, (i) => tokens.verify(issued[i % issued.length]!.token)),
    note: 'TokenService.verify: split, base64url, JSON, node:crypto Ed25519 verify',
  });
  const directory = new OfficerDirectory(
    { query: async () => [], exec: async () => undefined } as never,
    { ttlMs: 5_000 },
  );
  out.push({
    what: 'officer record (directory cache hit)',
    us: await perCall(n, (i) => directory.get(officers[i % 200]!.id)),
    note: 'authenticate(): the current record decides, cached ≤ 5 s',
  });
  return out;
}

/** The body: JSON.parse and the submission schema (ajv). */
async function bodyCosts(n: number, bodies: SignedReport[]): Promise<Cost[]> {
  const out: Cost[] = [];
  const texts = bodies.map((b) => JSON.stringify(b));
  out.push({
    what: 'JSON.parse of the body',
    us: await perCall(n, (i) => JSON.parse(texts[i % 1000]!)),
    note: `${texts[0]!.length} bytes`,
  });
  const schema = submissionSchema(submitReport.payloadSchema, true);
  out.push({
    what: 'ajv validation (submission schema)',
    us: await perCall(n, (i) => validate(schema, bodies[i % 1000])),
    note: 'compiled once; formats (date-time) included',
  });
  return out;
}

/** The Cedar decision, cold (a new officer each call) and cached. */
async function cedarCosts(n: number, quick: boolean): Promise<Cost[]> {
  const out: Cost[] = [];
  const silent = pino({ level: 'silent' });
  const engine = await loadPolicyEngine({ logger: silent });
  const authorizer = cedarAuthorizer(engine);
  const principal = (i: number) => ({
    kind: 'officer' as const,
    id: `p-${i}`,
    role: 'KPPS' as const,
    area: tpsCode(i % 200),
    suspended: false,
    via: 'token' as const,
  });
  let cold = 0;
  out.push({
    what: 'Cedar authorize, cold (decision-cache miss)',
    us: await perCall(quick ? 500 : 5_000, () => {
      // A new officer id every call: every decision is evaluated by Cedar.
      const p = principal(1_000_000 + cold++);
      return authorizer.authorize(p, 'results.submit', { type: 'Area', code: p.area });
    }),
    note: 'statefulIsAuthorized (Wasm) with request validation',
  });
  const warm = Array.from({ length: 200 }, (_, i) => principal(i));
  out.push({
    what: 'Cedar authorize, cached (200 officers)',
    us: await perCall(n, (i) => {
      const p = warm[i % 200]!;
      return authorizer.authorize(p, 'results.submit', { type: 'Area', code: p.area });
    }),
    note: 'LRU hit: JSON.stringify of the key + Map',
  });
  return out;
}

/** The device signature: its message (RFC 8785) and the Ed25519 verify. */
async function signatureCosts(n: number, bodies: SignedReport[], keyB64: string): Promise<Cost[]> {
  const out: Cost[] = [];
  out.push({
    what: 'device message: JCS of {kind, subject, seq, payload}',
    us: await perCall(n, (i) => {
      const b = bodies[i % 1000]!;
      return submissionMessage({
        kind: 'tps.report.submitted',
        subject: b.subject,
        seq: 1,
        payload: b.payload,
      });
    }),
    note: 'RFC 8785 in ledger/canonical.ts',
  });
  const msgs = bodies.map((b) =>
    submissionMessage({
      kind: 'tps.report.submitted',
      subject: b.subject,
      seq: 1,
      payload: b.payload,
    }),
  );
  const keyRaw = Buffer.from(keyB64, 'base64');
  const sigs = bodies.map((b) => Buffer.from(b.device.sig, 'base64'));
  out.push({
    what: 'Ed25519 verify of the device signature',
    us: await perCall(n, (i) => verifyDeviceSignature(keyRaw, msgs[i % 1000]!, sigs[i % 1000]!)),
    note: 'node:crypto (OpenSSL), key object cached',
  });
  return out;
}

/** The write itself: domain rules, the request hash, the entry's validation. */
async function entryCosts(n: number, bodies: SignedReport[]): Promise<Cost[]> {
  const out: Cost[] = [];
  out.push({
    what: 'domain rules (reportRules)',
    us: await perCall(n, (i) => reportRules(bodies[i % 1000]!.payload)),
    note: '',
  });
  out.push({
    what: 'request hash: JCS of the body + SHA-256',
    us: await perCall(n, (i) =>
      createHash('sha256')
        .update(canonicalBytes(bodies[i % 1000]!))
        .digest(),
    ),
    note: 'for Idempotency-Key; computed on every write',
  });
  const at = new Date().toISOString();
  out.push({
    what: 'entry validation: validateEntry (JCS, checks, leaf hash)',
    us: await perCall(n, (i) => {
      const b = bodies[i % 1000]!;
      return validateEntry({
        v: 1,
        kind: 'tps.report.submitted',
        subject: b.subject,
        seq: 1,
        prev: null,
        at,
        actor: { id: 'demo-kpps-x', role: 'KPPS', key: b.device.key, sig: b.device.sig },
        payload: b.payload,
      });
    }),
    note: 'ledger/entry.ts',
  });
  return out;
}

/** The request and decision log lines (pino, to a sink). */
async function logCosts(n: number): Promise<Cost[]> {
  const out: Cost[] = [];
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const logger = createLogger({ destination: sink });
  out.push({
    what: 'pino: request line + decision line',
    us: await perCall(n, (i) => {
      logger.info(
        {
          event: 'request',
          requestId: `r-${i}`,
          method: 'POST',
          route: '/v1/tps-reports',
          status: 201,
          ms: 3.2,
          principal: 'demo-kpps-x',
        },
        'request',
      );
      logger.info(
        {
          event: 'authz',
          principal: { id: 'demo-kpps-x', role: 'KPPS' },
          action: 'results.submit',
          allowed: true,
          policies: ['results.submit.kpps-own-tps'],
          cached: true,
        },
        'allow',
      );
    }),
    note: 'both at info by default (SAKSI_LOG_LEVEL); redaction paths on',
  });
  return out;
}

const tpsCode = (i: number) =>
  `${3171011001 + Math.floor(i / 20)}${String((i % 20) + 1).padStart(3, '0')}`;

/**
 * The write path without HTTP: performWrite through the GroupCommitter on real
 * PostgreSQL, 256 requests in flight. Gives the database time per shared commit
 * and the ceiling of one process before HTTP, authentication and logging.
 */
async function inProcessWrites(quick: boolean): Promise<Record<string, unknown>> {
  const created = await createDb('api');
  const db: Db = await openDb({ url: created.url, poolSize: 10 });
  const admin = new pg.Client({ connectionString: created.url });
  try {
    await migrate(db);
    await admin.connect();
    const { svc, batches } = await inProcessService(db);
    const officers = await inProcessOfficers(db);
    const total = quick ? 5_000 : 40_000;
    const reqs = Array.from({ length: total }, (_, i) => {
      const o = officers[i % 200]!;
      return { o, body: signedReport(o.key, o.keyB64, o.principal.area, `ip-${i}`) };
    });
    const schema = submissionSchema(submitReport.payloadSchema, true);
    const pids = await pgPids(admin, created.name);
    const pg0 = pids.reduce((s, p) => s + cpuOf(p), 0);
    const cpu0 = process.cpuUsage();
    const t0 = now();
    const { ok, failures } = await writeAll(svc, schema, reqs);
    const seconds = (now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pgCpu = (await pgPids(admin, created.name)).reduce((s, p) => s + cpuOf(p), 0) - pg0;
    return inProcessFigures({ ok, failures, seconds, cpu, pgCpu, batches });
  } finally {
    await admin.end().catch(() => undefined);
    await db.close();
    await created.drop();
  }
}

type InProcessService = Parameters<typeof performWrite>[0];
type InProcessOfficer = Awaited<ReturnType<typeof inProcessOfficers>>[number];

/** The write path's services as `saksi serve` builds them, with each shared commit's size and time noted. */
async function inProcessService(
  db: Db,
): Promise<{ svc: InProcessService; batches: { size: number; ms: number }[] }> {
  const engine = await loadPolicyEngine({ logger: pino({ level: 'silent' }) });
  const batches: { size: number; ms: number }[] = [];
  const committer = ledgerCommitter(db, {
    maxBatch: Number(process.env.SAKSI_WRITE_BATCH ?? 256),
    concurrency: Number(process.env.SAKSI_WRITE_CONCURRENCY ?? 4),
  });
  committer.onBatch = (size, ms) => batches.push({ size, ms });
  const svc = {
    committer,
    store: new LedgerStore(db),
    authorizer: cedarAuthorizer(engine),
    devices: new DbDeviceRegistry(db),
  };
  return { svc, batches };
}

/** 200 KPPS officers at distinct TPS, each with a device (inserted: setup, not measured). */
async function inProcessOfficers(db: Db) {
  const officers = Array.from({ length: 200 }, (_, i) => {
    const pair = generateKeyPairSync('ed25519');
    return {
      principal: {
        kind: 'officer' as const,
        id: `kpps-${tpsCode(i)}`,
        role: 'KPPS' as const,
        area: tpsCode(i),
        suspended: false,
        via: 'token' as const,
      },
      key: pair.privateKey,
      keyB64: rawKey(pair.publicKey),
    };
  });
  await db.query(
    'INSERT INTO devices (public_key, officer_id, label) SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[])',
    [
      officers.map((o) => Buffer.from(o.keyB64, 'base64')),
      officers.map((o) => o.principal.id),
      officers.map(() => 'bench'),
    ],
  );
  return officers;
}

/** Every request through performWrite, 256 in flight. */
async function writeAll(
  svc: InProcessService,
  schema: ReturnType<typeof submissionSchema>,
  reqs: { o: InProcessOfficer; body: ReturnType<typeof signedReport> }[],
): Promise<{ ok: number; failures: string[] }> {
  let next = 0;
  let ok = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next < reqs.length) {
        const r = reqs[next++]!;
        try {
          await performWrite(svc, submitReport, schema, r.o.principal, r.body);
          ok++;
        } catch (e) {
          if (failures.length < 5) failures.push((e as Error).message);
        }
      }
    }),
  );
  return { ok, failures };
}

/** The in-process run's figure, the database's share in the per-request table, and its data. */
function inProcessFigures(r: {
  ok: number;
  failures: string[];
  seconds: number;
  cpu: NodeJS.CpuUsage;
  pgCpu: number;
  batches: { size: number; ms: number }[];
}): Record<string, unknown> {
  const { ok, failures, seconds, cpu, pgCpu, batches } = r;
  const sizes = batches.map((b) => b.size);
  const ms = batches.map((b) => b.ms).sort((a, b) => a - b);
  const meanSize = sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length);
  const meanMs = ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length);
  const perWrite = sizes.reduce((a, b) => a + b * b, 0) / Math.max(1, ok);
  const result = {
    writes: ok,
    failures,
    seconds,
    rate: ok / seconds,
    batches: batches.length,
    meanBatch: meanSize,
    batchPerWrite: perWrite,
    commitMs: { mean: meanMs, p50: percentile(ms, 50), p99: percentile(ms, 99) },
    nodeCpuUsPerWrite: (cpu.user + cpu.system) / ok,
    pgCpuUsPerWrite: (pgCpu * 1e6) / ok,
  };
  record({
    step: 'in-process',
    what: 'performWrite + GroupCommitter, no HTTP (1 process, 256 in flight)',
    value: result.rate,
    unit: 'writes/s',
    note: `${ok.toLocaleString()} writes in ${seconds.toFixed(1)} s; ${batches.length} shared commits, mean ${meanSize.toFixed(0)} writes each (an average write shared with ${perWrite.toFixed(0)}), ${meanMs.toFixed(1)} ms each (p99 ${result.commitMs.p99.toFixed(1)} ms); node ${result.nodeCpuUsPerWrite.toFixed(0)} µs CPU/write, PostgreSQL ${result.pgCpuUsPerWrite.toFixed(0)} µs CPU/write${failures.length ? `; failures: ${failures.join(' | ')}` : ''}`,
  });
  costs.push({
    what: 'database: shared commit ÷ writes in it (wall time, not CPU)',
    us: (meanMs * 1000) / Math.max(1, meanSize),
    note: `wall time of one batch (SAVEPOINT, 3 INSERTs, RELEASE per write, then COMMIT) per write; ${meanMs.toFixed(1)} ms per ${meanSize.toFixed(0)}-write commit, up to 4 commits in flight`,
  });
  return result;
}

// ─────────────────────────── one run over HTTP ──────────────────────────────
//
// httpRun() is the list of these steps: a server on a fresh database, its
// officers and devices, the driver's timed load, the receipts and commits
// checked through the log, the log verified, the figures.

interface RunOptions {
  workers: number;
  seconds: number;
  warmup: number;
  concurrency: number;
  officers: number;
  presignRate: number;
  env: Record<string, string>;
  profile: boolean;
}

interface HttpOfficer {
  token: string;
  id: string;
  tps: string;
  key: KeyObject;
  keyB64: string;
}

/** `saksi serve --demo --workers N` on the fresh database; its URL once it listens. */
async function startApiServer(
  o: RunOptions,
  dbUrl: string,
  dir: string,
): Promise<{ server: Spawned; url: string; logFile: string; profDir: string }> {
  const logFile = join(dir, 'server.log');
  const profDir = join(dir, 'prof');
  const args = serveArgs(o.workers, join(dir, 'data'), o.profile ? { dir: profDir } : undefined);
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl,
    // No demo forms seeded beside the measured writes.
    SAKSI_DEMO_SEED: '0',
    // Setup enrols 200 devices from one address in a few seconds; the timed
    // phase spreads ~25 writes/s over each officer, well inside the defaults.
    ...o.env,
  };
  const server = spawnLogged(process.execPath, args, env, logFile);
  try {
    const line = await server.next((l) => l.includes('saksi listening on'), 60_000);
    return { server, url: /saksi listening on (\S+)/.exec(line)![1]!, logFile, profDir };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/** Officers over the API (demo mode creates a KPPS for any TPS), each with an enrolled device. */
async function enrolOfficers(url: string, n: number): Promise<HttpOfficer[]> {
  const officers: HttpOfficer[] = [];
  const areas = Array.from({ length: n }, (_, i) => tpsCode(i));
  await pool(areas, 8, async (tps) => {
    const r = await fetch(`${url}/v1/demo/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'KPPS', area: tps }),
    });
    if (r.status !== 200) throw new Error(`demo token ${tps}: ${r.status} ${await r.text()}`);
    const j = (await r.json()) as { token: string; officer: { id: string } };
    const pair = generateKeyPairSync('ed25519');
    officers.push({
      token: j.token,
      id: j.officer.id,
      tps,
      key: pair.privateKey,
      keyB64: rawKey(pair.publicKey),
    });
  });
  await pool(officers, 16, async (off) => {
    const proof = sign(null, enrolmentMessage(off.id, off.keyB64), off.key).toString('base64');
    const r = await fetch(`${url}/v1/devices`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${off.token}` },
      body: JSON.stringify({
        subject: deviceSubject(off.keyB64),
        seq: 1,
        payload: { officer: off.id, key: off.keyB64, label: 'bench', proof },
      }),
    });
    if (r.status !== 201) throw new Error(`enrol ${off.id}: ${r.status} ${await r.text()}`);
  });
  return officers;
}

interface CpuMark {
  server: number;
  pg: number;
  machine: { busy: number; total: number };
  at: number;
  /** Bytes of the server's log so far. */
  log: number;
}

interface TimedLoad {
  res: DriverResult;
  c0: CpuMark;
  c1: CpuMark;
}

/**
 * The driver signs every body, then runs the warm-up and the timed phase; CPU
 * of the server, of PostgreSQL and of the machine is read at both ends of it.
 */
async function timedLoad(
  o: RunOptions,
  label: string,
  at: { url: string; server: Spawned; logFile: string; dir: string; admin: pg.Client; db: string },
  officers: HttpOfficer[],
  window: [number, number],
): Promise<TimedLoad> {
  const { url, server, logFile, dir, admin, db } = at;
  const jobFile = join(dir, 'job.json');
  const resultFile = join(dir, 'result.json');
  const job: DriverJob = {
    url,
    seconds: o.seconds,
    warmup: o.warmup,
    concurrency: o.concurrency,
    presign: Math.ceil(o.presignRate * (o.seconds + o.warmup)),
    run: `b${randomBytes(3).toString('hex')}`,
    officers: officers.map((x) => ({
      token: x.token,
      tps: x.tps,
      pkcs8: x.key.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    })),
    out: resultFile,
  };
  writeFileSync(jobFile, JSON.stringify(job));
  const driver = spawnDriver(SELF, jobFile);
  const signed = await driver.next('signed', 300_000);
  console.log(
    `  [${label}] driver signed ${job.presign.toLocaleString()} bodies in ${Number(signed.seconds).toFixed(1)} s`,
  );
  await driver.next('timed-start', 120_000);
  const serverPids = [server.proc.pid!, ...childrenOf(server.proc.pid!)];
  const pgPidsAtStart = await pgPids(admin, db);
  const c0: CpuMark = {
    server: serverPids.reduce((s, p) => s + cpuOf(p), 0),
    pg: pgPidsAtStart.reduce((s, p) => s + cpuOf(p), 0),
    machine: machineCpu(),
    at: now(),
    log: statSync(logFile).size,
  };
  window[0] = Number(process.hrtime.bigint() / 1000n);
  await driver.next('timed-end', (o.seconds + 60) * 1000);
  window[1] = Number(process.hrtime.bigint() / 1000n);
  const pgPidsAtEnd = [...new Set([...pgPidsAtStart, ...(await pgPids(admin, db))])];
  const c1: CpuMark = {
    server: serverPids.reduce((s, p) => s + cpuOf(p), 0),
    // Backends that appeared meanwhile are counted from zero: an overestimate
    // only if one was also busy before, and pools start at setup.
    pg: pgPidsAtEnd.reduce((s, p) => s + cpuOf(p), 0),
    machine: machineCpu(),
    at: now(),
    log: statSync(logFile).size,
  };
  await driver.next('done', 120_000);
  const res = JSON.parse(readFileSync(resultFile, 'utf8')) as DriverResult;
  return { res, c0, c1 };
}

/** CPU of the timed phase: the server's, PostgreSQL's, the driver's and everyone else's. */
function timedPhaseCpu({ res, c0, c1 }: TimedLoad) {
  const wall = (c1.at - c0.at) / 1000;
  const requests = Object.values(res.statuses).reduce((a, b) => a + b, 0);
  const machine = {
    busySeconds: c1.machine.busy - c0.machine.busy,
    capacitySeconds: c1.machine.total - c0.machine.total,
  };
  const cpu = {
    serverSeconds: c1.server - c0.server,
    pgSeconds: c1.pg - c0.pg,
    driverSeconds: res.cpuSeconds,
  };
  const othersSeconds = Math.max(
    0,
    machine.busySeconds - cpu.serverSeconds - cpu.pgSeconds - cpu.driverSeconds,
  );
  const perReq = (s: number) => (s * 1e6) / Math.max(1, requests);
  return {
    wall,
    requests,
    machine,
    cpu,
    othersSeconds,
    perReq,
    logBytesPerRequest: (c1.log - c0.log) / Math.max(1, requests),
  };
}

/**
 * Every 201 must end up in the log under the hash its receipt names; the shared
 * commits of the timed phase's writes, from the log itself: the transactions
 * that appended them (every worker's batches, unlike /metrics).
 */
async function receiptsInLog(log: LogReader, res: DriverResult) {
  const drainT0 = now();
  const missing = await waitIntegrated(log, res.receipts, 180_000);
  const drainSeconds = (now() - drainT0) / 1000;
  const commits = await log.commitsOf(res.receipts.slice(res.timedFrom).map((r) => r[0]));
  const sizes = commits.map((c) => c.entries).sort((a, b) => a - b);
  const batches = {
    commits: sizes.length,
    mean: sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length),
    // The batch an average write was in (a few big commits and many small ones
    // make the plain mean look smaller than what most writes shared).
    perWrite:
      sizes.reduce((a, b) => a + b * b, 0) /
      Math.max(
        1,
        sizes.reduce((a, b) => a + b, 0),
      ),
    p50: percentile(sizes, 50),
    p90: percentile(sizes, 90),
    max: sizes[sizes.length - 1] ?? 0,
  };
  return { missing, drainSeconds, batches };
}

/** The whole log, verified from what the API serves (the key from the server's log). */
async function verifyServedLog(url: string, logFile: string): Promise<string> {
  const vkey = readFileSync(logFile, 'utf8').match(/log verifier key: (\S+)/)?.[1];
  try {
    const v = await verifyLog({
      verifierKey: vkey!,
      concurrency: 8,
      fetch: async (p) => {
        const r = await fetch(`${url}/log/${p}`);
        return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
      },
    });
    return `verified ${v.size.toLocaleString()} entries`;
  } catch (e) {
    return `FAILED: ${(e as Error).message}`;
  }
}

interface HttpFindings {
  res: DriverResult;
  cpu: ReturnType<typeof timedPhaseCpu>;
  receipts: Awaited<ReturnType<typeof receiptsInLog>>;
  metrics: string;
  verified: string;
}

function recordHttpFigures(o: RunOptions, label: string, f: HttpFindings): void {
  const { res, metrics, verified } = f;
  const { wall, requests, machine, cpu, othersSeconds, perReq, logBytesPerRequest } = f.cpu;
  const { missing, drainSeconds, batches } = f.receipts;
  const rate = res.ok / res.timedSeconds;
  const statusNote = Object.entries(res.statuses)
    .map(([k, v]) => `${k}: ${v.toLocaleString()}`)
    .join(', ');
  const minSec = Math.min(...res.perSecond);
  record({
    step: label,
    what: `writes/s sustained (${o.seconds} s, ${o.concurrency} in flight, ${o.officers} officers)`,
    value: rate,
    unit: 'writes/s',
    target: { cmp: '>=', value: TARGET.rate },
    note: `${res.ok.toLocaleString()} × 201 of ${requests.toLocaleString()} (${statusNote}); slowest second ${minSec.toLocaleString()}, fastest ${Math.max(...res.perSecond).toLocaleString()}${res.ranOut ? '; RAN OUT of pre-signed bodies' : ''}`,
  });
  for (const [p, v] of latencyPoints(res.latencyMs))
    record({
      step: label,
      what: `latency ${p}`,
      value: v,
      unit: 'ms',
      ...(p === 'p99' ? { target: { cmp: '<=' as const, value: TARGET.p99Ms } } : {}),
    });
  record({
    step: label,
    what: 'lost receipts (201 not integrated with its hash)',
    value: missing.length,
    unit: '',
    target: { cmp: '<=', value: 0 },
    note: `${res.receipts.length.toLocaleString()} receipts (warm-up included) all checked in the log (LogReader.leavesOf); backlog drained ${drainSeconds.toFixed(1)} s after the load; log ${verified}`,
  });
  record({
    step: label,
    what: 'writes per shared commit (their appending transactions, LogReader.commitsOf)',
    value: batches.mean,
    unit: '',
    note: `${batches.commits.toLocaleString()} commits; p50 ${batches.p50}, p90 ${batches.p90}, max ${batches.max}; an average write shared its commit with ${batches.perWrite.toFixed(0)}; /metrics saksi_write_batch_size: ${metrics}`,
  });
  record({
    step: label,
    what: 'CPU per request: API processes',
    value: perReq(cpu.serverSeconds),
    unit: 'µs',
    note: `${cpu.serverSeconds.toFixed(1)} CPU-s over ${wall.toFixed(1)} s on ${os.cpus().length} cores; log ${logBytesPerRequest.toFixed(0)} bytes/request`,
  });
  record({
    step: label,
    what: 'CPU per request: PostgreSQL (this database + WAL writer)',
    value: perReq(cpu.pgSeconds),
    unit: 'µs',
    note: `${cpu.pgSeconds.toFixed(1)} CPU-s`,
  });
  record({
    step: label,
    what: 'CPU per request: load driver',
    value: perReq(cpu.driverSeconds),
    unit: 'µs',
    note: `${cpu.driverSeconds.toFixed(1)} CPU-s`,
  });
  record({
    step: label,
    what: 'CPU used by other processes on the machine',
    value: othersSeconds / wall,
    unit: 'cores',
    note: `machine busy ${(machine.busySeconds / wall).toFixed(2)} of ${os.cpus().length} cores during the timed phase`,
  });
}

/** The run's data for the results file, beside the figures. */
function httpRunData(url: string, f: HttpFindings): Record<string, unknown> {
  const { res, metrics, verified } = f;
  const { wall, requests, machine, cpu, othersSeconds, perReq, logBytesPerRequest } = f.cpu;
  const { missing, drainSeconds, batches } = f.receipts;
  return {
    url,
    rate: res.ok / res.timedSeconds,
    requests,
    ok: res.ok,
    statuses: res.statuses,
    warmupStatuses: res.warmupStatuses,
    ranOut: res.ranOut,
    timedSeconds: res.timedSeconds,
    latencyMs: res.latencyMs,
    perSecond: res.perSecond,
    receipts: res.receipts.length,
    lost: missing.length,
    lostSample: missing.slice(0, 5),
    drainSeconds,
    batches,
    metrics,
    cpu,
    cpuUsPerRequest: {
      server: perReq(cpu.serverSeconds),
      postgres: perReq(cpu.pgSeconds),
      driver: perReq(cpu.driverSeconds),
      others: perReq(othersSeconds),
    },
    machine: { ...machine, othersSeconds, wall },
    logBytesPerRequest,
    verified,
    errors: res.errors.slice(0, 5),
  };
}

async function httpRun(o: RunOptions, label: string): Promise<Record<string, unknown>> {
  const created = await createDb('api');
  const dir = mkdtempSync(join(os.tmpdir(), 'saksi-bench-api-'));
  const admin = new pg.Client({ connectionString: created.url });
  // The log read as any reader outside ledger/ reads it (LogReader).
  const logDb = await openDb({ url: created.url, poolSize: 2 });
  const log: LogReader = new LedgerStore(logDb);
  const out: Record<string, unknown> = { label, workers: o.workers, env: o.env };
  /** The timed phase on the monotonic clock, in µs (to cut the profile to it). */
  const window: [number, number] = [0, Number.MAX_SAFE_INTEGER];
  let started: Awaited<ReturnType<typeof startApiServer>> | undefined;
  try {
    started = await startApiServer(o, created.url, dir);
    const { server, url, logFile } = started;
    await admin.connect();
    const t0 = now();
    const officers = await enrolOfficers(url, o.officers);
    out.setupSeconds = (now() - t0) / 1000;
    console.log(
      `  [${label}] ${officers.length} officers with enrolled devices in ${(out.setupSeconds as number).toFixed(1)} s`,
    );
    const load = await timedLoad(
      o,
      label,
      { url, server, logFile, dir, admin, db: created.name },
      officers,
      window,
    );
    const findings: HttpFindings = {
      res: load.res,
      cpu: timedPhaseCpu(load),
      receipts: await receiptsInLog(log, load.res),
      metrics: await scrapeBatchMetrics(url, o.workers),
      verified: await verifyServedLog(url, logFile),
    };
    Object.assign(out, httpRunData(url, findings));
    recordHttpFigures(o, label, findings);
    return out;
  } finally {
    await admin.end().catch(() => undefined);
    await logDb.close().catch(() => undefined);
    if (started) await started.server.stop();
    if (o.profile && started) out.profile = summariseProfiles(started.profDir, window);
    await created
      .drop()
      .catch((e) => console.error(`drop ${created.name}: ${(e as Error).message}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * saksi_write_batch_size from /metrics. Each worker keeps its own registry, so
 * with several workers the histograms are told apart by their count and summed.
 */
async function scrapeBatchMetrics(url: string, workers: number): Promise<string> {
  const seen = new Map<string, { count: number; sum: number }>();
  for (let i = 0; i < workers * 8 && seen.size < workers; i++) {
    const text = await (await fetch(`${url}/metrics`, { headers: { Connection: 'close' } })).text();
    const count = Number(/^saksi_write_batch_size_count (\S+)/m.exec(text)?.[1] ?? Number.NaN);
    const sum = Number(/^saksi_write_batch_size_sum (\S+)/m.exec(text)?.[1] ?? Number.NaN);
    if (Number.isFinite(count)) seen.set(`${count}/${sum}`, { count, sum });
  }
  const all = [...seen.values()];
  const count = all.reduce((a, b) => a + b.count, 0);
  const sum = all.reduce((a, b) => a + b.sum, 0);
  return `${count.toLocaleString()} batches, mean ${(sum / Math.max(1, count)).toFixed(1)} (setup included; ${all.length} of ${workers} worker registries seen)`;
}

// ─────────────────────────────────── main ───────────────────────────────────

interface Options {
  workers: number[];
  seconds: number;
  warmup: number;
  concurrency: number;
  officers: number;
  presignRate: number;
  env: Record<string, string>;
  tune: Record<string, string>[];
  profile: boolean;
  micro: boolean;
  http: boolean;
  quick: boolean;
}

function parseArgs(argv: string[]): Options {
  const { quick, get, num } = benchArgs(argv);
  const env: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (a === '--env') {
      const [k, ...v] = (argv[i + 1] ?? '').split('=');
      if (k) env[k] = v.join('=');
    }
  });
  return {
    workers: (get('--workers') ?? (quick ? '1' : '1,2')).split(',').map(Number),
    seconds: num('--seconds', 25, 6),
    warmup: num('--warmup', 3, 2),
    concurrency: num('--concurrency', 256, 128),
    officers: num('--officers', 200, 64),
    presignRate: num('--presign-rate', 7_500, 6_000),
    env,
    tune: (get('--tune') ?? '')
      .split(';')
      .filter(Boolean)
      .map((set) =>
        Object.fromEntries(set.split(',').map((kv) => kv.split('=') as [string, string])),
      ),
    profile: argv.includes('--profile'),
    micro: !argv.includes('--no-micro'),
    http: !argv.includes('--no-http'),
    quick,
  };
}

/** The machine, the options and PostgreSQL's settings, for the results file's header. */
async function machineInfo(o: Options): Promise<Record<string, unknown>> {
  const info: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    options: o,
    postgres: await pgSettings(),
    loadAvgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.log(
    `Saksi API write bench — ${info.cpus}× ${info.cpuModel}, ${info.memoryGiB} GiB, Node ${info.node}; load average ${String(info.loadAvgAtStart)}`,
  );
  return info;
}

/** Runs a step; a step that fails is reported and the others still run. */
type Attempt = (label: string, fn: () => Promise<void>) => Promise<void>;

function attempter(failures: string[]): Attempt {
  return async (label, fn) => {
    try {
      await fn();
    } catch (e) {
      failures.push(`${label}: ${(e as Error)?.message ?? e}`);
      console.error(`${label} failed: ${(e as Error)?.stack ?? e}`);
    }
  };
}

/** One HTTP run per --workers value, then one per --tune environment (last --workers, ≤ 15 s). */
async function httpRuns(o: Options, attempt: Attempt): Promise<Record<string, unknown>[]> {
  const runs: Record<string, unknown>[] = [];
  for (const workers of o.http ? o.workers : [])
    await attempt(`workers=${workers}`, async () => {
      runs.push(await httpRun({ ...o, workers, profile: false }, `HTTP ×${workers}`));
    });
  for (const t of o.http ? o.tune : []) {
    const workers = o.workers[o.workers.length - 1]!;
    const what = Object.entries(t)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    await attempt(`tune ${what}`, async () => {
      runs.push(
        await httpRun(
          {
            ...o,
            workers,
            seconds: Math.min(o.seconds, 15),
            env: { ...o.env, ...t },
            profile: false,
          },
          `HTTP ×${workers} ${what}`,
        ),
      );
    });
  }
  return runs;
}

/** The per-request steps in-process, then the write path without HTTP. */
async function inProcessSteps(
  o: Options,
  attempt: Attempt,
): Promise<Record<string, unknown> | undefined> {
  let inProcess: Record<string, unknown> | undefined;
  await attempt('micro', () => microCosts(o.quick));
  await attempt('in-process', async () => {
    inProcess = await inProcessWrites(o.quick);
  });
  return inProcess;
}

/** One more HTTP run, 1 worker, under node --cpu-prof; its summary. */
async function profiledRun(
  o: Options,
  attempt: Attempt,
  runs: Record<string, unknown>[],
): Promise<Record<string, unknown> | undefined> {
  let profile: Record<string, unknown> | undefined;
  await attempt('profile', async () => {
    const r = await httpRun(
      { ...o, workers: 1, seconds: Math.min(o.seconds, 15), profile: true },
      'profiled ×1',
    );
    profile = r.profile as Record<string, unknown>;
    runs.push(r);
  });
  return profile;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const info = await machineInfo(o);
  const failures: string[] = [];
  const attempt = attempter(failures);
  const runs = await httpRuns(o, attempt);
  const inProcess = o.micro ? await inProcessSteps(o, attempt) : undefined;
  const profile = o.profile ? await profiledRun(o, attempt, runs) : undefined;
  report(o, info, { runs, inProcess, profile, failures });
}

/** The tables on the console and in bench-results/api.{json,md}. */
function report(
  o: Options,
  info: Record<string, unknown>,
  r: {
    runs: Record<string, unknown>[];
    inProcess: Record<string, unknown> | undefined;
    profile: Record<string, unknown> | undefined;
    failures: string[];
  },
): void {
  const { runs, inProcess, profile, failures } = r;
  info.loadAvgAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  const best = runs
    .filter((r) => !String(r.label).startsWith('profiled'))
    .sort((a, b) => Number(b.rate) - Number(a.rate))[0];
  const wallCosts = costs.filter((c) => c.what.startsWith('database'));
  const cpuCosts = costs.filter((c) => !wallCosts.includes(c));
  const costTable = [
    '| per-request step | µs | notes |',
    '| --- | --- | --- |',
    ...cpuCosts.map((c) => `| ${c.what} | ${c.us.toFixed(1)} | ${c.note} |`),
    `| **sum of the CPU steps above (cold Cedar excluded)** | **${cpuCosts
      .filter((c) => !c.what.includes('cold'))
      .reduce((a, c) => a + c.us, 0)
      .toFixed(1)}** | one core, no HTTP, no database client |`,
    ...wallCosts.map((c) => `| ${c.what} | ${c.us.toFixed(1)} | ${c.note} |`),
    ...(best
      ? [
          `| API process CPU per request, measured (${best.label}) | ${(best.cpuUsPerRequest as { server: number }).server.toFixed(0)} | /proc: everything the server did, HTTP, Hono, pg client, logging and GC included |`,
          `| PostgreSQL CPU per request, measured (${best.label}) | ${(best.cpuUsPerRequest as { postgres: number }).postgres.toFixed(0)} | /proc: backends of this database + WAL writer, checkpointer |`,
          `| budget at 5,000 writes/s on ${info.cpus} cores | ${((Number(info.cpus) * 1e6) / TARGET.rate).toFixed(0)} | for server, PostgreSQL and driver together |`,
        ]
      : []),
  ].join('\n');
  const profileMd = profile
    ? [
        '',
        '## Server CPU profile (node --cpu-prof, 1 worker), self time',
        '',
        '| component | % of busy CPU |',
        '| --- | --- |',
        ...((profile.categories as { category: string; percent: number }[]) ?? []).map(
          (c) => `| ${c.category} | ${c.percent} |`,
        ),
        '',
        '| function | % |',
        '| --- | --- |',
        ...((profile.top as { fn: string; percent: number }[]) ?? [])
          .slice(0, 20)
          .map((c) => `| \`${c.fn.replaceAll('|', '\\|')}\` | ${c.percent} |`),
      ].join('\n')
    : '';
  const md = [
    '# Saksi API write benchmark',
    '',
    `${info.date} · ${info.cpus}× ${info.cpuModel} · ${info.memoryGiB} GiB · Node ${info.node} · load average ${String(info.loadAvgAtStart)} → ${String(info.loadAvgAtEnd)}${o.quick ? ' · quick' : ''}`,
    '',
    `PostgreSQL: ${JSON.stringify(info.postgres)}`,
    '',
    `Server: \`saksi serve --demo --workers N\` on a fresh database; ${o.officers} KPPS officers at distinct TPS, one enrolled device each; device-signed TPS reports pre-signed by a separate driver process, ${o.concurrency} keep-alive connections, one request in flight each; ${o.warmup} s warm-up, then ${o.seconds} s timed. Extra server env: ${JSON.stringify(o.env)}.`,
    '',
    table(figures),
    '',
    '## Where the time goes, per request',
    '',
    costTable,
    profileMd,
    '',
    failures.length ? `Failures:\n${failures.map((f) => `- ${f}`).join('\n')}\n` : '',
  ].join('\n');
  console.log(`\n${table(figures)}\n\n${costTable}\n${profileMd}\n`);
  writeBenchResults(
    ROOT,
    'api',
    md,
    { machine: info, targets: TARGET, figures, failures },
    { costsUs: costs, inProcess, runs, profile },
  );
}

const [mode, a1] = process.argv.slice(2);
if (mode === '--child-driver') await childDriver(a1!);
else await main();
