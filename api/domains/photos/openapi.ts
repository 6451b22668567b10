/** The photo routes as /openapi.json lists them (api/schemas.ts registerRoute). */

import { TPS_CODE_PATTERN } from '../../../policies/areas.ts';
import { ERROR_SCHEMA, registerRoute } from '../../schemas.ts';
import { PHOTO_MEDIA_TYPES } from './rules.ts';
import { SHA256_HEX } from './store.ts';

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

export function registerPhotoDocs(path: string, maxBytes: number): void {
  registerRoute({
    method: 'put',
    path,
    operationId: 'uploadPhoto',
    summary:
      'Upload a count-form photo (JPEG, PNG or WebP) for a TPS under its SHA-256; stored once, bound to that TPS, never changed',
    tags: ['photos'],
    security: 'bearer',
    requestMediaTypes: [...PHOTO_MEDIA_TYPES],
    parameters: [
      HASH_PARAM,
      {
        name: 'tps',
        in: 'query',
        required: true,
        schema: { type: 'string', pattern: TPS_CODE_PATTERN },
        description:
          'the TPS whose form the photo shows (policy photo.upload); only forms of this TPS may cite it',
      },
    ],
    responses: {
      '201': { description: 'stored', schema: INFO_SCHEMA },
      '200': { description: 'already stored for this TPS: nothing new', schema: INFO_SCHEMA },
      '400': { description: 'malformed hash, TPS code or empty body', schema: ERROR_SCHEMA },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '403': {
        description: 'not allowed by policy, or the TPS quota is used',
        schema: ERROR_SCHEMA,
      },
      '409': {
        description: 'PHOTO_OF_OTHER_TPS: these bytes were uploaded for another TPS',
        schema: ERROR_SCHEMA,
      },
      '413': { description: `larger than ${maxBytes} bytes`, schema: ERROR_SCHEMA },
      '415': {
        description:
          'not JPEG, PNG or WebP, the bytes are not the declared type, or an unsupported variant (animation, lossless JPEG)',
        schema: ERROR_SCHEMA,
      },
      '422': {
        description:
          'HASH_MISMATCH: the bytes do not hash to the path; MALFORMED_IMAGE: the image structure is broken; IMAGE_TOO_LARGE: its dimensions or decoded size exceed the limits',
        schema: ERROR_SCHEMA,
      },
      '429': { description: 'rate limited; retry after Retry-After', schema: ERROR_SCHEMA },
    },
  });
  registerRoute({
    method: 'get',
    path,
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
}
