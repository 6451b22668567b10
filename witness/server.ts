/**
 * The witness's HTTP face (C2SP tlog-witness "HTTP Interface"), small enough
 * for a laptop or a phone-class device: no database, one process.
 *
 *   POST /add-checkpoint               submission (./witness.ts decides)
 *   GET  /<sha256(origin) hex>/checkpoint   monitoring: the latest checkpoint
 *                                      cosigned, with the log's signature and ours
 *   GET  /                             the witness's name and verifier key
 *
 * Requests are not authenticated (the spec: "There is no authentication of
 * requests beyond the validation of the signature on the checkpoint"), so each
 * client address has a token bucket, bodies are bounded and read before any
 * signature is checked, and only POST with a text body is accepted.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { RateLimiter } from '../api/platform/rate-limit.ts';
import { MAX_REQUEST_BYTES } from './protocol.ts';
import { originHash } from './state.ts';
import type { Witness } from './witness.ts';

export interface WitnessServerOptions {
  witness: Witness;
  /** The witness's verifier key, shown at GET /. */
  verifierKey: string;
  /** add-checkpoint requests per second per client address (burst: 4×). Default 20. */
  ratePerSecond?: number;
}

export function witnessApp(opts: WitnessServerOptions): Hono {
  const { witness } = opts;
  const rate = opts.ratePerSecond ?? 20;
  const limiter = new RateLimiter({ rate, burst: rate * 4 });
  const app = new Hono();

  app.get('/', (c) =>
    c.text(`C2SP tlog-witness ${witness.name}\nverifier key: ${opts.verifierKey}\n`),
  );

  app.post('/add-checkpoint', async (c) => {
    const ip =
      (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
        ?.socket?.remoteAddress ?? 'unknown';
    const wait = limiter.take(ip);
    if (wait > 0) return c.text('too many requests\n', 429, { 'Retry-After': String(wait) });
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_REQUEST_BYTES) return c.text('request body too large\n', 413);
    const bytes = await readBounded(c.req.raw, MAX_REQUEST_BYTES);
    if (bytes === null) return c.text('request body too large\n', 413, { Connection: 'close' });
    let body: string;
    try {
      body = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return c.text('request body is not UTF-8\n', 400);
    }
    const a = await witness.addCheckpoint(body);
    return c.body(a.body, a.status, { 'Content-Type': a.contentType });
  });

  app.get('/:hash/checkpoint', (c) => {
    const hash = c.req.param('hash');
    if (!/^[0-9a-f]{64}$/.test(hash)) return c.text('not found\n', 404);
    for (const origin of witness.origins()) {
      if (originHash(origin) !== hash) continue;
      const note = witness.cosigned(origin);
      if (note) return c.body(note, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
    }
    return c.text('no checkpoint cosigned for that log\n', 404);
  });

  app.notFound((c) => c.text('not found\n', 404));
  app.onError((_e, c) => c.text('internal error\n', 500));
  return app;
}

/** The body, or null as soon as it exceeds `max` bytes (a chunked body is counted as it streams). */
async function readBounded(req: Request, max: number): Promise<Uint8Array | null> {
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const ch of chunks) {
    out.set(ch, o);
    o += ch.length;
  }
  return out;
}

export interface RunningWitness {
  url: string;
  close(): Promise<void>;
}

/** Listens on host:port (0: any free port) and resolves once listening. */
export function startWitnessServer(
  opts: WitnessServerOptions & { host?: string; port?: number },
): Promise<RunningWitness> {
  const app = witnessApp(opts);
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: app.fetch,
        hostname: opts.host ?? '127.0.0.1',
        port: opts.port ?? 0,
        serverOptions: { headersTimeout: 10_000, requestTimeout: 30_000 },
      },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          close: () =>
            new Promise<void>((res) => {
              (server as Server).closeAllConnections?.();
              server.close(() => res());
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
