/** Every private-data source control 6 samples; a new domain with personal data adds a line. */
import type { PrivateDataSource } from './source.ts';
import { voters } from './voters.ts';

export const SOURCES: readonly PrivateDataSource[] = [voters];
export type { Person, PrivateDataSource } from './source.ts';
