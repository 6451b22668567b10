/**
 * How a portal page is answered: HTML with its own Content-Security-Policy (the
 * API's default, `default-src 'none'`, would block the page's stylesheet and the
 * verifier script), and cacheable like the public reads it shows — a strong
 * ETag over the body, so a reloading phone gets a 304 and no bytes (RFC 9110
 * §8.8.3, §13.1.2), and a short max-age because the totals grow as TPS report.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';

/** Only the portal's own script, stylesheet and images; fetches to this origin only. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_CACHE = 'public, max-age=10';

/** True when the request's If-None-Match names `etag` (or `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((s) => s.trim().replace(/^W\//, ''))
    .some((s) => s === '*' || s === etag);
}

/** Answers `body` (text) with its type, the page CSP, an ETag and Cache-Control. */
export function cacheable(
  c: Context,
  body: string,
  type: string,
  status: 200 | 400 | 404 | 503 = 200,
  cache = PAGE_CACHE,
): Response {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  c.header('Content-Security-Policy', PAGE_CSP);
  c.header('Content-Type', type);
  if (status !== 200) {
    c.header('Cache-Control', 'no-cache');
    return c.body(body, status);
  }
  c.header('ETag', etag);
  c.header('Cache-Control', cache);
  if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304);
  return c.body(body, 200);
}
