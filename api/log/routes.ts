/**
 * The log's public read API (CONTRACT.md "Endpoints"): C2SP tlog-tiles under
 * /log, the verifier key, and JSON proofs for clients that do not read tiles.
 * Every parameter here is attacker-controlled and parsed strictly, in one
 * canonical spelling (../params.ts); a request for anything beyond the current
 * tree is a 4xx, never a computation.
 */
import { Hono } from 'hono';
// base64: Node's native encoder (the verifier's portable one is 5× slower on this hot path).
import { base64, type LedgerError, type LedgerStore } from '../../ledger/index.ts';
import { fromUtf8, parseTilePath, VerifyError } from '../../ledger/verifier/index.ts';
import { ApiError, badRequest, notFound, unavailable } from '../errors.ts';
import { canonicalQuery, parseIndex } from '../params.ts';
import { ERROR_SCHEMA, registerRoute } from '../schemas.ts';

const INDEX = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const HASHES = { type: 'array', items: { type: 'string', description: 'standard base64 SHA-256' } };
const PUBLIC_ERRORS = { '400': { description: 'malformed or out of range', schema: ERROR_SCHEMA } };
registerRoute({
  method: 'get',
  path: '/v1/proofs/inclusion',
  operationId: 'inclusionProof',
  summary: 'RFC 9162 inclusion proof of entry `index` in the tree of `size` entries',
  tags: ['log'],
  security: 'public',
  parameters: [
    { name: 'index', in: 'query', required: true, schema: INDEX, description: 'leaf index' },
    {
      name: 'size',
      in: 'query',
      required: true,
      schema: INDEX,
      description: 'tree size of a published checkpoint',
    },
  ],
  responses: {
    '200': {
      description: 'the audit path',
      schema: {
        type: 'object',
        required: ['index', 'size', 'path'],
        properties: { index: INDEX, size: INDEX, path: HASHES },
      },
    },
    ...PUBLIC_ERRORS,
  },
});
registerRoute({
  method: 'get',
  path: '/v1/proofs/consistency',
  operationId: 'consistencyProof',
  summary: 'RFC 9162 consistency proof between two tree sizes',
  tags: ['log'],
  security: 'public',
  parameters: [
    { name: 'from', in: 'query', required: true, schema: INDEX, description: 'older tree size' },
    { name: 'to', in: 'query', required: true, schema: INDEX, description: 'newer tree size' },
  ],
  responses: {
    '200': {
      description: 'the proof',
      schema: {
        type: 'object',
        required: ['from', 'to', 'path'],
        properties: { from: INDEX, to: INDEX, path: HASHES },
      },
    },
    ...PUBLIC_ERRORS,
  },
});
registerRoute({
  method: 'get',
  path: '/v1/ledger/entries/{index}',
  operationId: 'ledgerEntry',
  summary: 'One log entry with its leaf hash',
  tags: ['log'],
  security: 'public',
  parameters: [
    { name: 'index', in: 'path', required: true, schema: INDEX, description: 'leaf index' },
  ],
  responses: {
    '200': {
      description: 'the entry',
      schema: {
        type: 'object',
        required: ['index', 'leafHash'],
        properties: { index: INDEX, leafHash: { type: 'string' }, entry: { type: 'object' } },
      },
    },
    ...PUBLIC_ERRORS,
  },
});

export interface LogRoutesDeps {
  store: LedgerStore;
  /** The log's signed-note verifier key string (a function: it changes on rotation). */
  verifierKey: string | (() => string);
  /**
   * The checkpoint note to serve, when witnesses cosign (./witnesses.ts): the
   * newest checkpoint whose round ended, with its cosignature lines.
   */
  checkpoint?: () => Promise<string | null>;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
// Partial tiles are immutable too (their width is in the name), but a mirror
// should not keep one once the full tile exists: cache them briefly.
const SHORT = 'public, max-age=60';

export function logRoutes({ store, verifierKey, checkpoint }: LogRoutesDeps): Hono {
  const app = new Hono();

  app.get('/log/checkpoint', async (c) => {
    const note = checkpoint ? await checkpoint() : ((await store.checkpoint())?.note ?? null);
    if (note === null)
      throw new ApiError(503, 'NO_CHECKPOINT', 'the log has no checkpoint yet', {
        'Retry-After': '1',
      });
    c.header('Cache-Control', 'no-cache');
    return c.body(note, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  const currentKey = typeof verifierKey === 'string' ? () => verifierKey : verifierKey;
  app.get('/log/key', (c) =>
    c.body(`${currentKey()}\n`, 200, { 'Content-Type': 'text/plain; charset=utf-8' }),
  );

  app.get('/log/tile/*', async (c) => {
    canonicalQuery(c.req.url, []);
    let ref: ReturnType<typeof parseTilePath>;
    try {
      ref = parseTilePath(c.req.path.slice('/log/'.length));
    } catch (e) {
      if (e instanceof VerifyError) throw badRequest('BAD_TILE_PATH', e.message);
      throw e;
    }
    const level = ref.kind === 'entries' ? 'entries' : ref.level;
    if (!(await store.tileExists(level, ref.index, ref.width)))
      throw notFound('no such tile in the current tree');
    const data =
      ref.kind === 'entries'
        ? await store.bundle(ref.index, ref.width)
        : await store.hashTile(ref.level, ref.index, ref.width);
    c.header('Cache-Control', ref.width === 256 ? IMMUTABLE : SHORT);
    return c.body(data as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/octet-stream',
    });
  });

  app.get('/v1/proofs/inclusion', async (c) => {
    const q = canonicalQuery(c.req.url, ['index', 'size']);
    const index = parseIndex('index', q.get('index'));
    const size = parseIndex('size', q.get('size'));
    const path = await store.inclusionProof(index, size);
    return c.json({ index, size, path: path.map(base64) });
  });

  app.get('/v1/proofs/consistency', async (c) => {
    const q = canonicalQuery(c.req.url, ['from', 'to']);
    const from = parseIndex('from', q.get('from'));
    const to = parseIndex('to', q.get('to'));
    const path = await store.consistencyProof(from, to);
    return c.json({ from, to, path: path.map(base64) });
  });

  app.get('/v1/ledger/entries/:index', async (c) => {
    canonicalQuery(c.req.url, []);
    const index = parseIndex('index', c.req.param('index'));
    const e = await store.entry(index);
    return c.json({ index, leafHash: base64(e.leafHash), ...entryBody(e.entry) });
  });

  return app;
}

/** Entries are canonical JSON; anything else (raw test data) is shown as base64. */
function entryBody(bytes: Uint8Array): { entry: unknown } | { entryBase64: string } {
  try {
    return { entry: JSON.parse(fromUtf8(bytes)) };
  } catch {
    return { entryBase64: base64(bytes) };
  }
}

/** Maps the ledger's typed errors to HTTP (used by the app's error handler). */
export function ledgerErrorToApi(e: LedgerError): ApiError {
  switch (e.code) {
    case 'NOT_FOUND':
      return notFound(e.message);
    case 'OUT_OF_RANGE':
      return badRequest('OUT_OF_RANGE', e.message);
    case 'TIMEOUT':
      return unavailable(e.message);
    default: {
      const never: never = e.code;
      throw new Error(`unhandled ledger error ${never}`);
    }
  }
}
