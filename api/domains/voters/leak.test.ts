// The proof of no leak (issue #11): thousands of voters, seeded through the
// import and the HTTP API (registrations, changes, self-checks), then every
// public endpoint, every log entry (the entry bundles as served), everything
// the platform logged during the run and every column that is not ciphertext
// is scanned for any of their NIKs, names, family-card numbers or birth dates,
// in every spelling the data uses — and none is found.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as leak from '../../../test/leak-scan.ts';
import { type PlatformApp, platformApp } from '../../../test/platform-app.ts';
import { createLogger } from '../../platform/logger.ts';
import {
  generateElection,
  loadElection,
  type Registry,
  refreshRegistry,
} from '../registry/index.ts';
import { publishVoterCounts } from './counts.ts';
import { VoterKeys } from './crypto.ts';
import { VOTER_CSV_HEADER } from './csv.ts';
import { importVoters } from './import.ts';
import type { VoterPersonal } from './schemas.ts';

const IMPORTED = 2000;
const VIA_API = 30;
/** Columns that hold only AES-256-GCM ciphertext (api/domains/voters/crypto.ts). */
const SEALED = new Set(['voters.dek', 'voters.personal', 'voter_salts.sealed']);
const MONTHS = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];

let p: PlatformApp;
let registry: Registry;
let dir: string;
const { lines: logged, sink } = leak.logCapture();
const people: VoterPersonal[] = [];
const tpsList: string[] = [];

function person(i: number): VoterPersonal {
  const day = (i % 28) + 1;
  const month = (Math.floor(i / 28) % 12) + 1;
  const year = 1950 + (i % 50);
  const female = i % 2 === 0;
  const dd = String(female ? day + 40 : day).padStart(2, '0');
  const mm = String(month).padStart(2, '0');
  const serial = String(1 + Math.floor(i / 336)).padStart(4, '0');
  return {
    nik: `317101${dd}${mm}${String(year % 100).padStart(2, '0')}${serial}`,
    kk: `3171${String(100_000_000_000 + i * 7919).slice(0, 12)}`,
    name: leak.randomName(),
    birthPlace: 'Jakarta',
    birthDate: `${year}-${mm}-${String(day).padStart(2, '0')}`,
    sex: female ? 'P' : 'L',
    marital: 'S',
    address: `Jl. Rahasia ${i}`,
    disability: 'none',
    ektp: true,
  };
}

/** Every spelling of a person's data that must appear nowhere public. */
function needles(v: VoterPersonal): string[] {
  const [y, m, d] = v.birthDate.split('-') as [string, string, string];
  const dates = [
    v.birthDate,
    `${d}-${m}-${y}`,
    `${d}/${m}/${y}`,
    `${m}/${d}/${y}`,
    `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`,
  ];
  return [v.nik, v.kk, v.name, v.name.toUpperCase(), ...dates];
}

const csvField = (s: string) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

beforeAll(async () => {
  p = await platformApp({ logger: createLogger({ level: 'debug', destination: sink }) });
  await loadElection(p.fresh.db, generateElection({ scale: 'province', seed: 7 }));
  registry = await refreshRegistry(p.fresh.db);
  for (const desa of registry.children('317101')) tpsList.push(...registry.children(desa));
  dir = mkdtempSync(join(tmpdir(), 'saksi-voter-leak-'));
  for (let i = 0; i < IMPORTED + VIA_API; i++) people.push(person(i));
  const rows = people
    .slice(0, IMPORTED)
    .map((v, i) =>
      [
        v.nik,
        v.kk,
        v.name,
        v.birthPlace,
        v.birthDate,
        v.sex,
        v.marital,
        v.address,
        v.disability,
        'true',
        tpsList[i % tpsList.length]!,
        'DPT',
      ]
        .map(csvField)
        .join(','),
    );
  const file = join(dir, 'register.csv');
  writeFileSync(file, `${[VOTER_CSV_HEADER.join(','), ...rows].join('\n')}\n`);
  const imported = await importVoters({
    db: p.fresh.db,
    keys: new VoterKeys(p.rt.keys),
    registry,
    file,
  });
  expect(imported).toMatchObject({ ok: true, records: IMPORTED });

  const ppk = await p.token('PPK', '317101');
  const post = (path: string, body: unknown, token?: string) =>
    p.app.request(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
  for (const [i, v] of people.slice(IMPORTED).entries()) {
    const tps = tpsList[i % tpsList.length]!;
    expect((await post('/v1/voters', { voter: v, tps, list: 'DPS' }, ppk)).status).toBe(201);
    expect(
      (await post('/v1/voters/promote', { nik: v.nik, tps, seq: 2, to: 'DPSHP' }, ppk)).status,
    ).toBe(201);
    // Refusals log too: a duplicate and a bad record.
    expect((await post('/v1/voters', { voter: v, tps, list: 'DPS' }, ppk)).status).toBe(409);
    const bad = { ...v, nik: `${v.nik.slice(0, 12)}0000` };
    expect((await post('/v1/voters', { voter: bad, tps, list: 'DPS' }, ppk)).status).toBe(422);
    if (i % 3 === 0)
      expect(
        (await post('/v1/voters/remove', { nik: v.nik, tps, seq: 3, reason: 'moved' }, ppk)).status,
      ).toBe(201);
  }
  await publishVoterCounts(p.fresh.db);
  await p.rt.store.waitIntegrated([], 1000, 10).catch(() => undefined);
  const last = await p.rt.store.appendedCount();
  for (let i = 0; i < 500 && ((await p.rt.store.checkpoint())?.size ?? 0) < last; i++)
    await new Promise((r) => setTimeout(r, 20));
  // Self-checks, found and not found (their answers are scanned below).
  for (const v of [...people.slice(0, 5), ...people.slice(IMPORTED, IMPORTED + 5)]) {
    const r = await post('/v1/voters/self-check', { nik: v.nik, name: v.name });
    expect(r.status).toBe(200);
    selfChecks.push(await r.text());
    selfChecks.push(
      await (await post('/v1/voters/self-check', { nik: v.nik, name: 'Orang Lain' })).text(),
    );
  }
}, 300_000);
const selfChecks: string[] = [];

afterAll(async () => {
  await p?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every spelling of every seeded voter's data (and its hex, as bytea prints). */
const findIn = leak.needleScanner(() => people.flatMap(needles));

describe('no personal data anywhere public (issue #11)', () => {
  it('seeded thousands of voters, in the log', async () => {
    const size = (await p.rt.store.checkpoint())!.size;
    expect(size).toBeGreaterThan(IMPORTED + VIA_API * 2);
    expect(logged.length).toBeGreaterThan(VIA_API * 4);
    // The scanner finds what it looks for: a NIK in text, a name as bytea hex, a date.
    const control: string[] = [];
    const [a, b, c] = [people[7]!, people[9]!, people[IMPORTED + 1]!];
    const [y, m, d] = c.birthDate.split('-');
    findIn(
      'control',
      `x${a.nik}y \\x${Buffer.from(b.name).toString('hex')} ${d}/${m}/${y}`,
      control,
    );
    expect(control.length).toBe(3);
  });

  it('every public endpoint', async () => {
    const found: string[] = [];
    const paths = [
      '/log/checkpoint',
      '/log/key',
      '/openapi.json',
      '/metrics',
      '/healthz',
      '/readyz',
      '/v1/areas/317101',
      '/v1/contests',
      ...tpsList.slice(0, 5).map((t) => `/v1/tps-reports?tps=${t}`),
      ...[0, 1, IMPORTED, IMPORTED + 50].map((i) => `/v1/ledger/entries/${i}`),
      ...['ID', '31', '317101', ...tpsList.slice(0, 5)].map((a) => `/v1/voters/counts/${a}`),
    ];
    for (const path of paths) {
      const r = await p.app.request(path);
      expect(r.status, path).toBeLessThan(500);
      findIn(path, await r.text(), found);
    }
    for (const [i, text] of selfChecks.entries()) findIn(`self-check answer ${i}`, text, found);
    expect(found).toEqual([]);
  });

  leak.commonLeakScans(() => p, {
    logged,
    sealed: SEALED,
    findIn,
    table: 'voters',
    clear: ['subject', 'nik_mac', 'seq', 'tps', 'list', 'removed', 'kek_label'],
  });
});
