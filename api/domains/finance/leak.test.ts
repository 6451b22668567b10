// The proof of no leak (issue #12, as for voters in issue #11): donors seeded
// through `saksi demo seed --donors`'s seeder against a real server and through
// the HTTP API with random names (accepted, over the cap, refused), an auditor
// opening — then every public endpoint, every log entry (the entry bundles as
// served), everything the platform logged and every column that is not
// ciphertext is scanned for any donor's name or identity number; none is found.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as leak from '../../../test/leak-scan.ts';
import { type PlatformApp, platformApp } from '../../../test/platform-app.ts';
import { DemoClient, demoDonor, seedDonors } from '../../demo/index.ts';
import { createLogger } from '../../platform/logger.ts';
import { demoOfficerId } from '../identity/index.ts';
import { accountBody, contributionBody, OPEN_RULES, reportBody } from './testing.ts';

const SEEDED = 300;
const VIA_API = 40;
/** Columns that hold only AES-256-GCM ciphertext or keyed MACs (crypto.ts). */
const SEALED = new Set([
  'finance_contributions.dek',
  'finance_contributions.sealed',
  'voters.dek',
  'voters.personal',
  'voter_salts.sealed',
]);

let p: PlatformApp;
const { lines: logged, sink } = leak.logCapture();
const donors: { idNumber: string; name: string }[] = [];
const answers: string[] = [];

beforeAll(async () => {
  p = await platformApp({ logger: createLogger({ level: 'debug', destination: sink }) });
  const server = serve({ fetch: p.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const seeded = await seedDonors(new DemoClient(url), SEEDED, 4);
    expect(seeded.contributions).toBe(SEEDED);
    expect(seeded.breaches).toBeGreaterThan(20);
  } finally {
    await new Promise((r) => server.close(r));
  }
  for (let i = 0; i < SEEDED; i++) donors.push(demoDonor(i));

  const post = (path: string, body: unknown, token: string) =>
    p.app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const kpu = await p.token('KPU_RI', 'ID');
  const party = await p.token('PARTY', 'ID');
  const auditor = await p.token('AUDITOR', 'ID');
  expect((await post('/v1/finance/rules', OPEN_RULES, kpu)).status).toBe(201);
  expect(
    (
      await post(
        '/v1/finance/accounts',
        accountBody('leak-party', demoOfficerId('PARTY', 'ID')),
        kpu,
      )
    ).status,
  ).toBe(201);
  expect(
    (
      await post(
        '/v1/finance/auditors',
        { participant: 'leak-party', auditor: demoOfficerId('AUDITOR', 'ID') },
        kpu,
      )
    ).status,
  ).toBe(201);
  for (let i = 0; i < VIA_API; i++) {
    const d = {
      idNumber: `3171016${String(400000000 + i * 7919).slice(0, 9)}`,
      name: leak.randomName(),
    };
    donors.push(d);
    const r = await post(
      '/v1/finance/contributions',
      contributionBody('leak-party', d, i % 4 === 0 ? '2600000000' : '1000000'),
      party,
    );
    expect(r.status).toBe(201);
    const k = (await r.json()) as { subject: string; excess: string };
    answers.push(JSON.stringify(k));
    // Refusals log too: a foreign donor, a bad amount, another participant.
    expect(
      (
        await post(
          '/v1/finance/contributions',
          contributionBody('leak-party', { ...d, country: 'SG' }, '10'),
          party,
        )
      ).status,
    ).toBe(422);
    expect(
      (await post('/v1/finance/contributions', contributionBody('leak-party', d, '1.5'), party))
        .status,
    ).toBe(400);
    expect(
      (await post('/v1/finance/contributions', contributionBody('partai-demo-1', d, '10'), party))
        .status,
    ).toBe(201);
    if (i % 10 === 0) {
      const o = await post(
        '/v1/finance/openings',
        { participant: 'leak-party', contribution: k.subject, reason: 'sampled for the audit' },
        auditor,
      );
      expect(o.status).toBe(201);
    }
  }
  expect(
    (
      await post(
        '/v1/finance/reports',
        reportBody('leak-party', 'LADK', { contributions: '0', expenditures: '0' }),
        party,
      )
    ).status,
  ).toBe(201);
  const last = await p.rt.store.appendedCount();
  for (let i = 0; i < 500 && ((await p.rt.store.checkpoint())?.size ?? 0) < last; i++)
    await new Promise((r) => setTimeout(r, 20));
}, 300_000);

afterAll(async () => {
  await p?.close();
});

/** Every spelling of a donor that must appear nowhere public (and its hex, as bytea prints). */
const findIn = leak.needleScanner(() =>
  donors.flatMap((d) => [d.idNumber, d.name, d.name.toUpperCase()]),
);

describe('no donor identity anywhere public (issue #12)', () => {
  it('seeded hundreds of donors, in the log; the scanner finds what it looks for', async () => {
    expect((await p.rt.store.checkpoint())!.size).toBeGreaterThan(SEEDED + VIA_API * 2);
    const control: string[] = [];
    const [a, b] = [donors[7]!, donors[SEEDED + 3]!];
    findIn(
      'control',
      `x${a.idNumber}y \\x${Buffer.from(b.name).toString('hex')} ${b.name.toUpperCase()}`,
      control,
    );
    expect(control.length).toBe(3);
  });

  it('every public endpoint, and the answers to the filer', async () => {
    const found: string[] = [];
    const { participants } = (await (await p.app.request('/v1/finance/participants')).json()) as {
      participants: { id: string }[];
    };
    expect(participants.length).toBe(7);
    const detail = await p.app.request('/v1/finance/participants/leak-party');
    const docs = (
      JSON.parse(await detail.clone().text()) as { filings: { document: string }[] }
    ).filings.map((f) => f.document);
    const paths = [
      '/v1/finance/rules',
      '/v1/finance/participants',
      ...participants.map((x) => `/v1/finance/participants/${x.id}`),
      '/v1/finance/export.csv',
      ...docs,
      '/openapi.json',
      '/metrics',
      ...[0, 10, 100, 300].map((i) => `/v1/ledger/entries/${i}`),
    ];
    for (const path of paths) {
      const r = await p.app.request(path);
      expect(r.status, path).toBe(200);
      findIn(path, await r.text(), found);
    }
    for (const [i, a] of answers.entries()) findIn(`answer ${i}`, a, found);
    expect(found).toEqual([]);
  });

  leak.commonLeakScans(() => p, {
    logged,
    sealed: SEALED,
    findIn,
    table: 'finance_contributions',
    clear: [
      'subject',
      'participant',
      'category',
      'amount',
      'day',
      'excess',
      'donor_mac',
      'donor_seq',
      'kek_label',
      'commitment',
      'entry_hash',
      'pending_id',
    ],
  });
});
