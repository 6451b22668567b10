/**
 * Liveness and readiness (CONTRACT.md). Readiness checks each dependency this
 * node needs to serve writes: the database, the key service, and (once it exists)
 * the policy engine; a failing one makes the node unready with its reason.
 */
import { Hono } from 'hono';

export type Check = () => Promise<{ ok: boolean; detail: string }>;
export type Health = Record<string, Check>;

export function healthRoutes(checks: Health): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch (e) {
          return [
            name,
            { ok: false, detail: e instanceof Error ? e.message : 'check failed' },
          ] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.ok);
    return c.json(
      { status: ready ? 'ready' : 'unready', checks: Object.fromEntries(results) },
      ready ? 200 : 503,
    );
  });
  return app;
}
