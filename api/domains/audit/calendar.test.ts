// The stage calendar (calendar.ts): the 2024 default and a file's, checked at start-up.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config-error.ts';
import { CALENDAR_2024, loadCalendar } from './calendar.ts';

const dir = mkdtempSync(join(tmpdir(), 'saksi-stages-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('loadCalendar', () => {
  it('is the 2024 calendar (PKPU 3/2022) without a file', () => {
    expect(loadCalendar(undefined)).toBe(CALENDAR_2024);
    expect(CALENDAR_2024.find((s) => s.id === 'voting')).toMatchObject({
      starts: '2024-02-14',
      ends: '2024-02-15',
    });
  });
  it('reads a file’s calendar', () => {
    const stages = [
      { id: 'pilkada-voting', name: 'Pilkada voting', starts: '2024-11-27', ends: '2024-11-27' },
    ];
    expect(loadCalendar(file('ok.json', JSON.stringify({ stages })))).toEqual(stages);
  });
  it('refuses a bad file with ConfigError', () => {
    const bad = [
      'not json',
      JSON.stringify({ stages: [] }),
      JSON.stringify({
        stages: [{ id: 'Bad Id', name: 'x', starts: '2024-01-01', ends: '2024-01-02' }],
      }),
      JSON.stringify({
        stages: [{ id: 'a', name: 'x', starts: '2024-02-30', ends: '2024-03-01' }],
      }),
      JSON.stringify({
        stages: [{ id: 'a', name: 'x', starts: '2024-03-02', ends: '2024-03-01' }],
      }),
      JSON.stringify({
        stages: [
          { id: 'a', name: 'x', starts: '2024-03-01', ends: '2024-03-01' },
          { id: 'a', name: 'y', starts: '2024-03-01', ends: '2024-03-01' },
        ],
      }),
      JSON.stringify({
        stages: [{ id: 'a', name: 'x', starts: '2024-03-01', ends: '2024-03-01', extra: 1 }],
      }),
    ];
    for (const [i, text] of bad.entries())
      expect(() => loadCalendar(file(`bad${i}.json`, text)), text).toThrow(ConfigError);
    expect(() => loadCalendar(join(dir, 'missing.json'))).toThrow(ConfigError);
  });
});

describe('configuration (api/config.ts)', () => {
  it('reads SAKSI_STAGES_FILE and SAKSI_AUDIT_MAX_AGE, defaulting to 7 days', async () => {
    const { loadConfig } = await import('../../config.ts');
    expect(loadConfig({}, {}).audit).toEqual({ stagesFile: undefined, maxAgeSeconds: 604_800 });
    expect(
      loadConfig({}, { SAKSI_STAGES_FILE: '/etc/saksi/stages.json', SAKSI_AUDIT_MAX_AGE: '3600' })
        .audit,
    ).toEqual({ stagesFile: '/etc/saksi/stages.json', maxAgeSeconds: 3600 });
    for (const v of ['0', '59', '1h', '-5', '99999999999'])
      expect(() => loadConfig({}, { SAKSI_AUDIT_MAX_AGE: v }), v).toThrow(ConfigError);
  });
});
