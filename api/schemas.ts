/**
 * JSON Schemas are the single source for request validation (ajv) and for
 * /openapi.json: a route registers its schemas once here and gets both.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { badRequest } from './errors.ts';

export type JsonSchema = Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

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

/** Validates attacker-controlled input; throws a 400 naming every violation. */
export function validate<T>(schema: JsonSchema, value: unknown, what = 'request body'): T {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  if (!fn(value))
    throw badRequest('INVALID_REQUEST', `${what} is invalid: ${describeErrors(fn.errors ?? [])}`);
  const bad = illFormedString(value, '');
  if (bad !== null)
    throw badRequest(
      'INVALID_REQUEST',
      `${what} is invalid: ${bad || '/'} is not well-formed Unicode (a lone surrogate)`,
    );
  return value as T;
}

/**
 * JSON can carry strings with no UTF-8 form (escaped lone surrogates); they can
 * never be canonical JSON (RFC 8785) nor stored as text, so every route refuses
 * them at the boundary. Returns the JSON pointer of the first one, or null.
 */
function illFormedString(v: unknown, path: string): string | null {
  if (typeof v === 'string') return isWellFormed(v) ? null : path;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = illFormedString(v[i], `${path}/${i}`);
      if (r !== null) return r;
    }
    return null;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const r = isWellFormed(k) ? illFormedString(x, `${path}/${k}`) : `${path}/${k}`;
      if (r !== null) return r;
    }
  }
  return null;
}

// String.prototype.isWellFormed is Node 20+; the regex is the same test.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (s: string) => !LONE_SURROGATE.test(s);

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
