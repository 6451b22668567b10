/**
 * The witness's durable memory: per log, the latest checkpoint it cosigned
 * (tlog-witness: "the witness is only required to keep track of the latest
 * checkpoint it observed and verified"), and the signed checkpoints it refused
 * as evidence of a fork or a roll-back.
 *
 * A witness that forgets a log's state could be walked back to size 0 and made
 * to cosign a second history, so the state must survive a kill at any moment:
 * each write goes to a temporary file that is fsync'ed, renamed over the old
 * one (atomic on POSIX), and the directory fsync'ed so the rename itself is on
 * disk before the witness answers. A reader sees the old state or the new one,
 * never a torn one; a state file that does not parse stops the witness rather
 * than letting it start again from nothing.
 *
 *   <data>/logs/<sha256(origin) hex>.json     one per log
 *   <data>/evidence/<sha256(origin) hex>/…    refused checkpoints (bounded)
 *   <data>/witness.lock                       one witness per directory
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface LogState {
  origin: string;
  size: number;
  /** Standard base64 of the root at `size`. */
  rootHash: string;
  /** The checkpoint note as the log signed it (without cosignatures). */
  checkpoint: string;
  /** This witness's cosignature line on it, served to monitors. */
  cosignature: string;
}

export class StateError extends Error {}

/** Lock files this process holds. */
const HELD = new Set<string>();

/** At most this many evidence files per log: a misbehaving log cannot fill the disk. */
export const MAX_EVIDENCE_PER_LOG = 1000;

export function originHash(origin: string): string {
  return createHash('sha256').update(origin, 'utf8').digest('hex');
}

/** Writes `data` to `path` so that a crash leaves the old file or the new one. */
export function writeFileDurably(path: string, data: string): void {
  const dir = join(path, '..');
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    const buf = Buffer.from(data, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  // The rename is durable only once the directory entry is.
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

function checkState(s: unknown, file: string): LogState {
  const bad = (why: string): never => {
    throw new StateError(`witness state ${file} is not valid (${why}); refusing to start`);
  };
  if (typeof s !== 'object' || s === null) bad('not an object');
  const o = s as Record<string, unknown>;
  if (typeof o.origin !== 'string' || o.origin === '') bad('origin');
  if (!Number.isSafeInteger(o.size) || (o.size as number) < 0) bad('size');
  if (typeof o.rootHash !== 'string') bad('rootHash');
  if (typeof o.checkpoint !== 'string') bad('checkpoint');
  if (typeof o.cosignature !== 'string') bad('cosignature');
  return o as unknown as LogState;
}

export class WitnessStore {
  private readonly logs = new Map<string, LogState>();
  private readonly logsDir: string;
  private readonly evidenceDir: string;
  private readonly lockFile: string;
  private locked = false;

  private constructor(readonly dir: string) {
    this.logsDir = join(dir, 'logs');
    this.evidenceDir = join(dir, 'evidence');
    this.lockFile = join(dir, 'witness.lock');
  }

  /**
   * Opens (creating if needed) a data directory, takes its lock, removes
   * temporary files a crash left behind and loads every log's state. A lock
   * left by a process that no longer runs is taken over.
   */
  static open(dir: string): WitnessStore {
    const s = new WitnessStore(dir);
    mkdirSync(s.logsDir, { recursive: true, mode: 0o700 });
    mkdirSync(s.evidenceDir, { recursive: true, mode: 0o700 });
    s.lock();
    try {
      for (const f of readdirSync(s.logsDir)) {
        const p = join(s.logsDir, f);
        if (f.includes('.tmp-')) {
          rmSync(p, { force: true });
          continue;
        }
        if (!f.endsWith('.json')) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(p, 'utf8'));
        } catch {
          throw new StateError(`witness state ${p} is not JSON; refusing to start`);
        }
        const st = checkState(parsed, p);
        if (`${originHash(st.origin)}.json` !== f)
          throw new StateError(`witness state ${p} names another log (${st.origin})`);
        s.logs.set(st.origin, st);
      }
    } catch (e) {
      s.close();
      throw e;
    }
    return s;
  }

  private lock(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.lockFile, 'wx', 0o600);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        this.locked = true;
        HELD.add(this.lockFile);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number(readFileSync(this.lockFile, 'utf8').trim());
        // Our own pid in the file is a lock this process holds, or one left by an
        // earlier process with the same pid (pid 1 in a restarted container).
        const ours = pid === process.pid;
        if (ours ? HELD.has(this.lockFile) : Number.isSafeInteger(pid) && pid > 0 && alive(pid))
          throw new StateError(
            `another witness (pid ${pid}) uses ${this.dir}; one witness per data directory`,
          );
        unlinkSync(this.lockFile); // left by a process that died
      }
    }
    throw new StateError(`cannot lock ${this.dir}`);
  }

  get(origin: string): LogState | undefined {
    return this.logs.get(origin);
  }

  origins(): string[] {
    return [...this.logs.keys()];
  }

  /** Persists a log's new state durably, then remembers it. */
  put(state: LogState): void {
    writeFileDurably(
      join(this.logsDir, `${originHash(state.origin)}.json`),
      `${JSON.stringify(state, null, 2)}\n`,
    );
    this.logs.set(state.origin, { ...state });
  }

  /** Keeps a refused, validly signed checkpoint as evidence (best effort, bounded). */
  keepEvidence(origin: string, reason: string, request: string, ours: LogState | undefined): void {
    const dir = join(this.evidenceDir, originHash(origin));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (readdirSync(dir).length >= MAX_EVIDENCE_PER_LOG) return;
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.json`;
    writeFileDurably(
      join(dir, name),
      `${JSON.stringify({ origin, reason, receivedAt: new Date().toISOString(), request, witnessState: ours ?? null }, null, 2)}\n`,
    );
  }

  /** The evidence kept for a log, oldest first (file contents). */
  evidence(origin: string): { reason: string; request: string }[] {
    const dir = join(this.evidenceDir, originHash(origin));
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  }

  close(): void {
    if (!this.locked) return;
    this.locked = false;
    HELD.delete(this.lockFile);
    rmSync(this.lockFile, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
