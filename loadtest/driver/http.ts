/**
 * One timed request of a load run: no retries (a retry is a request of its
 * own, type `retry`), the answer read whole, its latency from sending to the
 * last byte. A request that gets no answer has status 0 and is an error.
 */
export interface Answer {
  status: number;
  text: string;
  ms: number;
  /** Times sent again because no answer came (with `resend`). */
  resent?: number;
}

/**
 * `timed`, sent again (up to `tries` more times, 250 ms × attempt apart) while
 * no answer comes: what a device does when its connection dies with the server
 * process (`--chaos`). A write carries its Idempotency-Key, so if the first
 * attempt was stored the resend gets the same receipt and stores nothing new.
 * The latency is the whole wait, from the first send to the answer.
 */
export async function timedResending(
  tries: number,
  ...args: Parameters<typeof timed>
): Promise<Answer> {
  const t = performance.now();
  let a = await timed(...args);
  let resent = 0;
  while (a.status === 0 && resent < tries) {
    resent++;
    await new Promise((r) => setTimeout(r, 250 * resent));
    a = await timed(...args);
  }
  return { ...a, ms: performance.now() - t, resent };
}

const TIMEOUT_MS = 30_000;

export async function timed(
  base: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  o: {
    token?: string;
    json?: unknown;
    bytes?: Uint8Array<ArrayBuffer>;
    type?: string;
    idempotencyKey?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  } else if (o.bytes) {
    headers['content-type'] = o.type ?? 'application/octet-stream';
    body = o.bytes;
  }
  const t = performance.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, text, ms: performance.now() - t };
  } catch (e) {
    return { status: 0, text: (e as Error).message, ms: performance.now() - t };
  }
}
