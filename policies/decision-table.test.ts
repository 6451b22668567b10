/**
 * Decision tables (decisions/*.json): every role × every action × own area /
 * other area, with the expected decision, as data a reviewer can read without
 * reading Cedar. The expectations were written from the issue's rules, not
 * recorded from the engine. The format is described in README.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { areaLevel, isAreaCode } from './areas.ts';
import { loadPolicyEngine, type PolicyEngine } from './engine.ts';
import {
  ACTIONS,
  type ActionName,
  type AuthorizationRequest,
  isActionName,
  isRole,
  type Resource,
  ROLES,
} from './model.ts';

const DIR = join(import.meta.dirname, 'decisions');
const LOG_WIDE: readonly ActionName[] = [
  'key.rotate',
  'key.retire',
  'audit.file',
  'audit.followup',
  'stage.open',
];

interface Row {
  role: string;
  action: string;
  /** own | own/<level> | other | other/<level> | log | area:<code> */
  resource: string;
  context?: Record<string, boolean | string | number>;
  /** Overrides the role's representative area (officers.json). */
  area?: string;
  suspended?: boolean;
  expect: 'allow' | 'deny';
  note?: string;
  /** Why the row cannot be asked at all; such rows are checked, not evaluated. */
  na?: string;
}
const ROW_KEYS = new Set([
  'role',
  'action',
  'resource',
  'context',
  'area',
  'suspended',
  'expect',
  'note',
  'na',
]);

const officers: Record<string, { area: string; sibling: string | null }> = JSON.parse(
  readFileSync(join(DIR, 'officers.json'), 'utf8'),
).officers;
const tables = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'officers.json')
  .sort()
  .map((file) => ({ file, rows: JSON.parse(readFileSync(join(DIR, file), 'utf8')).rows as Row[] }));

/** The first child at each level, so 'own/tps' of a kecamatan is a TPS inside it. */
const FIRST_CHILD: Record<string, (code: string) => string> = {
  nasional: () => '31',
  provinsi: (c) => `${c}71`,
  kabkota: (c) => `${c}01`,
  kecamatan: (c) => `${c}1001`,
  desa: (c) => `${c}001`,
};

function descend(code: string, level: string): string {
  let c = code;
  while (areaLevel(c) !== level) {
    const step = FIRST_CHILD[areaLevel(c)];
    if (!step) throw new Error(`cannot descend from ${code} to ${level}`);
    c = step(c);
  }
  return c;
}

function resourceOf(row: Row): Resource {
  if (row.resource === 'log') return { type: 'Log' };
  if (row.resource.startsWith('area:')) return { type: 'Area', code: row.resource.slice(5) };
  const [scope, level] = row.resource.split('/');
  const fixture = officers[row.role];
  const base = scope === 'own' ? (row.area ?? fixture?.area) : fixture?.sibling;
  if (!base || (scope !== 'own' && scope !== 'other'))
    throw new Error(`bad resource ${row.resource}`);
  return { type: 'Area', code: level ? descend(base, level) : base };
}

function requestOf(row: Row): AuthorizationRequest {
  const principal =
    row.role === 'ANONYMOUS'
      ? ({ type: 'Public' } as const)
      : {
          id: `officer-${row.role.toLowerCase()}`,
          role: row.role as (typeof ROLES)[number],
          area: row.area ?? officers[row.role]!.area,
          suspended: row.suspended ?? false,
        };
  return {
    principal,
    action: row.action as ActionName,
    resource: resourceOf(row),
    ...(row.context ? { context: row.context } : {}),
  };
}

const label = (r: Row) =>
  `${r.role}${r.area ? `@${r.area}` : ''}${r.suspended ? ' (suspended)' : ''} ${r.action} ${r.resource}` +
  `${r.context ? ` ${JSON.stringify(r.context)}` : ''} → ${r.expect}`;

let engine: PolicyEngine;
beforeAll(async () => {
  // No cache: every row goes through Cedar.
  engine = await loadPolicyEngine({ logger: pino({ level: 'silent' }), cacheSize: 0 });
});

describe('decision tables are well formed', () => {
  it('every row names a known role, action and expectation, and nothing else', () => {
    for (const { file, rows } of tables) {
      for (const row of rows) {
        const where = `${file}: ${JSON.stringify(row)}`;
        expect(
          Object.keys(row).filter((k) => !ROW_KEYS.has(k)),
          where,
        ).toEqual([]);
        expect(isRole(row.role) || row.role === 'ANONYMOUS', where).toBe(true);
        expect(isActionName(row.action), where).toBe(true);
        expect(['allow', 'deny'], where).toContain(row.expect);
        if (row.area !== undefined) expect(isAreaCode(row.area), where).toBe(true);
      }
    }
    for (const role of ROLES) expect(officers[role], role).toBeDefined();
  });

  it('each action table covers every role with an own-area and an other-area row', () => {
    for (const action of ACTIONS) {
      const table = tables.find((t) => t.file === `${action}.json`);
      expect(table, `${action}.json`).toBeDefined();
      const plain = table!.rows.filter((r) => r.area === undefined && !r.suspended);
      expect(plain.every((r) => r.action === action)).toBe(true);
      for (const role of ROLES) {
        const mine = plain.filter((r) => r.role === role);
        expect(
          mine.some((r) => r.resource.startsWith('own') || r.resource === 'log'),
          `${action} × ${role}: own`,
        ).toBe(true);
        expect(
          mine.some((r) => r.resource.startsWith('other')),
          `${action} × ${role}: other`,
        ).toBe(true);
      }
    }
  });

  it('rows marked n/a are denials that explain themselves and really cannot be asked', () => {
    const na = tables.flatMap((t) => t.rows).filter((r) => r.na !== undefined);
    expect(na.length).toBeGreaterThan(0);
    for (const row of na) {
      expect(row.expect, label(row)).toBe('deny');
      expect(row.na!.length, label(row)).toBeGreaterThan(10);
      const nationwide = officers[row.role]?.sibling === null;
      expect(nationwide || LOG_WIDE.includes(row.action as ActionName), label(row)).toBe(true);
    }
  });
});

for (const { file, rows } of tables) {
  describe(file, () => {
    for (const row of rows.filter((r) => r.na === undefined)) {
      it(label(row), () => {
        const d = engine.authorize(requestOf(row));
        expect(d.allowed, JSON.stringify(d)).toBe(row.expect === 'allow');
        // An allow always names the permits behind it.
        if (d.allowed) expect(d.policies.length).toBeGreaterThan(0);
      });
    }
  });
}

describe('suspension, derived from every table', () => {
  it('every allowed row except a public read is denied once the officer is suspended', () => {
    const allowed = tables
      .flatMap((t) => t.rows)
      .filter(
        (r) => r.na === undefined && r.expect === 'allow' && r.role !== 'ANONYMOUS' && !r.suspended,
      );
    expect(allowed.length).toBeGreaterThan(20);
    for (const row of allowed) {
      const d = engine.authorize(requestOf({ ...row, suspended: true }));
      if (row.action === 'results.read') {
        expect(d.allowed, label(row)).toBe(true);
      } else {
        expect(d.allowed, label(row)).toBe(false);
        expect(d.policies, label(row)).toContain('suspension.reads-only');
      }
    }
  });
});
