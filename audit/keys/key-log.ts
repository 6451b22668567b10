/**
 * Control 5's comparison of the key service with the log (docs/keys.md):
 *  - the log announces every signing key (`system.key.activated`, subjects
 *    `key:log`, `key:token`: at start-up when it changed, and on every rotation
 *    through the API) and records every retirement (`system.key.retired`,
 *    subject `key:token:retired`, payload `retiredThrough` and the retired
 *    versions' JWT kids);
 *  - the key service reports, per label, its current version, its retirement
 *    watermark and the listed versions with their creation times.
 * Findings: the version that signs was never announced (KEY_VERSION_NOT_LOGGED);
 * it is a version the log retired (RETIRED_KEY_IN_USE); versions the log
 * retired still verify (KEY_RETIREMENT_NOT_APPLIED); the service retired
 * versions without a log entry (KEY_RETIREMENT_NOT_LOGGED); the signing version
 * is older than the maximum age (KEY_TOO_OLD).
 */
import { keyId } from '../../api/auth/jwt.ts';
import { KEY_LABELS, type KeyService, type RotatingKeyService } from '../../keys/index.ts';
import type { LogReader, Sql } from '../../ledger/index.ts';
import { parseVerifierKey } from '../../ledger/verifier/index.ts';
import type { Finding } from '../types.ts';

/**
 * The default maximum age of a signing key's current version: one year, the
 * short end of the 1–3-year cryptoperiod NIST SP 800-57 Part 1 Rev. 5 §5.3.6
 * gives private signature keys. `saksi audit --key-max-age DAYS` overrides it.
 */
export const DEFAULT_KEY_MAX_AGE_DAYS = 365;
const DAY_MS = 86_400_000;

interface Announcement {
  index: number | null;
  at: string | undefined;
  publicKey: string;
}
interface Retirement {
  index: number | null;
  retiredThrough: number;
  kids: string[];
}
export interface KeyLog {
  announced: Map<string, Announcement[]>;
  retired: Map<string, Retirement[]>;
}

/** Every announcement and retirement of a signing key, oldest first, read through LogReader. */
export async function readKeyLog(sql: Sql, reader: LogReader): Promise<KeyLog> {
  const subjects = KEY_LABELS.flatMap((l) => [`key:${l}`, `key:${l}:retired`]);
  const versions = await sql.query<{ subject: string; seq: number; pending_id: number | string }>(
    'SELECT subject, seq, pending_id FROM subject_versions WHERE subject = ANY($1::text[]) ORDER BY subject, seq',
    [subjects],
  );
  const entries = await reader.pendingEntries(versions.map((v) => Number(v.pending_id)));
  const log: KeyLog = { announced: new Map(), retired: new Map() };
  const decoder = new TextDecoder();
  for (const v of versions) {
    const e = entries.get(Number(v.pending_id));
    if (!e) continue;
    const entry = JSON.parse(decoder.decode(e.entry)) as {
      kind: string;
      at?: string;
      payload?: {
        label?: string;
        verifierKey?: string;
        retiredThrough?: number;
        keys?: { kid?: string }[];
      };
    };
    const label = entry.payload?.label;
    if (typeof label !== 'string') continue;
    if (entry.kind === 'system.key.activated' && typeof entry.payload?.verifierKey === 'string') {
      const list = log.announced.get(label) ?? [];
      list.push({
        index: e.index,
        at: entry.at,
        publicKey: Buffer.from(parseVerifierKey(entry.payload.verifierKey).publicKey).toString(
          'base64',
        ),
      });
      log.announced.set(label, list);
    } else if (entry.kind === 'system.key.retired') {
      const list = log.retired.get(label) ?? [];
      list.push({
        index: e.index,
        retiredThrough: Number(entry.payload?.retiredThrough ?? 0),
        kids: (entry.payload?.keys ?? []).map((k) => String(k.kid)),
      });
      log.retired.set(label, list);
    }
  }
  return log;
}

const rotating = (k: KeyService): k is RotatingKeyService =>
  typeof (k as Partial<RotatingKeyService>).versions === 'function' &&
  typeof (k as Partial<RotatingKeyService>).publicKeys === 'function';

/** Compares the key service with the key log; findings pushed, evidence per label returned. */
export async function compareKeys(opts: {
  keys: KeyService;
  log: KeyLog;
  now: Date;
  maxAgeDays: number;
  findings: Finding[];
}): Promise<Record<string, unknown>> {
  const { keys, log, findings } = opts;
  if (!rotating(keys))
    return { note: `${keys.describe()} does not report key versions: not compared` };
  const evidence: Record<string, unknown> = {};
  for (const label of KEY_LABELS) {
    const state = await keys.versions(label);
    const listed = await keys.publicKeys(label);
    const current = listed.find((k) => k.version === state.current);
    const announced = log.announced.get(label) ?? [];
    const retirements = log.retired.get(label) ?? [];
    const lastRetirement = retirements.at(-1);
    const loggedThrough = Math.max(0, ...retirements.map((r) => r.retiredThrough));
    const retiredKids = new Set(retirements.flatMap((r) => r.kids));
    const record = `key ${label} v${state.current}`;
    const currentKey = current ? Buffer.from(current.publicKey).toString('base64') : null;
    const announcement = announced.find((a) => a.publicKey === currentKey);
    const ageDays = current ? (opts.now.getTime() - Date.parse(current.createdAt)) / DAY_MS : null;
    evidence[label] = {
      current: state.current,
      createdAt: current?.createdAt ?? null,
      ageDays: ageDays === null ? null : Math.floor(ageDays),
      maxAgeDays: opts.maxAgeDays,
      versionsListed: listed.map((k) => k.version),
      retiredThrough: state.retiredThrough,
      announcedAtIndex: announcement?.index ?? null,
      announcementsInLog: announced.length,
      retiredThroughInLog: loggedThrough,
      retirementsInLog: retirements.length,
    };
    if (!announcement)
      findings.push({
        code: 'KEY_VERSION_NOT_LOGGED',
        record,
        message: `the key service signs with ${label} v${state.current}, but no system.key.activated entry of key:${label} announces its public key`,
      });
    if (
      state.current <= loggedThrough ||
      (current && label === 'token' && retiredKids.has(keyId(current.publicKey)))
    )
      findings.push({
        code: 'RETIRED_KEY_IN_USE',
        record,
        message: `${label} v${state.current} signs, but the log retired it (every version through v${loggedThrough}, entry ${lastRetirement?.index ?? '?'})`,
      });
    if (state.retiredThrough < loggedThrough)
      findings.push({
        code: 'KEY_RETIREMENT_NOT_APPLIED',
        record: `key ${label} v${state.retiredThrough + 1}–v${loggedThrough}`,
        message: `the log retired ${label} through v${loggedThrough} (entry ${lastRetirement?.index ?? '?'}), but the key service retired only through v${state.retiredThrough}: those versions still verify`,
      });
    if (state.retiredThrough > loggedThrough)
      findings.push({
        code: 'KEY_RETIREMENT_NOT_LOGGED',
        record: `key ${label} v${loggedThrough + 1}–v${state.retiredThrough}`,
        message: `the key service retired ${label} through v${state.retiredThrough}, but the log records retirements only through v${loggedThrough}`,
      });
    if (ageDays !== null && ageDays > opts.maxAgeDays)
      findings.push({
        code: 'KEY_TOO_OLD',
        record,
        message: `${label} v${state.current} was created ${current?.createdAt}, ${Math.floor(ageDays)} days ago: older than the maximum of ${opts.maxAgeDays} days; rotate it`,
      });
  }
  return evidence;
}
