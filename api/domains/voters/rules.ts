/**
 * The rules of the voter register (DOMAIN.md application 3), pure: the NIK's
 * structure, who may be registered, and how a record moves between lists.
 * Each failure is a `Violation` (a 422 at the edge, nothing stored).
 */
import { desaOfTps } from '../../../policies/areas.ts';
import type { Violation } from '../../write/ledgered-write.ts';
import type { VoterList, VoterPersonal } from './schemas.ts';

/** Voting day of the 2024 election (DOMAIN.md "The 2024 stages"): age is counted on it. */
export const ELECTION_DAY = '2024-02-14';

/**
 * The parts of a NIK (Permendagri 72/2019, Kependudukan): PP KK CC (the
 * kecamatan of first registration, 6 digits), DD MM YY (birth date; women add
 * 40 to the day), SSSS (serial, from 0001).
 */
export interface NikParts {
  region: string;
  day: number;
  month: number;
  year2: number;
  female: boolean;
  serial: number;
}

export function nikParts(nik: string): NikParts | null {
  if (!/^[0-9]{16}$/.test(nik)) return null;
  const dd = Number(nik.slice(6, 8));
  return {
    region: nik.slice(0, 6),
    day: dd > 40 ? dd - 40 : dd,
    month: Number(nik.slice(8, 10)),
    year2: Number(nik.slice(10, 12)),
    female: dd > 40,
    serial: Number(nik.slice(12, 16)),
  };
}

/** A real calendar date `YYYY-MM-DD`, or null. */
export function calendarDate(s: string): { y: number; m: number; d: number } | null {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return { y, m: mo, d };
}

/**
 * The NIK alone: 16 digits, a region code that is a kecamatan of the registry
 * (`isKecamatan`), a real day and month (day + 40 for women), a serial from 0001.
 */
export function nikViolations(
  nik: string,
  isKecamatan: (code: string) => boolean,
  p: NikParts | null = nikParts(nik),
): Violation[] {
  if (!p) return [{ rule: 'nik-format', message: 'a NIK is 16 digits' }];
  const v: Violation[] = [];
  if (!isKecamatan(p.region))
    v.push({
      rule: 'nik-region',
      message: 'the NIK region code is not a kecamatan of the registry',
    });
  const dd = p.female ? p.day + 40 : p.day;
  if (dd < 1 || (dd > 31 && dd < 41) || dd > 71 || p.month < 1 || p.month > 12)
    v.push({
      rule: 'nik-birth-date',
      message: 'the NIK birth-date part is not a date (women: day + 40)',
    });
  if (p.serial === 0) v.push({ rule: 'nik-serial', message: 'the NIK serial starts at 0001' });
  return v;
}

/** Whole years from `birth` to `on`, both `YYYY-MM-DD`. */
export function ageOn(birth: { y: number; m: number; d: number }, on: string): number {
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return yearsBetween(birth, { y, m, d });
}

function yearsBetween(
  birth: { y: number; m: number; d: number },
  on: { y: number; m: number; d: number },
): number {
  return on.y - birth.y - (on.m < birth.m || (on.m === birth.m && on.d < birth.d) ? 1 : 0);
}

// Parsed once, not per record (an import checks millions).
const VOTING_DAY = calendarDate(ELECTION_DAY)!;

/**
 * A whole record: its NIK, a birth date that is a date and agrees with the
 * NIK's (day, month, two-digit year; + 40 exactly for women), and the right to
 * vote — 17 on voting day, or married or once married (UU 7/2017 art. 198).
 */
export function recordViolations(
  r: VoterPersonal,
  isKecamatan: (code: string) => boolean,
): Violation[] {
  const p = nikParts(r.nik);
  const v = nikViolations(r.nik, isKecamatan, p);
  const birth = calendarDate(r.birthDate);
  if (!birth) return [...v, { rule: 'birth-date', message: 'birthDate is not a calendar date' }];
  if (p && (p.day !== birth.d || p.month !== birth.m || p.year2 !== birth.y % 100))
    v.push({ rule: 'nik-birth-date', message: 'the NIK birth-date part does not match birthDate' });
  if (p && p.female !== (r.sex === 'P'))
    v.push({ rule: 'nik-sex', message: 'the NIK day part (+40 for women) does not match sex' });
  const age = yearsBetween(birth, VOTING_DAY);
  if (birth.y < 1900 || age < 0)
    v.push({ rule: 'birth-date', message: 'birthDate is out of range' });
  else if (age < 17 && r.marital === 'B')
    v.push({
      rule: 'eligible',
      message: 'a voter is 17 on voting day, or married or once married',
    });
  return v;
}

/** The state a change starts from (the voter's current row). */
export interface VoterState {
  tps: string;
  list: VoterList;
  removed: boolean;
}

/** DPS → DPSHP → DPT, one step at a time (PKPU 7/2022). */
export function promoteViolations(s: VoterState, to: 'DPSHP' | 'DPT'): Violation[] {
  const from = to === 'DPSHP' ? 'DPS' : 'DPSHP';
  if (s.list !== from)
    return [
      {
        rule: 'list-order',
        message: `only a ${from} record moves to ${to}; this one is ${s.list}`,
      },
    ];
  return [];
}

/** A transfer (DPTb, form A) leaves the DPT (or an earlier DPTb) for another TPS. */
export function transferViolations(
  s: VoterState,
  to: string,
  hasTps: (tps: string) => boolean,
): Violation[] {
  const v: Violation[] = [];
  if (s.list !== 'DPT' && s.list !== 'DPTb')
    v.push({
      rule: 'transfer-from-dpt',
      message: `only a DPT or DPTb voter transfers; this one is ${s.list}`,
    });
  if (!hasTps(to)) v.push({ rule: 'known-tps', message: `there is no TPS ${to}` });
  else if (to === s.tps)
    v.push({ rule: 'transfer-elsewhere', message: 'a transfer goes to another TPS' });
  return v;
}

/** A TPS assignment moves a voter to another TPS of the same desa, on the same list. */
export function assignViolations(
  s: VoterState,
  to: string,
  hasTps: (tps: string) => boolean,
): Violation[] {
  if (!hasTps(to)) return [{ rule: 'known-tps', message: `there is no TPS ${to}` }];
  if (to === s.tps)
    return [{ rule: 'assign-elsewhere', message: 'the voter is at that TPS already' }];
  if (desaOfTps(to) !== desaOfTps(s.tps))
    return [
      { rule: 'assign-within-desa', message: 'a TPS assignment stays in the desa; use a transfer' },
    ];
  if (s.list === 'DPTb' || s.list === 'DPK')
    return [{ rule: 'assign-list', message: `a ${s.list} voter is not reassigned` }];
  return [];
}

/** Nothing changes a removed record (a re-registration is a new one). */
export function activeViolations(s: VoterState): Violation[] {
  return s.removed
    ? [{ rule: 'removed', message: 'this record was removed from the register' }]
    : [];
}
