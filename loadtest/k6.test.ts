/**
 * The k6 scripts type-check against @types/k6 (k6's runtime, not Node) with the
 * shared scenario module: the k6 binary cannot run here, so this is what CI
 * proves of them (issue #14). The same as `npm run typecheck:k6`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './scenarios/index.ts';

describe('the k6 scripts', () => {
  it('type-check against @types/k6', () => {
    const tsc = resolve('node_modules/.bin/tsc');
    const r = spawnSync(tsc, ['--noEmit', '-p', 'loadtest/k6'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('have one script per scenario', () => {
    const files = readdirSync(new URL('./k6/', import.meta.url));
    for (const s of SCENARIOS) expect(files).toContain(`${s.name}.ts`);
  });
});
