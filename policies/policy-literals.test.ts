/**
 * Roles and levels are Cedar Strings (the schema is fixed that way), so the
 * validator cannot catch `principal.role == "KPSS"`. This test does: every
 * upper-case string literal in the policy files must be a role, and every literal
 * compared with `.level` must be an area level.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AREA_LEVELS } from './areas.ts';
import { ROLES } from './model.ts';

const dir = import.meta.dirname;
const sources = readdirSync(dir)
  .filter((f) => f.endsWith('.cedar'))
  .map((f) => ({ f, text: readFileSync(join(dir, f), 'utf8').replace(/\/\/.*$/gm, '') }));

describe('string literals in the policy set', () => {
  it('every upper-case literal is a role in ROLES', () => {
    const seen = new Set<string>();
    for (const { f, text } of sources) {
      for (const [, lit] of text.matchAll(/"([A-Z][A-Z_]*)"/g)) {
        expect(ROLES as readonly string[], `${f}: "${lit}"`).toContain(lit);
        seen.add(lit!);
      }
    }
    // And every role is named somewhere (officers.cedar lists them all as the roles
    // an officer may be given), so a role added to ROLES forces a look at the policies.
    expect([...seen].sort()).toEqual([...ROLES].sort());
  });

  it('every literal compared with .level is an area level', () => {
    let count = 0;
    for (const { f, text } of sources) {
      for (const [, lit] of text.matchAll(/\.level\s*[!=]=\s*"([^"]*)"/g)) {
        expect(AREA_LEVELS as readonly string[], `${f}: "${lit}"`).toContain(lit);
        count++;
      }
    }
    expect(count).toBeGreaterThan(10);
  });
});
