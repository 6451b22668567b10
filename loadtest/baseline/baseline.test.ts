// The baseline endpoint of the side-by-side (issue #14): a request without a
// valid EdDSA bearer token is refused with 401 and stores nothing; a bad body
// is refused with 400 and stores nothing; a good one stores exactly one row.
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb } from '../../test/fresh-db.ts';
import { baselineApp, CREATE_TABLE, signToken, TABLE, tokenKeys } from './index.ts';

let fresh: FreshDb;
const keys = tokenKeys();
let app: ReturnType<typeof baselineApp>;

beforeAll(async () => {
  fresh = await freshDb();
  await fresh.db.exec(CREATE_TABLE);
  app = baselineApp({ publicKey: keys.publicKey, query: (t, p) => fresh.db.query(t, p) });
});
afterAll(() => fresh.drop());

const rows = async () =>
  Number((await fresh.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${TABLE}`))[0]!.n);

const post = (headers: Record<string, string>, body = JSON.stringify({ subject: 'a/b', x: 1 })) =>
  app.request('/v1/submissions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('baseline POST /v1/submissions', () => {
  it('refuses a missing, malformed, forged, expired or alg-none token with 401 and stores nothing', async () => {
    const other = generateKeyPairSync('ed25519');
    const now = Math.floor(Date.now() / 1000);
    const good = signToken(keys.privateKey, 'officer-1');
    const [h, c] = good.split('.') as [string, string];
    const expiredInput = `${h}.${b64({ sub: 'officer-1', iat: now - 7200, exp: now - 3600 })}`;
    const expired = `${expiredInput}.${sign(null, Buffer.from(expiredInput), keys.privateKey).toString('base64url')}`;
    const cases: Record<string, string>[] = [
      {},
      { authorization: good }, // no Bearer scheme
      { authorization: 'Bearer ' },
      { authorization: 'Bearer not.a.jwt' },
      { authorization: `Bearer ${signToken(other.privateKey, 'officer-1')}` },
      { authorization: `Bearer ${expired}` },
      { authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${c}.` },
      {
        authorization: `Bearer ${h}.${b64({ sub: 'officer-2', exp: now + 60 })}.${good.split('.')[2]}`,
      },
    ];
    for (const headers of cases) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
    }
    expect(await rows()).toBe(0);
  });

  it('refuses a body that is not a JSON object with a subject (400) and stores nothing', async () => {
    const authorization = `Bearer ${signToken(keys.privateKey, 'officer-1')}`;
    for (const body of ['{', '[]', 'null', '{"x":1}', '{"subject":""}', '{"subject":7}']) {
      const res = await post({ authorization }, body);
      expect(res.status, body).toBe(400);
    }
    expect(
      (await post({ authorization }, JSON.stringify({ subject: 'x'.repeat(70_000) }))).status,
    ).toBe(413);
    expect(await rows()).toBe(0);
  });

  it('stores one row per accepted request, with the token subject as officer', async () => {
    const authorization = `Bearer ${signToken(keys.privateKey, 'officer-7')}`;
    const res = await post(
      { authorization },
      JSON.stringify({ subject: 'tps/3175', votes: [1, 2] }),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ stored: true });
    const got = await fresh.db.query<{ officer: string; subject: string; body: unknown }>(
      `SELECT officer, subject, body FROM ${TABLE}`,
    );
    expect(got).toEqual([
      { officer: 'officer-7', subject: 'tps/3175', body: { subject: 'tps/3175', votes: [1, 2] } },
    ]);
  });
});
