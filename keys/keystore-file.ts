/**
 * The local keystore on disk: its JSON format, strict parsing, and the file
 * handling that keeps it private and whole — mode 0600 files in a 0700 directory,
 * atomic replacement (write a temporary file, fsync, rename, fsync the directory),
 * and a lock file so two processes on one data directory (`saksi serve` and
 * `saksi ledger append`) never overwrite each other's new keys.
 *
 * The file is untrusted input when read back (it may have been damaged or edited):
 * every field is checked, and anything unexpected is KEYSTORE_CORRUPT.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DATA_KEY_LABEL, KeyError } from './key-service.ts';
import type { Sealed } from './seal.ts';

export const KEYSTORE_FORMAT = 'saksi-keystore/1';
export const KEYSTORE_FILE = 'keystore.json';
export const DEFAULT_KEK_FILE = 'kek';
export const KEK_BYTES = 32;

export interface SigningRecord {
  version: number;
  /** Standard base64 of the raw 32-byte Ed25519 public key (public, not sealed). */
  publicKey: string;
  createdAt: string;
  /** The PKCS#8 private key, sealed. */
  sealed: Sealed;
  /** RFC 3339 UTC time the version was retired; absent while it may verify. */
  retiredAt?: string;
}

export interface DataRecord {
  createdAt: string;
  sealed: Sealed;
}

export interface KeystoreDoc {
  format: typeof KEYSTORE_FORMAT;
  /** A constant sealed under the KEK: opening it tells a wrong KEK from damage. */
  kekCheck: Sealed;
  /** Signing keys by label, every version, oldest first. */
  signing: Map<string, SigningRecord[]>;
  data: Map<string, DataRecord>;
}

// Signing labels in the file are checked by shape, not against KEY_LABELS, so a
// keystore written by a newer version with more labels keeps them on rewrite.
const LABEL = /^[a-z][a-z0-9_]{0,31}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

// ---------------------------------------------------------------------------
// Format

export function serializeKeystore(doc: KeystoreDoc): string {
  const sorted = <V>(m: Map<string, V>) =>
    Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
  const out = {
    format: doc.format,
    cipher: 'AES-256-GCM',
    kekCheck: doc.kekCheck,
    signing: sorted(doc.signing),
    data: sorted(doc.data),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

export function parseKeystore(text: string, path: string): KeystoreDoc {
  const bad = (why: string): never => {
    throw new KeyError('KEYSTORE_CORRUPT', `keystore ${path} is damaged: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return bad('not valid JSON');
  }
  const root = record(raw, 'the file', bad);
  exactKeys(root, ['format', 'cipher', 'kekCheck', 'signing', 'data'], 'the file', bad);
  if (root.format !== KEYSTORE_FORMAT) bad(`unknown format ${JSON.stringify(root.format)}`);
  if (root.cipher !== 'AES-256-GCM') bad(`unknown cipher ${JSON.stringify(root.cipher)}`);
  const signing = new Map<string, SigningRecord[]>();
  for (const [label, versions] of Object.entries(record(root.signing, 'signing', bad))) {
    const where = `signing.${label}`;
    if (!LABEL.test(label)) bad(`invalid signing label ${JSON.stringify(label)}`);
    if (!Array.isArray(versions) || versions.length === 0) bad(`${where} must list versions`);
    const list = (versions as unknown[]).map((v, i): SigningRecord => {
      const r = record(v, `${where}[${i}]`, bad);
      const optional = 'retiredAt' in r ? ['retiredAt'] : [];
      exactKeys(
        r,
        ['version', 'publicKey', 'createdAt', 'sealed', ...optional],
        `${where}[${i}]`,
        bad,
      );
      // Versions count 1, 2, 3… with no gaps: a missing one means an edited file.
      if (r.version !== i + 1) bad(`${where}[${i}] must be version ${i + 1}`);
      base64(r.publicKey, 32, `${where}[${i}].publicKey`, bad);
      return {
        version: i + 1,
        publicKey: r.publicKey as string,
        createdAt: timestamp(r.createdAt, `${where}[${i}].createdAt`, bad),
        sealed: sealed(r.sealed, `${where}[${i}].sealed`, bad),
        ...(optional.length
          ? { retiredAt: timestamp(r.retiredAt, `${where}[${i}].retiredAt`, bad) }
          : {}),
      };
    });
    // Retirement is a watermark (key-service.ts KeyVersions): the retired versions
    // are the oldest ones, and the current (last) version is never among them.
    const retired = list.filter((r) => r.retiredAt !== undefined).length;
    if (list.slice(0, retired).some((r) => r.retiredAt === undefined))
      bad(`${where}: only the oldest versions can be retired`);
    if (retired === list.length) bad(`${where}: the current version is retired`);
    signing.set(label, list);
  }
  const data = new Map<string, DataRecord>();
  for (const [label, value] of Object.entries(record(root.data, 'data', bad))) {
    if (!DATA_KEY_LABEL.test(label)) bad(`invalid data-key label ${JSON.stringify(label)}`);
    const r = record(value, `data.${label}`, bad);
    exactKeys(r, ['createdAt', 'sealed'], `data.${label}`, bad);
    data.set(label, {
      createdAt: timestamp(r.createdAt, `data.${label}.createdAt`, bad),
      sealed: sealed(r.sealed, `data.${label}.sealed`, bad),
    });
  }
  return {
    format: KEYSTORE_FORMAT,
    kekCheck: sealed(root.kekCheck, 'kekCheck', bad),
    signing,
    data,
  };
}

type Bad = (why: string) => never;

function record(v: unknown, where: string, bad: Bad): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${where} must be an object`);
  return v as Record<string, unknown>;
}

function exactKeys(r: Record<string, unknown>, keys: string[], where: string, bad: Bad): void {
  for (const k of Object.keys(r)) if (!keys.includes(k)) bad(`unexpected field ${where}.${k}`);
  for (const k of keys) if (!(k in r)) bad(`missing field ${where}.${k}`);
}

function base64(v: unknown, length: number | null, where: string, bad: Bad): void {
  // Buffer's decoder is lenient; re-encoding catches anything non-canonical.
  if (typeof v !== 'string') bad(`${where} must be base64`);
  const b = Buffer.from(v as string, 'base64');
  if (b.toString('base64') !== v || (length !== null && b.length !== length)) {
    bad(`${where} must be base64${length === null ? '' : ` of ${length} bytes`}`);
  }
}

function timestamp(v: unknown, where: string, bad: Bad): string {
  if (typeof v !== 'string' || !TIMESTAMP.test(v)) bad(`${where} must be an RFC 3339 UTC time`);
  return v as string;
}

function sealed(v: unknown, where: string, bad: Bad): Sealed {
  const r = record(v, where, bad);
  exactKeys(r, ['iv', 'ct', 'tag'], where, bad);
  base64(r.iv, 12, `${where}.iv`, bad);
  base64(r.ct, null, `${where}.ct`, bad);
  base64(r.tag, 16, `${where}.tag`, bad);
  return { iv: r.iv as string, ct: r.ct as string, tag: r.tag as string };
}

// ---------------------------------------------------------------------------
// Private files

/** Owner-only: no permission bits at all for group or others. */
function checkPrivateMode(st: Stats, path: string, what: string): void {
  if (process.platform === 'win32') return; // POSIX modes do not apply; rely on ACLs.
  if ((st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    throw new KeyError(
      'KEYSTORE_INSECURE_MODE',
      `${what} ${path} has mode ${mode}: it must not be accessible to group or others (chmod 600 ${path})`,
    );
  }
}

/**
 * Creates `dir` (mode 0700) if needed. An existing directory is refused if others
 * may write to it: whoever can replace keystore.json can substitute their own keys.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const st = await stat(dir);
    if (!st.isDirectory()) throw new KeyError('KEYSTORE_IO', `${dir} is not a directory`);
    if (process.platform !== 'win32' && (st.mode & 0o002) !== 0 && (st.mode & 0o1000) === 0) {
      throw new KeyError(
        'KEYSTORE_INSECURE_MODE',
        `keystore directory ${dir} is writable by others (chmod 700 ${dir})`,
      );
    }
  } catch (e) {
    throw asKeyError(e, `cannot create keystore directory ${dir}`);
  }
}

/**
 * Reads a private file, or null if it does not exist. The mode is checked on the
 * open descriptor (fstat), so the file checked is the file read.
 */
export async function readPrivateFile(
  path: string,
  what: string,
  maxBytes: number,
): Promise<Buffer | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw asKeyError(e, `cannot open ${what} ${path}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new KeyError('KEYSTORE_IO', `${what} ${path} is not a regular file`);
    checkPrivateMode(st, path, what);
    if (st.size > maxBytes) {
      throw new KeyError(
        'KEYSTORE_CORRUPT',
        `${what} ${path} is ${st.size} bytes, more than ${maxBytes}`,
      );
    }
    return await fh.readFile();
  } catch (e) {
    throw asKeyError(e, `cannot read ${what} ${path}`);
  } finally {
    await fh.close();
  }
}

/**
 * Replaces `path` atomically with `data`, mode 0600: readers see the old file or
 * the new one, never half of one, even across a crash. With `exclusive`, fails
 * with EEXIST instead of replacing an existing file (first-start creation).
 */
export async function writePrivateFileAtomic(
  path: string,
  data: Uint8Array | string,
  exclusive = false,
): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.chmod(0o600); // whatever the umask
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (exclusive) {
      // link() fails if the target exists, unlike rename(): no second first start.
      await link(tmp, path);
      await unlink(tmp);
    } else {
      await rename(tmp, path);
    }
    await syncDir(dirname(path));
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable (POSIX: the directory entry lives in the dir).
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  try {
    await fh.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    await fh.close();
  }
}

/**
 * Runs `fn` holding `<dir>/keystore.lock`. The lock file records the holder's pid;
 * a lock left by a process that no longer exists is taken over.
 */
export async function withKeystoreLock<T>(
  dir: string,
  fn: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const lockPath = join(dir, 'keystore.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw asKeyError(e, `cannot lock ${lockPath}`);
    }
    if (await lockIsStale(lockPath)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new KeyError(
        'KEYSTORE_LOCKED',
        `keystore ${dir} is locked by another process (${lockPath})`,
      );
    }
    await sleep(20 + Math.random() * 30);
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function lockIsStale(lockPath: string): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const pid = Number(text);
    // A lock being written has no pid yet; only an old pid-less lock is stale.
    if (!Number.isSafeInteger(pid) || pid <= 0) return Date.now() - st.mtimeMs > 30_000;
    if (pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false; // vanished meanwhile: just retry
  }
}

export function asKeyError(e: unknown, context: string): KeyError {
  if (e instanceof KeyError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  return new KeyError('KEYSTORE_IO', `${context}${code ? ` (${code})` : ''}`, { cause: e });
}

// ---------------------------------------------------------------------------
// The key-encryption key

/**
 * Parses a KEK file: exactly 32 raw bytes, or base64 text of 32 bytes (so
 * `openssl rand -base64 32 > kek` works as well as `head -c 32 /dev/urandom`).
 */
export function parseKek(bytes: Buffer, path: string): Buffer {
  if (bytes.length === KEK_BYTES) return bytes;
  const text = bytes.toString('latin1').trim();
  const decoded = Buffer.from(text, 'base64');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text) && decoded.length === KEK_BYTES) {
    bytes.fill(0);
    return decoded;
  }
  bytes.fill(0);
  throw new KeyError(
    'KEYSTORE_KEK_INVALID',
    `KEK file ${path} must hold 32 random bytes (raw, or base64 text)`,
  );
}
