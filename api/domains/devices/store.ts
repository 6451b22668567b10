/**
 * The devices table (infra/db/migrations), and the enrolled devices read on every
 * device-signed write: cached briefly so that
 * signature checks are not a database round trip each, and never longer than
 * `ttlMs`, so a revocation takes effect within that bound.
 */
import { base64, type Db, type Sql } from '../../../ledger/index.ts';
import type { DeviceRegistry } from '../../write/ledgered-write.ts';

/** Stores an enrolled device (inside the write's transaction). */
export async function insertDevice(
  tx: Sql,
  d: { key: Uint8Array; officer: string; label: string },
): Promise<void> {
  await tx.query('INSERT INTO devices (public_key, officer_id, label) VALUES ($1, $2, $3)', [
    d.key,
    d.officer,
    d.label,
  ]);
}

/** Marks an officer's active device revoked; false if there was none. */
export async function markRevoked(tx: Sql, key: Uint8Array, officer: string): Promise<boolean> {
  const rows = await tx.query(
    'UPDATE devices SET revoked_at = now() WHERE public_key = $1 AND officer_id = $2 AND revoked_at IS NULL RETURNING officer_id',
    [key, officer],
  );
  return rows.length > 0;
}

export class DbDeviceRegistry implements DeviceRegistry {
  private readonly cache = new Map<string, { owner: string | null; at: number }>();
  constructor(
    private readonly db: Db,
    private readonly ttlMs = 5_000,
  ) {}

  async ownerOf(publicKey: Uint8Array): Promise<string | null> {
    const id = base64(publicKey);
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.owner;
    const [row] = await this.db.query<{ officer_id: string }>(
      'SELECT officer_id FROM devices WHERE public_key = $1 AND revoked_at IS NULL',
      [publicKey],
    );
    const owner = row?.officer_id ?? null;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(id, { owner, at: Date.now() });
    return owner;
  }

  /** Drops a key from the cache at once (after a revocation on this node). */
  forget(publicKey: Uint8Array): void {
    this.cache.delete(base64(publicKey));
  }
}
