/**
 * `PUT /v1/photos/{sha256}` — upload a count-form photo under its hash;
 * `GET|HEAD /v1/photos/{sha256}` — fetch it, public and immutable.
 *
 * Attacker-controlled: the path hash, `?tps`, the Content-Type and Content-Length
 * headers and every byte of the body. Nothing is stored unless the caller is an
 * officer allowed `photo.upload` for that TPS, the bytes are at most
 * `maxBytes`, are the image type they claim to be, and hash to the path.
 */
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { Sql } from '../../../ledger/index.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { authorizeRoute } from '../../authorize.ts';
import { ApiError, badRequest, notFound } from '../../errors.ts';
import type { RateLimiter } from '../../platform/rate-limit.ts';
import { ERROR_SCHEMA, registerRoute } from '../../schemas.ts';
import type { WriteServices } from '../../write/ledgered-write.ts';
import { declaredMediaType, isPhotoMediaType, PHOTO_MEDIA_TYPES, sniffMediaType } from './media.ts';
import {
  type PhotoInfo,
  photoInfo,
  photosOfTps,
  readPhoto,
  SHA256_HEX,
  storePhoto,
} from './store.ts';

/**
 * A phone photo of a plano sheet, JPEG at 12 MP, is 2–4 MiB; 5 MiB leaves room
 * and bounds what one request can make the store keep forever.
 */
export const MAX_PHOTO_BYTES = 5 << 20;
/**
 * New photos per TPS. Five contests, each form a few sheets plus retakes, fit
 * many times over; the bound stops one officer's token from filling an
 * append-only store with bytes nobody can delete.
 */
export const MAX_PHOTOS_PER_TPS = 200;

export interface PhotoDeps {
  db: Sql;
  /** The authoriser and decision hook of the write path (policy `photo.upload`). */
  writes: Pick<WriteServices, 'authorizer' | 'onDecision'>;
  /** The platform's write limits: an upload costs a token like any write. */
  limits: { perPrincipal: RateLimiter; perIp: RateLimiter };
  maxBytes?: number;
  maxPhotosPerTps?: number;
}

const TPS = /^[0-9]{13}$/;
const PATH = '/v1/photos/:sha256';
const DOC_PATH = '/v1/photos/{sha256}';

const INFO_SCHEMA = {
  type: 'object',
  required: ['sha256', 'size', 'mediaType'],
  properties: {
    sha256: { type: 'string', pattern: SHA256_HEX.source },
    size: { type: 'integer' },
    mediaType: { enum: [...PHOTO_MEDIA_TYPES] },
  },
};
const HASH_PARAM = {
  name: 'sha256',
  in: 'path' as const,
  required: true,
  schema: { type: 'string', pattern: SHA256_HEX.source },
  description: 'lowercase hex SHA-256 of the photo bytes',
};

type Ctx = Context<{ Variables: AppVariables }>;

function hashParam(c: Ctx): string {
  const hex = c.req.param('sha256') ?? '';
  if (!SHA256_HEX.test(hex))
    throw badRequest('BAD_PARAMETER', 'the photo hash must be 64 lowercase hex digits');
  return hex;
}

const info = (p: PhotoInfo): PhotoInfo => ({
  sha256: p.sha256,
  size: p.size,
  mediaType: p.mediaType,
});

export function photoRoutes(app: Hono<{ Variables: AppVariables }>, deps: PhotoDeps): void {
  const maxBytes = deps.maxBytes ?? MAX_PHOTO_BYTES;
  const maxPerTps = deps.maxPhotosPerTps ?? MAX_PHOTOS_PER_TPS;

  registerRoute({
    method: 'put',
    path: DOC_PATH,
    operationId: 'uploadPhoto',
    summary:
      'Upload a count-form photo (JPEG, PNG or WebP) under its SHA-256; stored once, never changed',
    tags: ['photos'],
    security: 'bearer',
    requestMediaTypes: [...PHOTO_MEDIA_TYPES],
    parameters: [
      HASH_PARAM,
      {
        name: 'tps',
        in: 'query',
        required: true,
        schema: { type: 'string', pattern: TPS.source },
        description: 'the TPS whose form the photo shows (policy photo.upload)',
      },
    ],
    responses: {
      '201': { description: 'stored', schema: INFO_SCHEMA },
      '200': { description: 'already stored: nothing new', schema: INFO_SCHEMA },
      '400': { description: 'malformed hash, TPS code or empty body', schema: ERROR_SCHEMA },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '403': {
        description: 'not allowed by policy, or the TPS quota is used',
        schema: ERROR_SCHEMA,
      },
      '413': { description: `larger than ${maxBytes} bytes`, schema: ERROR_SCHEMA },
      '415': {
        description: 'not JPEG, PNG or WebP, or the bytes are not the declared type',
        schema: ERROR_SCHEMA,
      },
      '422': {
        description: 'HASH_MISMATCH: the bytes do not hash to the path',
        schema: ERROR_SCHEMA,
      },
      '429': { description: 'rate limited; retry after Retry-After', schema: ERROR_SCHEMA },
    },
  });
  registerRoute({
    method: 'get',
    path: DOC_PATH,
    operationId: 'getPhoto',
    summary:
      'A count-form photo by its SHA-256 (HEAD too): immutable, cacheable forever, ETag = the hash',
    tags: ['photos'],
    security: 'public',
    parameters: [HASH_PARAM],
    responses: {
      '200': { description: 'the bytes, with their stored Content-Type' },
      '304': { description: 'If-None-Match holds the hash' },
      '400': { description: 'malformed hash', schema: ERROR_SCHEMA },
      '404': { description: 'no photo with this hash', schema: ERROR_SCHEMA },
    },
  });

  app.put(PATH, async (c) => {
    const body = { read: false };
    try {
      return await upload(c, body);
    } catch (e) {
      // A refusal before the whole body was read leaves the rest of it (up to
      // maxBytes) on the connection: close it rather than drain it, as app.ts
      // does for an oversize write.
      if (e instanceof ApiError && !body.read)
        throw new ApiError(e.status, e.code, e.message, { ...e.headers, Connection: 'close' });
      throw e;
    }
  });

  async function upload(c: Ctx, progress: { read: boolean }): Promise<Response> {
    const principal = c.get('principal');
    if (principal.kind !== 'officer')
      throw new ApiError(401, 'UNAUTHENTICATED', 'uploading a photo needs an officer token', {
        'WWW-Authenticate': 'Bearer',
      });
    const sha256 = hashParam(c);
    const tps = c.req.query('tps');
    if (tps === undefined || !TPS.test(tps))
      throw badRequest('BAD_PARAMETER', 'tps must be the 13-digit code of the TPS the photo shows');

    const wait = Math.max(
      deps.limits.perIp.take(`ip:${clientIp(c.env) ?? 'unknown'}`),
      deps.limits.perPrincipal.take(`officer:${principal.id}`),
    );
    if (wait > 0)
      throw new ApiError(429, 'RATE_LIMITED', 'too many requests; slow down', {
        'Retry-After': String(wait),
      });

    authorizeRoute(deps.writes, 'PUT /v1/photos/{sha256}', principal, {
      type: 'Area',
      code: tps,
    });

    const declared = declaredMediaType(c.req.header('content-type'));
    if (declared === null || !isPhotoMediaType(declared))
      throw new ApiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type must be one of ${PHOTO_MEDIA_TYPES.join(', ')}`,
      );
    const length = c.req.header('content-length');
    if (length !== undefined && !/^[0-9]{1,15}$/.test(length))
      throw badRequest('BAD_LENGTH', 'bad Content-Length');
    if (length !== undefined && Number(length) > maxBytes) throw tooLarge(maxBytes);

    const body = await readLimited(c.req.raw, maxBytes);
    if (body === null) throw tooLarge(maxBytes);
    progress.read = true;
    if (body.bytes.length === 0) throw badRequest('EMPTY_BODY', 'the body holds no photo');
    const sniffed = sniffMediaType(body.bytes);
    if (sniffed !== declared)
      throw new ApiError(
        415,
        'MEDIA_TYPE_MISMATCH',
        sniffed === null
          ? `the body is not ${declared} (nor any of ${PHOTO_MEDIA_TYPES.join(', ')})`
          : `Content-Type says ${declared} but the bytes are ${sniffed}`,
      );
    if (body.sha256 !== sha256)
      throw new ApiError(
        422,
        'HASH_MISMATCH',
        `the body's SHA-256 is ${body.sha256}, not the ${sha256} in the path`,
      );

    const photo: PhotoInfo = { sha256, size: body.bytes.length, mediaType: sniffed };
    const existing = await photoInfo(deps.db, sha256);
    if (existing) return c.json(info(existing), 200);
    // A soft bound: concurrent first uploads for one TPS may pass it by a few.
    if ((await photosOfTps(deps.db, tps)) >= maxPerTps)
      throw new ApiError(403, 'PHOTO_QUOTA', `TPS ${tps} already has ${maxPerTps} photos`);
    const created = await storePhoto(deps.db, {
      ...photo,
      bytes: body.bytes,
      uploader: principal.id,
      tps,
    });
    c.header('Location', `/v1/photos/${sha256}`);
    return c.json(info(photo), created ? 201 : 200);
  }

  // Hono answers HEAD with this GET handler and drops the body; the handler sees
  // the real method and skips reading the bytes.
  app.get(PATH, async (c) => {
    const sha256 = hashParam(c);
    const etag = `"${sha256}"`;
    const conditional = matchesEtag(c.req.header('if-none-match'), etag);
    const found =
      c.req.method === 'HEAD' || conditional
        ? await photoInfo(deps.db, sha256)
        : await readPhoto(deps.db, sha256);
    if (!found) throw notFound(`no photo with SHA-256 ${sha256}`);
    // The bytes under a hash never change: cache them anywhere, forever.
    const headers = {
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Origin': '*',
    };
    if (conditional) return c.body(null, 304, headers);
    const entity = {
      ...headers,
      'Content-Type': found.mediaType,
      'Content-Length': String(found.size),
    };
    if (!('bytes' in found)) return c.body(null, 200, entity);
    return c.body(found.bytes as Uint8Array<ArrayBuffer>, 200, entity);
  });
}

const tooLarge = (max: number) =>
  new ApiError(413, 'BODY_TOO_LARGE', `a photo may be at most ${max} bytes`);

/** RFC 9110 §13.1.2: `*`, or a list of entity tags compared weakly. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

/**
 * Reads at most `max` bytes of the body, hashing as it goes; null (and the rest
 * of the stream cancelled) once it holds more, whatever Content-Length claimed.
 */
async function readLimited(
  req: Request,
  max: number,
): Promise<{ bytes: Uint8Array; sha256: string } | null> {
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel();
        return null;
      }
      hash.update(value);
      chunks.push(value);
    }
  }
  return { bytes: Buffer.concat(chunks, size), sha256: hash.digest('hex') };
}

function clientIp(env: unknown): string | undefined {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket?.remoteAddress;
}
