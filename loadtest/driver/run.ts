/**
 * `saksi loadtest`: runs a scenario of loadtest/scenarios/ against a URL with
 * the Node driver — open model (requests arrive at the scenario's rate, at most
 * `vus` in flight) or closed (`vus` users, each sending when answered) — while
 * a LogWatcher checks every checkpoint; then waits for every receipt to be
 * integrated and judges the run against the scenario's thresholds.
 */
import { randomBytes } from 'node:crypto';
import type { Baseline } from '../baseline/index.ts';
import {
  evaluate,
  picker,
  type RequestType,
  type Scenario,
  seeded,
  type ThresholdResult,
} from '../scenarios/index.ts';
import {
  type Calibration,
  capacityModel,
  OPERATIONS,
  type Operation,
  type StageCapacity,
} from './capacity.ts';
import { type ChaosKill, chaosPlan, runChaos } from './chaos.ts';
import { CpuSampler, IDLE_S, type IdleRate, type ProcessGroup } from './cpu.ts';
import { drive } from './drive.ts';
import { type LogReport, LogWatcher } from './log-check.ts';
import { type SideBySide, sideBySide } from './side-by-side.ts';
import { Recorder, type SecondResult, type TypeResult } from './stats.ts';
import { type Outcome, Workload } from './workload.ts';

export interface RunOptions {
  url: string;
  scenario: Scenario;
  model?: 'open' | 'closed';
  /** Overrides of the scenario's load, for a shorter or smaller run. */
  durationS?: number;
  rate?: number;
  vus?: number;
  /** TPS whose forms are written (about 5 chains each). */
  tps: number;
  from: string;
  seed: number;
  /** Longest wait after the run for the receipts to be integrated. */
  settleMs: number;
  /**
   * `--chaos`: SIGKILL an API worker and the sequencer at seeded times during
   * the load (./chaos.ts); `primary` is `saksi serve --workers N`'s pid, the
   * database URL finds the sequencer. Requests with no answer are sent again.
   */
  chaos?: { primary: number; databaseUrl: string | undefined };
  /** Demo voters to register before a scenario that sends self-checks (default 200). */
  voters?: number;
  /**
   * `--baseline`: the plain Hono + pg server (loadtest/baseline/), started;
   * after the load, Saksi's writes and the baseline's are driven the same way
   * one after the other (./side-by-side.ts).
   */
  baseline?: Baseline;
  /** The server's processes; with it, each operation is calibrated for `calibrateS` seconds. */
  cpu?: CpuSampler;
  calibrateS?: number;
  onProgress?: (line: string) => void;
}

export interface Results {
  scenario: string;
  url: string;
  model: 'open' | 'closed';
  startedAt: string;
  durationS: number;
  rate: number;
  vus: number;
  chains: number;
  types: Partial<Record<RequestType, TypeResult>>;
  timeline: SecondResult[];
  /** Requests not sent because every chain was busy (open model: arrivals missed). */
  skipped: number;
  /** The first failures, for whoever reads why. */
  sampleErrors: string[];
  log: LogReport;
  /** CPU per request of each operation alone, per process group (with --server-pid). */
  calibration: Calibration[];
  /**
   * CPU seconds per second the server's processes spent with no request, measured
   * before calibrating and taken off each operation's figure.
   */
  calibrationIdle?: IdleRate;
  /** What the stage peaks need, from the calibration (docs/loadtest.md). */
  capacity: StageCapacity[];
  /** With --baseline: Saksi's ledgered write beside the plain write, driven the same way. */
  sideBySide?: SideBySide;
  /** With --chaos: what was killed, and the requests sent again for want of an answer. */
  chaos?: { kills: ChaosKill[]; resends: number };
  thresholds: ThresholdResult[];
  summary: {
    requests: number;
    errors: number;
    lostWrites: number;
    p99ms: number;
    thresholdsPassed: boolean;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoad(o: RunOptions): Promise<Results> {
  const s = o.scenario;
  const model = o.model ?? s.load.model;
  const durationS = o.durationS ?? s.load.durationS;
  const rate = o.rate ?? s.load.rate;
  const vus = o.vus ?? s.load.vus;
  const rnd = seeded(o.seed);
  const pick = picker(s);
  const progress = o.onProgress ?? (() => {});

  progress(`preparing ${o.tps} TPS (officers, devices, ballots)…`);
  const work = await Workload.prepare(o.url, {
    tps: o.tps,
    from: o.from,
    run: randomBytes(8).toString('hex'),
    rnd,
  });
  if ((s.mix['self-check'] ?? 0) > 0) {
    const n = o.voters ?? 200;
    progress(`registering ${n} demo voters (POST /v1/voters; already registered ones pass)…`);
    const { DemoClient, seedVoters } = await import('../../api/demo/index.ts');
    await seedVoters(new DemoClient(o.url), n);
    work.voters = n;
  }
  const log = await LogWatcher.open(work.base);
  if (o.chaos) {
    // Up to 30 s of resending (250 ms × attempt): on a loaded machine a
    // replacement worker takes seconds to start, and the survivors take its load.
    work.resend = 15;
    log.resend = 15;
  }
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const rec = new Recorder(t0);
  let skipped = 0;
  const sampleErrors: string[] = [];

  const one = async (): Promise<void> => {
    const type = pick(rnd());
    let out: Outcome | null;
    try {
      out = await work.send(type);
    } catch (e) {
      out = { type, ok: false, ms: 0, status: 0, why: (e as Error).message };
    }
    if (!out) {
      skipped++;
      return;
    }
    rec.record(out.type, out.ms, out.ok);
    if (!out.ok && out.why && sampleErrors.length < 20)
      sampleErrors.push(`${out.type}: ${out.why}`);
  };

  // The log is watched throughout: a checkpoint a second.
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      await log.poll();
      await sleep(1000);
    }
  })();
  const ticker = setInterval(() => {
    const el = (performance.now() - t0) / 1000;
    progress(
      `${el.toFixed(0)}/${durationS} s  ${rec.requests} requests  ${rec.errors} errors  p99 ${rec.p99().toFixed(0)} ms  log ${log.report.lastSize}${log.report.failures.length ? '  LOG FAILURE' : ''}`,
    );
  }, 2000);
  ticker.unref();
  const chaosStop = new AbortController();
  const chaos = o.chaos
    ? runChaos({
        plan: chaosPlan(durationS, seeded(o.seed + 1)),
        primary: o.chaos.primary,
        databaseUrl: o.chaos.databaseUrl,
        t0,
        rnd: seeded(o.seed + 2),
        signal: chaosStop.signal,
        onKill: (k) =>
          progress(
            `chaos: ${k.atS} s SIGKILL ${k.target} ${k.pid || '(none)'}${k.replaced ? ', replaced' : k.pid ? ', NOT replaced' : ''}${k.note ? ` (${k.note})` : ''}`,
          ),
      })
    : undefined;

  try {
    skipped += await drive(
      { model, durationS, rate, rampS: model === 'open' ? s.load.rampS : 0, vus },
      one,
    );
  } finally {
    clearInterval(ticker);
    chaosStop.abort();
    watching = false;
    await watcher;
  }
  const kills = chaos ? await chaos : undefined;
  const elapsed = (performance.now() - t0) / 1000;
  const calibration: Calibration[] = [];
  let idle: IdleRate | undefined;
  if (o.cpu?.measuring && (o.calibrateS ?? 0) > 0) {
    await work.quiesce();
    idle = await o.cpu.idleRate(IDLE_S);
    for (const [op, type] of Object.entries(OPERATIONS) as [Operation, RequestType][]) {
      progress(`calibrating ${op} (${type} alone, ${o.calibrateS} s)…`);
      calibration.push(
        await calibrate(work, o.cpu, idle, op, type, o.calibrateS!, Math.min(vus, 8)),
      );
    }
  }
  const side = o.baseline
    ? await sideBySide({
        work,
        baseline: o.baseline,
        shape: { model, durationS, rate, rampS: model === 'open' ? s.load.rampS : 0, vus },
        cpu: o.cpu,
        progress,
      })
    : undefined;
  progress(`load done; waiting for ${work.receipts.length} receipts to be integrated…`);
  const logReport = await log.settle(work.receipts, o.settleMs);
  const types = rec.byType();
  const figures = {
    byType: types,
    requests: rec.requests,
    errors: rec.errors,
    throughput: rec.requests / elapsed,
    lostWrites: logReport.lostWrites,
  };
  const thresholds = evaluate(s, figures);
  if (kills) {
    // A kill that was planned but found no process, or whose process was not
    // replaced, means the run did not test what it says it tested.
    const bad = kills.filter((k) => k.pid === 0 || !k.replaced).length;
    thresholds.push({
      name: 'chaos: every planned kill done and the process replaced',
      limit: 0,
      actual: bad,
      passed: bad === 0 && kills.length > 0,
    });
  }
  thresholds.push({
    name: 'log verifies (checkpoints grow, consistent; whole log from tiles)',
    limit: 0,
    actual: logReport.failures.length,
    passed: logReport.failures.length === 0,
  });
  return {
    scenario: s.name,
    url: work.base,
    model,
    startedAt,
    durationS: Math.round(elapsed * 10) / 10,
    rate,
    vus,
    chains: work.chains.length,
    types,
    timeline: rec.timeline(),
    skipped,
    sampleErrors,
    log: logReport,
    calibration,
    ...(idle ? { calibrationIdle: idle } : {}),
    capacity: calibration.length ? capacityModel(calibration) : [],
    ...(side ? { sideBySide: side } : {}),
    ...(kills ? { chaos: { kills, resends: work.resends } } : {}),
    thresholds,
    summary: {
      requests: rec.requests,
      errors: rec.errors,
      lostWrites: logReport.lostWrites,
      p99ms: rec.p99(),
      thresholdsPassed: thresholds.every((t) => t.passed),
    },
  };
}

/**
 * One operation alone, closed model, `users` at once for `seconds`: the CPU
 * each process group spent, per request answered. The log is let settle
 * before the first sample (the previous phase's sequencing and recaps are not
 * this one's) and before the last (a write's sequencing and recap are).
 */
async function calibrate(
  work: Workload,
  cpu: CpuSampler,
  idle: IdleRate,
  operation: Operation,
  type: RequestType,
  seconds: number,
  users: number,
): Promise<Calibration> {
  await work.quiesce();
  const before = await cpu.sample();
  const t = performance.now();
  const stop = t + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: users }, async () => {
      while (performance.now() < stop) {
        const out = await work.send(type);
        if (out?.ok) n++;
        else if (!out) await sleep(5);
      }
    }),
  );
  const elapsed = (performance.now() - t) / 1000;
  await work.quiesce();
  const after = await cpu.sample();
  const spent = CpuSampler.spent(before, after, idle);
  const per = (g: ProcessGroup) => Math.round((spent[g] / Math.max(1, n)) * 1e6) / 1e6;
  return {
    operation,
    requests: n,
    seconds: Math.round(elapsed * 10) / 10,
    cpuPerRequest: { api: per('api'), recap: per('recap'), postgres: per('postgres') },
  };
}
