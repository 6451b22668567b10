// `saksi registry import` in-process on an embedded database: files are applied in
// order, each atomically; a refused file prints file:line problems and stores
// nothing; what was imported is integrated into the log before the command exits.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'saksi-registry-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saksi registry import', () => {
  it('imports the good file, refuses the bad one by line, and waits for the log', async () => {
    const areas = join(dir, 'areas.csv');
    const dapil = join(dir, 'dapil.csv');
    writeFileSync(
      areas,
      'code,name,dpt\n11,Aceh,\n1101,Simeulue,\n110101,Teupah Selatan,\n1101012001,Latiung,\n1101012001001,,250\n',
    );
    writeFileSync(
      dapil,
      'contest,dapil,name,seats,area_code\nDPR,DPR-11-1,ACEH I,7,11\nDPR,DPR-11-2,ACEH II,7,1101\n',
    );
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['registry', 'import', '--dapil', dapil, '--areas', areas, '--data', join(dir, 'data')],
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
    );
    expect(code).toBe(1);
    expect(err).toContain(
      `${dapil}:3: DPR-11-2: area 1101 lies inside 11, a member of DPR dapil DPR-11-1`,
    );
    expect(err.some((l) => l.startsWith('registry.areas: 4 rows, sha256 '))).toBe(true);
    expect(err.some((l) => l.startsWith('registry.dapil'))).toBe(false);
    expect(out).toEqual(['2']); // the areas and tps entries, integrated
    expect(await main(['registry', 'import'], { stdout: () => {}, stderr: () => {} })).toBe(2);
  });
});
