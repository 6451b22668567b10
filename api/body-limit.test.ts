// Body limits over a real socket (the in-process tests send no Content-Length):
// a declared length is judged from the header before any byte is read, a chunked
// body is counted as it streams, and a body within the limit is read straight off
// the socket (app.ts).
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformApp, platformApp } from '../test/platform-app.ts';
import { MAX_BODY_BYTES } from './app.ts';

let p: PlatformApp;
let server: ReturnType<typeof serve>;
let port: number;
let token: string;

beforeAll(async () => {
  p = await platformApp();
  token = await p.token('KPPS');
  server = serve({ fetch: p.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await p.close();
});

function post(
  headers: Record<string, string>,
  write: (req: ReturnType<typeof request>) => void,
): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/tps-reports',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          ...headers,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body, connection: res.headers.connection }),
        );
      },
    );
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'EPIPE' ? undefined : reject(e)));
    write(req);
  });
}

describe('body limits over HTTP', () => {
  it('refuses a declared length over the limit from the header alone', async () => {
    const r = await post({ 'content-length': String(MAX_BODY_BYTES + 1) }, (req) => req.end());
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.code).toBe('BODY_TOO_LARGE');
    expect(r.connection).toBe('close');
  });

  it('refuses a chunked body once it streams past the limit', async () => {
    const r = await post({ 'transfer-encoding': 'chunked' }, (req) => {
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i <= MAX_BODY_BYTES / chunk.length; i++) req.write(chunk);
      req.end();
    });
    expect(r.status).toBe(413);
  });

  it('reads a body within the limit, with a length or chunked', async () => {
    const body = '{not json';
    const sized = await post({ 'content-length': String(body.length) }, (req) => req.end(body));
    expect(sized.status).toBe(400);
    expect(JSON.parse(sized.body).error.code).toBe('MALFORMED_JSON');
    const chunked = await post({ 'transfer-encoding': 'chunked' }, (req) => req.end(body));
    expect(JSON.parse(chunked.body).error.code).toBe('MALFORMED_JSON');
    const valid = await post({}, (req) => req.end('{}'));
    expect(valid.status).toBe(400);
    expect(JSON.parse(valid.body).error.code).not.toBe('MALFORMED_JSON');
  });
});
