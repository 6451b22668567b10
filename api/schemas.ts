/**
 * JSON Schemas are the single source for request validation (ajv) and for
 * /openapi.json: a route registers its schemas once here and gets both.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ApiError, badRequest } from './errors.ts';
import { hasNikShapedNumber, PUBLIC_TEXT } from './public-text.ts';

export type JsonSchema = Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
// Public free text must not hold a NIK-shaped number (./public-text.ts).
ajv.addKeyword({
  keyword: PUBLIC_TEXT,
  type: 'string',
  schemaType: 'boolean',
  validate: (marked: boolean, text: string) => !marked || !hasNikShapedNumber(text),
});

export interface RouteDoc {
  method: 'get' | 'post' | 'put';
  /** OpenAPI path, e.g. /v1/incidents/{id}. */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  /** Security: 'bearer' routes need an officer token; 'public' ones do not. */
  security: 'bearer' | 'public';
  requestBody?: JsonSchema;
  /** A body of bytes rather than JSON (e.g. an image upload): its accepted media types. */
  requestMediaTypes?: string[];
  parameters?: {
    name: string;
    in: 'query' | 'path' | 'header';
    required: boolean;
    schema: JsonSchema;
    description: string;
  }[];
  responses: Record<string, { description: string; schema?: JsonSchema }>;
}

const routes: RouteDoc[] = [];

export function registerRoute(doc: RouteDoc): void {
  if (!routes.some((r) => r.method === doc.method && r.path === doc.path)) routes.push(doc);
}

export function registeredRoutes(): readonly RouteDoc[] {
  return routes;
}

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/**
 * Validates attacker-controlled input: the schema (400 naming every violation),
 * then text every store can hold (400), then public free text free of NIK-shaped
 * numbers (422: well-formed, but it would publish personal data for ever).
 */
export function validate<T>(schema: JsonSchema, value: unknown, what = 'request body'): T {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  const valid = fn(value);
  const errors = fn.errors ?? [];
  const malformed = errors.filter((e) => e.keyword !== PUBLIC_TEXT);
  if (!valid && malformed.length > 0)
    throw badRequest('INVALID_REQUEST', `${what} is invalid: ${describeErrors(malformed)}`);
  const bad = unstorableString(value, '');
  if (bad !== null)
    throw badRequest('INVALID_REQUEST', `${what} is invalid: ${bad.at || '/'} ${bad.problem}`);
  if (!valid)
    throw new ApiError(
      422,
      'NIK_IN_PUBLIC_TEXT',
      `${what}: ${errors.map((e) => e.instancePath || '/').join(', ')} holds a number shaped like a NIK (16 digits); this text is published in the append-only log for ever, so leave personal numbers out`,
    );
  return value as T;
}

/**
 * Strings that no store can hold, refused at the boundary for every field and
 * every name (issue #10: one in a free-text field was a 500):
 * - lone surrogates (escaped in JSON) have no UTF-8 form, so they can be
 *   neither canonical JSON (RFC 8785) nor text in the database;
 * - U+0000, which PostgreSQL refuses in `text` and in `jsonb` (and C strings end at).
 * Returns the JSON pointer of the first one and what is wrong, or null.
 */
function unstorableString(v: unknown, path: string): { at: string; problem: string } | null {
  if (typeof v === 'string') {
    const problem = stringProblem(v);
    return problem === null ? null : { at: path, problem };
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = unstorableString(v[i], `${path}/${i}`);
      if (r !== null) return r;
    }
    return null;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const problem = stringProblem(k);
      if (problem !== null) return { at: `${path}/${k}`, problem: `has a name that ${problem}` };
      const r = unstorableString(x, `${path}/${k}`);
      if (r !== null) return r;
    }
  }
  return null;
}

// String.prototype.isWellFormed is Node 20+; the regex is the same test.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains U+0000 (NUL), which text cannot hold';
  if (LONE_SURROGATE.test(s)) return 'is not well-formed Unicode (a lone surrogate)';
  return null;
}

function describeErrors(errors: ErrorObject[]): string {
  return errors
    .slice(0, 10)
    .map((e) => {
      const where = e.instancePath || '/';
      if (e.keyword === 'additionalProperties')
        return `${where} has unknown field ${JSON.stringify(e.params.additionalProperty)}`;
      return `${where} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}

/** The standard error body, for OpenAPI. */
export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        requestId: { type: 'string' },
      },
    },
  },
};
