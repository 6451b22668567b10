/**
 * The demo seeder's HTTP client: global fetch against the public API, nothing
 * else. Every answer is checked against the statuses the call expects; anything
 * else becomes a SeedError that says which request failed and what the server
 * said. Overload answers (503, 429) are retried after their Retry-After
 * (CONVENTIONS.md §5: pushback is retryable); writes carry an Idempotency-Key so
 * that a retry appends nothing twice.
 */

export type SeedErrorCode =
  | 'UNREACHABLE'
  | 'NOT_DEMO'
  | 'NO_REGISTRY'
  | 'HTTP'
  | 'TIMEOUT'
  | 'ABORTED';

export class SeedError extends Error {
  constructor(
    readonly code: SeedErrorCode,
    message: string,
    /** The HTTP status, for code HTTP. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  token?: string;
  /** A JSON body (sent as application/json). */
  json?: unknown;
  /** Raw bytes with their content type. */
  bytes?: { data: Uint8Array<ArrayBuffer>; type: string };
  idempotencyKey?: string;
  /** Statuses that are answers, not failures (default [200]). */
  expect?: readonly number[];
}

const REQUEST_TIMEOUT_MS = 30_000;
/** Overload answers (503, 429) and network hiccups retried before giving up. */
const RETRIES = 6;
const NETWORK_RETRIES = 3;
const HICCUPS = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export class DemoClient {
  readonly base: URL;
  /** Requests sent (retries included), for the summary. */
  requests = 0;

  /**
   * `signal`: once aborted, no further request is sent and waits end at once
   * (SeedError ABORTED); a request in flight is finished first.
   */
  constructor(
    url: string,
    private readonly signal?: AbortSignal,
  ) {
    let base: URL;
    try {
      base = new URL(url);
    } catch {
      throw new SeedError('UNREACHABLE', `${JSON.stringify(url)} is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new SeedError('UNREACHABLE', `${url} is not an http or https URL`);
    this.base = base.href.endsWith('/') ? base : new URL(`${base.href}/`);
  }

  /** The status, the body as text, and parsed as JSON (null if empty or not JSON). */
  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    o: RequestOptions = {},
  ): Promise<{ status: number; body: T; text: string }> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    } else if (o.bytes) {
      headers['content-type'] = o.bytes.type;
      body = o.bytes.data;
    }
    const expect = o.expect ?? [200];
    for (let attempt = 0; ; attempt++) {
      if (this.signal?.aborted) throw new SeedError('ABORTED', 'seeding was stopped');
      let res: Response;
      let text: string;
      this.requests++;
      try {
        res = await fetch(url, {
          method,
          headers,
          body,
          redirect: 'error',
          // Not this.signal: a request already sent is seen through, so that a
          // server stopping its own seeding does not close its database under
          // handlers still at work. The signal stops the next request instead.
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        text = await readBounded(res);
      } catch (e) {
        if (e instanceof SeedError) throw e;
        if (this.signal?.aborted) throw new SeedError('ABORTED', 'seeding was stopped');
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message ?? (e as Error).message;
        // A kept-alive connection the server closed just as this request went out,
        // or a slow answer: safe to send again (every write carries an
        // Idempotency-Key; the other calls are idempotent). Anything else — a
        // refused connection, an unknown host — is no hiccup.
        const hiccup = HICCUPS.has(why) || (e as Error).name === 'TimeoutError';
        if (attempt < NETWORK_RETRIES && hiccup) {
          await sleep(200 * 2 ** attempt, this.signal);
          continue;
        }
        throw new SeedError(
          'UNREACHABLE',
          `cannot reach ${this.base.origin} (${method} ${url.pathname}): ${why}`,
        );
      }
      if ((res.status === 503 || res.status === 429) && attempt < RETRIES) {
        const after = Number(res.headers.get('retry-after'));
        const ms =
          Number.isFinite(after) && after > 0 ? Math.min(after, 5) * 1000 : 250 * 2 ** attempt;
        await sleep(ms, this.signal);
        continue;
      }
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      if (!expect.includes(res.status)) {
        const err = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
        const why =
          typeof err?.message === 'string'
            ? `${typeof err.code === 'string' ? `${err.code}: ` : ''}${err.message}`
            : text.slice(0, 200) || res.statusText;
        throw new SeedError(
          'HTTP',
          `${method} ${url.pathname}${url.search} answered ${res.status}: ${why}`,
          res.status,
        );
      }
      return { status: res.status, body: parsed as T, text };
    }
  }

  get<T>(path: string, expect: readonly number[] = [200]) {
    return this.request<T>('GET', path, { expect });
  }
}

/** The body as text; a larger answer than any this client asks for is an error. */
async function readBounded(res: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += chunk.length;
    if (total > MAX_ANSWER_BYTES)
      throw new SeedError(
        'HTTP',
        `the answer to ${res.url} is larger than ${MAX_ANSWER_BYTES} bytes`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SeedError('ABORTED', 'seeding was stopped'));
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', stop);
      resolve();
    }
    function stop() {
      clearTimeout(t);
      reject(new SeedError('ABORTED', 'seeding was stopped'));
    }
    signal?.addEventListener('abort', stop, { once: true });
  });
}
