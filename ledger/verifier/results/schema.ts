/**
 * A small JSON Schema validator for the observer's verifier: it must run in a
 * browser and be read in one sitting, so it is not ajv (which compiles schemas
 * to code with `new Function`, refused by a strict Content-Security-Policy, and
 * is larger than this whole verifier). It interprets the subset of JSON Schema
 * 2020-12 that Saksi's public schemas use — the very objects ajv reads on the
 * server's write path (COUNT_FORM_SCHEMA) — so each shape is described once.
 *
 * Fail closed (CONVENTIONS.md §6): a schema keyword outside the subset throws
 * (a programming error: a constraint silently ignored would let data through);
 * `integer` means a safe integer (no 1e300 "count"); an object key `__proto__`
 * is refused anywhere, so no later `obj[key] = …` can reach a prototype.
 */

/** A JSON Schema in the supported subset (see KEYWORDS). */
export type Schema = { readonly [keyword: string]: unknown };

/** Where a value fails its schema: an RFC 6901 JSON Pointer and the reason. */
export interface SchemaProblem {
  path: string;
  message: string;
}

const KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'required',
  'properties',
  'additionalProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'items',
  'minItems',
  'maxItems',
  'if',
  'then',
  'description',
]);

const patterns = new Map<string, RegExp>();
const regex = (source: string): RegExp => {
  let r = patterns.get(source);
  if (!r) {
    // JSON Schema patterns are ECMA-262 regexes, unanchored; ours carry ^…$.
    r = new RegExp(source, 'u');
    patterns.set(source, r);
  }
  return r;
};

const token = (key: string | number) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: object, k: string) => Object.hasOwn(o, k);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, type: unknown): boolean {
  const t = typeOf(v);
  const want = Array.isArray(type) ? type : [type];
  return want.some((w) => w === t || (w === 'number' && t === 'integer'));
}

/** The first place `value` fails `schema`, or null if it conforms. */
export function schemaProblem(schema: Schema, value: unknown, path = ''): SchemaProblem | null {
  const fail = (message: string, at = path): SchemaProblem => ({ path: at || '/', message });
  for (const k in schema)
    if (!KEYWORDS.has(k)) throw new Error(`schema keyword ${k} not supported`);

  if (schema.type !== undefined && !typeMatches(value, schema.type))
    return fail(`is ${typeOf(value)}, not ${[schema.type].flat().join(' or ')}`);
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value))
    return fail(`is not one of ${(schema.enum as unknown[]).join(', ')}`);
  if (has(schema, 'const') && value !== schema.const)
    return fail(`is not ${JSON.stringify(schema.const)}`);

  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !regex(schema.pattern).test(value))
      return fail(`does not match ${schema.pattern}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      return fail(`is longer than ${schema.maxLength}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      return fail(`is shorter than ${schema.minLength}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      return fail(`is below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      return fail(`is above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      return fail(`has more than ${schema.maxItems} items`);
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      return fail(`has fewer than ${schema.minItems} items`);
    if (isObject(schema.items))
      for (let i = 0; i < value.length; i++) {
        const p = schemaProblem(schema.items, value[i], `${path}/${i}`);
        if (p) return p;
      }
  }
  if (isObject(value)) {
    const problem = objectProblem(schema, value, path);
    if (problem) return problem;
  }
  // if/then: `then` applies only where `if` holds (the count form's per-contest choices).
  if (
    isObject(schema.if) &&
    isObject(schema.then) &&
    schemaProblem(schema.if, value, path) === null
  )
    return schemaProblem(schema.then, value, path);
  return null;
}

function objectProblem(
  schema: Schema,
  value: Record<string, unknown>,
  path: string,
): SchemaProblem | null {
  const keys = Object.keys(value);
  if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties)
    return { path: path || '/', message: `has more than ${schema.maxProperties} fields` };
  if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties)
    return { path: path || '/', message: `has fewer than ${schema.minProperties} fields` };
  for (const r of (schema.required as string[] | undefined) ?? [])
    if (!has(value, r)) return { path: path || '/', message: `has no ${r}` };
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const k of keys) {
    const at = `${path}/${token(k)}`;
    if (k === '__proto__') return { path: at, message: 'is a key no JSON here may use' };
    if (isObject(schema.propertyNames)) {
      const p = schemaProblem(schema.propertyNames, k, at);
      if (p) return { path: at, message: `is not an allowed name (${p.message})` };
    }
    const sub = has(properties, k) ? properties[k] : schema.additionalProperties;
    if (sub === false) return { path: at, message: 'is not an allowed field' };
    if (isObject(sub)) {
      const p = schemaProblem(sub, value[k], at);
      if (p) return p;
    }
  }
  return null;
}

/** A type guard from a schema: the one place an untrusted value becomes a typed one. */
export function conforms<T>(schema: Schema, value: unknown): value is T {
  return schemaProblem(schema, value) === null;
}
