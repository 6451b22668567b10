/**
 * The plain write a team would otherwise build (issue #14, "side by side"):
 * Hono, one JWT check, one INSERT per request into a plain table. No device
 * signature, no policy engine, no idempotency, no log, no receipt: what is
 * stored can be changed or lost without anyone being able to tell. It exists
 * only to be measured beside Saksi's ledgered write in the same run
 * (`saksi loadtest --baseline`, docs/loadtest.md).
 */
import type { KeyObject } from 'node:crypto';
import { Hono } from 'hono';
import { verifyToken } from './jwt.ts';

/** The one query the baseline needs: node-postgres's pool or PGlite in tests. */
export type Query = (text: string, params?: readonly unknown[]) => Promise<unknown>;

export const TABLE = 'baseline_submissions';

/** The plain table: one row per request, the form as sent. */
export const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLE} (
  id bigserial PRIMARY KEY,
  officer text NOT NULL,
  subject text NOT NULL,
  body jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
)`;

/** The same cap as Saksi's JSON bodies get before parsing (a form is a few KB). */
const MAX_BODY_BYTES = 64 * 1024;

export function baselineApp(o: { publicKey: KeyObject; query: Query }): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.post('/v1/submissions', async (c) => {
    // The bearer token and the body are attacker controlled.
    const auth = c.req.header('authorization') ?? '';
    const officer = auth.startsWith('Bearer ') ? verifyToken(o.publicKey, auth.slice(7)) : null;
    if (!officer) return c.json({ error: 'a valid bearer token is required' }, 401);
    const text = await c.req.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) return c.json({ error: 'body too large' }, 413);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return c.json({ error: 'the body is not JSON' }, 400);
    }
    const subject = (body as { subject?: unknown } | null)?.subject;
    if (typeof body !== 'object' || Array.isArray(body) || typeof subject !== 'string')
      return c.json({ error: 'the body must be a JSON object with a string subject' }, 400);
    if (subject.length === 0 || subject.length > 200)
      return c.json({ error: 'subject must be 1 to 200 characters' }, 400);
    await o.query(`INSERT INTO ${TABLE} (officer, subject, body) VALUES ($1, $2, $3)`, [
      officer,
      subject,
      text,
    ]);
    return c.json({ stored: true }, 201);
  });
  app.onError((_e, c) => c.json({ error: 'internal error' }, 500));
  return app;
}
