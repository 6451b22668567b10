/**
 * The demo seeder's officers: for each (role, area) a demo token and a freshly
 * enrolled Ed25519 device with its proof of possession, as an officer's phone
 * would have — created once per seeder run and shared by every form it signs.
 * A second seeder has devices of its own; the officer is the same.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { deviceSubject, enrolmentMessage } from '../domains/devices/index.ts';
import type { SigningDevice } from '../domains/results/testing.ts';
import { type DemoClient, SeedError } from './client.ts';

export interface Officer {
  id: string;
  token: string;
  tokenAt: number;
  device: SigningDevice;
}

/** Tokens live 15 minutes by default; a long seed fetches a new one well before. */
const TOKEN_REFRESH_MS = 5 * 60_000;

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

function newDevice(): SigningDevice {
  const pair = generateKeyPairSync('ed25519');
  // The raw 32-byte key, standard base64 (the JWK's x is its base64url).
  const x = pair.publicKey.export({ format: 'jwk' }).x!;
  return { privateKey: pair.privateKey, keyB64: Buffer.from(x, 'base64url').toString('base64') };
}

export class DemoOfficers {
  /** Devices enrolled by this seeder. */
  devices = 0;
  readonly #officers = new Map<string, Promise<Officer>>();

  constructor(private readonly client: DemoClient) {}

  /** The officer of `role` in `area`, with a current token and an enrolled device. */
  async get(role: string, area: string): Promise<Officer> {
    const key = `${role}:${area}`;
    let p = this.#officers.get(key);
    if (!p) {
      p = this.#enrol(role, area);
      this.#officers.set(key, p);
      p.catch(() => this.#officers.delete(key));
    }
    const o = await p;
    if (Date.now() - o.tokenAt > TOKEN_REFRESH_MS) {
      o.token = (await demoToken(this.client, role, area)).token;
      o.tokenAt = Date.now();
    }
    return o;
  }

  async #enrol(role: string, area: string): Promise<Officer> {
    const { token, id } = await demoToken(this.client, role, area);
    const device = newDevice();
    const proof = sign(null, enrolmentMessage(id, device.keyB64), device.privateKey);
    await this.client.request('POST', '/v1/devices', {
      token,
      json: {
        subject: deviceSubject(device.keyB64),
        seq: 1,
        payload: {
          officer: id,
          key: device.keyB64,
          label: 'saksi demo seed',
          proof: proof.toString('base64'),
        },
      },
      idempotencyKey: `seed-${hex(`enrol:${device.keyB64}`).slice(0, 40)}`,
      expect: [201],
    });
    this.devices++;
    return { id, token, tokenAt: Date.now(), device };
  }
}

/** A demo token (POST /v1/demo/token); a server without demo mode answers 404. */
export async function demoToken(
  client: DemoClient,
  role: string,
  area: string,
): Promise<{ token: string; id: string }> {
  const r = await client.request<{ token: string; officer: { id: string } }>(
    'POST',
    '/v1/demo/token',
    { json: { role, area }, expect: [200, 404] },
  );
  if (r.status === 404)
    throw new SeedError(
      'NOT_DEMO',
      `${client.base.origin} has no demo tokens; start it with \`saksi serve --demo\``,
    );
  return { token: r.body.token, id: r.body.officer.id };
}
