/**
 * A proxy in front of a real server that tampers with what it serves, for the
 * portal's browser tests: the verifier in the page must notice. Modes:
 *   'none'        forwards everything as is;
 *   'entry'       rewrites the TPS form entry inside a results proof (one vote
 *                 moved from one choice to another, so the sums still hold but
 *                 the entry is not the logged one);
 *   'checkpoint'  serves /log/checkpoint with a forged signature (the same
 *                 note, its Ed25519 signature bytes flipped).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type TamperMode = 'none' | 'entry' | 'checkpoint';

export interface TamperProxy {
  url: string;
  mode: TamperMode;
  close(): Promise<void>;
}

/** Moves one vote between the first two choices of the form entry's payload. */
export function tamperProof(text: string): string {
  const proof = JSON.parse(text) as { form: { entry: string } };
  const entry = JSON.parse(proof.form.entry) as { payload: { votes: Record<string, number> } };
  const [a, b] = Object.keys(entry.payload.votes);
  entry.payload.votes[a!]! -= 1;
  entry.payload.votes[b!]! += 1;
  proof.form.entry = JSON.stringify(entry);
  return JSON.stringify(proof);
}

/** Flips bits of every signature line's signature (keeping the key ID). */
export function forgeCheckpoint(note: string): string {
  return note.replace(/^(— \S+ )(\S+)$/gm, (_, head: string, sig: string) => {
    const bytes = Buffer.from(sig, 'base64');
    for (let i = 4; i < bytes.length; i++) bytes[i]! ^= 0x5a;
    return head + bytes.toString('base64');
  });
}

export async function tamperProxy(target: string): Promise<TamperProxy> {
  const proxy: TamperProxy = { url: '', mode: 'none', close: async () => undefined };
  const server: Server = createServer(async (req, res) => {
    try {
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: { accept: req.headers.accept ?? '*/*' },
      });
      let body: Buffer = Buffer.from(await upstream.arrayBuffer());
      const path = (req.url ?? '').split('?')[0]!;
      if (proxy.mode === 'entry' && /^\/v1\/results\/[A-Z_]+\/proof\//.test(path))
        body = Buffer.from(tamperProof(body.toString('utf8')));
      if (proxy.mode === 'checkpoint' && path === '/log/checkpoint')
        body = Buffer.from(forgeCheckpoint(body.toString('utf8')));
      const headers: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (k !== 'content-length' && k !== 'content-encoding' && k !== 'etag') headers[k] = v;
      });
      res.writeHead(upstream.status, headers);
      res.end(body);
    } catch (e) {
      res.writeHead(502);
      res.end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return proxy;
}
