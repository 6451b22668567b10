/**
 * A private-data source for control 6: a domain whose people must never appear
 * in the public log or endpoints. Each source samples people by re-deriving
 * them from its private tables (unsealing through the key service) and says
 * every spelling of their data that would be a leak. Adding a domain (campaign-
 * finance donors, api/domains/finance/) is adding one file and a line in
 * ./index.ts.
 */
import type { KeyService } from '../../keys/index.ts';
import type { Sql } from '../../ledger/index.ts';

export interface Person {
  /** The private record's key, for the finding (never its content). */
  record: string;
  /** Every string that must appear nowhere public (NIK, name, birth date in each format). */
  spellings: string[];
}

export interface PrivateDataSource {
  name: string;
  /** Up to `n` people, chosen at random, re-derived from the private tables. */
  sample(sql: Sql, keys: KeyService, n: number): Promise<Person[]>;
}

/** A birth date `YYYY-MM-DD` in every format forms and exports use. */
export function dateSpellings(iso: string): string[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return [iso];
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  return [
    iso,
    `${d}-${mo}-${y}`,
    `${d}/${mo}/${y}`,
    `${d}${mo}${y}`,
    `${y}${mo}${d}`,
    `${d}.${mo}.${y}`,
  ];
}

/** A name as written, upper- and lower-case (names are matched case-sensitively per spelling). */
export const nameSpellings = (name: string): string[] => [
  ...new Set([name, name.toUpperCase(), name.toLowerCase()]),
];
