/**
 * The requests of a Node-driven run, one function per request type: the same
 * requests as loadtest/k6/common.ts, but each write signed as it is sent, and
 * every 201 receipt kept for the lost-write check (./log-check.ts).
 */
import { DemoClient, DemoOfficers, demoToken } from '../../api/demo/index.ts';
import { formatTilePath } from '../../ledger/verifier/index.ts';
import { type RequestType, selfCheckRequest } from '../scenarios/index.ts';
import { type FormChain, prepareChains, type WriteStep } from './chains.ts';
import { type Answer, timed, timedResending } from './http.ts';

/** A 201's receipt (ARCHITECTURE.md: what a ledgered write answers). */
export interface Receipt {
  entryHash: string;
  subject: string;
  seq: number;
}

export interface Outcome {
  type: RequestType;
  ok: boolean;
  ms: number;
  status: number;
  /** Why it failed, for the first few failures printed. */
  why?: string;
}

/**
 * Writes per officer per second the driver sends at most: half the server's
 * default per-officer limit (api/config.ts SAKSI_RATE_PRINCIPAL, 100/s), so that
 * a run with a few officers standing in for thousands stays clear of the token
 * bucket. A real officer writes a few forms an hour.
 */
export const OFFICER_WRITES_PER_S = 50;

interface Sent {
  step: WriteStep;
  token: string;
  receipt: Receipt;
}

export class Workload {
  readonly receipts: Receipt[] = [];
  readonly #free: FormChain[];
  readonly #last = new Map<FormChain, Sent>();
  readonly #budget = new Map<string, { second: number; n: number }>();
  /** The log's size as last seen, for proofs and tiles. */
  size = 0;
  /** Demo voters registered (seeded before a run that sends self-checks). */
  voters = 0;
  /** `--chaos`: how many times a request with no answer is sent again (0: never). */
  resend = 0;
  /** Requests sent again because no answer came. */
  resends = 0;

  private constructor(
    readonly base: string,
    private readonly client: DemoClient,
    private readonly officers: DemoOfficers,
    readonly chains: FormChain[],
    private readonly rnd: () => number,
  ) {
    this.#free = [...chains];
  }

  static async prepare(
    url: string,
    opts: { tps: number; from: string; run: string; rnd: () => number },
  ): Promise<Workload> {
    const client = new DemoClient(url);
    const officers = new DemoOfficers(client);
    const chains = await prepareChains(client, officers, opts);
    const w = new Workload(client.base.href.replace(/\/$/, ''), client, officers, chains, opts.rnd);
    await w.checkpoint();
    return w;
  }

  /**
   * The version each chain would send next, signed by its officer's device but
   * not sent, with that officer: the plain side of the side-by-side stores the
   * same bodies (./side-by-side.ts).
   */
  async nextWrites(): Promise<{ officer: string; body: object }[]> {
    const out: { officer: string; body: object }[] = [];
    for (const c of this.chains) {
      const officer = `${c.roleFor()}:${c.areaFor()}`;
      out.push({ officer, body: c.step(await this.officers.get(c.roleFor(), c.areaFor())).body });
    }
    return out;
  }

  /** One request of `type`; null if none could be sent now (every chain busy). */
  async send(type: RequestType): Promise<Outcome | null> {
    switch (type) {
      case 'form':
      case 'correction':
        return this.#write(type);
      case 'photo':
        return this.#photo();
      case 'retry':
        return this.#retry();
      case 'login':
        return this.#login();
      case 'checkpoint':
        return this.checkpoint();
      case 'tile':
      case 'entries':
        return this.#tile(type);
      case 'inclusion': {
        if (this.size === 0) return this.checkpoint();
        const i = this.#index();
        return this.#get(type, `/v1/proofs/inclusion?index=${i}&size=${this.size}`);
      }
      case 'consistency': {
        if (this.size < 2) return this.checkpoint();
        const from = 1 + Math.floor(this.rnd() * (this.size - 1));
        return this.#get(type, `/v1/proofs/consistency?from=${from}&to=${this.size}`);
      }
      case 'results': {
        const c = this.#anyChain();
        return this.#get(type, `/v1/results/${c.contest}/tps/${c.tps}`, [200, 404]);
      }
      case 'results-proof': {
        const c = this.#anyChain();
        const a = await this.#send(this.base, 'GET', `/v1/results/${c.contest}/proof/${c.tps}`);
        // A form written a moment ago has no signed proof yet: 503 NOT_YET_INTEGRATED
        // with Retry-After is the right answer then, not a failure.
        if (a.status === 503 && a.text.includes('NOT_YET_INTEGRATED'))
          return { type, ok: true, ms: a.ms, status: a.status };
        return outcome(type, a, [200, 404]);
      }
      case 'export':
        return this.#get(
          type,
          `/v1/results/${this.#anyChain().contest}/export.csv?level=kelurahan`,
        );
      case 'self-check':
        return this.#selfCheck();
      default: {
        const never: never = type;
        throw new Error(`unknown request type ${never}`);
      }
    }
  }

  async #send(...args: Parameters<typeof timed>): Promise<Answer> {
    const a = await timedResending(this.resend, ...args);
    this.resends += a.resent ?? 0;
    return a;
  }

  /**
   * Waits until the log stops growing (the same size in two checkpoints a
   * second apart; at most `maxS` seconds): the sequencer and the recap
   * publisher work behind the answers, and a CPU measurement must neither
   * start inside the previous phase's tail nor end before its own.
   */
  async quiesce(maxS = 30): Promise<void> {
    let last = -1;
    for (let i = 0; i < maxS; i++) {
      const a = await timed(this.base, 'GET', '/log/checkpoint');
      const n = Number(a.text.split('\n')[1]);
      if (a.status === 200 && n === last) return;
      last = a.status === 200 ? n : -1;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async checkpoint(): Promise<Outcome> {
    const a = await this.#send(this.base, 'GET', '/log/checkpoint');
    const n = Number(a.text.split('\n')[1]);
    if (a.status === 200 && Number.isSafeInteger(n) && n > this.size) this.size = n;
    return outcome('checkpoint', a, [200]);
  }

  #index(): number {
    return Math.floor(this.rnd() * this.size);
  }

  #anyChain(): FormChain {
    return this.chains[Math.floor(this.rnd() * this.chains.length)]!;
  }

  async #get(type: RequestType, path: string, expect: number[] = [200]): Promise<Outcome> {
    return outcome(type, await this.#send(this.base, 'GET', path), expect);
  }

  async #tile(type: 'tile' | 'entries'): Promise<Outcome> {
    if (this.size === 0) return this.checkpoint();
    const n = Math.floor(this.#index() / 256);
    const width = Math.min(256, this.size - n * 256);
    const path = formatTilePath(
      type === 'tile'
        ? { kind: 'hash', level: 0, index: n, width }
        : { kind: 'entries', index: n, width },
    );
    return this.#get(type, `/log/${path}`);
  }

  /** Whether `role:area` may write once more this second; if so, counts it. */
  #spend(who: string): boolean {
    const second = Math.floor(performance.now() / 1000);
    const b = this.#budget.get(who);
    if (!b || b.second !== second) {
      this.#budget.set(who, { second, n: 1 });
      return true;
    }
    if (b.n >= OFFICER_WRITES_PER_S) return false;
    b.n++;
    return true;
  }

  #within(who: string): boolean {
    const b = this.#budget.get(who);
    return !b || b.second !== Math.floor(performance.now() / 1000) || b.n < OFFICER_WRITES_PER_S;
  }

  /**
   * A chain no request is using whose officer is within budget, preferring one
   * whose next version is of `want`'s kind.
   */
  #take(want: 'form' | 'correction' | 'photo'): FormChain | null {
    const ready = (c: FormChain) => this.#within(`${c.roleFor()}:${c.areaFor()}`);
    const fits = (c: FormChain) =>
      ready(c) &&
      (want === 'photo'
        ? !c.photoUploaded
        : (c.nextStage === 'corrected') === (want === 'correction'));
    let i = this.#free.findIndex(fits);
    if (i < 0) i = this.#free.findIndex(ready);
    if (i < 0) return null;
    const c = this.#free.splice(i, 1)[0]!;
    if (want !== 'photo') this.#spend(`${c.roleFor()}:${c.areaFor()}`);
    return c;
  }

  async #uploadPhoto(c: FormChain): Promise<Outcome> {
    const o = await this.officers.get('KPPS', c.tps);
    const a = await this.#send(this.base, 'PUT', `/v1/photos/${c.photo.sha256}?tps=${c.tps}`, {
      token: o.token,
      bytes: c.photo.bytes,
      type: c.photo.mediaType,
    });
    if (a.status === 200 || a.status === 201) c.photoUploaded = true;
    return outcome('photo', a, [200, 201]);
  }

  async #photo(): Promise<Outcome | null> {
    const c = this.#take('photo');
    if (!c) return null;
    try {
      // Every chain's photo is up: a device sending its photo again (200, stored once).
      return await this.#uploadPhoto(c);
    } finally {
      this.#free.push(c);
    }
  }

  async #write(type: 'form' | 'correction'): Promise<Outcome | null> {
    const c = this.#take(type);
    if (!c) return null;
    try {
      if (!c.photoUploaded) {
        const p = await this.#uploadPhoto(c);
        if (!p.ok) return p;
      }
      const o = await this.officers.get(c.roleFor(), c.areaFor());
      const step = c.step(o);
      const actual: RequestType = step.stage === 'corrected' ? 'correction' : 'form';
      const a = await this.#send(this.base, 'POST', step.path, {
        token: o.token,
        json: step.body,
        idempotencyKey: step.idempotencyKey,
      });
      const out = outcome(actual, a, [201]);
      if (a.status === 201) {
        const receipt = JSON.parse(a.text) as Receipt;
        this.receipts.push(receipt);
        this.#last.set(c, { step, token: o.token, receipt });
        c.advance();
      }
      return out;
    } finally {
      this.#free.push(c);
    }
  }

  /** A device resending its last write with the same Idempotency-Key: the same receipt, nothing new. */
  async #retry(): Promise<Outcome | null> {
    const sent = [...this.#last.values()].filter((x) =>
      this.#within(`${x.step.role}:${x.step.area}`),
    );
    if (sent.length === 0) return null;
    const s = sent[Math.floor(this.rnd() * sent.length)]!;
    this.#spend(`${s.step.role}:${s.step.area}`);
    const a = await this.#send(this.base, 'POST', s.step.path, {
      token: s.token,
      json: s.step.body,
      idempotencyKey: s.step.idempotencyKey,
    });
    const out = outcome('retry', a, [201]);
    if (out.ok && (JSON.parse(a.text) as Receipt).entryHash !== s.receipt.entryHash)
      return { ...out, ok: false, why: 'a retry answered a different receipt' };
    return out;
  }

  /**
   * A voter checking their record (POST /v1/voters/self-check, no token): a
   * registered demo voter must be found, an unregistered NIK must not.
   */
  async #selfCheck(): Promise<Outcome> {
    const { body, registered } = selfCheckRequest(this.rnd(), Math.max(1, this.voters));
    const a = await this.#send(this.base, 'POST', '/v1/voters/self-check', { json: body });
    // Registered a moment ago and not in a checkpoint yet: the documented answer.
    if (a.status === 503 && a.text.includes('NOT_YET_INTEGRATED'))
      return { type: 'self-check', ok: true, ms: a.ms, status: a.status };
    const out = outcome('self-check', a, [200]);
    if (!out.ok) return out;
    const found = (JSON.parse(a.text) as { found: boolean }).found;
    if (found !== (registered && this.voters > 0))
      return { ...out, ok: false, why: `self-check of ${body.name} answered found: ${found}` };
    return out;
  }

  async #login(): Promise<Outcome> {
    const c = this.#anyChain();
    const role = this.rnd() < 0.5 ? 'KPPS' : 'PPK';
    const area = role === 'KPPS' ? c.tps : c.tps.slice(0, 6);
    const t = performance.now();
    try {
      const { token } = await demoToken(this.client, role, area).catch(async (e) => {
        // --chaos: the worker that took the log-in may have been killed; once more.
        if (this.resend === 0) throw e;
        this.resends++;
        await new Promise((r) => setTimeout(r, 500));
        return demoToken(this.client, role, area);
      });
      // The officer's next write uses the new token, as after a shift change.
      (await this.officers.get(role, area)).token = token;
      return { type: 'login', ok: true, ms: performance.now() - t, status: 200 };
    } catch (e) {
      return {
        type: 'login',
        ok: false,
        ms: performance.now() - t,
        status: 0,
        why: (e as Error).message,
      };
    }
  }
}

function outcome(type: RequestType, a: Answer, expect: readonly number[]): Outcome {
  const ok = expect.includes(a.status);
  return {
    type,
    ok,
    ms: a.ms,
    status: a.status,
    ...(ok ? {} : { why: `${a.status} ${a.text.slice(0, 200)}` }),
  };
}
