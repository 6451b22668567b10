/**
 * `PUT /v1/photos/{sha256}?tps=<TPS>`, step by step.
 *
 * Attacker-controlled: the path hash, `?tps`, the Content-Type and Content-Length
 * headers and every byte of the body. Nothing is stored unless the caller is an
 * officer allowed `photo.upload` for that TPS, the bytes are at most `maxBytes`,
 * are a well-formed image of the type they claim within the image limits, and
 * hash to the path — and the photo is then bound to that TPS for good.
 */
import type { Sql } from '../../../ledger/index.ts';
import type { OfficerPrincipal } from '../../auth/principal.ts';
import { authorizeRoute } from '../../authorize.ts';
import { ApiError, badRequest } from '../../errors.ts';
import type { RateLimiter } from '../../platform/rate-limit.ts';
import type { WriteServices } from '../../write/ledgered-write.ts';
import { readLimited } from './body.ts';
import { ImageError, type ImageLimits, inspectImage } from './image/index.ts';
import {
  declaredMediaType,
  isPhotoMediaType,
  PHOTO_MEDIA_TYPES,
  type PhotoMediaType,
  sniffMediaType,
} from './rules.ts';
import { type Ctx, hashParam, tpsParam } from './schemas.ts';
import { type PhotoInfo, photoInfo, photosOfTps, storePhoto } from './store.ts';

export interface UploadDeps {
  db: Sql;
  /** The authoriser and decision hook of the write path (policy `photo.upload`). */
  writes: Pick<WriteServices, 'authorizer' | 'onDecision'>;
  /** The platform's write limits: an upload costs a token like any write. */
  limits: { perPrincipal: RateLimiter; perIp: RateLimiter };
  maxBytes: number;
  maxPhotosPerTps: number;
  imageLimits: ImageLimits;
}

/** Set once the whole body is read: a refusal before that closes the connection. */
export interface UploadProgress {
  read: boolean;
}

export async function uploadPhoto(c: Ctx, deps: UploadDeps, progress: UploadProgress) {
  const principal = officerOf(c);
  const sha256 = hashParam(c);
  const tps = tpsParam(c);
  spendRateToken(c, deps, principal);
  authorizeUpload(deps, principal, tps);
  const declared = declaredPhotoType(c);
  refuseDeclaredOversize(c, deps.maxBytes);
  const body = await readBody(c, deps.maxBytes);
  progress.read = true;
  provenType(body.bytes, declared);
  checkHash(body.sha256, sha256);
  checkImage(body.bytes, declared, deps.imageLimits);
  const photo: PhotoInfo = { sha256, size: body.bytes.length, mediaType: declared };
  const created = await storeOnce(deps, photo, body.bytes, principal, tps);
  c.header('Location', `/v1/photos/${sha256}`);
  return c.json(info(photo), created ? 201 : 200);
}

function officerOf(c: Ctx): OfficerPrincipal {
  const principal = c.get('principal');
  if (principal.kind !== 'officer')
    throw new ApiError(401, 'UNAUTHENTICATED', 'uploading a photo needs an officer token', {
      'WWW-Authenticate': 'Bearer',
    });
  return principal;
}

/** An upload costs a write-rate token, per source address and per officer. */
function spendRateToken(c: Ctx, deps: UploadDeps, principal: OfficerPrincipal): void {
  const wait = Math.max(
    deps.limits.perIp.take(`ip:${clientIp(c.env) ?? 'unknown'}`),
    deps.limits.perPrincipal.take(`officer:${principal.id}`),
  );
  if (wait > 0)
    throw new ApiError(429, 'RATE_LIMITED', 'too many requests; slow down', {
      'Retry-After': String(wait),
    });
}

/** Cedar decides (policy `photo.upload` on the TPS area, api/route-actions.ts), and the decision is logged. */
function authorizeUpload(deps: UploadDeps, principal: OfficerPrincipal, tps: string): void {
  authorizeRoute(deps.writes, 'PUT /v1/photos/{sha256}', principal, { type: 'Area', code: tps });
}

function declaredPhotoType(c: Ctx): PhotoMediaType {
  const declared = declaredMediaType(c.req.header('content-type'));
  if (declared === null || !isPhotoMediaType(declared))
    throw new ApiError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be one of ${PHOTO_MEDIA_TYPES.join(', ')}`,
    );
  return declared;
}

/** A declared Content-Length over the limit is refused before a byte is read. */
function refuseDeclaredOversize(c: Ctx, maxBytes: number): void {
  const length = c.req.header('content-length');
  if (length !== undefined && !/^[0-9]{1,15}$/.test(length))
    throw badRequest('BAD_LENGTH', 'bad Content-Length');
  if (length !== undefined && Number(length) > maxBytes) throw tooLarge(maxBytes);
}

async function readBody(c: Ctx, maxBytes: number) {
  const body = await readLimited(c.req.raw, maxBytes);
  if (body === null) throw tooLarge(maxBytes);
  if (body.bytes.length === 0) throw badRequest('EMPTY_BODY', 'the body holds no photo');
  return body;
}

/** The signature must be the declared type's (media.ts). */
function provenType(bytes: Uint8Array, declared: PhotoMediaType): void {
  const sniffed = sniffMediaType(bytes);
  if (sniffed !== declared)
    throw new ApiError(
      415,
      'MEDIA_TYPE_MISMATCH',
      sniffed === null
        ? `the body is not ${declared} (nor any of ${PHOTO_MEDIA_TYPES.join(', ')})`
        : `Content-Type says ${declared} but the bytes are ${sniffed}`,
    );
}

function checkHash(actual: string, claimed: string): void {
  if (actual !== claimed)
    throw new ApiError(
      422,
      'HASH_MISMATCH',
      `the body's SHA-256 is ${actual}, not the ${claimed} in the path`,
    );
}

/** The whole file's structure and its declared size (image/): more than a signature. */
function checkImage(bytes: Uint8Array, type: PhotoMediaType, limits: ImageLimits): void {
  try {
    inspectImage(bytes, type, limits);
  } catch (e) {
    if (!(e instanceof ImageError)) throw e;
    const [status, code] =
      e.code === 'TOO_LARGE'
        ? ([422, 'IMAGE_TOO_LARGE'] as const)
        : e.code === 'UNSUPPORTED'
          ? ([415, 'UNSUPPORTED_IMAGE'] as const)
          : ([422, 'MALFORMED_IMAGE'] as const);
    throw new ApiError(status, code, `${e.code}: ${e.message}`);
  }
}

/**
 * Stores the photo bound to `tps`, unless the same bytes are already there: then
 * nothing new is stored, and they must be bound to this same TPS (409 otherwise —
 * one photo cannot be the evidence of two TPS). Returns true if this call stored it.
 */
async function storeOnce(
  deps: UploadDeps,
  photo: PhotoInfo,
  bytes: Uint8Array,
  principal: OfficerPrincipal,
  tps: string,
): Promise<boolean> {
  const existing = await photoInfo(deps.db, photo.sha256);
  if (existing) return sameTps(existing.tps, tps, photo.sha256);
  // A soft bound: concurrent first uploads for one TPS may pass it by a few.
  if ((await photosOfTps(deps.db, tps)) >= deps.maxPhotosPerTps)
    throw new ApiError(403, 'PHOTO_QUOTA', `TPS ${tps} already has ${deps.maxPhotosPerTps} photos`);
  if (await storePhoto(deps.db, { ...photo, bytes, uploader: principal.id, tps })) return true;
  // A concurrent upload of the same bytes stored them first: for which TPS?
  const winner = await photoInfo(deps.db, photo.sha256);
  return sameTps(winner!.tps, tps, photo.sha256);
}

function sameTps(boundTo: string, tps: string, sha256: string): false {
  if (boundTo !== tps)
    throw new ApiError(
      409,
      'PHOTO_OF_OTHER_TPS',
      `photo ${sha256} was uploaded for TPS ${boundTo}; it cannot be the photo of TPS ${tps}`,
    );
  return false;
}

const info = (p: PhotoInfo): PhotoInfo => ({
  sha256: p.sha256,
  size: p.size,
  mediaType: p.mediaType,
});

const tooLarge = (max: number) =>
  new ApiError(413, 'BODY_TOO_LARGE', `a photo may be at most ${max} bytes`);

function clientIp(env: unknown): string | undefined {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket?.remoteAddress;
}
