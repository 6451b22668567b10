/**
 * One registry per database for the whole process, loaded on first use and kept
 * current: at most every `maxAgeMs` a caller triggers a cheap check of the
 * registry's log subjects, and a reload runs in the background if a dataset was
 * loaded since (by this process, another API node or `saksi registry import`).
 * Callers keep the answer they got; the swap inside Registry is atomic.
 */
import type { Sql } from '../../../ledger/index.ts';
import { Registry } from './registry.ts';

interface Handle {
  registry: Promise<Registry> | undefined;
  checkedAt: number;
  checking: boolean;
}

const handles = new WeakMap<Sql, Handle>();

export async function registryFor(db: Sql, maxAgeMs = 2_000): Promise<Registry> {
  let h = handles.get(db);
  if (!h) {
    h = { registry: undefined, checkedAt: 0, checking: false };
    handles.set(db, h);
  }
  const handle = h;
  if (!handle.registry) {
    handle.checkedAt = Date.now();
    handle.registry = Registry.load(db);
    // A failed load is not cached: the next caller tries again.
    handle.registry.catch(() => {
      handle.registry = undefined;
    });
    return handle.registry;
  }
  const registry = await handle.registry;
  if (!handle.checking && Date.now() - handle.checkedAt > maxAgeMs) {
    handle.checking = true;
    handle.checkedAt = Date.now();
    registry
      .reloadIfChanged()
      .catch(() => undefined)
      .finally(() => {
        handle.checking = false;
      });
  }
  return registry;
}

/**
 * After a load through this process: the shared registry of `db`, if there is
 * one, reloads before the load returns, so this process sees it at once.
 */
export async function refreshShared(db: Sql): Promise<void> {
  const r = handles.get(db)?.registry;
  if (r) await (await r).reloadIfChanged();
}

/** Reloads now (after a load in this process, when the caller must see it at once). */
export async function refreshRegistry(db: Sql): Promise<Registry> {
  const r = await registryFor(db);
  await r.reloadIfChanged();
  return r;
}
