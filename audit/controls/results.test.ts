/**
 * Control 3 against a real seeded server (PGlite, or PostgreSQL with
 * SAKSI_TEST_DB=postgres): every area's recap rebuilt from the forms in the log
 * alone and compared with what was published; a recap published with a wrong
 * total (appended through the log's own writer, as a faulty or dishonest
 * publisher would) is named exactly; a recap listing an older version than the
 * log's latest is named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from '../../api/write/write-batch.ts';
import { type JsonObject, SYSTEM_ACTOR } from '../../ledger/index.ts';
import { type AuditedServer, auditedServer } from '../testing.ts';
import { logIntegrity } from './log-integrity.ts';
import { results } from './results.ts';

let s: AuditedServer;
beforeAll(async () => {
  s = await auditedServer({ tps: 2 });
}, 180_000);
afterAll(async () => s?.close());

async function verified() {
  const ctx = await s.context();
  expect((await logIntegrity.run(ctx)).status).toBe('pass');
  return ctx;
}

describe('control 3, results recomputed', () => {
  it('rebuilds every area up to the nation from the forms in the log, equal to what was published', async () => {
    const out = await results.run(await verified());
    expect(out.findings).toEqual([]);
    expect(out.status).toBe('pass');
    const e = out.evidence as Record<string, number>;
    expect(e.tpsCounted).toBeGreaterThan(2);
    expect(e.areasCompared).toBeGreaterThanOrEqual(6); // desa … nation, per contest
    expect(e.areasDiffering).toBe(0);
    expect(out.evidence.nation).toHaveProperty('PPWP');
  });

  it('names a recap that does not count the latest version in the log', async () => {
    const ctx = await verified();
    const [tps, form] = [...ctx.published!.results!.counted.get('PPWP')!][0]!;
    form.seq += 1; // as if a correction were in the log that no recap counts
    const out = await results.run(ctx);
    expect(out.findings).toEqual([
      expect.objectContaining({
        code: 'RECAP_COUNTS_OLD_VERSION',
        record: `chasil:PPWP:${tps}`,
        message: expect.stringContaining(`the log's latest counted version is ${form.seq}`),
      }),
    ]);
  });

  it('is skipped without a verified log', async () => {
    const ctx = await s.context();
    expect((await results.run(ctx)).status).toBe('skip');
  });

  // Last: it appends to the log for good.
  it('names the area whose published recap differs from the forms: RECAP_DIFFERS', async () => {
    const before = await verified();
    const kecamatan = [...before.published!.results!.recaps.get('PPWP')!].find(
      ([area]) => area.length === 6,
    )!;
    const [area, published] = kecamatan;
    const { entry } = await before.reader!.entry(published.index);
    const payload = JSON.parse(new TextDecoder().decode(entry)).payload as JsonObject & {
      valid: number;
    };
    const forged = { ...payload, valid: payload.valid + 7 };
    await s.server.runtime.db.transaction((tx) =>
      writeBatch(tx, [
        {
          draft: {
            kind: 'results.recap.computed',
            subject: `recap:PPWP:${area}`,
            seq: published.seq + 1,
            after: ['results.recap.computed'],
            actor: SYSTEM_ACTOR,
            payload: forged,
            reason: 'new or changed TPS forms below this area',
          },
        },
      ]),
    );
    await s.settle();
    const out = await results.run(await verified());
    expect(out.status).toBe('fail');
    expect(out.findings).toEqual([
      {
        code: 'RECAP_DIFFERS',
        record: `recap:PPWP:${area}`,
        message: expect.stringContaining(
          `kecamatan ${area}: the published recap (version ${published.seq + 1}`,
        ),
      },
    ]);
    expect(out.findings[0]!.message).toContain(
      `valid published ${payload.valid + 7}, recomputed ${payload.valid}`,
    );
  });
});
