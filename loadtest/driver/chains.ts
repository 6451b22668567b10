/**
 * The writes of a load run: one chain per (TPS, contest), each the versions of
 * that C.Hasil form in order — a machine reading (version 1) and the KPPS's
 * verified numbers (version 2) signed by the TPS's KPPS device, then as many
 * PPK corrections (version 3, 4, …) signed by the kecamatan's PPK device as the
 * run needs (api/domains/results/rules.ts versionViolations: a correction may
 * follow any version ≥ 2). So a few TPS sustain minutes of load with a handful
 * of officers, and every write is a real device-signed, ledgered version.
 *
 * A chain's versions go one at a time (version n + 1 after n answered): the
 * drivers hold a chain while its write is in flight. Used by the Node driver,
 * which signs each version as it sends it, and by `saksi loadtest fixtures`,
 * which signs them ahead for k6 (k6 has no Ed25519).
 */
import { createHash } from 'node:crypto';
import {
  type DemoClient,
  type DemoOfficers,
  formPhoto,
  type Officer,
  tpsInOrder,
  trueForm,
} from '../../api/demo/index.ts';
import type { Ballot, Choice } from '../../api/domains/registry/index.ts';
import { CONTESTS, type Contest } from '../../api/domains/results/forms/index.ts';
import type { FormStage } from '../../api/domains/results/rules.ts';
import { signedForm } from '../../api/domains/results/testing.ts';
import type { JsonObject } from '../../ledger/index.ts';

export const FORM_PATHS: Readonly<Record<FormStage, string>> = {
  read: '/v1/results/forms/read',
  verified: '/v1/results/forms',
  corrected: '/v1/results/forms/corrections',
};

/** One signed version, ready to send. */
export interface WriteStep {
  stage: FormStage;
  seq: number;
  path: string;
  role: 'KPPS' | 'PPK';
  area: string;
  body: JsonObject;
  idempotencyKey: string;
}

const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const isContest = (s: string): s is Contest => (CONTESTS as readonly string[]).includes(s);

export class FormChain {
  readonly photo: ReturnType<typeof formPhoto>;
  /** The next version to write (1 + the versions the log has). */
  nextSeq: number;
  /** Whether the photo was uploaded (before version 1). */
  photoUploaded: boolean;
  /** The chain starts at version 1 (else it only corrects what is there). */
  private readonly fresh: boolean;

  constructor(
    readonly tps: string,
    readonly contest: Contest,
    private readonly ballot: Ballot,
    private readonly dpt: number,
    existing: number,
    /** A distinct mark per run, so that two runs never send the same Idempotency-Key. */
    private readonly run: string,
  ) {
    this.photo = formPhoto(tps, contest, 'loadtest');
    this.nextSeq = existing + 1;
    this.photoUploaded = existing > 0;
    this.fresh = existing === 0;
  }

  /** The stage of the next version. */
  get nextStage(): FormStage {
    // A form someone else started (the demo seeder) is only corrected: its
    // version 2 may already be verified, and a verified form has no second one.
    if (this.nextSeq === 1) return 'read';
    return this.nextSeq === 2 && this.fresh ? 'verified' : 'corrected';
  }

  /** The next version, signed by `officer`'s device; `advance()` once it is written. */
  step(officer: Officer): WriteStep {
    const stage = this.nextStage;
    const seq = this.nextSeq;
    const truth = trueForm({
      tps: this.tps,
      ordinal: 0,
      contest: this.contest,
      ballot: this.ballot,
      dpt: this.dpt,
      script: { reading: true, readingMisread: false, flaggedContest: null, caseRef: false },
      photo: this.photo.sha256,
    });
    const reason =
      stage === 'read'
        ? undefined
        : stage === 'verified'
          ? 'machine reading checked against the C.Hasil sheet (load test)'
          : `recount ${seq - 2} at PPK ${this.tps.slice(0, 6)} (load test)`;
    const body = signedForm(officer.device, stage, truth, seq, reason);
    return {
      stage,
      seq,
      path: FORM_PATHS[stage],
      role: this.roleFor(stage),
      area: this.areaFor(stage),
      body,
      idempotencyKey: `lt-${hex(`${this.run}:${body.subject}:${seq}`).slice(0, 40)}`,
    };
  }

  roleFor(stage: FormStage = this.nextStage): 'KPPS' | 'PPK' {
    return stage === 'corrected' ? 'PPK' : 'KPPS';
  }

  areaFor(stage: FormStage = this.nextStage): string {
    return stage === 'corrected' ? this.tps.slice(0, 6) : this.tps;
  }

  advance(): void {
    this.nextSeq++;
  }
}

interface AreaAnswer {
  dpt?: number;
  contests?: string[];
  dapil?: Record<string, { id: string } | null>;
}

/**
 * Chains for every contest held at `tps` TPS of the demo province from `from`
 * on, each starting after the versions the log already has, and the officers
 * (KPPS and PPK, devices enrolled) that sign them.
 */
export async function prepareChains(
  client: DemoClient,
  officers: DemoOfficers,
  opts: { tps: number; from: string; run: string },
): Promise<FormChain[]> {
  const chains: FormChain[] = [];
  const ballots = new Map<string, Promise<Ballot>>();
  let n = 0;
  for await (const tps of tpsInOrder(client, tps31(opts.from), opts.from)) {
    if (n++ >= opts.tps) break;
    const { body: area } = await client.get<AreaAnswer>(`/v1/areas/${tps}`);
    if (typeof area.dpt !== 'number') continue;
    const contests = (area.contests ?? []).filter(isContest);
    await officers.get('KPPS', tps);
    await officers.get('PPK', tps.slice(0, 6));
    for (const contest of contests) {
      const key = `${contest}:${area.dapil?.[contest]?.id ?? '-'}`;
      let ballot = ballots.get(key);
      if (!ballot) {
        ballot = client
          .get<{ dapil: { id: string } | null; choices: Choice[] }>(
            `/v1/contests/${contest}/ballot?tps=${tps}`,
          )
          .then(({ body }) => ({
            contest,
            dapil: body.dapil?.id ?? null,
            choices: body.choices,
            choiceIds: new Set(body.choices.map((c) => c.id)),
          }));
        ballots.set(key, ballot);
      }
      const seen = await client.get<{ versions: unknown[] }>(
        `/v1/results/${contest}/tps/${tps}`,
        [200, 404],
      );
      const existing = seen.status === 200 ? seen.body.versions.length : 0;
      chains.push(new FormChain(tps, contest, await ballot, area.dpt, existing, opts.run));
    }
  }
  return chains;
}

/** The province whose tree holds `from` (its first two digits). */
const tps31 = (from: string) => from.slice(0, 2);
