/**
 * A process that only runs the recap publisher (`saksi serve --workers N` starts
 * one beside its N API workers).
 *
 * In an API process the publisher shares the event loop with request handling:
 * every step of a tick (a hundred or so statements) waits behind the requests
 * queued meanwhile, and under election-night load a tick took seconds
 * (bench:results: the national totals 12 s behind the last form). In its own
 * process the operating system schedules it beside the API workers. Several
 * publishers are safe (the watermark row is taken FOR UPDATE SKIP LOCKED), so this
 * needs no leadership of its own; the sequencer integrates its entries on its own
 * polling.
 */
import { openDb } from '../ledger/index.ts';
import type { Config } from './config.ts';
import { Registry, registryIsEmpty } from './domains/registry/index.ts';
import { RecapPublisher } from './domains/results/index.ts';

export interface RecapNode {
  close(): Promise<void>;
}

export async function startRecapNode(
  config: Config,
  log: (msg: string) => void = () => undefined,
): Promise<RecapNode> {
  if (!config.databaseUrl)
    throw new Error('a separate recap process needs DATABASE_URL (PostgreSQL)');
  const db = await openDb({ url: config.databaseUrl });
  let stopped = false;
  let publisher: RecapPublisher | undefined;
  const started = (async () => {
    // The API workers migrate and (with --demo) load the election; a publisher
    // over an empty registry would place every area wrongly, so it waits.
    while (!stopped) {
      try {
        if (!(await registryIsEmpty(db))) break;
      } catch {
        // tables not migrated yet
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (stopped) return;
    publisher = new RecapPublisher(db, await Registry.load(db), {
      onError: (e) => log(`recap: ${e instanceof Error ? e.message : String(e)}`),
    });
    publisher.start();
  })();
  return {
    async close() {
      stopped = true;
      await started.catch(() => undefined);
      await publisher?.stop();
      await db.close();
    },
  };
}
