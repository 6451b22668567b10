/**
 * The shapes every control shares (issue #13 "Controls"): a control is a named
 * check with a fixed severity that reads the published log, the public API and
 * the database through an AuditContext, and answers pass, fail or skip with the
 * evidence behind the answer. Adding a control is adding a file in ./controls/
 * and one line in ./controls/index.ts.
 */
import type { KeyService } from '../keys/index.ts';
import type { Db, LogReader } from '../ledger/index.ts';
import type { TileFetcher } from '../ledger/verifier/index.ts';
import type { ResultsInLog } from './recount/in-log.ts';

export type ControlStatus = 'pass' | 'fail' | 'skip';

/** How much a failure of the control matters (the finding's severity, part B). */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** A title in Indonesian and English: the report is read by KPU commissioners. */
export interface Bilingual {
  id: string;
  en: string;
}

/**
 * One thing found wrong. `code` is a fixed string-literal per kind of finding,
 * so a tamper drill asserts the exact finding; `record` names the record (table
 * and key, or log index) a person must look at.
 */
export interface Finding {
  code: string;
  record?: string;
  message: string;
}

/** A control's own answer, before the runner adds its name and timings. */
export interface ControlOutcome {
  status: ControlStatus;
  /** One sentence for the summary table (English; the HTML adds the Indonesian title). */
  summary: string;
  findings: Finding[];
  /** What was checked and measured, as plain JSON (counts, sizes, hashes). */
  evidence: Record<string, unknown>;
}

export interface ControlResult extends ControlOutcome {
  id: string;
  title: Bilingual;
  severity: Severity;
  /** ISO time the control started, and how long it ran. */
  startedAt: string;
  ms: number;
}

export interface Control {
  /** Stable, kebab-case: `log-integrity`. */
  id: string;
  title: Bilingual;
  severity: Severity;
  run(ctx: AuditContext): Promise<ControlOutcome>;
}

/** Progress of a long control, for the terminal's progress bar. */
export interface AuditProgress {
  control: string;
  done: number;
  total: number;
}

/** What a run of the published log's integrity check leaves for later controls. */
export interface PublishedLog {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  checkpoint: string;
  /** The last `system.policy_set.activated` entry's payload seen in the log, and its index. */
  policyActivation?: { index: number; payload: Record<string, unknown> };
  /**
   * What the results control recomputes from, noted in the same pass: every
   * count-form (C.Hasil) version by subject `chasil:<contest>:<tps>`, each TPS's
   * latest counted form and each area's latest published recap.
   */
  results?: ResultsInLog;
  /** The leaf hash the published tiles hold at `index` (RFC 9162 §2.1.1). */
  leafAt(index: number): Uint8Array;
}

/**
 * Everything a control may read. The log is read as any outsider would (its
 * C2SP tlog-tiles API); the database only where a control compares it with the
 * log (reconciliation, personal data, configuration).
 */
export interface AuditContext {
  /** The API's base URL, e.g. http://127.0.0.1:8080 (no trailing slash). */
  baseUrl: string;
  /** GET or POST on the API (public endpoints only; the auditor holds no officer token). */
  http(path: string, init?: RequestInit): Promise<Response>;
  /** Fetches `<baseUrl>/log/<path>`; null on 404. */
  tiles: TileFetcher;
  /** The pinned log key; absent: the key the log serves is trusted on first use (and said so). */
  verifierKey?: string;
  /** The (size, root) the auditor verified before (`saksi verify --state` format). */
  previous?: { size: number; rootHash: Uint8Array };
  /** The database, when the auditor was given one (--database). */
  db?: Db;
  /** The key service, to unseal private records for sampling (control 6). */
  keys?: KeyService;
  /** The log through its one read interface (ledger/log-reader.ts), with `db`. */
  reader?: LogReader;
  /** Set by the log-integrity control for the controls after it. */
  published?: PublishedLog;
  /** A directory holding the latest `saksi loadtest` results.json, for feasibility. */
  loadtestDir?: string;
  /** The stage (tahapan) this evidence is for, e.g. `pemungutan-suara`. */
  stage?: string;
  /** The server's environment dump (`env` output, parsed) to scan for secrets. */
  env?: Record<string, string | undefined>;
  /** Maximum age of a signing key's current version (control 5); default 365. */
  keyMaxAgeDays?: number;
  progress?(p: AuditProgress): void;
  now(): Date;
}
