/**
 * `PUT /v1/photos/{sha256}?tps=<TPS>` — upload a count-form photo for a TPS under
 * its hash (upload.ts); `GET|HEAD /v1/photos/{sha256}` — fetch it, public and
 * immutable (download.ts).
 */
import type { Hono } from 'hono';
import type { Sql } from '../../../ledger/index.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import type { RateLimiter } from '../../platform/rate-limit.ts';
import type { WriteServices } from '../../write/ledgered-write.ts';
import { downloadPhoto } from './download.ts';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image/index.ts';
import { registerPhotoDocs } from './openapi.ts';
import { type UploadDeps, uploadPhoto } from './upload.ts';

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
  /** Dimensions and decoded size an image may declare (image/limits.ts). */
  imageLimits?: ImageLimits;
}

const PATH = '/v1/photos/:sha256';

export function photoRoutes(app: Hono<{ Variables: AppVariables }>, deps: PhotoDeps): void {
  const upload: UploadDeps = {
    ...deps,
    maxBytes: deps.maxBytes ?? MAX_PHOTO_BYTES,
    maxPhotosPerTps: deps.maxPhotosPerTps ?? MAX_PHOTOS_PER_TPS,
    imageLimits: deps.imageLimits ?? DEFAULT_IMAGE_LIMITS,
  };
  registerPhotoDocs('/v1/photos/{sha256}', upload.maxBytes);

  app.put(PATH, async (c) => {
    const progress = { read: false };
    try {
      return await uploadPhoto(c, upload, progress);
    } catch (e) {
      // A refusal before the whole body was read leaves the rest of it (up to
      // maxBytes) on the connection: close it rather than drain it, as app.ts
      // does for an oversize write.
      if (e instanceof ApiError && !progress.read)
        throw new ApiError(e.status, e.code, e.message, { ...e.headers, Connection: 'close' });
      throw e;
    }
  });
  app.get(PATH, (c) => downloadPhoto(c, deps.db));
}
