/**
 * Count-form photos: content-addressed evidence outside the log (ARCHITECTURE.md
 * "Entry"), fetched by the SHA-256 that form entries cite. The one public surface
 * of this folder (CONVENTIONS.md §1).
 */
export {
  declaredMediaType,
  isPhotoMediaType,
  PHOTO_MEDIA_TYPES,
  type PhotoMediaType,
  sniffMediaType,
} from './media.ts';
export {
  MAX_PHOTO_BYTES,
  MAX_PHOTOS_PER_TPS,
  type PhotoDeps,
  photoRoutes,
} from './routes.ts';
export { type PhotoInfo, photoExists, SHA256_HEX } from './store.ts';
