/**
 * Demo mode (`saksi serve --demo`, never production): one officer per role in a
 * demo area of DKI Jakarta, and tokens for them without a password, so that a
 * demo can be driven from the command line (`saksi demo token`). Demo officers
 * are real officers: their creation goes through the same ledgered insert.
 */
import { randomBytes } from 'node:crypto';
import { type Db, type EntryActor, systemActor } from '../../../ledger/index.ts';
import { ROLES, type Role } from '../../auth/principal.ts';
import type { IssuedToken, TokenService } from '../../auth/tokens.ts';
import { createOfficer } from './manage.ts';
import { type Officer, roleFitsArea } from './rules.ts';
import { findOfficer } from './store.ts';

/** Where each role's demo officer works: Jakarta Pusat, Gambir, Gambir, TPS 001. */
export const DEMO_AREAS: Readonly<Record<Role, string>> = {
  KPPS: '3171011001001',
  PPS: '3171011001',
  PPK: '317101',
  KPU_KABKOTA: '3171',
  KPU_PROVINSI: '31',
  KPU_RI: 'ID',
  BAWASLU: 'ID',
  AUDITOR: 'ID',
  ADMIN: 'ID',
  PARTY: 'ID',
  OBSERVER: 'ID',
};

/** The actor of entries that demo mode writes on its own. */
export const DEMO_ACTOR: EntryActor = systemActor('demo-seed');

/** `demo-kpps-3171011001001`: also the demo officer's username. */
export const demoOfficerId = (role: Role, area: string) =>
  `demo-${role.toLowerCase().replaceAll('_', '-')}-${area.toLowerCase()}`;

export interface SeededOfficer {
  id: string;
  role: Role;
  area: string;
  /** Set only for an officer created by this call; never stored or logged. */
  password?: string;
}

/** The demo officer of `role` in `area`, created if absent (concurrent callers agree). */
async function ensureDemoOfficer(
  db: Db,
  role: Role,
  area: string,
  now: Date,
): Promise<{ officer: Officer; password?: string }> {
  const id = demoOfficerId(role, area);
  const existing = await findOfficer(db, id);
  if (existing) return { officer: existing };
  const password = randomBytes(18).toString('base64url');
  const created = await createOfficer(
    db,
    { id, username: id, password, role, area },
    DEMO_ACTOR,
    now,
  );
  if (created.ok) return { officer: created.officer, password };
  const raced = created.code === 'ID_TAKEN' ? await findOfficer(db, id) : null;
  if (raced) return { officer: raced };
  throw new Error(`cannot create demo officer ${id}: ${created.code}`);
}

/**
 * Creates the demo officer of every role (those that exist are left alone) with
 * a random password, returned once for whoever runs the demo.
 */
export async function seedDemoOfficers(
  db: Db,
  options: { now?: () => number } = {},
): Promise<SeededOfficer[]> {
  const now = new Date((options.now ?? Date.now)());
  return Promise.all(
    ROLES.map(async (role) => {
      const { officer, password } = await ensureDemoOfficer(db, role, DEMO_AREAS[role], now);
      return { id: officer.id, role, area: officer.area, ...(password ? { password } : {}) };
    }),
  );
}

export type DemoTokenResult =
  | { ok: true; issued: IssuedToken; officer: Officer }
  | { ok: false; code: 'ROLE_AREA_MISMATCH' | 'SUSPENDED'; message: string };

/**
 * A token for the demo officer of `role` (in `area`, default DEMO_AREAS[role]);
 * an officer for another area that fits the role is created on demand.
 */
export async function demoToken(
  deps: { db: Db; tokens: TokenService; now?: () => number },
  role: Role,
  area: string = DEMO_AREAS[role],
): Promise<DemoTokenResult> {
  if (!roleFitsArea(role, area))
    return {
      ok: false,
      code: 'ROLE_AREA_MISMATCH',
      message: `a ${role} officer cannot be assigned area ${area}`,
    };
  const now = new Date((deps.now ?? Date.now)());
  const { officer } = await ensureDemoOfficer(deps.db, role, area, now);
  if (officer.suspended)
    return { ok: false, code: 'SUSPENDED', message: `demo officer ${officer.id} is suspended` };
  return { ok: true, issued: await deps.tokens.issue(officer), officer };
}
