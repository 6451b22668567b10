/**
 * The one way a route reads a JSON request body: declared `application/json`
 * (else 415, judged from the header before the body is read), then strict JSON
 * (./strict-json.ts: RFC 8259 with unique names per object; else 400 naming the
 * problem). The body is attacker-controlled; its size is already bounded by the
 * app's body limit (app.ts). Photo uploads declare image types and read their
 * bytes themselves (api/domains/photos).
 */
import type { Context } from 'hono';
import { ApiError, badRequest } from './errors.ts';
import { JsonError, parseStrictJson } from './strict-json.ts';

export function parseJsonBody(text: string): unknown {
  try {
    return parseStrictJson(text);
  } catch (e) {
    if (!(e instanceof JsonError)) throw e;
    if (e.code === 'DUPLICATE_KEY')
      throw badRequest('DUPLICATE_KEY', `request body is ambiguous: ${e.message}`);
    throw badRequest('MALFORMED_JSON', `request body is not JSON (${e.message} at ${e.at})`);
  }
}

/**
 * `application/json`, optionally with parameters. RFC 8259 §11 defines none and
 * §8.1 makes JSON between systems UTF-8, so a charset other than UTF-8 is refused
 * rather than decoded wrongly.
 */
export function isJsonMediaType(type: string | undefined): boolean {
  const m = /^application\/json[ \t]*(;.*)?$/i.exec(type?.trim() ?? '');
  if (!m) return false;
  const charset = /;[ \t]*charset[ \t]*=[ \t]*"?([^";]*)"?/i.exec(m[1] ?? '');
  return !charset || /^utf-8$/i.test(charset[1]!.trim());
}

export async function readJsonBody(c: Context): Promise<unknown> {
  if (!isJsonMediaType(c.req.header('content-type')))
    // The body is not read: close the connection rather than drain it (app.ts).
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json', {
      Connection: 'close',
    });
  return parseJsonBody(await c.req.text());
}
