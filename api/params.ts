/**
 * Strict parsing of attacker-controlled path and query parameters.
 *
 * Numbers are plain decimal: no sign, no leading zeros, no exponent, within 2^53.
 * The log's read routes (tiles, proofs, entries) have one canonical URL per
 * answer (issue #10): parameters spelt plainly (no percent-encoding, no "+"),
 * each given once, none unknown. Two spellings of one request would be two
 * cache entries at a CDN for the same bytes, and a parser that decodes what the
 * router did not (or picks the first of two values where a proxy picks the last)
 * is how request-smuggling and cache-poisoning bugs start.
 *
 * Names looked up in a table go through `lookup`: own properties only, so
 * `constructor`, `__proto__` or `toString` are unknown names, not
 * Object.prototype's members (issue #10: `export.csv?level=constructor` was 200).
 */
import { badRequest } from './errors.ts';

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

export function parseIndex(name: string, raw: string | undefined): number {
  if (raw === undefined) throw badRequest('MISSING_PARAMETER', `${name} is required`);
  if (!DECIMAL.test(raw))
    throw badRequest('BAD_PARAMETER', `${name} must be a non-negative decimal integer`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw badRequest('BAD_PARAMETER', `${name} is too large`);
  return n;
}

/** The raw (undecoded) path and query of a request URL. */
function rawParts(url: string): { path: string; query: string | undefined } {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  const rest = start < 0 ? '/' : url.slice(start);
  const hash = rest.indexOf('#');
  const noHash = hash < 0 ? rest : rest.slice(0, hash);
  const q = noHash.indexOf('?');
  return q < 0
    ? { path: noHash, query: undefined }
    : { path: noHash.slice(0, q), query: noHash.slice(q + 1) };
}

/**
 * The query parameters of a canonical URL: each of `allowed` at most once,
 * spelt without percent-encoding or "+", and nothing else; 400 otherwise. The
 * path must not be percent-encoded either (the router decodes it, so `/%30`
 * would otherwise reach a handler as `/0`).
 */
export function canonicalQuery(url: string, allowed: readonly string[]): Map<string, string> {
  const { path, query } = rawParts(url);
  if (path.includes('%'))
    throw badRequest('NON_CANONICAL_URL', 'the path must not be percent-encoded');
  const out = new Map<string, string>();
  if (query === undefined || query === '') return out;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (pair.includes('%') || pair.includes('+'))
      throw badRequest('NON_CANONICAL_URL', `parameter ${name} must not be percent-encoded`);
    if (!allowed.includes(name))
      throw badRequest(
        'UNKNOWN_PARAMETER',
        allowed.length === 0
          ? 'this route takes no query parameters'
          : `unknown parameter ${JSON.stringify(name)}; this route takes ${allowed.join(', ')}`,
      );
    if (out.has(name)) throw badRequest('REPEATED_PARAMETER', `${name} must be given once`);
    out.set(name, value);
  }
  return out;
}

/** `table[key]` if `key` is the table's own property; undefined for anything else. */
export function lookup<V>(
  table: Readonly<Record<string, V>>,
  key: string | undefined,
): V | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
