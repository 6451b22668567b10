/**
 * `GET|HEAD /v1/photos/{sha256}`: public and immutable. The bytes under a hash
 * never change, so they may be cached anywhere, forever.
 */
import type { Sql } from '../../../ledger/index.ts';
import { notFound } from '../../errors.ts';
import { type Ctx, hashParam } from './schemas.ts';
import { photoInfo, readPhoto } from './store.ts';

const HEADERS = {
  'Cache-Control': 'public, max-age=31536000, immutable',
  'X-Content-Type-Options': 'nosniff',
  'Access-Control-Allow-Origin': '*',
};

// Hono answers HEAD with the GET handler and drops the body; the handler sees the
// real method and skips reading the bytes.
export async function downloadPhoto(c: Ctx, db: Sql): Promise<Response> {
  const sha256 = hashParam(c);
  const etag = `"${sha256}"`;
  const conditional = matchesEtag(c.req.header('if-none-match'), etag);
  const found =
    c.req.method === 'HEAD' || conditional
      ? await photoInfo(db, sha256)
      : await readPhoto(db, sha256);
  if (!found) throw notFound(`no photo with SHA-256 ${sha256}`);
  const headers = { ...HEADERS, ETag: etag };
  if (conditional) return c.body(null, 304, headers);
  const entity = {
    ...headers,
    'Content-Type': found.mediaType,
    'Content-Length': String(found.size),
  };
  if (!('bytes' in found)) return c.body(null, 200, entity);
  return c.body(found.bytes as Uint8Array<ArrayBuffer>, 200, entity);
}

/** RFC 9110 §13.1.2: `*`, or a list of entity tags compared weakly. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}
