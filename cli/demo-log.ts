/**
 * `npm start` opens on a log with something in it: a few sample entries through
 * the same pending/sequencer path as every write. (The demo election of the
 * results service replaces these once that service exists.)
 */
import type { Runtime } from '../api/index.ts';
import { addPending, type EntryEnvelope, encodeEntry } from '../ledger/index.ts';

export async function seedDemoLog(rt: Runtime): Promise<number> {
  const cp = await rt.store.checkpoint();
  const pending = await rt.db.query<{ n: number }>(
    'SELECT count(*)::int8 AS n FROM ledger_pending',
  );
  if ((cp && cp.size > 0) || (pending[0]?.n ?? 0) > 0) return 0;
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const actor = { id: 'demo-admin', role: 'ADMIN' };
  const entries: EntryEnvelope[] = [
    {
      v: 1,
      kind: 'system.log.created',
      subject: 'log',
      seq: 1,
      prev: null,
      at,
      actor,
      payload: { origin: rt.config.origin, demo: true },
    },
    ...['31', '32', '33'].map((prov, i) => ({
      v: 1 as const,
      kind: 'areas.province.registered',
      subject: `area:${prov}`,
      seq: 1,
      prev: null,
      at,
      actor,
      payload: { code: prov, name: ['DKI Jakarta', 'Jawa Barat', 'Jawa Tengah'][i]! },
    })),
  ];
  const ids = await rt.db.transaction((tx) => addPending(tx, entries.map(encodeEntry)));
  rt.sequencer.poke();
  await rt.store.waitIntegrated(ids, 30_000);
  return entries.length;
}
