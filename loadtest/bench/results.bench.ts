/**
 * Counting benchmark (`npm run bench:results`), issue #4 "Benchmark": the
 * national election night is ~4.1 million C.Hasil forms (823,220 TPS × the
 * contests held there). On this machine, with PostgreSQL, over HTTP on loopback:
 * ingest ≥ 200,000 device-signed forms and extrapolate (target ≥ 4,600 forms/s,
 * the night in under 15 minutes); the recap at every level current within 5 s of
 * the last form; the proof from any TPS to the national total served in ≤ 10 ms.
 *
 * Everything goes through the product, as in api.bench.ts: a fresh database with
 * the national synthetic election loaded (generateElection + loadElection), then
 * `saksi serve --demo --workers N` as a child process. The TPS are whole desa
 * drawn at random from nine provinces across the country; every TPS gets its own
 * KPPS officer, device and photo, and a form for each contest held there. Forms
 * are sent contest by contest (every TPS's PPWP, then every DPR, …) in shuffled
 * TPS order, as a count proceeds on the night: one officer's forms are minutes
 * apart, so the server's per-officer caches (officer record, device, Cedar
 * decision) mostly miss, as they would with 823,220 officers.
 *
 * Setup, not measured as ingestion, and reported (the roster is loaded before
 * the night, like the registry):
 *   - officers, straight into the database with the product's own ledgered insert
 *     (identity store insertOfficer, as demo mode does) sharing one password
 *     hash: a scrypt hash (N=2^15) costs ~0.3 s of CPU here, so creating 40,000
 *     demo officers through POST /v1/demo/token would take over an hour; with
 *     each, its TPS's photo (photos store storePhoto, 2 KiB: the store's cost,
 *     not a camera's);
 *   - each officer's device, enrolled through the write path itself (performWrite
 *     with the enrolment definition, Cedar and the group committer) in-process:
 *     POST /v1/devices minus HTTP and the token check, ~3× cheaper here;
 *   - a token per officer from the server, POST /v1/demo/token (the officer
 *     exists: no hash).
 * The driver (this file, `--child-driver`) builds every form with consistentForm
 * and signs it with its TPS's device while all that runs, then sends them on raw
 * keep-alive sockets, one request in flight per connection.
 *
 * Measured: forms/s over the whole timed phase (first request to last answer),
 * latency, CPU per form of each process (/proc), lost receipts (every 201 found in
 * the log under its hash, read through LogReader), the recap's lag during the load
 * (sampled every second: forms answered 201 vs. forms in the national recaps) and
 * after the last form, what the load wrote (recap entries per form, commits, read
 * through LogReader.commitsOf), what PostgreSQL's
 * backends were running (pg_stat_activity every 100 ms), proof latency over HTTP
 * (sequential and concurrent) with a sample checked by the observer's verifier
 * against GET /log/key, and the whole log verified. With --profile, the server's
 * CPU profile during ingestion, the proofs and the token requests.
 *
 * Imports from api/ — none of them on the measured path (the server process);
 * each is the roster's setup, the driver's form building and signing, or a type
 * (imports.test.ts holds this list to the file's imports):
 *   - api/auth/password.ts: the roster's one shared password hash (setup)
 *   - api/domains/devices/index.ts: device enrolment through the write path (setup)
 *   - api/domains/identity/index.ts: the demo actor and officer ids (setup)
 *   - api/domains/identity/store.ts: insertOfficer, the roster's ledgered insert (setup)
 *   - api/domains/photos/store.ts: storePhoto, each TPS's photo (setup)
 *   - api/domains/photos/testing.ts: the 2 KiB test photo (setup)
 *   - api/domains/registry/index.ts: the synthetic national election and its registry (setup, driver)
 *   - api/domains/results/proof/chain.ts: the proof's type, for the observer's verifier
 *   - api/domains/results/testing.ts: consistentForm and signedForm (the driver's forms)
 *   - api/write/cedar-authorizer.ts: device enrolment through the write path (setup)
 *   - api/write/ledgered-write.ts: device enrolment through the write path (setup)
 *
 *   --forms N              forms in the timed phase                   (200,000)
 *   --concurrency C        requests in flight (connections)                (256)
 *   --rate R               offer R forms/s instead of as many as answered   (0)
 *   --workers N            API processes (saksi serve --workers N)           (2)
 *   --proofs N             proofs fetched after ingestion                (2,000)
 *   --proof-concurrency C  connections for the concurrent proof pass        (8)
 *   --verify N             proofs checked with verifyResultsProof           (25)
 *   --order contest|tps    contest by contest (default), or a TPS's 5 in a row
 *   --seed S               election seed                               (bench)
 *   --env K=V              extra server environment (repeatable)
 *   --profile              server under node --cpu-prof (10 ms), summarised by component
 *   --no-verify-log        skip verifying the whole log over HTTP
 *   --quick                a smoke run: 5,000 forms, 200 proofs
 *
 * PostgreSQL: a fresh saksi_bench_results_<random> on
 * postgres://postgres@127.0.0.1:5432/postgres (SAKSI_BENCH_PG_URL), dropped after.
 */

import { execFileSync } from 'node:child_process';
import {
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { hashPassword } from '../../api/auth/password.ts';
import {
  DbDeviceRegistry,
  deviceSubject,
  enrolDevice,
  enrolmentMessage,
} from '../../api/domains/devices/index.ts';
import { DEMO_ACTOR, demoOfficerId } from '../../api/domains/identity/index.ts';
import { insertOfficer } from '../../api/domains/identity/store.ts';
import { storePhoto } from '../../api/domains/photos/store.ts';
import { type TestPhoto, testPhoto } from '../../api/domains/photos/testing.ts';
import {
  CONTEST_IDS,
  type Election,
  generateElection,
  loadElection,
  Registry,
} from '../../api/domains/registry/index.ts';
import type { ResultsProof } from '../../api/domains/results/proof/chain.ts';
import { consistentForm, signedForm } from '../../api/domains/results/testing.ts';
import { cedarAuthorizer } from '../../api/write/cedar-authorizer.ts';
import { ledgerCommitter, performWrite, submissionSchema } from '../../api/write/ledgered-write.ts';
import {
  type AppendedCommit,
  type Db,
  LedgerStore,
  type LogReader,
  migrate,
  openDb,
} from '../../ledger/index.ts';
import { verifyLog } from '../../ledger/verifier/index.ts';
import { verifyResultsProof } from '../../ledger/verifier/results/index.ts';
import { loadPolicyEngine } from '../../policies/index.ts';
import { benchArgs, now, sleep } from './common.ts';
import {
  figureLog,
  latencyPoints,
  latencySummary,
  percentile,
  table,
  writeBenchResults,
} from './figures.ts';
import { Conn, httpRequest } from './http-conn.ts';
import {
  createDb,
  leaderPid,
  pgActivitySampler,
  pgPids,
  pgSettings,
  type ScratchDb,
} from './postgres.ts';
import {
  childrenOf,
  commandOf,
  cpuOf,
  envOf,
  machineCpu,
  type Spawned,
  serveArgs,
  spawnDriver,
  spawnLogged,
  stopServer,
} from './processes.ts';
import { type Profile, profileTable, summariseProfiles } from './profiles.ts';
import { waitIntegrated } from './receipts.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TARGET = { rate: 4_600, nightMinutes: 15, recapSeconds: 5, proofMs: 10 };
/** Aceh, Sumatera Utara, DKI Jakarta, Jawa Barat, Jawa Timur, NTT, Kalimantan Timur, Sulawesi Selatan, Papua Tengah. */
const PROVINCES = ['11', '12', '31', '32', '35', '53', '64', '73', '94'];
/** Epoch milliseconds, comparable between processes. */
const epoch = () => performance.timeOrigin + performance.now();
const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** A small deterministic generator (mulberry32), so a seed picks the same TPS. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

const rawKey = (k: KeyObject) =>
  Buffer.from(k.export({ format: 'jwk' }).x!, 'base64url').toString('base64');

// ──────────────────────────────── the forms ─────────────────────────────────

interface Plan {
  /** The chosen TPS, one officer each. */
  tps: string[];
  /** [index into tps, index into CONTEST_IDS], in sending order. */
  forms: [number, number][];
  provinces: string[];
  desa: number;
}

/**
 * Whole desa drawn at random from PROVINCES until their TPS hold `n` forms (one
 * per contest held); the last TPS may lose a contest or more to make exactly `n`.
 */
function planForms(reg: Registry, n: number, order: 'contest' | 'tps', seed: number): Plan {
  const rnd = random(seed);
  const desa: string[] = [];
  const walk = (code: string) => {
    if (code.length === 10) desa.push(code);
    else for (const c of reg.children(code)) walk(c);
  };
  for (const p of PROVINCES) walk(p);
  shuffle(desa, rnd);
  const tps: string[] = [];
  const pairs: [number, number][] = [];
  let used = 0;
  for (const d of desa) {
    if (pairs.length >= n) break;
    used++;
    for (const t of reg.children(d)) {
      if (pairs.length >= n) break;
      const i = tps.push(t) - 1;
      for (const c of reg.contestsAt(t))
        if (pairs.length < n) pairs.push([i, CONTEST_IDS.indexOf(c)]);
    }
  }
  if (pairs.length < n) throw new Error(`only ${pairs.length} forms in ${PROVINCES.join(',')}`);
  // Shuffle TPS order, then (by default) send contest by contest.
  const rank = shuffle(
    tps.map((_, i) => i),
    rnd,
  );
  const pos = new Int32Array(tps.length);
  rank.forEach((t, k) => {
    pos[t] = k;
  });
  pairs.sort((a, b) =>
    order === 'contest' ? a[1] - b[1] || pos[a[0]]! - pos[b[0]]! : pos[a[0]]! - pos[b[0]]!,
  );
  return { tps, forms: pairs, provinces: PROVINCES, desa: used };
}

/** Forms of the whole night: every TPS × every contest held there. */
function nationalForms(reg: Registry, election: Election): number {
  let n = 0;
  for (const d of election.tps.desa) {
    const kids = reg.children(d);
    if (kids.length > 0) n += kids.length * reg.contestsAt(kids[0]!).length;
  }
  return n;
}

// ───────────────────────────── the load driver ──────────────────────────────

interface DriverJob {
  seed: string;
  concurrency: number;
  /** Forms offered per second (0: as fast as the server answers). */
  rate: number;
  officers: { tps: string; pkcs8: string; photo: string }[];
  forms: [number, number][];
  /** Written by the main process when the server is ready: its URL and a token per officer. */
  startFile: string;
  out: string;
}

interface DriverResult {
  signSeconds: number;
  meanBodyBytes: number;
  timedSeconds: number;
  statuses: Record<string, number>;
  ok: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** 201s per whole second of the timed phase. */
  perSecond: number[];
  /** [pendingId, entryHash] of every 201. */
  receipts: [number, string][];
  /** Index into job.forms of every 201, in answer order. */
  okForms: number[];
  lastOkAt: number;
  errors: string[];
  cpuSeconds: number;
}

/**
 * The driver process: builds and signs every form while the setup runs, waits
 * for the start file (the server's URL and a token per officer), then sends
 * them; its result goes to job.out.
 */
async function childDriver(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as DriverJob;
  // The same election as the server's, from the same seed: ballots and DPT.
  const reg = Registry.fromData(generateElection({ scale: 'national', seed: job.seed }));
  const t0 = now();
  const { bodies, bytes } = signForms(job, reg);
  const signSeconds = (now() - t0) / 1000;
  emit({ event: 'signed', n: bodies.length, seconds: signSeconds });
  const { url, requests } = await awaitStart(job, bodies);
  const sent = await sendForms(job, url, requests);
  const result: DriverResult = {
    signSeconds,
    meanBodyBytes: bytes / Math.max(1, job.forms.length),
    ...sent,
  };
  writeFileSync(job.out, JSON.stringify(result));
  emit({ event: 'done' });
}

/** Every form's body, built with consistentForm and signed by its TPS's device. */
function signForms(job: DriverJob, reg: Registry): { bodies: Buffer[]; bytes: number } {
  const devices = job.officers.map((o) => {
    const privateKey = createPrivateKey({
      key: Buffer.from(o.pkcs8, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    return { privateKey, keyB64: rawKey(privateKey) };
  });
  const bodies: Buffer[] = new Array(job.forms.length);
  let bytes = 0;
  job.forms.forEach(([o, c], i) => {
    const { tps, photo } = job.officers[o]!;
    const contest = CONTEST_IDS[c]!;
    const form = consistentForm(
      contest,
      tps,
      reg.ballotFor(contest, tps)!,
      reg.dptOf(tps)!,
      photo,
      i + 1,
    );
    bodies[i] = Buffer.from(JSON.stringify(signedForm(devices[o]!, 'verified', form, 1)));
    bytes += bodies[i]!.length;
  });
  return { bodies, bytes };
}

/** Waits for the start file, then makes each whole request (its officer's token, its body). */
async function awaitStart(
  job: DriverJob,
  bodies: Buffer[],
): Promise<{ url: URL; requests: Buffer[] }> {
  while (!existsSync(job.startFile)) await sleep(100);
  const ready = JSON.parse(readFileSync(job.startFile, 'utf8')) as {
    url: string;
    tokens: string[];
  };
  const url = new URL(ready.url);
  const { tokens } = ready;
  const heads = tokens.map(
    (t) =>
      `POST /v1/results/forms HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nContent-Length: `,
  );
  const requests = job.forms.map(([o], i) =>
    Buffer.concat([Buffer.from(`${heads[o]}${bodies[i]!.length}\r\n\r\n`), bodies[i]!]),
  );
  bodies.length = 0;
  return { url, requests };
}

/**
 * The timed phase: every request on `job.concurrency` keep-alive connections,
 * one in flight each, paced at job.rate if given; progress on stdout.
 */
async function sendForms(
  job: DriverJob,
  url: URL,
  requests: Buffer[],
): Promise<Omit<DriverResult, 'signSeconds' | 'meanBodyBytes'>> {
  const conns = Array.from(
    { length: job.concurrency },
    () => new Conn(url.hostname, Number(url.port)),
  );
  const lat = new Float64Array(requests.length);
  let nLat = 0;
  const statuses: Record<string, number> = {};
  const receipts: [number, string][] = [];
  const okForms: number[] = [];
  const errors: string[] = [];
  const perSecond: number[] = [];
  let next = 0;
  let lastOkAt = 0;
  const cpu0 = process.cpuUsage();
  const start = now();
  emit({ event: 'timed-start', at: epoch() });
  const progress = setInterval(
    () => emit({ event: 'progress', at: epoch(), ok: okForms.length, sent: next }),
    250,
  );
  async function loop(c: Conn): Promise<void> {
    while (next < requests.length) {
      const i = next++;
      if (job.rate > 0) {
        // Paced: form i is due i/rate seconds after the start.
        const due = start + (i * 1000) / job.rate;
        if (due > now()) await sleep(due - now());
      }
      const began = now();
      let r: { status: number; body: Buffer };
      try {
        r = await c.request(requests[i]!);
      } catch (e) {
        if (errors.length < 20) errors.push(`form ${i}: ${(e as Error).message}`);
        statuses.error = (statuses.error ?? 0) + 1;
        continue;
      }
      const t = now();
      lat[nLat++] = t - began;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 201) {
        const rec = JSON.parse(r.body.toString('utf8')) as { pendingId: number; entryHash: string };
        receipts.push([rec.pendingId, rec.entryHash]);
        okForms.push(i);
        lastOkAt = epoch();
        const sec = Math.floor((t - start) / 1000);
        perSecond[sec] = (perSecond[sec] ?? 0) + 1;
      } else if (errors.length < 20)
        errors.push(`form ${i}: ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
    }
  }
  await Promise.all(conns.map(loop));
  const timedSeconds = (now() - start) / 1000;
  clearInterval(progress);
  emit({ event: 'timed-end', at: epoch(), lastOkAt, ok: okForms.length });
  const cpu = process.cpuUsage(cpu0);
  for (const c of conns) c.close();
  const sorted = lat.subarray(0, nLat).sort();
  return {
    timedSeconds,
    statuses,
    ok: okForms.length,
    latencyMs: latencySummary(sorted),
    perSecond: Array.from({ length: Math.floor(timedSeconds) }, (_, i) => perSecond[i] ?? 0),
    receipts,
    okForms,
    lastOkAt,
    errors,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

// ─────────────────────────────── reporting ──────────────────────────────────

const { figures, record } = figureLog();
const log = (m: string) => console.log(`  ${m}`);
const n0 = (v: number) => Math.round(v).toLocaleString('en-US');

// ────────────────────────────────── setup ───────────────────────────────────

interface Officer {
  tps: string;
  id: string;
  key: KeyObject;
  keyB64: string;
  photo: TestPhoto;
}

/**
 * The roster before the night, straight into the database through the product's
 * own functions: each KPPS officer (identity store insertOfficer, the ledgered
 * insert demo mode uses, with one shared password hash) and the photo of its TPS
 * (photos store storePhoto), in `parts` transactions side by side; then each
 * officer's device, enrolled through the write path itself (performWrite with the
 * enrolment definition, the Cedar policy engine and the group committer), as
 * POST /v1/devices does minus HTTP and the token check.
 */
async function loadRoster(
  db: Db,
  officers: Officer[],
  parts: number,
): Promise<{ officersSeconds: number; devicesSeconds: number }> {
  let t = now();
  const passwordHash = await hashPassword(randomBytes(18).toString('base64url'));
  const at = new Date();
  await Promise.all(
    Array.from({ length: parts }, (_, part) =>
      db.transaction(async (tx) => {
        // insertOfficer opens a transaction of its own: here it joins this one.
        const inTx: Db = {
          kind: db.kind,
          query: (text, params) => tx.query(text, params),
          exec: (text) => tx.exec(text),
          transaction: (fn) => fn(tx),
          session: () => Promise.reject(new Error('no session inside the roster transaction')),
          close: async () => undefined,
        };
        for (let i = part; i < officers.length; i += parts) {
          const o = officers[i]!;
          const r = await insertOfficer(
            inTx,
            { id: o.id, username: o.id, passwordHash, role: 'KPPS', area: o.tps },
            DEMO_ACTOR,
            at,
          );
          if (!r.ok) throw new Error(`officer ${o.id}: ${r.code}`);
          await storePhoto(tx, {
            sha256: o.photo.sha256,
            mediaType: o.photo.mediaType,
            size: o.photo.bytes.byteLength,
            bytes: o.photo.bytes,
            uploader: o.id,
            tps: o.tps,
          });
        }
      }),
    ),
  );
  const officersSeconds = (now() - t) / 1000;

  t = now();
  const areaOf = new Map(officers.map((o) => [o.id, o.tps]));
  const registry = new DbDeviceRegistry(db);
  const def = enrolDevice(async (id) => areaOf.get(id) ?? null, registry);
  const schema = submissionSchema(def.payloadSchema, def.deviceSigned);
  const svc = {
    committer: ledgerCommitter(db, { maxBatch: 256, concurrency: 2 }),
    store: new LedgerStore(db),
    authorizer: cedarAuthorizer(await loadPolicyEngine({ logger: pino({ level: 'silent' }) })),
    devices: registry,
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next < officers.length) {
        const o = officers[next++]!;
        const proof = sign(null, enrolmentMessage(o.id, o.keyB64), o.key).toString('base64');
        await performWrite(
          svc,
          def,
          schema,
          { kind: 'officer', id: o.id, role: 'KPPS', area: o.tps, suspended: false, via: 'token' },
          {
            subject: deviceSubject(o.keyB64),
            seq: 1,
            payload: { officer: o.id, key: o.keyB64, label: 'bench', proof },
          },
        );
      }
    }),
  );
  return { officersSeconds, devicesSeconds: (now() - t) / 1000 };
}

/** A token per officer from the server (POST /v1/demo/token), over keep-alive connections. */
async function fetchTokens(url: URL, officers: Officer[], concurrency: number): Promise<string[]> {
  const tokens: string[] = new Array(officers.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const c = new Conn(url.hostname, Number(url.port));
      try {
        while (next < officers.length) {
          const i = next++;
          const o = officers[i]!;
          const r = await c.request(
            httpRequest(
              'POST',
              '/v1/demo/token',
              url.host,
              { 'Content-Type': 'application/json' },
              JSON.stringify({ role: 'KPPS', area: o.tps }),
            ),
          );
          if (r.status !== 200)
            throw new Error(`demo token ${o.tps}: ${r.status} ${r.body.toString().slice(0, 300)}`);
          const t = JSON.parse(r.body.toString('utf8')) as {
            token: string;
            officer: { id: string };
          };
          if (t.officer.id !== o.id)
            throw new Error(`demo token ${o.tps}: officer ${t.officer.id}`);
          tokens[i] = t.token;
        }
      } finally {
        c.close();
      }
    }),
  );
  return tokens;
}

// ───────────────────────────────── options ──────────────────────────────────

interface Options {
  forms: number;
  concurrency: number;
  workers: number;
  proofs: number;
  proofConcurrency: number;
  rate: number;
  verify: number;
  order: 'contest' | 'tps';
  seed: string;
  env: Record<string, string>;
  profile: boolean;
  verifyLog: boolean;
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
  const order = get('--order') ?? 'contest';
  if (order !== 'contest' && order !== 'tps') throw new Error('--order is contest or tps');
  return {
    forms: num('--forms', 200_000, 5_000),
    concurrency: num('--concurrency', 256, 128),
    rate: num('--rate', 0, 0),
    workers: num('--workers', 2, 2),
    proofs: num('--proofs', 2_000, 200),
    proofConcurrency: num('--proof-concurrency', 8, 8),
    verify: num('--verify', 25, 5),
    order,
    seed: get('--seed') ?? 'bench',
    env,
    profile: argv.includes('--profile'),
    verifyLog: !argv.includes('--no-verify-log'),
    quick,
  };
}

/** Sum of TPS forms (accepted, flagged) in the national recaps of every contest. */
const NATIONAL_SQL = `
  SELECT coalesce(sum((r.totals->'tps'->>'accepted')::int), 0)::int AS accepted,
         coalesce(sum((r.totals->'tps'->>'flagged')::int), 0)::int AS flagged
    FROM recap_current c JOIN recaps r USING (contest, area, seq) WHERE c.area = 'ID'`;

/** Where the recap publisher has read the log up to (the next index it reads). */
async function recapWatermark(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query<{ n: string }>('SELECT next_index AS n FROM recap_watermark');
  return Number(rows[0]?.n ?? 0);
}

/** What went into the log after pending row `after`: forms and recaps, their commits and bytes. */
async function writtenSince(admin: pg.Client, reader: LogReader, after: number) {
  const ids = async (table: 'count_forms' | 'recaps') =>
    (
      await admin.query<{ id: string }>(
        `SELECT pending_id AS id FROM ${table} WHERE pending_id > $1`,
        [after],
      )
    ).rows.map((r) => Number(r.id));
  const forms = await reader.commitsOf(await ids('count_forms'));
  const recaps = await reader.commitsOf(await ids('recaps'));
  const sum = (cs: AppendedCommit[], k: 'entries' | 'bytes') => cs.reduce((n, c) => n + c[k], 0);
  return {
    form_commits: forms.length,
    recap_entries: sum(recaps, 'entries'),
    recap_ticks: recaps.length,
    recap_bytes: sum(recaps, 'bytes'),
    form_bytes: sum(forms, 'bytes'),
    log: await reader.integratedSize(),
  };
}

interface Sample {
  /** Seconds since the timed phase started. */
  t: number;
  acked: number;
  national: number;
  logSize: number;
  recapFrom: number;
}

// ─────────────────────────────────── steps ──────────────────────────────────
//
// main() below is the list of these steps, in order. Each takes what it needs
// and returns what it found; what every step shares (options, files, clients,
// the phases' durations, failures, the profile windows) is a Run.

type Driver = ReturnType<typeof spawnDriver>;

interface Run {
  o: Options;
  db: ScratchDb;
  files: { dir: string; log: string; job: string; start: string; result: string; prof: string };
  /** For pg_stat_activity, advisory locks and the domain tables (recaps, count_forms). */
  admin: pg.Client;
  /** The log, read as any reader outside ledger/ reads it. */
  reader: LogReader;
  logDb: Db;
  phases: Record<string, number>;
  failures: string[];
  /** The timed phase, the proof requests and the token requests on the monotonic clock, in µs (to cut the profile). */
  windows: { timed: [number, number]; proofs: [number, number]; setup: [number, number] };
  server?: Spawned;
  driver?: Driver;
}

/** µs on the monotonic clock the CPU profiles use. */
const micros = () => Number(process.hrtime.bigint() / 1000n);

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
    `Saksi counting bench — ${info.cpus}× ${info.cpuModel}, ${info.memoryGiB} GiB, Node ${info.node}; load average ${String(info.loadAvgAtStart)}`,
  );
  return info;
}

/** A fresh database and scratch directory for the run. */
async function openRun(o: Options): Promise<Run> {
  const db = await createDb('results');
  const dir = mkdtempSync(join(os.tmpdir(), 'saksi-bench-results-'));
  const logDb = await openDb({ url: db.url, poolSize: 2 });
  return {
    o,
    db,
    files: {
      dir,
      log: join(dir, 'server.log'),
      job: join(dir, 'job.json'),
      start: join(dir, 'start.json'),
      result: join(dir, 'result.json'),
      prof: join(dir, 'prof'),
    },
    admin: new pg.Client({ connectionString: db.url }),
    reader: new LedgerStore(logDb),
    logDb,
    phases: {},
    failures: [],
    windows: { timed: [0, Number.MAX_SAFE_INTEGER], proofs: [0, 0], setup: [0, 0] },
  };
}

/** The national synthetic election (823,220 TPS) generated and loaded into the fresh database. */
async function loadElectionStep(run: Run): Promise<{ election: Election; reg: Registry }> {
  const t = now();
  const db = await openDb({ url: run.db.url, poolSize: 32 });
  try {
    await migrate(db);
    const election = generateElection({ scale: 'national', seed: run.o.seed });
    const reg = Registry.fromData(election);
    await loadElection(db, election);
    run.phases.loadElection = (now() - t) / 1000;
    log(
      `national election (${n0(reg.tpsCount)} TPS) loaded in ${run.phases.loadElection.toFixed(1)} s`,
    );
    return { election, reg };
  } finally {
    await db.close();
  }
}

/**
 * `saksi serve --demo --workers N` as a child process; it loads the registry
 * while the roster goes in. Resolves with its URL once it listens.
 */
function startServer(run: Run): Promise<URL> {
  const { o, files } = run;
  const t0 = now();
  const server = spawnLogged(
    process.execPath,
    serveArgs(
      o.workers,
      join(files.dir, 'data'),
      // Every 10 ms rather than every 1: a long run, and little overhead.
      o.profile ? { dir: files.prof, intervalUs: 10_000 } : undefined,
    ),
    {
      ...process.env,
      DATABASE_URL: run.db.url,
      // Tokens issued at setup must outlive the run.
      SAKSI_TOKEN_TTL_SECONDS: '7200',
      // No demo forms of its own: the bench's are the only ones.
      SAKSI_DEMO_SEED: '0',
      ...o.env,
    },
    files.log,
  );
  run.server = server;
  const up = server
    .next((l) => l.includes('saksi listening on'), 180_000)
    .then((line) => {
      run.phases.serverStart = (now() - t0) / 1000;
      return new URL(/saksi listening on (\S+)/.exec(line)![1]!);
    });
  up.catch(() => undefined);
  return up;
}

/**
 * The forms of the run and an officer (key, photo) per TPS; the driver process
 * starts building and signing every form meanwhile (it needs no server).
 */
function startDriver(run: Run, reg: Registry): { plan: Plan; officers: Officer[] } {
  const { o, files } = run;
  const plan = planForms(reg, o.forms, o.order, 4);
  const officers = plan.tps.map((tps) => {
    const pair = generateKeyPairSync('ed25519');
    return {
      tps,
      id: demoOfficerId('KPPS', tps),
      key: pair.privateKey,
      keyB64: rawKey(pair.publicKey),
      photo: testPhoto('image/jpeg', 2048),
    };
  });
  writeFileSync(
    files.job,
    JSON.stringify({
      seed: o.seed,
      concurrency: o.concurrency,
      rate: o.rate,
      officers: officers.map((x) => ({
        tps: x.tps,
        pkcs8: x.key.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        photo: x.photo.sha256,
      })),
      forms: plan.forms,
      startFile: files.start,
      out: files.result,
    } satisfies DriverJob),
  );
  run.driver = spawnDriver(SELF, files.job);
  return { plan, officers };
}

/** The roster (officers, photos, devices) straight into the database: see loadRoster. */
async function rosterStep(run: Run, plan: Plan, officers: Officer[]): Promise<void> {
  const db = await openDb({ url: run.db.url, poolSize: 32 });
  try {
    const roster = await loadRoster(db, officers, 8);
    run.phases.officers = roster.officersSeconds;
    run.phases.devices = roster.devicesSeconds;
    log(
      `${n0(officers.length)} KPPS officers and TPS photos (${plan.desa} desa in ${PROVINCES.length} provinces) in ${run.phases.officers.toFixed(1)} s, their devices enrolled in ${run.phases.devices.toFixed(1)} s`,
    );
  } finally {
    await db.close();
  }
}

/** A token per officer over HTTP, then the driver's pre-signing awaited. */
async function tokensStep(run: Run, url: URL, officers: Officer[]): Promise<string[]> {
  log(`server up in ${run.phases.serverStart!.toFixed(1)} s (${url.origin})`);
  await run.admin.connect();
  let t = now();
  run.windows.setup[0] = micros();
  const tokens = await fetchTokens(url, officers, 32);
  run.phases.tokens = (now() - t) / 1000;
  run.windows.setup[1] = micros();
  log(`${n0(tokens.length)} tokens (POST /v1/demo/token) in ${run.phases.tokens.toFixed(1)} s`);
  t = now();
  const signed = await run.driver!.next('signed', 900_000);
  run.phases.presign = Number(signed.seconds);
  run.phases.driverWait = (now() - t) / 1000;
  log(
    `driver signed ${n0(Number(signed.n))} forms in ${run.phases.presign.toFixed(1)} s (beside the setup)`,
  );
  return tokens;
}

interface Settled {
  /** Forms the national recaps counted before the load. */
  baseline: number;
  /** The newest pending row and the log's size once the setup settled. */
  quiet: { pending: number; log: number };
}

/**
 * The clock starts on a quiet server: the setup's entries integrated and read by
 * the recap publisher, whatever the national recaps already count noted. Then
 * the driver is told to start (the server's URL and the tokens).
 */
async function settleStep(run: Run, url: URL, tokens: string[]): Promise<Settled> {
  const { admin, reader } = run;
  const t = now();
  let quiet = { pending: 0, log: 0 };
  for (const until = now() + 180_000; ; await sleep(200)) {
    const [appended, size, recap] = await Promise.all([
      reader.appendedCount(),
      reader.integratedSize(),
      recapWatermark(admin),
    ]);
    // The newest pending row: the highest pending id among the last entries
    // (the sequencer orders by transaction, so the very last may not hold it).
    const last = await reader.integratedBetween(Math.max(0, size - 1000), size);
    quiet = { pending: Math.max(0, ...last.map((e) => e.pendingId)), log: size };
    if (appended === size && size === recap) break;
    if (now() > until)
      throw new Error(`server not quiet after setup: ${JSON.stringify({ appended, size, recap })}`);
  }
  const baseline = await nationalCount(admin);
  run.phases.quiet = (now() - t) / 1000;
  writeFileSync(`${run.files.start}.tmp`, JSON.stringify({ url: url.origin, tokens }));
  renameSync(`${run.files.start}.tmp`, run.files.start);
  return { baseline, quiet };
}

/** Forms (accepted and flagged) counted by the national recaps of every contest. */
async function nationalCount(admin: pg.Client): Promise<number> {
  const [n] = (await admin.query<{ accepted: number; flagged: number }>(NATIONAL_SQL)).rows;
  return n!.accepted + n!.flagged;
}

interface CpuSnapshot {
  procs: number[];
  pg: Map<number, number>;
  machine: { busy: number; total: number };
  self: NodeJS.CpuUsage;
}

interface Timed {
  /** When the driver started the timed phase (epoch ms). */
  tStart: number;
  lastOkAt: number;
  ok: number;
  serverPids: number[];
  c0: CpuSnapshot;
  c1: CpuSnapshot;
  samples: Sample[];
  pgActivity: Awaited<ReturnType<ReturnType<typeof pgActivitySampler>['stop']>>;
}

/**
 * The timed phase: the driver sends every form while this process samples,
 * every second, forms answered against forms in the national recaps, and
 * PostgreSQL's backends every 100 ms; CPU of every process before and after.
 */
async function ingest(run: Run, baseline: number): Promise<Timed> {
  const { o, admin, reader, db } = run;
  const driver = run.driver!;
  const server = run.server!;
  const started = await driver.next('timed-start', 300_000);
  const tStart = Number(started.at);
  const serverPids = [server.proc.pid!, ...childrenOf(server.proc.pid!)];
  const pgAtStart = await pgPids(admin, db.name);
  const cpuAt = (): CpuSnapshot => ({
    procs: serverPids.map(cpuOf),
    pg: new Map([...pgAtStart].map((p) => [p, cpuOf(p)])),
    machine: machineCpu(),
    self: process.cpuUsage(),
  });
  const c0 = cpuAt();
  run.windows.timed[0] = micros();
  log(`timed phase: ${n0(o.forms)} forms, ${o.concurrency} in flight …`);
  const samples: Sample[] = [];
  const sampleOnce = async () => {
    const prog = driver.events.filter((e) => e.event === 'progress');
    const acked = Number(prog[prog.length - 1]?.ok ?? 0);
    const logSize = await reader.integratedSize();
    const { rows } = await admin.query<{
      recap_from: string;
      accepted: number;
      flagged: number;
    }>(
      `SELECT (SELECT next_index FROM recap_watermark) AS recap_from, n.*
         FROM (${NATIONAL_SQL}) n`,
    );
    const r = rows[0]!;
    samples.push({
      t: (epoch() - tStart) / 1000,
      acked,
      national: r.accepted + r.flagged - baseline,
      logSize,
      recapFrom: Number(r.recap_from),
    });
  };
  // What PostgreSQL's backends for this database are doing, sampled every 100 ms.
  const activity = pgActivitySampler(db.url, db.name);
  const timedEnd = () => driver.events.find((e) => e.event === 'timed-end');
  let lastPrint = 0;
  for (let due = now(); !timedEnd(); await sleep(10)) {
    if (now() < due) continue;
    due += 1000;
    await sampleOnce();
    const s = samples[samples.length - 1]!;
    if (s.t - lastPrint >= 15) {
      lastPrint = s.t;
      log(
        `  ${s.t.toFixed(0)} s: ${n0(s.acked)} forms answered 201, ${n0(s.national)} in the national recaps`,
      );
    }
    if (driver.proc.exitCode !== null && !timedEnd())
      throw new Error('the driver exited during the timed phase');
  }
  const ended = timedEnd()!;
  const pgActivity = await activity.stop();
  run.windows.timed[1] = micros();
  const pgAtEnd = await pgPids(admin, db.name);
  const c1 = {
    ...cpuAt(),
    pg: new Map([...new Set([...pgAtStart, ...pgAtEnd])].map((p) => [p, cpuOf(p)])),
  };
  return {
    tStart,
    lastOkAt: Number(ended.lastOkAt),
    ok: Number(ended.ok),
    serverPids,
    c0,
    c1,
    samples,
    pgActivity,
  };
}

/**
 * Recap currency: waits until the national recaps count every answered form.
 * A publisher that keeps failing (its errors go to the server log as
 * "recap: …") is reported after 60 s without progress, not waited out.
 */
async function waitForRecaps(
  run: Run,
  timed: Timed,
  baseline: number,
): Promise<{ currency: number; nationalAtEnd: number }> {
  const { ok, lastOkAt, samples, tStart } = timed;
  let currency = Number.NaN;
  let nationalAtEnd = 0;
  let progressAt = now();
  for (const until = now() + 600_000; ; await sleep(20)) {
    const counted = (await nationalCount(run.admin)) - baseline;
    if (counted > nationalAtEnd) progressAt = now();
    nationalAtEnd = counted;
    currency = (epoch() - lastOkAt) / 1000;
    if (nationalAtEnd >= ok) break;
    if (now() > until || now() - progressAt > 60_000) {
      const recapErrors = readFileSync(run.files.log, 'utf8')
        .split('\n')
        .filter((l) => l.includes('recap: '))
        .slice(-3);
      run.failures.push(
        `the national recaps count ${nationalAtEnd} of ${ok} forms after ${((now() - progressAt) / 1000).toFixed(0)} s without progress${recapErrors.length ? `; the publisher said: ${recapErrors.join(' | ').slice(0, 600)}` : ''}`,
      );
      break;
    }
  }
  samples.push({
    t: (epoch() - tStart) / 1000,
    acked: ok,
    national: nationalAtEnd,
    logSize: samples[samples.length - 1]?.logSize ?? 0,
    recapFrom: samples[samples.length - 1]?.recapFrom ?? 0,
  });
  log(
    `national recaps count ${n0(nationalAtEnd)} of ${n0(ok)} forms ${currency.toFixed(2)} s after the last 201`,
  );
  return { currency, nationalAtEnd };
}

/** The driver's own account of the timed phase, once it has written it. */
async function driverResult(run: Run): Promise<DriverResult> {
  await run.driver!.next('done', 300_000);
  return JSON.parse(readFileSync(run.files.result, 'utf8')) as DriverResult;
}

interface ObserverPage {
  /** Seconds from the last 201 until the last form's proof was served. */
  proofReady: number;
  /** The national PPWP page's TPS counts. */
  pageTps: { accepted: number; flagged: number } | undefined;
  okPerContest: Record<string, number>;
}

/** The public page and the last form's proof, as an observer sees them. */
async function observerPage(
  http: Http,
  plan: Plan,
  res: DriverResult,
  lastOkAt: number,
): Promise<ObserverPage> {
  const lastForm = plan.forms[res.okForms[res.okForms.length - 1]!]!;
  const lastContest = CONTEST_IDS[lastForm[1]]!;
  const lastTps = plan.tps[lastForm[0]]!;
  let proofReady = Number.NaN;
  for (const until = now() + 60_000; now() < until; await sleep(20)) {
    const r = await http.get(`/v1/results/${lastContest}/proof/${lastTps}`);
    if (r.status === 200) {
      proofReady = (epoch() - lastOkAt) / 1000;
      break;
    }
    if (r.status !== 503 && r.status !== 404)
      throw new Error(`proof ${lastContest}/${lastTps}: ${r.status} ${r.body.toString()}`);
  }
  const page = await http.get('/v1/results/PPWP/areas/ID');
  const pageTps =
    page.status === 200
      ? (JSON.parse(page.body.toString('utf8')) as { tps: { accepted: number; flagged: number } })
          .tps
      : undefined;
  const okPerContest: Record<string, number> = {};
  for (const i of res.okForms) {
    const c = CONTEST_IDS[plan.forms[i]![1]]!;
    okPerContest[c] = (okPerContest[c] ?? 0) + 1;
  }
  return { proofReady, pageTps, okPerContest };
}

interface Lost {
  missing: [number, string][];
  drainSeconds: number;
  formStatus: Record<string, number>;
  written: Awaited<ReturnType<typeof writtenSince>>;
}

/** Every 201 in the log under its receipt's hash (through LogReader), and what the load wrote. */
async function lostReceipts(run: Run, res: DriverResult, quiet: Settled['quiet']): Promise<Lost> {
  const drainT0 = now();
  const missing = await waitIntegrated(run.reader, res.receipts, 180_000);
  const drainSeconds = (now() - drainT0) / 1000;
  const { rows: statusRows } = await run.admin.query<{ status: string; n: number }>(
    "SELECT status, count(*)::int AS n FROM count_forms WHERE stage = 'verified' GROUP BY status",
  );
  const formStatus = Object.fromEntries(statusRows.map((r) => [r.status, r.n]));
  // What the load wrote: form commits, recap ticks (one transaction each) and
  // entries — the domain tables name the pending rows, the log tells their commits.
  const written = await writtenSince(run.admin, run.reader, quiet.pending);
  return { missing, drainSeconds, formStatus, written };
}

interface TimedCpu {
  procs: { pid: number; role: string; seconds: number }[];
  pgSeconds: number;
  selfSeconds: number;
  busy: number;
  others: number;
  wall: number;
}

/** CPU of the timed phase by process, each named for its role. */
async function timedCpu(run: Run, timed: Timed, driverSeconds: number): Promise<TimedCpu> {
  const { c0, c1, serverPids } = timed;
  const wall = (c1.machine.total - c0.machine.total) / os.cpus().length;
  const leader = await leaderPid(run.admin, run.db.name, serverPids.slice(1));
  const procs = serverPids.map((pid, i) => ({
    pid,
    role:
      i === 0
        ? 'primary (cluster)'
        : envOf(pid).includes('SAKSI_NODE_ROLE=recap')
          ? 'recap publisher'
          : pid === leader
            ? 'API worker, leader (sequencer)'
            : commandOf(pid).includes('esbuild')
              ? 'esbuild (tsx loader service)'
              : 'API worker',
    seconds: c1.procs[i]! - c0.procs[i]!,
  }));
  const pgSeconds = [...c1.pg].reduce((s, [p, v]) => s + v - (c0.pg.get(p) ?? 0), 0);
  const selfCpu = process.cpuUsage(c0.self);
  const selfSeconds = (selfCpu.user + selfCpu.system) / 1e6;
  const busy = c1.machine.busy - c0.machine.busy;
  const serverSeconds = procs.reduce((s, p) => s + p.seconds, 0);
  const others = Math.max(0, busy - serverSeconds - pgSeconds - driverSeconds - selfSeconds);
  return { procs, pgSeconds, selfSeconds, busy, others, wall };
}

/** One keep-alive connection to the server for the observer's requests. */
interface Http {
  url: URL;
  conn: Conn;
  get(path: string): Promise<{ status: number; body: Buffer }>;
}

function httpTo(url: URL): Http {
  const conn = new Conn(url.hostname, Number(url.port));
  return {
    url,
    conn,
    get: (path) => conn.request(httpRequest('GET', path, url.host, {})),
  };
}

interface Proofs {
  sample: { contest: string; tps: string }[];
  seqLat: number[];
  conLat: number[];
  sizes: number[];
  proofStatus: Record<string, number>;
  conStatus: Record<string, number>;
  seqSeconds: number;
  conSeconds: number;
  /** Bodies kept for the observer's verifier. */
  kept: Buffer[];
}

/**
 * Proof latency over HTTP for a random sample of the accepted forms: first on
 * one keep-alive connection (one at a time), then on several.
 */
async function proofLatency(run: Run, http: Http, plan: Plan, res: DriverResult): Promise<Proofs> {
  const { o, failures } = run;
  const { url } = http;
  const rnd = random(11);
  const sample = shuffle([...res.okForms], rnd)
    .slice(0, o.proofs)
    .map((i) => ({
      contest: CONTEST_IDS[plan.forms[i]![1]]!,
      tps: plan.tps[plan.forms[i]![0]]!,
    }));
  const proofReq = (p: { contest: string; tps: string }) =>
    httpRequest('GET', `/v1/results/${p.contest}/proof/${p.tps}`, url.host, {});
  for (const p of sample.slice(0, 20)) await http.conn.request(proofReq(p)); // warm-up
  run.windows.proofs[0] = micros();
  const seqLat: number[] = [];
  const sizes: number[] = [];
  const proofStatus: Record<string, number> = {};
  const kept: Buffer[] = [];
  const keepEvery = Math.max(1, Math.floor(sample.length / o.verify));
  let t = now();
  for (const [k, p] of sample.entries()) {
    const t1 = now();
    const r = await http.conn.request(proofReq(p));
    seqLat.push(now() - t1);
    proofStatus[r.status] = (proofStatus[r.status] ?? 0) + 1;
    sizes.push(r.body.length);
    if (r.status === 200 && k % keepEvery === 0 && kept.length < o.verify)
      kept.push(Buffer.from(r.body));
    else if (r.status !== 200 && failures.length < 10)
      failures.push(`proof ${p.contest}/${p.tps}: ${r.status} ${r.body.toString().slice(0, 200)}`);
  }
  const seqSeconds = (now() - t) / 1000;
  const conLat: number[] = [];
  const conStatus: Record<string, number> = {};
  const order2 = shuffle([...sample], rnd);
  let nextProof = 0;
  t = now();
  await Promise.all(
    Array.from({ length: o.proofConcurrency }, async () => {
      const c = new Conn(url.hostname, Number(url.port));
      while (nextProof < order2.length) {
        const p = order2[nextProof++]!;
        const t1 = now();
        const r = await c.request(proofReq(p));
        conLat.push(now() - t1);
        conStatus[r.status] = (conStatus[r.status] ?? 0) + 1;
      }
      c.close();
    }),
  );
  const conSeconds = (now() - t) / 1000;
  run.windows.proofs[1] = micros();
  seqLat.sort((a, b) => a - b);
  conLat.sort((a, b) => a - b);
  sizes.sort((a, b) => a - b);
  return {
    sample,
    seqLat,
    conLat,
    sizes,
    proofStatus,
    conStatus,
    seqSeconds,
    conSeconds,
    kept,
  };
}

/** The kept proofs checked by the observer's verifier against the log's key (GET /log/key). */
async function observerVerify(
  http: Http,
  kept: Buffer[],
): Promise<{ vkey: string; badProofs: string[]; verifyMs: number }> {
  const vkey = (await http.get('/log/key')).body.toString('utf8').trim();
  const t = now();
  const badProofs: string[] = [];
  for (const b of kept) {
    const proof = JSON.parse(b.toString('utf8')) as ResultsProof;
    const v = verifyResultsProof(proof, vkey);
    if (!v.ok)
      badProofs.push(
        `${proof.contest}/${proof.tps}: ${v.errors
          .slice(0, 3)
          .map((e) => `${e.code}: ${e.message}`)
          .join('; ')}`,
      );
  }
  return { vkey, badProofs, verifyMs: (now() - t) / Math.max(1, kept.length) };
}

/** The whole log verified over HTTP (GET /log/...), unless --no-verify-log. */
async function verifyWholeLog(run: Run, url: URL, vkey: string): Promise<string> {
  if (!run.o.verifyLog) return 'skipped (--no-verify-log)';
  const t = now();
  let verified: string;
  try {
    const v = await verifyLog({
      verifierKey: vkey,
      concurrency: 8,
      fetch: async (p) => {
        const r = await fetch(`${url.origin}/log/${p}`);
        return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
      },
    });
    verified = `verified ${n0(v.size)} entries in ${((now() - t) / 1000).toFixed(1)} s`;
  } catch (e) {
    verified = `FAILED: ${(e as Error).message}`;
    run.failures.push(`log verification: ${(e as Error).message}`);
  }
  log(`log ${verified}`);
  return verified;
}

/** Everything the steps found, for the figures and the results file. */
interface Findings {
  plan: Plan;
  night: number;
  perContest: Record<string, number>;
  settled: Settled;
  timed: Timed;
  recap: { currency: number; nationalAtEnd: number };
  res: DriverResult;
  page: ObserverPage;
  lost: Lost;
  cpu: TimedCpu;
  proofs: Proofs;
  verify: { badProofs: string[]; verifyMs: number };
  verified: string;
}

/** The figures of the run, each beside its target, step by step. */
function recordFigures(run: Run, f: Findings): void {
  ingestFigures(run, f);
  recapFigures(run, f);
  proofFigures(run, f);
  setupFigures(run, f);
}

/** Ingestion: rate, the night extrapolated, latency, lost receipts, CPU per form. */
function ingestFigures(run: Run, f: Findings): void {
  const { o } = run;
  const { plan, night, perContest, res } = f;
  const { ok } = f.timed;
  const { missing, drainSeconds, formStatus } = f.lost;
  const { procs: procCpu, pgSeconds, selfSeconds, busy, others, wall } = f.cpu;
  const perForm = (s: number) => (s * 1e6) / Math.max(1, ok);
  const rate = ok / res.timedSeconds;
  const nightMinutes = night / rate / 60;
  const steady = [...res.perSecond].sort((a, b) => a - b);
  const statusNote = Object.entries(res.statuses)
    .map(([k, v]) => `${k}: ${n0(v)}`)
    .join(', ');
  record({
    step: 'ingest',
    what: `forms/s sustained (${n0(o.forms)} forms, ${o.concurrency} in flight, ${o.workers} workers${o.rate ? `, offered at ${n0(o.rate)}/s` : ''})`,
    value: rate,
    unit: 'forms/s',
    target: { cmp: '>=', value: TARGET.rate },
    note: `${n0(ok)} × 201 of ${n0(o.forms)} (${statusNote}) in ${res.timedSeconds.toFixed(1)} s; per second min ${n0(steady[0] ?? 0)}, median ${n0(percentile(steady, 50))}, max ${n0(steady[steady.length - 1] ?? 0)}; ${n0(plan.tps.length)} TPS in ${plan.desa} desa of ${PROVINCES.length} provinces, sent ${o.order === 'contest' ? 'contest by contest' : 'TPS by TPS'}; ${Object.entries(
      perContest,
    )
      .map(([c, v]) => `${c} ${n0(v)}`)
      .join(', ')}; mean body ${n0(res.meanBodyBytes)} bytes`,
  });
  record({
    step: 'ingest',
    what: `national night extrapolated (${n0(night)} forms at the measured rate)`,
    value: nightMinutes,
    unit: 'min',
    target: { cmp: '<=', value: TARGET.nightMinutes },
    note:
      rate >= TARGET.rate
        ? ''
        : `${(TARGET.rate / rate).toFixed(1)}× short of the target rate: ${(nightMinutes / 60).toFixed(1)} h for the night`,
  });
  for (const [p, v] of latencyPoints(res.latencyMs))
    record({ step: 'ingest', what: `form latency ${p}`, value: v, unit: 'ms' });
  record({
    step: 'ingest',
    what: 'lost receipts (201 not integrated with its hash)',
    value: missing.length,
    unit: '',
    target: { cmp: '<=', value: 0 },
    note: `all ${n0(res.receipts.length)} receipts looked up in the log (LogReader.leavesOf); integrated ${drainSeconds.toFixed(1)} s after the load at the latest; count_forms: ${JSON.stringify(formStatus)}${missing.length ? `; e.g. ${JSON.stringify(missing.slice(0, 3))}` : ''}`,
  });
  for (const p of [...procCpu].sort((a, b) => b.seconds - a.seconds))
    record({
      step: 'ingest',
      what: `CPU per form: ${p.role}`,
      value: perForm(p.seconds),
      unit: 'µs',
      note: `${p.seconds.toFixed(1)} CPU-s over ${wall.toFixed(1)} s (pid ${p.pid})`,
    });
  record({
    step: 'ingest',
    what: 'CPU per form: PostgreSQL (this database + WAL writer, checkpointer)',
    value: perForm(pgSeconds),
    unit: 'µs',
    note: `${pgSeconds.toFixed(1)} CPU-s`,
  });
  record({
    step: 'ingest',
    what: 'CPU per form: load driver',
    value: perForm(res.cpuSeconds),
    unit: 'µs',
    note: `${res.cpuSeconds.toFixed(1)} CPU-s (bench main process, sampling: ${selfSeconds.toFixed(1)} CPU-s)`,
  });
  record({
    step: 'ingest',
    what: 'CPU used by other processes on the machine',
    value: others / wall,
    unit: 'cores',
    note: `machine busy ${(busy / wall).toFixed(2)} of ${os.cpus().length} cores during the timed phase; budget at ${n0(TARGET.rate)} forms/s: ${n0((os.cpus().length * 1e6) / TARGET.rate)} µs of CPU per form for everything`,
  });
}

/** Recap currency after the load, its lag during it, and what the publisher wrote. */
function recapFigures(run: Run, f: Findings): void {
  const { res } = f;
  const { ok, samples, tStart } = f.timed;
  const { baseline, quiet } = f.settled;
  const { written } = f.lost;
  const { currency, nationalAtEnd } = f.recap;
  const { pageTps, okPerContest, proofReady } = f.page;
  const driver = run.driver!;
  const during = samples.filter((s) => s.t <= res.timedSeconds);
  const lagForms = during.map((s) => Math.max(0, s.acked - s.national)).sort((a, b) => a - b);
  // Age of the national totals: how long ago the forms they count had all been answered.
  const progress = driver.events
    .filter((e) => e.event === 'progress')
    .map((e) => ({ t: (Number(e.at) - tStart) / 1000, ok: Number(e.ok) }));
  const lagSeconds = during
    .map((s) => s.t - (progress.find((p) => p.ok >= s.national)?.t ?? s.t))
    .sort((a, b) => a - b);
  const logLag = during.map((s) => s.logSize - s.recapFrom).sort((a, b) => a - b);
  record({
    step: 'recap',
    what: 'national recaps count every form, after the last 201',
    value: currency,
    unit: 's',
    target: { cmp: '<=', value: TARGET.recapSeconds },
    note: `${n0(nationalAtEnd)} of ${n0(ok)} forms in the 5 national recaps${baseline ? ` (beyond ${n0(baseline)} counted before the load)` : ''} (recap_current, area ID; every level below is recapped in the same transaction); GET /v1/results/PPWP/areas/ID: tps ${JSON.stringify(pageTps)} for ${n0(okPerContest.PPWP ?? 0)} PPWP forms; proof of the last form served (recaps in a signed checkpoint) ${proofReady.toFixed(2)} s after the last 201`,
  });
  record({
    step: 'recap',
    what: 'recap lag during the load: forms answered but not yet in the national recaps',
    value: percentile(lagForms, 50),
    unit: 'forms (median)',
    note: `sampled every second (${during.length} samples): p90 ${n0(percentile(lagForms, 90))}, max ${n0(lagForms[lagForms.length - 1] ?? 0)}; log entries not yet read by the publisher: median ${n0(percentile(logLag, 50))}, max ${n0(logLag[logLag.length - 1] ?? 0)}`,
  });
  record({
    step: 'recap',
    what: 'recap lag during the load: age of the national totals',
    value: percentile(lagSeconds, 50),
    unit: 's (median)',
    note: `p90 ${percentile(lagSeconds, 90).toFixed(1)} s, max ${(lagSeconds[lagSeconds.length - 1] ?? 0).toFixed(1)} s (time since every form the totals count had been answered)`,
  });
  const w = written;
  record({
    step: 'recap',
    what: 'recap entries written per form (each a log entry)',
    value: w.recap_entries / Math.max(1, ok),
    unit: '',
    note: `${n0(w.recap_entries)} recap entries in ${n0(w.recap_ticks)} publisher ticks (one transaction each, ${n0(w.recap_entries / Math.max(1, w.recap_ticks))} entries per tick), ${n0(Number(w.recap_bytes) / Math.max(1, w.recap_entries))} bytes each on average — ${(Number(w.recap_bytes) / Math.max(1, Number(w.form_bytes))).toFixed(1)}× the bytes of the forms (${n0(Number(w.form_bytes) / Math.max(1, ok))} bytes each); the forms went in ${n0(w.form_commits)} shared commits (${(ok / Math.max(1, w.form_commits)).toFixed(1)} forms each); the log grew by ${n0(Number(w.log) - quiet.log)} entries`,
  });
}

/** Proof latency, sequential and concurrent, and the observer's verification. */
function proofFigures(run: Run, f: Findings): void {
  const { o } = run;
  const { verified } = f;
  const { seqLat, conLat, sizes, sample, proofStatus, conStatus, seqSeconds, conSeconds, kept } =
    f.proofs;
  const { badProofs, verifyMs } = f.verify;
  const proofNote = (st: Record<string, number>) =>
    Object.entries(st)
      .map(([k, v]) => `${k}: ${n0(v)}`)
      .join(', ');
  for (const [p, v] of [
    ['p50', percentile(seqLat, 50)],
    ['p99', percentile(seqLat, 99)],
  ] as const)
    record({
      step: 'proof',
      what: `proof latency ${p}, sequential (1 keep-alive connection)`,
      value: v,
      unit: 'ms',
      target: { cmp: '<=', value: TARGET.proofMs },
      note:
        p === 'p50'
          ? `${n0(sample.length)} random forms, mixed contests (${proofNote(proofStatus)}), ${(sample.length / seqSeconds).toFixed(0)} proofs/s; max ${percentile(seqLat, 100).toFixed(1)} ms; body p50 ${n0(percentile(sizes, 50) / 1024)} KiB, max ${n0((sizes[sizes.length - 1] ?? 0) / 1024)} KiB`
          : '',
    });
  for (const [p, v] of [
    ['p50', percentile(conLat, 50)],
    ['p99', percentile(conLat, 99)],
  ] as const)
    record({
      step: 'proof',
      what: `proof latency ${p}, ${o.proofConcurrency} connections`,
      value: v,
      unit: 'ms',
      note:
        p === 'p50'
          ? `${(sample.length / conSeconds).toFixed(0)} proofs/s (${proofNote(conStatus)})`
          : '',
    });
  record({
    step: 'proof',
    what: 'proofs checked by the observer verifier (verifyResultsProof, GET /log/key)',
    value: kept.length - badProofs.length,
    unit: `of ${kept.length}`,
    target: { cmp: '>=', value: kept.length },
    note: `${verifyMs.toFixed(1)} ms each${badProofs.length ? `; FAILED: ${badProofs.slice(0, 3).join(' | ')}` : ''}; whole log ${verified}`,
  });
}

/** Setup time, the election load aside. */
function setupFigures(run: Run, f: Findings): void {
  const { o, phases } = run;
  const { plan } = f;
  const setupSeconds =
    phases.officers! + phases.devices! + phases.serverStart! + phases.tokens! + phases.driverWait!;
  record({
    step: 'setup',
    what: 'setup time, election load aside (roster, devices, server start, tokens, pre-signing)',
    value: setupSeconds,
    unit: 's',
    note: `${n0(plan.tps.length)} KPPS officers and their TPS photos in ${phases.officers!.toFixed(1)} s (insertOfficer + storePhoto, 8 transactions side by side); devices enrolled through performWrite in ${phases.devices!.toFixed(1)} s; server start ${phases.serverStart!.toFixed(1)} s (registry load in each worker); ${n0(plan.tps.length)} tokens over HTTP in ${phases.tokens!.toFixed(1)} s; then ${phases.driverWait!.toFixed(1)} s more for the driver, which signed ${n0(o.forms)} forms in ${phases.presign!.toFixed(1)} s beside all that, and ${phases.quiet!.toFixed(1)} s for the log and recap to settle. Before it: the national election generated and loaded in ${phases.loadElection!.toFixed(1)} s`,
  });
}

/** The results file's data beside the figures. */
function outputOf(run: Run, f: Findings): Record<string, unknown> {
  const { plan, night, perContest, res, verified } = f;
  const { samples, pgActivity } = f.timed;
  const { missing, written } = f.lost;
  const { procs: procCpu, pgSeconds, selfSeconds, busy, others, wall } = f.cpu;
  const { seqLat, conLat, sizes, proofStatus, conStatus, seqSeconds, conSeconds, kept } = f.proofs;
  const { badProofs } = f.verify;
  const { phases } = run;
  return {
    plan: { tps: plan.tps.length, desa: plan.desa, provinces: PROVINCES, perContest },
    nationalForms: night,
    phases,
    driver: { ...res, receipts: undefined, okForms: undefined },
    perSecond: res.perSecond,
    samples,
    cpu: {
      procs: procCpu,
      pgSeconds,
      driverSeconds: res.cpuSeconds,
      selfSeconds,
      busy,
      others,
      wall,
    },
    proofs: {
      sequential: { n: seqLat.length, seconds: seqSeconds, status: proofStatus },
      concurrent: { n: conLat.length, seconds: conSeconds, status: conStatus },
      bytes: { p50: percentile(sizes, 50), max: sizes[sizes.length - 1] },
      verified: kept.length,
      badProofs,
    },
    lost: missing.length,
    log: verified,
    written,
    pgActivity,
    driverErrors: res.errors,
  };
}

/**
 * Stops the driver and the server, summarises their CPU profiles (--profile),
 * notes errors in the server's log, drops the database and the scratch files.
 */
async function closeRun(run: Run, out: Record<string, unknown>): Promise<void> {
  const { files } = run;
  await run.admin.end().catch(() => undefined);
  await run.logDb.close().catch(() => undefined);
  if (run.driver && run.driver.proc.exitCode === null) run.driver.proc.kill('SIGTERM');
  if (run.server) await stopServer(run.server);
  if (run.o.profile) {
    out.profile = summariseProfiles(files.prof, run.windows.timed);
    out.proofProfile = summariseProfiles(files.prof, run.windows.proofs);
    out.setupProfile = summariseProfiles(files.prof, run.windows.setup);
  }
  // Errors and 5xx in the server's log (grep: the log holds a line per request),
  // but for the 503s of proofs asked before their checkpoint (the poll above).
  let serverErrors: string[] = [];
  try {
    serverErrors = execFileSync('grep', [
      '-m',
      '10',
      '-E',
      '"level":(50|60)|"status":50[^3]',
      files.log,
    ])
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(0, 600));
  } catch {
    // grep exits 1 when nothing matches
  }
  if (serverErrors.length) out.serverErrors = serverErrors;
  await run.db.drop().catch((e) => console.error(`drop ${run.db.name}: ${(e as Error).message}`));
  // SAKSI_BENCH_KEEP=1 keeps the server log and CPU profiles for a closer look.
  if (process.env.SAKSI_BENCH_KEEP === '1') console.log(`  kept ${files.dir}`);
  else rmSync(files.dir, { recursive: true, force: true });
}

/** The tables on the console and in bench-results/results.{json,md}. */
function report(
  o: Options,
  info: Record<string, unknown>,
  out: Record<string, unknown>,
  failures: string[],
): void {
  info.loadAvgAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  const profileMd = [
    ['the timed phase (ingestion)', out.profile],
    ['the proof requests', out.proofProfile],
    ['the token requests of the setup', out.setupProfile],
  ]
    .map(([when, p]) => profileTable(String(when), p as Profile | undefined, o.workers))
    .join('');
  const act = out.pgActivity as
    | { samples: number; meanActive: number; top: { what: string; percent: number }[] }
    | undefined;
  const pgMd = act
    ? [
        '',
        `## PostgreSQL during the timed phase: what this database's backends were running`,
        '',
        `pg_stat_activity sampled every 100 ms (${n0(act.samples)} samples, ${act.meanActive.toFixed(2)} backends active on average); share of the active samples by statement and wait (CPU = not waiting).`,
        '',
        '| statement (first 90 characters) [wait] | % |',
        '| --- | --- |',
        ...act.top.map((x) => `| \`${x.what.replaceAll('|', '\\|')}\` | ${x.percent} |`),
        '',
      ].join('\n')
    : '';
  const md = [
    '# Saksi counting benchmark',
    '',
    `${info.date} · ${info.cpus}× ${info.cpuModel} · ${info.memoryGiB} GiB · Node ${info.node} · load average ${String(info.loadAvgAtStart)} → ${String(info.loadAvgAtEnd)} · ${(Number(info.totalSeconds) / 60).toFixed(1)} min in all${o.quick ? ' · quick' : ''}`,
    '',
    `PostgreSQL: ${JSON.stringify(info.postgres)}`,
    '',
    `Server: \`saksi serve --demo --workers ${o.workers}\` on a fresh database holding the national synthetic election (823,220 TPS). ${n0(o.forms)} KPPS-verified C.Hasil forms (POST /v1/results/forms), each signed by its own TPS's enrolled device and citing its uploaded photo, built with consistentForm on the TPS's ballot and pre-signed by a separate driver process; ${o.concurrency} keep-alive connections, one request in flight each. Extra server env: ${JSON.stringify(o.env)}.`,
    '',
    table(figures),
    pgMd,
    profileMd,
    '',
    failures.length
      ? `Failures:\n${failures.map((f) => `- ${f.split('\n')[0]}`).join('\n')}\n`
      : '',
  ].join('\n');
  console.log(`\n${table(figures)}\n${pgMd}${profileMd}\n`);
  writeBenchResults(
    ROOT,
    'results',
    md,
    { machine: info, targets: TARGET, figures, failures },
    out,
  );
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const wallStart = now();
  const info = await machineInfo(o);
  const run = await openRun(o);
  const out: Record<string, unknown> = {};
  try {
    // Setup, not measured as ingestion: the election, the server, the roster, tokens.
    const { election, reg } = await loadElectionStep(run);
    const serverUp = startServer(run);
    const { plan, officers } = startDriver(run, reg);
    await rosterStep(run, plan, officers);
    const url = await serverUp;
    const tokens = await tokensStep(run, url, officers);
    const settled = await settleStep(run, url, tokens);
    // The night: every form sent, then the recaps and the receipts checked.
    const timed = await ingest(run, settled.baseline);
    const recap = await waitForRecaps(run, timed, settled.baseline);
    const res = await driverResult(run);
    const http = httpTo(url);
    const page = await observerPage(http, plan, res, timed.lastOkAt);
    const lost = await lostReceipts(run, res, settled.quiet);
    const cpu = await timedCpu(run, timed, res.cpuSeconds);
    // The observer: proofs, their verification, the whole log.
    const proofs = await proofLatency(run, http, plan, res);
    const verify = await observerVerify(http, proofs.kept);
    http.conn.close();
    const verified = await verifyWholeLog(run, url, verify.vkey);
    const findings: Findings = {
      plan,
      night: nationalForms(reg, election),
      perContest: formsPerContest(plan),
      settled,
      timed,
      recap,
      res,
      page,
      lost,
      cpu,
      proofs,
      verify,
      verified,
    };
    recordFigures(run, findings);
    Object.assign(out, outputOf(run, findings));
  } catch (e) {
    run.failures.push((e as Error)?.stack ?? String(e));
    console.error(`failed: ${(e as Error)?.stack ?? e}`);
  } finally {
    await closeRun(run, out);
  }
  info.totalSeconds = (now() - wallStart) / 1000;
  report(o, info, out, run.failures);
}

/** Forms of the run per contest. */
function formsPerContest(plan: Plan): Record<string, number> {
  const perContest: Record<string, number> = {};
  for (const [, c] of plan.forms)
    perContest[CONTEST_IDS[c]!] = (perContest[CONTEST_IDS[c]!] ?? 0) + 1;
  return perContest;
}

const [mode, a1] = process.argv.slice(2);
if (mode === '--child-driver') await childDriver(a1!);
else await main();
