/**
 * `saksi serve --demo` opens on a demo province whose forms are already
 * submitted (issue #4 "Public reading"), so a newcomer sees totals, proofs,
 * flagged forms and corrections at once:
 *
 * 1. before the platform opens, an empty registry gets the demo election
 *    (DKI Jakarta, `generateElection({ scale: 'province', seed: '2024' })`, the
 *    same as `saksi registry demo`); a registry that holds anything is left alone;
 * 2. once the server listens, if no count form exists yet, the seeder
 *    (./seed.ts) runs against the server's own URL in the background — over HTTP,
 *    as devices would — while the server answers requests: by default for three
 *    of the six kabupaten/kota (defaultDemoTps), SAKSI_DEMO_SEED (Config.demoSeed) to change it.
 *
 * Both steps look at the database, not at a marker file, so a second start on
 * the same data loads and seeds nothing, and a cluster's workers agree (the load
 * takes the registry lock; only one worker is asked to seed).
 */
import type { Db } from '../../ledger/index.ts';
import type { DemoSeedSize } from '../config.ts';
import {
  generateElection,
  loadElection,
  RegistryError,
  registryFor,
  registryIsEmpty,
} from '../domains/registry/index.ts';
import { SeedError } from './client.ts';
import { DEMO_PROVINCE, DEMO_TPS } from './plan.ts';
import { type SeedReport, seedDemo } from './seed.ts';
import { summaryLines } from './summary.ts';

/** The demo election's seed; `saksi registry demo` defaults to the same. */
export const DEMO_ELECTION_SEED = '2024';

/** Loads the demo election if the registry is empty. True if this call loaded it. */
export async function loadDemoElection(db: Db, log: (m: string) => void): Promise<boolean> {
  if (!(await registryIsEmpty(db))) return false;
  const election = generateElection({ scale: 'province', seed: DEMO_ELECTION_SEED });
  try {
    await loadElection(db, election);
  } catch (e) {
    // Another process loaded one first: that is the point of the registry lock.
    if (e instanceof RegistryError && e.code === 'REGISTRY_NOT_EMPTY') return false;
    throw e;
  }
  log(
    `demo: loaded the demo election (DKI Jakarta: ${election.tps.dpt.length} TPS, ${election.parties.length} parties, ${election.dapil.length} dapil)`,
  );
  return true;
}

/** How many TPS `saksi serve --demo` seeds (Config.demoSeed, from SAKSI_DEMO_SEED). */
export type { DemoSeedSize };

/** Kabupaten/kota seeded at start-up by default, from the demo TPS's on. */
const DEFAULT_KABKOTA = 3;

/**
 * The number of TPS in the demo TPS's kabupaten/kota and the next two in code
 * order — in the demo election Jakarta Pusat, Utara and Barat: 106 of the 215
 * TPS. The seeder takes TPS in that same order, so this many covers exactly
 * those three whole, and the recap shows three kota counted and three waiting.
 * Why not all: on PGlite the whole province took 65–80 s on 2 shared cores
 * (the embedded database runs on the server's one thread), these 106 about half
 * that; `saksi demo seed --url … --tps all` adds the rest.
 */
export async function defaultDemoTps(db: Db): Promise<number> {
  const registry = await registryFor(db);
  const kabkota = registry.children(DEMO_PROVINCE).sort();
  const from = Math.max(0, kabkota.indexOf(DEMO_TPS.slice(0, 4)));
  const chosen = [...kabkota.slice(from), ...kabkota.slice(0, from)].slice(0, DEFAULT_KABKOTA);
  const count = (code: string): number =>
    code.length === 10
      ? registry.children(code).length
      : registry.children(code).reduce((n, c) => n + count(c), 0);
  return chosen.reduce((n, k) => n + count(k), 0);
}

export interface DemoSeeding {
  /** The report, or null when nothing was seeded (forms present, stopped, failed). */
  readonly done: Promise<SeedReport | null>;
  /** Stops seeding and waits for it to end. */
  stop(): Promise<void>;
}

/**
 * Seeds `tps` TPS (Infinity: all of the demo province) in the background
 * unless count forms exist already. Never throws: failures are logged.
 */
export function startDemoSeeding(opts: {
  url: string;
  db: Db;
  tps: DemoSeedSize;
  log: (m: string) => void;
}): DemoSeeding {
  const { log } = opts;
  const abort = new AbortController();
  const done = (async (): Promise<SeedReport | null> => {
    if (opts.tps !== 'default' && opts.tps <= 0) return null;
    const [present] = await opts.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT 1 FROM count_forms LIMIT 1) f',
    );
    if (Number(present?.n ?? 0) > 0) {
      log(
        `demo: count forms are already submitted; not seeding again (\`saksi demo seed --url ${opts.url} --tps all\` completes an interrupted seed)`,
      );
      return null;
    }
    const tps = opts.tps === 'default' ? await defaultDemoTps(opts.db) : opts.tps;
    const all = !Number.isFinite(tps);
    log(
      `demo: submitting signed count forms for ${all ? 'every TPS of the demo province' : `${tps} TPS`} in the background, as KPPS and PPK devices would; the API answers meanwhile`,
    );
    let lastLogged = Date.now();
    const report = await seedDemo({
      url: opts.url,
      tps,
      checkExisting: false,
      signal: abort.signal,
      onProgress: (p) => {
        if (Date.now() - lastLogged < 5_000) return;
        lastLogged = Date.now();
        log(`demo: ${p.tps}${all ? '' : `/${p.target}`} TPS submitted (${p.forms} forms)…`);
      },
    });
    for (const line of summaryLines(report)) log(`demo: ${line}`);
    return report;
  })().catch((e) => {
    if (!(e instanceof SeedError && e.code === 'ABORTED'))
      log(`demo: seeding failed: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  });
  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
