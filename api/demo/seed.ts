/**
 * The demo seeder (`saksi demo seed`, CONTRACT.md; issue #4 "Public reading"):
 * signed count forms for N TPS of the demo province, submitted through the
 * public HTTP API exactly as officers' devices would — a demo token per officer,
 * a freshly enrolled Ed25519 device with its proof of possession, the form photo
 * uploaded first, every version signed by the device — then a wait until the
 * log has integrated them and the national recap counts them.
 *
 * It talks to the server over HTTP only (global fetch), so `saksi serve --demo`
 * runs the very same code against its own URL at start-up (./startup.ts). It
 * imports no server internals, only the pure helpers that build signed bodies.
 *
 * TPS that already have a form for a contest keep it: that contest is skipped
 * there, and N counts the TPS that get at least one new form, so running the
 * seeder again extends the demo rather than failing on the first replay.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { base64 } from '../../ledger/index.ts';
import { deviceSubject, enrolmentMessage } from '../domains/devices/index.ts';
import {
  type Ballot,
  type Choice,
  CONTEST_IDS,
  type ContestId,
} from '../domains/registry/index.ts';
import type { CountForm } from '../domains/results/forms/index.ts';
import type { FormStage } from '../domains/results/rules.ts';
import { consistentForm, type SigningDevice, signedForm } from '../domains/results/testing.ts';
import { DemoClient, SeedError, sleep } from './client.ts';
import { formPhoto } from './photo.ts';
import {
  type AreaAnswer,
  DEMO_PROVINCE,
  DEMO_TPS,
  misread,
  scriptFor,
  type TpsScript,
  tpsInOrder,
} from './plan.ts';
import { demoVotes } from './votes.ts';

export interface SeedOptions {
  /** The server, e.g. http://127.0.0.1:8080 (started with --demo). */
  url: string;
  /** How many TPS to give forms (TPS that have them already are passed over); Infinity: all. */
  tps: number;
  /** TPS seeded at once (default 6). */
  concurrency?: number;
  /** Longest wait for the log and the national recap to catch up (default 120 s). */
  waitTimeoutMs?: number;
  /** The area whose TPS are seeded and the TPS to start from (default: the demo ones). */
  root?: string;
  start?: string;
  /**
   * Look up each TPS's forms first and pass over the contests that have one
   * (default true). The server's own start-up turns it off: it has just seen
   * that no count form exists.
   */
  checkExisting?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: SeedProgress) => void;
}

export interface SeedProgress {
  /** TPS done, and the number asked for (Infinity: all). */
  tps: number;
  target: number;
  forms: number;
}

export interface ContestTotals {
  contest: string;
  accepted: number;
  flagged: number;
  valid: number;
  invalid: number;
  /** Per choice, most votes first, with the ballot's name where the seeder saw it. */
  votes: { id: string; name: string | undefined; votes: number }[];
  /** The log index of the national recap entry. */
  recapIndex: number;
}

export interface SeedCorrection {
  contest: string;
  tps: string;
  /** The flagged version and the correction that followed it. */
  flaggedSeq: number;
  seq: number;
  caseRef?: string;
}

export interface SeedReport {
  /** TPS that got forms, and TPS passed over because they had all of theirs. */
  tps: number;
  skipped: number;
  /** Count-form versions submitted: machine readings, verifications, corrections. */
  forms: number;
  readings: number;
  /** Machine readings that misread a digit (flagged, then verified right). */
  misreadReadings: number;
  verified: number;
  /** KPPS-verified forms that failed the arithmetic checks. */
  flagged: number;
  corrected: number;
  corrections: SeedCorrection[];
  photos: number;
  devices: number;
  requests: number;
  /** The signed checkpoint's tree size once everything was counted. */
  checkpointSize: number;
  /** National recap of each contest seeded, PPWP first. */
  national: ContestTotals[];
  /** Until the last write, and until the national recap counted it all. */
  submitMs: number;
  elapsedMs: number;
}

interface TpsPlan {
  tps: string;
  ordinal: number;
  dpt: number;
  dapil: AreaAnswer['dapil'];
  /** Contests held here that have no form yet, in ballot order. */
  todo: ContestId[];
  script: TpsScript;
}

interface Officer {
  id: string;
  token: string;
  tokenAt: number;
  device: SigningDevice;
}

/** A write receipt (api/write/routes.ts RECEIPT_SCHEMA). */
interface Receipt {
  pendingId: number;
  entryHash: string;
}

const FORM_PATHS: Readonly<Record<FormStage, string>> = {
  read: '/v1/results/forms/read',
  verified: '/v1/results/forms',
  corrected: '/v1/results/forms/corrections',
};

/** Tokens live 15 minutes by default; a long seed fetches a new one well before. */
const TOKEN_REFRESH_MS = 5 * 60_000;
const POLL_MS = 250;

const isContest = (s: string): s is ContestId => (CONTEST_IDS as readonly string[]).includes(s);
const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** A stable seed for a form's figures: the same TPS and contest give the same numbers. */
const figureSeed = (tps: string, contest: string) =>
  Number.parseInt(hex(`${tps}:${contest}`).slice(0, 8), 16);

function newDevice(): SigningDevice {
  const pair = generateKeyPairSync('ed25519');
  // The raw 32-byte key, standard base64 (the JWK's x is its base64url).
  const x = pair.publicKey.export({ format: 'jwk' }).x!;
  return { privateKey: pair.privateKey, keyB64: base64(Buffer.from(x, 'base64url')) };
}

export async function seedDemo(options: SeedOptions): Promise<SeedReport> {
  const t0 = performance.now();
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const client = new DemoClient(options.url, signal);
  const target = options.tps;
  const concurrency = Math.max(1, options.concurrency ?? 6);
  const root = options.root ?? DEMO_PROVINCE;
  const start = options.start ?? DEMO_TPS;
  const report: SeedReport = {
    tps: 0,
    skipped: 0,
    forms: 0,
    readings: 0,
    misreadReadings: 0,
    verified: 0,
    flagged: 0,
    corrected: 0,
    corrections: [],
    photos: 0,
    devices: 0,
    requests: 0,
    checkpointSize: 0,
    national: [],
    submitMs: 0,
    elapsedMs: 0,
  };

  // Is it there, and does it hold the demo province? (A clear answer before any write.)
  const rootArea = await client.get<AreaAnswer>(`/v1/areas/${root}`, [200, 404]);
  if (rootArea.status === 404)
    throw new SeedError(
      'NO_REGISTRY',
      `${client.base.origin} has no area ${root} in its registry; start it with \`saksi serve --demo\` (which loads the demo election) or load one with \`saksi registry demo\``,
    );

  // What the national recap counted before, so the wait knows when it has counted ours.
  const baseline = new Map<ContestId, number>();
  await Promise.all(
    CONTEST_IDS.map(async (c) => baseline.set(c, (await national(client, c))?.tps.accepted ?? 0)),
  );
  const seededPerContest = new Map<ContestId, number>();

  // --- officers and their devices ------------------------------------------
  const officers = new Map<string, Promise<Officer>>();
  async function newOfficer(role: string, area: string): Promise<Officer> {
    const { token, id } = await demoToken(client, role, area);
    const device = newDevice();
    const proof = sign(null, enrolmentMessage(id, device.keyB64), device.privateKey);
    await client.request<Receipt>('POST', '/v1/devices', {
      token,
      json: {
        subject: deviceSubject(device.keyB64),
        seq: 1,
        payload: {
          officer: id,
          key: device.keyB64,
          label: 'saksi demo seed',
          proof: base64(proof),
        },
      },
      idempotencyKey: `seed-${hex(`enrol:${device.keyB64}`).slice(0, 40)}`,
      expect: [201],
    });
    report.devices++;
    return { id, token, tokenAt: Date.now(), device };
  }
  async function officer(role: string, area: string): Promise<Officer> {
    const key = `${role}:${area}`;
    let p = officers.get(key);
    if (!p) {
      p = newOfficer(role, area);
      officers.set(key, p);
      p.catch(() => officers.delete(key));
    }
    const o = await p;
    if (Date.now() - o.tokenAt > TOKEN_REFRESH_MS) {
      o.token = (await demoToken(client, role, area)).token;
      o.tokenAt = Date.now();
    }
    return o;
  }

  // --- ballots, shared by every TPS of a dapil -------------------------------
  const ballots = new Map<string, Promise<Ballot>>();
  const names = new Map<string, Map<string, string>>();
  function ballotAt(contest: ContestId, plan: TpsPlan): Promise<Ballot> {
    const key = `${contest}:${plan.dapil?.[contest]?.id ?? '-'}`;
    let p = ballots.get(key);
    if (!p) {
      p = client
        .get<{ dapil: { id: string } | null; choices: Choice[] }>(
          `/v1/contests/${contest}/ballot?tps=${plan.tps}`,
        )
        .then(({ body }) => {
          const byId = names.get(contest) ?? new Map<string, string>();
          for (const c of body.choices) byId.set(c.id, c.name);
          names.set(contest, byId);
          return {
            contest,
            dapil: body.dapil?.id ?? null,
            choices: body.choices,
            choiceIds: new Set(body.choices.map((c) => c.id)),
          };
        });
      ballots.set(key, p);
      p.catch(() => ballots.delete(key));
    }
    return p;
  }

  // --- what to do, TPS by TPS, in order --------------------------------------
  async function planOf(tps: string, ordinal: number): Promise<TpsPlan> {
    const { body: area } = await client.get<AreaAnswer>(`/v1/areas/${tps}`);
    if (typeof area.dpt !== 'number')
      throw new SeedError('HTTP', `GET /v1/areas/${tps} gave no DPT for the TPS`);
    const held = (area.contests ?? []).filter(isContest);
    const existing =
      options.checkExisting === false
        ? held.map(() => 404)
        : await Promise.all(
            held.map(
              async (c) => (await client.get(`/v1/results/${c}/tps/${tps}`, [200, 404])).status,
            ),
          );
    const todo = held.filter((_, i) => existing[i] === 404);
    return {
      tps,
      ordinal,
      dpt: area.dpt,
      dapil: area.dapil,
      todo,
      script: scriptFor(ordinal, held),
    };
  }

  async function* plans(): AsyncGenerator<TpsPlan> {
    if (target <= 0) return;
    let ordinal = 0;
    let chosen = 0;
    let batch: string[] = [];
    const drain = async function* () {
      const first = ordinal - batch.length;
      const checked = await Promise.all(batch.map((t, i) => planOf(t, first + i)));
      batch = [];
      for (const p of checked) {
        if (chosen >= target) return;
        if (p.todo.length === 0) {
          report.skipped++;
          continue;
        }
        chosen++;
        yield p;
      }
    };
    for await (const tps of tpsInOrder(client, root, start)) {
      batch.push(tps);
      ordinal++;
      if (batch.length === concurrency) yield* drain();
      if (chosen >= target) return;
    }
    yield* drain();
  }

  // --- submitting -----------------------------------------------------------
  async function write(
    o: Officer,
    stage: FormStage,
    form: CountForm,
    seq: number,
    reason?: string,
  ) {
    const body = signedForm(o.device, stage, form, seq, reason);
    await client.request<Receipt>('POST', FORM_PATHS[stage], {
      token: o.token,
      json: body,
      idempotencyKey: `seed-${hex(`${body.subject}:${seq}:${o.device.keyB64}`).slice(0, 40)}`,
      expect: [201],
    });
    report.forms++;
  }

  async function seedTps(plan: TpsPlan): Promise<void> {
    const { tps } = plan;
    const kpps = await officer('KPPS', tps);
    // The contests of one TPS are separate subjects: their forms go in side by side.
    await Promise.all(plan.todo.map((contest) => seedForm(plan, kpps, contest)));
    report.tps++;
    options.onProgress?.({ tps: report.tps, target, forms: report.forms });
  }

  async function seedForm(plan: TpsPlan, kpps: Officer, contest: ContestId): Promise<void> {
    const { tps, script } = plan;
    {
      const ballot = await ballotAt(contest, plan);
      const photo = formPhoto(tps, contest);
      await client.request('PUT', `/v1/photos/${photo.sha256}?tps=${tps}`, {
        token: kpps.token,
        bytes: { data: photo.bytes, type: photo.mediaType },
        expect: [200, 201],
      });
      report.photos++;
      const figures = consistentForm(
        contest,
        tps,
        ballot,
        plan.dpt,
        photo.sha256,
        figureSeed(tps, contest),
      );
      const truth: CountForm = {
        ...figures,
        votes: demoVotes(ballot.choices, figures.valid, figureSeed(contest, tps)),
      };
      let seq = 1;
      let reason: string | undefined;
      if (script.reading) {
        const wrong = script.readingMisread ? misread(truth) : null;
        await write(kpps, 'read', wrong?.form ?? truth, 1);
        report.readings++;
        if (wrong) report.misreadReadings++;
        seq = 2;
        reason = wrong
          ? `machine reading took ${wrong.read} for ${wrong.right} (choice ${wrong.choice}); checked against the C.Hasil sheet`
          : 'machine reading checked against the C.Hasil sheet';
      }
      const bad = script.flaggedContest === contest ? misread(truth) : null;
      await write(kpps, 'verified', bad?.form ?? truth, seq, reason);
      report.verified++;
      if (bad) {
        report.flagged++;
        const kecamatan = tps.slice(0, 6);
        const ppk = await officer('PPK', kecamatan);
        const caseRef = script.caseRef
          ? `${String(plan.ordinal).padStart(3, '0')}/Reg/LP/PL/Kec/${kecamatan}/02/2024`
          : undefined;
        await write(
          ppk,
          'corrected',
          caseRef ? { ...truth, caseRef } : truth,
          seq + 1,
          `recount at PPK ${kecamatan}: choice ${bad.choice} has ${bad.right} votes; the KPPS form read ${bad.read} (a "${bad.digits[0]}" taken for "${bad.digits[1]}")`,
        );
        report.corrected++;
        report.corrections.push({
          contest,
          tps,
          flaggedSeq: seq,
          seq: seq + 1,
          ...(caseRef ? { caseRef } : {}),
        });
      }
      seededPerContest.set(contest, (seededPerContest.get(contest) ?? 0) + 1);
    }
  }

  const queue = plans();
  let failure: unknown;
  const worker = async () => {
    for (;;) {
      const next = await queue.next();
      if (next.done) return;
      await seedTps(next.value);
    }
  };
  await Promise.all(
    Array.from({ length: concurrency }, () =>
      worker().catch((e) => {
        // The first failure stops the others; theirs are only its echo.
        if (failure === undefined) {
          failure = e;
          stop.abort();
        }
      }),
    ),
  );
  if (failure !== undefined) {
    if (options.signal?.aborted) throw new SeedError('ABORTED', 'seeding was stopped');
    throw failure;
  }
  report.submitMs = performance.now() - t0;

  // --- until the log and the national recap have it all ---------------------
  const seeded = CONTEST_IDS.filter((c) => seededPerContest.has(c));
  const deadline = Date.now() + (options.waitTimeoutMs ?? 120_000);
  for (const contest of seeded) {
    const want = baseline.get(contest)! + seededPerContest.get(contest)!;
    for (;;) {
      const r = await national(client, contest);
      // A recap entry not yet in a checkpoint has no index: wait for that too.
      if (r && r.tps.accepted >= want && typeof r.recap.index === 'number') {
        const byId = names.get(contest);
        report.national.push({
          contest,
          accepted: r.tps.accepted,
          flagged: r.tps.flagged,
          valid: r.valid,
          invalid: r.invalid,
          votes: Object.entries(r.votes)
            .map(([id, votes]) => ({ id, name: byId?.get(id), votes }))
            .sort((a, b) => b.votes - a.votes || a.id.localeCompare(b.id, 'en', { numeric: true })),
          recapIndex: r.recap.index,
        });
        break;
      }
      if (Date.now() > deadline)
        throw new SeedError(
          'TIMEOUT',
          `the national ${contest} recap counts ${r?.tps.accepted ?? 0} of ${want} accepted TPS after ${Math.round((options.waitTimeoutMs ?? 120_000) / 1000)} s; is the server's recap publisher running?`,
        );
      await sleep(POLL_MS, signal);
    }
  }
  const cp = await client.request('GET', '/log/checkpoint');
  report.checkpointSize = Number(cp.text.split('\n')[1]);
  report.requests = client.requests;
  report.elapsedMs = performance.now() - t0;
  return report;
}

interface NationalAnswer {
  valid: number;
  invalid: number;
  votes: Record<string, number>;
  tps: { accepted: number; flagged: number };
  recap: { index: number | null };
}

async function national(client: DemoClient, contest: ContestId): Promise<NationalAnswer | null> {
  const r = await client.get<NationalAnswer>(`/v1/results/${contest}/areas/ID`, [200, 404]);
  return r.status === 200 ? r.body : null;
}

async function demoToken(
  client: DemoClient,
  role: string,
  area: string,
): Promise<{ token: string; id: string }> {
  const r = await client.request<{ token: string; officer: { id: string } }>(
    'POST',
    '/v1/demo/token',
    { json: { role, area }, expect: [200, 404] },
  );
  if (r.status === 404)
    throw new SeedError(
      'NOT_DEMO',
      `${client.base.origin} has no demo tokens; start it with \`saksi serve --demo\``,
    );
  return { token: r.body.token, id: r.body.officer.id };
}
