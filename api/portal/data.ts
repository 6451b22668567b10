/**
 * How the portal reads what it shows: through the public API routes of this
 * same app (in-process, `app.request`), as a public principal. So the portal
 * shows exactly what any observer's client gets from those routes, each read is
 * authorised by the policy of its own route (results reads ask `results.read`),
 * and the portal needs no database access of its own.
 */
export type Fetch = (path: string, init?: RequestInit) => Response | Promise<Response>;

export type Read<T> =
  | { ok: true; status: 200; body: T }
  | { ok: false; status: number; body: unknown };

export class PortalData {
  constructor(private readonly fetch: Fetch) {}

  /** GET `path` as JSON; any status other than 200 is returned, not thrown. */
  async json<T>(path: string): Promise<Read<T>> {
    const r = await this.fetch(path);
    const text = await r.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return r.status === 200
      ? { ok: true, status: 200, body: body as T }
      : { ok: false, status: r.status, body };
  }

  async text(path: string): Promise<Read<string>> {
    const r = await this.fetch(path);
    const body = await r.text();
    return r.status === 200
      ? { ok: true, status: 200, body }
      : { ok: false, status: r.status, body };
  }
}

/** The shapes of the API answers the portal reads (api/domains/results/read). */
export interface AreaChild {
  code: string;
  name?: string;
  status?: 'accepted' | 'flagged' | 'waiting';
  failedChecks?: { check: string; message: string }[];
  seq?: number;
  valid?: number;
  invalid?: number;
  votes?: Record<string, number>;
  tps?: { accepted: number; flagged: number };
  index?: number | null;
  entryHash?: string;
}

export interface AreaResults {
  contest: string;
  area: string;
  level: string;
  name?: string;
  recap: { seq: number; index: number | null; entryHash: string };
  valid: number;
  invalid: number;
  votes: Record<string, number>;
  tps: { accepted: number; flagged: number };
  children: AreaChild[];
}

export interface FormVersion {
  seq: number;
  stage: string;
  status: string;
  failedChecks: { check: string; message: string }[] | null;
  at: string;
  actor: { id: string; role: string };
  reason: string | null;
  photo: { sha256: string; url: string };
  form: {
    valid: number;
    invalid: number;
    votes: Record<string, number>;
    voters: { registered: Record<string, number>; voted: Record<string, number> };
    ballots: Record<string, number>;
  };
  index: number | null;
  entryHash: string;
}

export interface TpsHistory {
  contest: string;
  tps: string;
  counted: number | null;
  versions: FormVersion[];
}

export interface Contest {
  id: string;
  name: string;
  dapil: number;
  seats: number;
}
