/**
 * Creating officers: the domain rules (role fits area, password policy, id and
 * username shape), the password hash, and the ledgered insert. Rules that fail
 * are returned as values (CONVENTIONS.md §5); the HTTP edge maps them.
 */
import { randomBytes } from 'node:crypto';
import type { Db, EntryActor } from '../../ledger/index.ts';
import { hashPassword } from '../auth/password.ts';
import type { Role } from '../auth/principal.ts';
import {
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  OFFICER_ID,
  passwordLength,
  roleFitsArea,
  USERNAME,
} from './officer.ts';
import { type InsertResult, insertOfficer } from './store.ts';

export interface CreateOfficerInput {
  /** Chosen by the caller, or generated (role, area and random digits; never a name). */
  id?: string | undefined;
  username: string;
  password: string;
  role: Role;
  area: string;
}

export type CreateOfficerRefusal =
  | 'ROLE_AREA_MISMATCH'
  | 'WEAK_PASSWORD'
  | 'INVALID_ID'
  | 'INVALID_USERNAME';

export type CreateOfficerResult =
  | InsertResult
  | { ok: false; code: CreateOfficerRefusal; message: string };

/** A public, non-personal id such as `kpps-3171011001001-4f2a9c1b`. */
export function newOfficerId(role: Role, area: string): string {
  return `${role.toLowerCase().replaceAll('_', '-')}-${area.toLowerCase()}-${randomBytes(4).toString('hex')}`;
}

export function checkNewOfficer(
  input: CreateOfficerInput,
): { ok: true } | { ok: false; code: CreateOfficerRefusal; message: string } {
  if (input.id !== undefined && !OFFICER_ID.test(input.id))
    return { ok: false, code: 'INVALID_ID', message: `id must match ${OFFICER_ID.source}` };
  if (!USERNAME.test(input.username))
    return {
      ok: false,
      code: 'INVALID_USERNAME',
      message: `username must match ${USERNAME.source} (lower case)`,
    };
  if (!roleFitsArea(input.role, input.area))
    return {
      ok: false,
      code: 'ROLE_AREA_MISMATCH',
      message: `a ${input.role} officer cannot be assigned area ${input.area}`,
    };
  const n = passwordLength(input.password);
  if (n < MIN_PASSWORD_CHARS || n > MAX_PASSWORD_CHARS)
    return {
      ok: false,
      code: 'WEAK_PASSWORD',
      message: `a password must be ${MIN_PASSWORD_CHARS}–${MAX_PASSWORD_CHARS} characters long`,
    };
  return { ok: true };
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
