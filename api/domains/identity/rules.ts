/**
 * Officers' rules: who they are (id, username), what they may act as (role) and
 * where (assigned area), and what a new officer must satisfy. Everything here is
 * pure and tested alone (rules.test.ts); storage is ./store.ts. The same rules are
 * CHECK constraints in infra/db/migrations/002_identity.sql. Who may appoint whom
 * is not a rule here: it is the policy's (policies/officers.cedar).
 */
import { type AreaLevel, areaLevel, isAreaCode, isRole } from '../../../policies/index.ts';
import type { Role } from '../../auth/principal.ts';

/** An officer as stored, without the password hash. */
export interface Officer {
  id: string;
  username: string;
  role: Role;
  area: string;
  suspended: boolean;
  /** RFC 3339 UTC. */
  createdAt: string;
}

/**
 * Officer ids become log subjects (`officer:<id>`) and entry actors, so they are
 * short, lower-case and printable. They are public: never derive one from a name.
 */
export const OFFICER_ID = /^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$/;
/** Usernames are private (never logged); lower-case so "Budi" and "budi" are one. */
export const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/**
 * The level of the area tree each role works at (policies/assignment.cedar);
 * `any` for parties and observers, who may follow any area.
 */
export const ROLE_LEVEL: Readonly<Record<Role, AreaLevel | 'any'>> = {
  KPPS: 'tps',
  PPS: 'desa',
  PPK: 'kecamatan',
  KPU_KABKOTA: 'kabkota',
  KPU_PROVINSI: 'provinsi',
  KPU_RI: 'nasional',
  BAWASLU: 'nasional',
  AUDITOR: 'nasional',
  ADMIN: 'nasional',
  PARTY: 'any',
  OBSERVER: 'any',
};

/** Whether an officer of `role` may be assigned `area` (both attacker-controlled). */
export function roleFitsArea(role: unknown, area: unknown): boolean {
  if (!isRole(role) || !isAreaCode(area)) return false;
  const level = ROLE_LEVEL[role];
  return level === 'any' || areaLevel(area) === level;
}

/** The minimal password policy (NIST SP 800-63B §5.1.1.2: length, not composition). */
export const MIN_PASSWORD_CHARS = 12;
/** Bounds the work a single login can ask of the hash (and the request size). */
export const MAX_PASSWORD_CHARS = 256;

/** Length in code points, as a person counts characters. */
export function passwordLength(password: string): number {
  let n = 0;
  for (const _ of password) n++;
  return n;
}

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

/** What a new officer must satisfy before anything is hashed or stored. */
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
