// /readyz is public: it says ready or not per component, and a failing check's
// detail (here the local keystore's file path) goes to the operator's log only
// (issue #10: the answer used to carry the keystore's path).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalKeystore, openLocalKeystore } from '../keys/index.ts';
import { healthRoutes } from './health.ts';

let dir: string;
let keys: LocalKeystore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'saksi-health-'));
  keys = await openLocalKeystore({ dir });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('/readyz', () => {
  it('answers ok per component when every check passes', async () => {
    const app = healthRoutes({
      database: async () => ({ ok: true, detail: 'pglite' }),
      keys: () => keys.health(),
    });
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', keys: 'ok' } });
  });

  it('says which component fails but not why; the why goes to the log', async () => {
    await chmod(join(dir, 'keystore.json'), 0o644);
    const logged: string[] = [];
    const app = healthRoutes(
      {
        database: async () => ({ ok: true, detail: 'pglite' }),
        keys: () => keys.health(),
        policies: async () => {
          throw new Error('cannot read /etc/saksi/policies.cedar');
        },
      },
      (m) => logged.push(m),
    );
    const res = await app.request('/readyz');
    const text = await res.text();
    await chmod(join(dir, 'keystore.json'), 0o600);
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toEqual({
      status: 'unready',
      checks: { database: 'ok', keys: 'failing', policies: 'failing' },
    });
    expect(text).not.toContain(dir);
    expect(text).not.toContain('/etc/saksi');
    expect(text).not.toContain('0644');
    expect(logged.sort()).toEqual([
      expect.stringMatching(/^readiness: keys is failing: .*mode 0644/),
      'readiness: policies is failing: cannot read /etc/saksi/policies.cedar',
    ]);
    expect(logged.join('\n')).toContain(dir);
  });
});
