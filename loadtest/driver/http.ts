/**
 * One timed request of a load run: no retries (a retry is a request of its
 * own, type `retry`), the answer read whole, its latency from sending to the
 * last byte. A request that gets no answer has status 0 and is an error.
 */
export interface Answer {
  status: number;
  text: string;
  ms: number;
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
