/**
 * Liveness and readiness (CONTRACT.md). Readiness checks each dependency this
 * node needs to serve writes: the database, the key service and the policy
 * engine; a failing one makes the node unready (503).
 *
 * /readyz is public (load balancers and monitors call it without a token), so
 * its answer says only ready or not, per component: a check's detail (a file
 * path, a host name, a driver's error text) tells an attacker how the node is
 * built and goes to the operator's log instead (issue #10).
 */
import { Hono } from 'hono';

export type Check = () => Promise<{ ok: boolean; detail: string }>;
export type Health = Record<string, Check>;

/** A component's state as /readyz shows it. */
export type ComponentState = 'ok' | 'failing';

export function healthRoutes(
  checks: Health,
  /** Where a failing check's detail goes (the operator's log); never the answer. */
  report: (message: string) => void = () => undefined,
): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        let r: { ok: boolean; detail: string };
        try {
          r = await check();
        } catch (e) {
          r = { ok: false, detail: e instanceof Error ? e.message : 'check failed' };
        }
        if (!r.ok) report(`readiness: ${name} is failing: ${r.detail}`);
        return [name, r.ok ? 'ok' : 'failing'] as [string, ComponentState];
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    return c.json(
      { status: ready ? 'ready' : 'unready', checks: Object.fromEntries(results) },
      ready ? 200 : 503,
    );
  });
  return app;
}
