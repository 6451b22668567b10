/**
 * The demo seeder (`saksi demo seed`, CONTRACT.md; issue #4 "Public reading"):
 * signed count forms for the first N TPS of the demo province, submitted
 * through the public HTTP API exactly as officers' devices would — a demo token
 * per officer, a freshly enrolled Ed25519 device with its proof of possession,
 * the form photo uploaded first, every version signed by the device — then a
 * wait until the log has integrated them and the recap counts them.
 *
 * It talks to the server over HTTP only (global fetch), so `saksi serve --demo`
 * runs the very same code against its own URL at start-up (./startup.ts). It
 * imports no server internals, only the pure helpers that build signed bodies.
 *
 * Resumable and safe beside another seeder (issue #10): the versions of every
 * form are planned from the TPS alone (./steps.ts), a TPS is complete only when
 * every contest held there is counted, and a run reads how far each form got
 * and writes the rest. A version that someone else wrote first (409
 * VERSION_EXISTS) is read as "already there": the seeder re-reads the form and
 * goes on from there. So a rerun after an interruption finishes the TPS that
 * were started, and two seeders at once both finish with the same result as one.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Ballot, Choice } from '../domains/registry/index.ts';
import { CONTESTS, type Contest } from '../domains/results/forms/index.ts';
import { signedForm } from '../domains/results/testing.ts';
import { DemoClient, SeedError } from './client.ts';
import { DemoOfficers, type Officer } from './officers.ts';
import { formPhoto } from './photo.ts';
import {
  type AreaAnswer,
  DEMO_PROVINCE,
  DEMO_TPS,
  scriptFor,
  type TpsScript,
  tpsInOrder,
} from './plan.ts';
import { emptyReport, type SeedProgress, type SeedReport } from './report.ts';
import { type FormStep, formSteps, isCounted, type SeenVersion } from './steps.ts';
import { type CountedTarget, waitUntilCounted } from './wait.ts';

export type { ContestTotals, SeedCorrection, SeedProgress, SeedReport } from './report.ts';

export interface SeedOptions {
  /** The server, e.g. http://127.0.0.1:8080 (started with --demo). */
  url: string;
  /** Complete the first N TPS in seeding order (those complete already are passed over); Infinity: all. */
  tps: number;
  /** TPS seeded at once (default 6). */
  concurrency?: number;
  /** Longest wait for the log and the recap to catch up (default 120 s). */
  waitTimeoutMs?: number;
  /** The area whose TPS are seeded and the TPS to start from (default: the demo ones). */
  root?: string;
  start?: string;
  /**
   * Read each form's versions before writing (default true). The server's own
   * start-up turns it off: it has just seen that no count form exists (and a
   * version someone else wrote meanwhile is still found, by its 409).
   */
  checkExisting?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: SeedProgress) => void;
}

/** One seeding run: its client, officers, ballots and what it has done. */
interface Run {
  options: SeedOptions;
  client: DemoClient;
  officers: DemoOfficers;
  report: SeedReport;
  concurrency: number;
  /** Stops the other workers when one fails. */
  stop: AbortController;
  signal: AbortSignal;
  ballots: Map<string, Promise<Ballot>>;
  /** Choice names per contest, for the summary. */
  names: Map<string, Map<string, string>>;
  /** Per contest and TPS, the version the recap must count before the run ends. */
  counted: CountedTarget;
  /** TPS handled (complete now), for progress. */
  handled: number;
  t0: number;
}

/** A TPS of the target, as the registry describes it. */
interface TpsPlan {
  tps: string;
  ordinal: number;
  dpt: number;
  dapil: AreaAnswer['dapil'];
  /** Contests held here, in ballot order. */
  contests: Contest[];
  script: TpsScript;
}

const FORM_PATHS: Readonly<Record<FormStep['stage'], string>> = {
  read: '/v1/results/forms/read',
  verified: '/v1/results/forms',
  corrected: '/v1/results/forms/corrections',
};

const isContest = (s: string): s is Contest => (CONTESTS as readonly string[]).includes(s);
const hex = (s: string) => createHash('sha256').update(s).digest('hex');

export async function seedDemo(options: SeedOptions): Promise<SeedReport> {
  const run = openRun(options);
  await checkServerHoldsRoot(run);
  await completeTargetTps(run);
  run.report.submitMs = performance.now() - run.t0;
  run.report.national = await waitUntilCounted(run.client, run.counted, {
    deadline: Date.now() + (options.waitTimeoutMs ?? 120_000),
    timeoutMs: options.waitTimeoutMs ?? 120_000,
    concurrency: run.concurrency,
    signal: run.signal,
    names: run.names,
  });
  await recordCheckpoint(run);
  return finish(run);
}

function openRun(options: SeedOptions): Run {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  // Every request backing off (503, 429) waits on this signal: dozens at once
  // under load, each listener removed when its wait ends.
  setMaxListeners(256, signal);
  const client = new DemoClient(options.url, signal);
  return {
    options,
    client,
    officers: new DemoOfficers(client),
    report: emptyReport(),
    concurrency: Math.max(1, options.concurrency ?? 6),
    stop,
    signal,
    ballots: new Map(),
    names: new Map(),
    counted: new Map(),
    handled: 0,
    t0: performance.now(),
  };
}

/** Is it there, and does it hold the demo province? (A clear answer before any write.) */
async function checkServerHoldsRoot(run: Run): Promise<void> {
  const root = run.options.root ?? DEMO_PROVINCE;
  const r = await run.client.get<AreaAnswer>(`/v1/areas/${root}`, [200, 404]);
  if (r.status === 404)
    throw new SeedError(
      'NO_REGISTRY',
      `${run.client.base.origin} has no area ${root} in its registry; start it with \`saksi serve --demo\` (which loads the demo election) or load one with \`saksi registry demo\``,
    );
}

/**
 * The first N TPS in seeding order, `concurrency` at a time, each made
 * complete. The first failure stops the other workers; theirs are its echo.
 */
async function completeTargetTps(run: Run): Promise<void> {
  const queue = targetTps(run);
  let failure: unknown;
  const worker = async () => {
    for (;;) {
      const next = await queue.next();
      if (next.done) return;
      await completeTps(run, next.value.tps, next.value.ordinal);
    }
  };
  await Promise.all(
    Array.from({ length: run.concurrency }, () =>
      worker().catch((e) => {
        if (failure === undefined) {
          failure = e;
          run.stop.abort();
        }
      }),
    ),
  );
  if (failure === undefined) return;
  if (run.options.signal?.aborted) throw new SeedError('ABORTED', 'seeding was stopped');
  throw failure;
}

async function* targetTps(run: Run): AsyncGenerator<{ tps: string; ordinal: number }> {
  const { root = DEMO_PROVINCE, start = DEMO_TPS, tps: target } = run.options;
  let ordinal = 0;
  if (target <= 0) return;
  for await (const tps of tpsInOrder(run.client, root, start)) {
    yield { tps, ordinal };
    if (++ordinal >= target) return;
  }
}

/** Every contest held at the TPS, counted; the contests' forms go in side by side. */
async function completeTps(run: Run, tps: string, ordinal: number): Promise<void> {
  const plan = await planOf(run, tps, ordinal);
  const written = await Promise.all(plan.contests.map((c) => completeForm(run, plan, c)));
  if (written.some((n) => n > 0)) run.report.tps++;
  else run.report.skipped++;
  run.handled++;
  run.options.onProgress?.({
    tps: run.handled,
    target: run.options.tps,
    forms: run.report.forms,
  });
}

async function planOf(run: Run, tps: string, ordinal: number): Promise<TpsPlan> {
  const { body: area } = await run.client.get<AreaAnswer>(`/v1/areas/${tps}`);
  if (typeof area.dpt !== 'number')
    throw new SeedError('HTTP', `GET /v1/areas/${tps} gave no DPT for the TPS`);
  const contests = (area.contests ?? []).filter(isContest);
  return {
    tps,
    ordinal,
    dpt: area.dpt,
    dapil: area.dapil,
    contests,
    script: scriptFor(ordinal, contests),
  };
}

/**
 * Brings one contest's form at the TPS to counted: reads how many versions
 * exist, writes the planned ones after them, and after a version someone else
 * wrote first reads again and goes on. Returns the number of versions written.
 */
async function completeForm(run: Run, plan: TpsPlan, contest: Contest): Promise<number> {
  const { tps } = plan;
  const ballot = await ballotAt(run, contest, plan);
  const photo = formPhoto(tps, contest);
  const steps = formSteps({ ...plan, contest, ballot, photo: photo.sha256 });
  let seen = run.options.checkExisting === false ? [] : await versionsOf(run, contest, tps);
  let written = 0;
  while (!isCounted(seen)) {
    const step = steps[seen.length];
    if (!step || seen.some((v, i) => v.stage !== steps[i]!.stage)) {
      // Versions the demo did not plan (written by hand, say): not ours to finish.
      run.report.leftAlone.push({ contest, tps });
      return written;
    }
    // A form cites its photo, which must exist: uploaded before version 1 only.
    if (seen.length === 0) await uploadPhoto(run, step, photo);
    const seq = seen.length + 1;
    if (await writeVersion(run, await run.officers.get(step.role, step.area), step, seq)) {
      written++;
      countWritten(run.report, contest, tps, step, seq);
      seen = [...seen, { seq, stage: step.stage, status: step.flagged ? 'flagged' : 'accepted' }];
    } else {
      const now = await versionsOf(run, contest, tps);
      if (now.length < seq)
        throw new SeedError(
          'HTTP',
          `${contest} form of TPS ${tps}: version ${seq} was refused as existing, yet the history has ${now.length}`,
        );
      seen = now;
    }
  }
  (run.counted.get(contest) ?? run.counted.set(contest, new Map()).get(contest)!).set(
    tps,
    seen.length,
  );
  return written;
}

/** The versions of a form as the public history shows them (none: 404). */
async function versionsOf(run: Run, contest: Contest, tps: string): Promise<SeenVersion[]> {
  const r = await run.client.get<{ versions: SeenVersion[] }>(
    `/v1/results/${contest}/tps/${tps}`,
    [200, 404],
  );
  return r.status === 200
    ? r.body.versions.map(({ seq, stage, status }) => ({ seq, stage, status }))
    : [];
}

/** The photo of the C.Hasil sheet, uploaded by the TPS's KPPS before its first form. */
async function uploadPhoto(run: Run, step: FormStep, photo: ReturnType<typeof formPhoto>) {
  const tps = step.form.tps;
  const kpps = await run.officers.get('KPPS', tps);
  await run.client.request('PUT', `/v1/photos/${photo.sha256}?tps=${tps}`, {
    token: kpps.token,
    bytes: { data: photo.bytes, type: photo.mediaType },
    expect: [200, 201],
  });
  run.report.photos++;
}

/**
 * Writes version `seq`, device-signed. True if written; false if that version
 * exists already (409 VERSION_EXISTS: another seeder wrote it first, or an
 * interrupted run did and its answer was lost).
 */
async function writeVersion(run: Run, o: Officer, step: FormStep, seq: number): Promise<boolean> {
  const body = signedForm(o.device, step.stage, step.form, seq, step.reason);
  const r = await run.client.request<{ error?: { code?: string; message?: string } }>(
    'POST',
    FORM_PATHS[step.stage],
    {
      token: o.token,
      json: body,
      idempotencyKey: `seed-${hex(`${body.subject}:${seq}:${o.device.keyB64}`).slice(0, 40)}`,
      expect: [201, 409],
    },
  );
  if (r.status === 201) return true;
  if (r.body?.error?.code === 'VERSION_EXISTS') return false;
  throw new SeedError(
    'HTTP',
    `POST ${FORM_PATHS[step.stage]} answered 409: ${r.body?.error?.code ?? ''}: ${r.body?.error?.message ?? r.text.slice(0, 200)}`,
    409,
  );
}

function countWritten(
  report: SeedReport,
  contest: Contest,
  tps: string,
  step: FormStep,
  seq: number,
): void {
  report.forms++;
  switch (step.stage) {
    case 'read':
      report.readings++;
      if (step.flagged) report.misreadReadings++;
      break;
    case 'verified':
      report.verified++;
      if (step.flagged) report.flagged++;
      break;
    case 'corrected':
      report.corrected++;
      report.corrections.push({
        contest,
        tps,
        flaggedSeq: seq - 1,
        seq,
        ...(step.caseRef ? { caseRef: step.caseRef } : {}),
      });
      break;
    default: {
      const never: never = step.stage;
      throw new Error(`unknown stage ${never}`);
    }
  }
}

/** The ballot of a contest at a TPS, fetched once per dapil. */
function ballotAt(run: Run, contest: Contest, plan: TpsPlan): Promise<Ballot> {
  const key = `${contest}:${plan.dapil?.[contest]?.id ?? '-'}`;
  let p = run.ballots.get(key);
  if (!p) {
    p = run.client
      .get<{ dapil: { id: string } | null; choices: Choice[] }>(
        `/v1/contests/${contest}/ballot?tps=${plan.tps}`,
      )
      .then(({ body }) => {
        const byId = run.names.get(contest) ?? new Map<string, string>();
        for (const c of body.choices) byId.set(c.id, c.name);
        run.names.set(contest, byId);
        return {
          contest,
          dapil: body.dapil?.id ?? null,
          choices: body.choices,
          choiceIds: new Set(body.choices.map((c) => c.id)),
        };
      });
    run.ballots.set(key, p);
    p.catch(() => run.ballots.delete(key));
  }
  return p;
}

async function recordCheckpoint(run: Run): Promise<void> {
  const cp = await run.client.request('GET', '/log/checkpoint');
  run.report.checkpointSize = Number(cp.text.split('\n')[1]);
}

function finish(run: Run): SeedReport {
  run.report.devices = run.officers.devices;
  run.report.requests = run.client.requests;
  run.report.elapsedMs = performance.now() - run.t0;
  return run.report;
}
