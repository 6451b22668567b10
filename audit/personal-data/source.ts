/**
 * A private-data source for control 6: a domain whose people must never appear
 * in the public log or endpoints. Each source samples people by re-deriving
 * them from its private tables (unsealing through the key service, as the
 * application does) and returns their identifying fields; ./needles.ts turns
 * them into every spelling that would be a leak. Adding a domain is adding one
 * file and a line in ./index.ts.
 */
import type { KeyService } from '../../keys/index.ts';
import type { Sql } from '../../ledger/index.ts';

export interface Person {
  /** The private record's table and key, for the finding (never its content). */
  record: string;
  /** NIK (16 digits, Dukcapil). */
  nik?: string;
  /** Another identity number: a donor's NPWP (organisations), or a family-card number. */
  idNumber?: string;
  name?: string;
  /** YYYY-MM-DD. */
  birthDate?: string;
}

export interface PrivateDataSource {
  name: string;
  /** Up to `n` people, chosen at random, re-derived from the private tables. */
  sample(sql: Sql, keys: KeyService, n: number): Promise<Person[]>;
}
