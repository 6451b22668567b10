// The identity domain's pure rules, alone: which area level each role works at,
// and what a new officer must satisfy (id, username, password length). Who may
// appoint whom is the policy's (policies/decisions/officer.manage.json).
import { describe, expect, it } from 'vitest';
import type { Role } from '../../auth/principal.ts';
import {
  type CreateOfficerInput,
  checkNewOfficer,
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  passwordLength,
  roleFitsArea,
} from './rules.ts';

describe('role and area', () => {
  it('fits each role to its level of the area tree', () => {
    const areas = {
      ID: 'ID',
      prov: '31',
      kab: '3171',
      kec: '317101',
      desa: '3171011001',
      tps: '3171011001001',
    };
    const fits: Record<Role, (keyof typeof areas)[]> = {
      KPPS: ['tps'],
      PPS: ['desa'],
      PPK: ['kec'],
      KPU_KABKOTA: ['kab'],
      KPU_PROVINSI: ['prov'],
      KPU_RI: ['ID'],
      BAWASLU: ['ID'],
      AUDITOR: ['ID'],
      ADMIN: ['ID'],
      PARTY: ['ID', 'prov', 'kab', 'kec', 'desa', 'tps'],
      OBSERVER: ['ID', 'prov', 'kab', 'kec', 'desa', 'tps'],
    };
    for (const [role, ok] of Object.entries(fits))
      for (const [name, code] of Object.entries(areas))
        expect(roleFitsArea(role, code), `${role} ${code}`).toBe(ok.includes(name as never));
    for (const bad of [
      'id',
      '3',
      '317',
      '31710',
      '31710110010',
      '31710110010011',
      '３１',
      ' 31',
      31,
      null,
    ])
      expect(roleFitsArea('PARTY', bad)).toBe(false);
    expect(roleFitsArea('admin', 'ID')).toBe(false);
  });
});

describe('checkNewOfficer', () => {
  const good: CreateOfficerInput = {
    username: 'budi-01',
    password: 'a long enough password',
    role: 'KPPS',
    area: '3171011001001',
  };

  it('accepts a well-formed officer, with or without an id', () => {
    expect(checkNewOfficer(good)).toEqual({ ok: true });
    expect(checkNewOfficer({ ...good, id: 'kpps-3171011001001-1' })).toEqual({ ok: true });
  });

  it('names the first rule a new officer breaks', () => {
    const cases: [Partial<CreateOfficerInput>, string][] = [
      [{ id: 'Budi Santoso' }, 'INVALID_ID'],
      [{ id: '-x' }, 'INVALID_ID'],
      [{ username: 'Budi' }, 'INVALID_USERNAME'],
      [{ username: 'ab' }, 'INVALID_USERNAME'],
      [{ area: '3171011001' }, 'ROLE_AREA_MISMATCH'],
      [{ role: 'ADMIN' as Role, area: '31' }, 'ROLE_AREA_MISMATCH'],
      [{ password: 'x'.repeat(MIN_PASSWORD_CHARS - 1) }, 'WEAK_PASSWORD'],
      [{ password: 'x'.repeat(MAX_PASSWORD_CHARS + 1) }, 'WEAK_PASSWORD'],
    ];
    for (const [change, code] of cases) {
      const r = checkNewOfficer({ ...good, ...change });
      expect(r, JSON.stringify(change)).toMatchObject({ ok: false, code });
      expect(r.ok || r.message.length > 10).toBe(true);
    }
  });

  it('counts password characters as a person does (code points)', () => {
    expect(passwordLength('🗳🗳🗳')).toBe(3);
    expect(passwordLength('abc')).toBe(3);
    expect(checkNewOfficer({ ...good, password: '🗳'.repeat(MIN_PASSWORD_CHARS) }).ok).toBe(true);
  });
});
