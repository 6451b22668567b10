/**
 * Count-form photos: content-addressed evidence outside the log (ARCHITECTURE.md
 * "Entry"), each bound to the TPS it was uploaded for, fetched by the SHA-256 that
 * form entries cite. The one public surface of this folder (CONVENTIONS.md §1).
 */
export {
  DEFAULT_IMAGE_LIMITS,
  ImageError,
  type ImageErrorCode,
  type ImageInfo,
  type ImageLimits,
  inspectImage,
} from './image/index.ts';
export {
  MAX_PHOTO_BYTES,
  MAX_PHOTOS_PER_TPS,
  type PhotoDeps,
  photoRoutes,
} from './routes.ts';
export {
  declaredMediaType,
  isPhotoMediaType,
  PHOTO_MEDIA_TYPES,
  type PhotoMediaType,
  sniffMediaType,
} from './rules.ts';
export {
  type PhotoBinding,
  type PhotoInfo,
  photoBinding,
  photoExists,
  SHA256_HEX,
} from './store.ts';
