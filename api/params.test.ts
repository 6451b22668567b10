// Parameters that name something are looked up in own properties only, and the
// canonical-URL parser refuses every other spelling (issue #10). The log routes'
// use of it is tested in log/routes.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformApp, platformApp } from '../test/platform-app.ts';
import { ApiError } from './errors.ts';
import { canonicalQuery, lookup } from './params.ts';

const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];

describe('lookup', () => {
  it('finds own properties and nothing inherited', () => {
    const table = { tps: 1, nasional: 2 };
    expect(lookup(table, 'tps')).toBe(1);
    for (const name of [...PROTOTYPE_NAMES, '', undefined])
      expect(lookup(table, name), String(name)).toBeUndefined();
  });
});

describe('canonicalQuery', () => {
  const codeOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof ApiError ? `${e.status} ${e.code}` : String(e);
    }
    return 'accepted';
  };
  it('takes each allowed parameter once, spelt plainly', () => {
    const q = canonicalQuery('http://h/v1/x?a=1&b=22', ['a', 'b']);
    expect([...q]).toEqual([
      ['a', '1'],
      ['b', '22'],
    ]);
    expect(canonicalQuery('http://h/v1/x', ['a']).size).toBe(0);
    expect(canonicalQuery('http://h/v1/x?', ['a']).size).toBe(0);
  });
  it('refuses encodings, repeats and unknown names, prototype names included', () => {
    expect(codeOf(() => canonicalQuery('http://h/v1/%78?a=1', ['a']))).toBe(
      '400 NON_CANONICAL_URL',
    );
    expect(codeOf(() => canonicalQuery('http://h/v1/x?a=%31', ['a']))).toBe(
      '400 NON_CANONICAL_URL',
    );
    expect(codeOf(() => canonicalQuery('http://h/v1/x?a=1&a=1', ['a']))).toBe(
      '400 REPEATED_PARAMETER',
    );
    for (const name of PROTOTYPE_NAMES)
      expect(codeOf(() => canonicalQuery(`http://h/v1/x?${name}=1`, ['a']))).toBe(
        '400 UNKNOWN_PARAMETER',
      );
  });
});

describe('GET /v1/results/{contest}/export.csv?level=', () => {
  let p: PlatformApp;
  beforeAll(async () => {
    p = await platformApp();
  });
  afterAll(async () => {
    await p.close();
  });

  it('refuses names of Object.prototype members as levels (400, not 200)', async () => {
    for (const level of [...PROTOTYPE_NAMES, '']) {
      const r = await p.app.request(`/v1/results/PPWP/export.csv?level=${level}`);
      expect(r.status, level).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('BAD_PARAMETER');
    }
    const ok = await p.app.request('/v1/results/PPWP/export.csv?level=nasional');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toBe('attachment; filename="PPWP-nasional.csv"');
  });
});
