/** What the audit routes need from the runtime. */
import type { Db, LogReader } from '../../../ledger/index.ts';
import type { WriteServices } from '../../write/ledgered-write.ts';
import type { Stage } from './calendar.ts';

export interface AuditDeps {
  writes: WriteServices;
  db: Db;
  /** Where entries' indexes and leaf hashes are read (the one door out). */
  log: LogReader;
  /** The election calendar in force (calendar.ts). */
  stages: readonly Stage[];
  /** Evidence older than this does not open a stage (SAKSI_AUDIT_MAX_AGE). */
  maxAgeSeconds: number;
  /** The clock; tests move it. */
  now?: () => number;
}
