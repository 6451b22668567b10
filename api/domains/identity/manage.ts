/**
 * Creating officers: the domain rules (./rules.ts), the password hash, and the
 * ledgered insert. Rules that fail are returned as values (CONVENTIONS.md §5);
 * the HTTP edge maps them.
 */
import { randomBytes } from 'node:crypto';
import type { Db, EntryActor } from '../../../ledger/index.ts';
import { hashPassword } from '../../auth/password.ts';
import type { Role } from '../../auth/principal.ts';
import { type CreateOfficerInput, type CreateOfficerRefusal, checkNewOfficer } from './rules.ts';
import { type InsertResult, insertOfficer } from './store.ts';

export type CreateOfficerResult =
  | InsertResult
  | { ok: false; code: CreateOfficerRefusal; message: string };

/** A public, non-personal id such as `kpps-3171011001001-4f2a9c1b`. */
export function newOfficerId(role: Role, area: string): string {
  return `${role.toLowerCase().replaceAll('_', '-')}-${area.toLowerCase()}-${randomBytes(4).toString('hex')}`;
}

/** Creates an officer and its `identity.officer.created` log entry, in one transaction. */
export async function createOfficer(
  db: Db,
  input: CreateOfficerInput,
  actor: EntryActor,
  at: Date = new Date(),
): Promise<CreateOfficerResult> {
  const checked = checkNewOfficer(input);
  if (!checked.ok) return checked;
  return insertOfficer(
    db,
    {
      id: input.id ?? newOfficerId(input.role, input.area),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      area: input.area,
    },
    actor,
    at,
  );
}
