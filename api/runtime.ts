/**
 * The composition root: configuration → database (migrated) → key service → log
 * signer → store and sequencer → app. `saksi serve` and `saksi ledger append`
 * both start here, so they share one wiring.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KeyService, openLocalKeystore, openVaultKeyService } from '../keys/index.ts';
import {
  type Db,
  LedgerStore,
  migrate,
  type NoteSigner,
  openDb,
  Sequencer,
  verifierKeyOf,
} from '../ledger/index.ts';
import { type Config, ConfigError } from './config.ts';

export interface Runtime {
  config: Config;
  db: Db;
  keys: KeyService;
  /** The current log signer and its verifier key (change on rotation). */
  logSigner: NoteSigner;
  verifierKey: string;
  store: LedgerStore;
  sequencer: Sequencer;
  close(): Promise<void>;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const unlock = config.databaseUrl ? () => undefined : lockDataDir(config.dataDir);
  let db: Db;
  try {
    db = await openDb({
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : join(config.dataDir, 'pgdata'),
    });
  } catch (e) {
    unlock();
    throw e;
  }
  try {
    await migrate(db);
    // VAULT_ADDR selects HashiCorp Vault's Transit engine; otherwise the local
    // keystore under the data directory (the embedded default).
    const keys: KeyService & { close?: () => Promise<void> } = config.vault
      ? await openVaultKeyService(config.vault)
      : await openLocalKeystore({ dir: config.dataDir, kekFile: config.kekFile });
    const logSigner = await keys.signer('log', config.origin);
    const store = new LedgerStore(db);
    // A log keeps one origin for life: refuse to continue it under another name
    // (the sequencer checks again before it signs anything).
    const latest = await store.checkpoint();
    const origin = latest?.note.slice(0, latest.note.indexOf('\n'));
    if (latest && origin !== config.origin)
      throw new ConfigError(
        `the log in this database has origin ${JSON.stringify(origin)}; start with --origin ${origin} (or SAKSI_LOG_ORIGIN)`,
      );
    const sequencer = new Sequencer(db, logSigner, {
      origin: config.origin,
      batchSize: config.batchSize,
      intervalMs: config.batchIntervalMs,
      // Reads on this node see a new checkpoint the moment it commits.
      onCheckpoint: (c) => store.observe({ size: c.size, root: c.root, note: c.note }),
    });
    return {
      config,
      db,
      keys,
      logSigner,
      verifierKey: verifierKeyOf(logSigner),
      store,
      sequencer,
      async close() {
        await sequencer.stop();
        await db.close();
        await keys.close?.();
        unlock();
      },
    };
  } catch (e) {
    await db.close().catch(() => undefined);
    unlock();
    throw e;
  }
}

/**
 * PGlite is one process's database: a second process opening the same directory
 * would corrupt it. A lock file with the owner's pid refuses that with a clear
 * message (a stale lock from a dead process is taken over).
 */
function lockDataDir(dir: string): () => void {
  const file = join(dir, 'pgdata.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
        throw new ConfigError(
          `the embedded database in ${dir} is in use by process ${pid}; stop it, or share a PostgreSQL through DATABASE_URL`,
        );
      rmSync(file, { force: true });
    }
  }
  throw new ConfigError(`could not lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
