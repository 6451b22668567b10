/**
 * The API edge's error model (CONTRACT.md): JSON `{"error":{"code","message"}}`
 * with a fitting status. Library code throws typed errors with a `code`; only here
 * do they become HTTP answers, and anything unknown becomes a plain 500 carrying
 * the request ID and nothing else (CONVENTIONS.md §5).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const notFound = (message: string) => new ApiError(404, 'NOT_FOUND', message);
/** Overload: clients back off and retry (Tessera's pushback), never lose data. */
export const unavailable = (message: string, retryAfterSeconds = 1) =>
  new ApiError(503, 'UNAVAILABLE', message, { 'Retry-After': String(retryAfterSeconds) });

export function errorBody(code: string, message: string, requestId?: string) {
  return { error: { code, message, ...(requestId ? { requestId } : {}) } };
}

export function respondError(c: Context, e: ApiError) {
  for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
  return c.json(errorBody(e.code, e.message), e.status);
}
