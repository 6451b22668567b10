// `saksi ledger append` in-process on an embedded database: imported envelopes go
// through the subject log like every other append, so a version must follow the
// subject's previous one (`prev` its leaf hash) and write `at` in the log's one
// canonical form; a refused line is named, and nothing of its batch is appended.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { base64, canonicalBytes, leafHash } from '../../ledger/index.ts';
import { ledgerAppendCommand } from './ledger-append.ts';

const dir = mkdtempSync(join(tmpdir(), 'saksi-ledger-append-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const envelope = (subject: string, seq: number, prev: string | null, extra: object = {}) => ({
  v: 1,
  kind: 'legacy.record.imported',
  subject,
  seq,
  prev,
  at: '2024-02-14T13:00:00Z',
  actor: { id: 'importer', role: 'ADMIN' },
  payload: { subject, seq },
  ...(seq > 1 ? { reason: 'a later version of the record' } : {}),
  ...extra,
});
const hashOf = (e: object) => base64(leafHash(canonicalBytes(e)));

async function append(lines: object[]) {
  const out: string[] = [];
  const err: string[] = [];
  async function* input() {
    for (const l of lines) yield JSON.stringify(l);
  }
  // PGlite under --data, also when the suite runs on PostgreSQL (the command
  // would otherwise use DATABASE_URL, which the test runner does not set).
  const code = await ledgerAppendCommand(
    ['--data', dir, '--timeout', '120'],
    { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
    input(),
  );
  return { code, out, err };
}

describe('saksi ledger append through the subject log', () => {
  it('chains versions, refuses a wrong prev or another spelling of at by line, appends nothing of a refused batch', async () => {
    const v1 = envelope('legacy:a', 1, null);
    const v2 = envelope('legacy:a', 2, hashOf(v1));
    const ok = await append([v1, v2]);
    expect(ok.code, ok.err.join('\n')).toBe(0);
    const size = Number(ok.out[0]);
    expect(size).toBeGreaterThanOrEqual(2);

    const wrongPrev = await append([
      envelope('legacy:b', 1, null),
      envelope('legacy:a', 3, hashOf(v1)), // version 2's hash is the right one
    ]);
    expect(wrongPrev.code).toBe(1);
    expect(wrongPrev.err.join('\n')).toMatch(
      /line 2: PREV_MISMATCH: legacy:a version 3 names prev/,
    );
    expect(wrongPrev.err.join('\n')).toMatch(/nothing appended/);

    const millis = await append([
      envelope('legacy:c', 1, null, { at: '2024-02-14T13:00:00.000Z' }),
    ]);
    expect(millis.code).toBe(1);
    expect(millis.err.join('\n')).toMatch(
      /line 1: invalid entry: \/at must be the log's canonical/,
    );

    const twin = await append([v1]);
    expect(twin.code).toBe(1);
    expect(twin.err.join('\n')).toMatch(/line 1: VERSION_EXISTS: legacy:a already has version 1/);

    // Nothing of the refused runs reached the log: legacy:b is still free.
    const after = await append([envelope('legacy:b', 1, null)]);
    expect(after.code, after.err.join('\n')).toBe(0);
    expect(Number(after.out[0])).toBe(size + 1);
  }, 600_000);
});
