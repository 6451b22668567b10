/** Every private-data source control 6 samples; a new domain with personal data adds a line. */
import { donors } from './donors.ts';
import type { PrivateDataSource } from './source.ts';
import { voters } from './voters.ts';

export const SOURCES: readonly PrivateDataSource[] = [voters, donors];
export { type Hit, Matcher, type Needle, needlesOf } from './needles.ts';
export type { Person, PrivateDataSource } from './source.ts';
