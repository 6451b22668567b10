/**
 * Officers: who they are (id, username), what they may act as (role) and where
 * (assigned area). The rules here are pure; storage is ./store.ts. The same rules
 * are CHECK constraints in infra/db/migrations/002_identity.sql.
 */
import { type AreaLevel, areaLevel, isAreaCode, isRole } from '../../policies/index.ts';
import type { Role } from '../auth/principal.ts';

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
