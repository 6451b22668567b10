/**
 * `saksi loadtest fixtures`: the writes of a k6 run, signed ahead. k6 has no
 * Ed25519 (https://grafana.com/docs/k6/latest/javascript-api/k6-experimental/webcrypto/
 * lists no Ed25519 signing), so this enrols the officers' devices on the target
 * deployment, signs every chain's versions with them, and writes one JSON file
 * the scripts load with SharedArray (loadtest/k6/fixtures.ts reads it).
 */
import { randomBytes } from 'node:crypto';
import { DemoClient, DemoOfficers } from '../../api/demo/index.ts';
import { prepareChains, type WriteStep } from './chains.ts';

/** The file's shape; loadtest/k6/fixtures.ts declares the same for k6. */
export interface FixtureFile {
  format: 'saksi-loadtest-fixtures/1';
  url: string;
  createdAt: string;
  /** Officers the k6 run logs in as (POST /v1/demo/token): their devices signed the steps. */
  officers: { role: string; area: string }[];
  chains: {
    tps: string;
    contest: string;
    /** Base64 of the PNG, PUT to /v1/photos/<sha256>?tps=<tps> before version 1. */
    photo: { sha256: string; base64: string; mediaType: string } | null;
    steps: WriteStep[];
  }[];
}

export interface FixtureOptions {
  url: string;
  tps: number;
  from: string;
  /** Versions signed per chain. */
  versions: number;
  onProgress?: (chains: number) => void;
}

export async function buildFixtures(o: FixtureOptions): Promise<FixtureFile> {
  const client = new DemoClient(o.url);
  const officers = new DemoOfficers(client);
  const run = randomBytes(8).toString('hex');
  const chains = await prepareChains(client, officers, { tps: o.tps, from: o.from, run });
  const seen = new Map<string, { role: string; area: string }>();
  const out: FixtureFile['chains'] = [];
  for (const c of chains) {
    const steps: WriteStep[] = [];
    const photo = c.photoUploaded
      ? null
      : {
          sha256: c.photo.sha256,
          base64: Buffer.from(c.photo.bytes).toString('base64'),
          mediaType: c.photo.mediaType,
        };
    for (let i = 0; i < o.versions; i++) {
      const role = c.roleFor();
      const area = c.areaFor();
      seen.set(`${role}:${area}`, { role, area });
      steps.push(c.step(await officers.get(role, area)));
      c.advance();
    }
    out.push({ tps: c.tps, contest: c.contest, photo, steps });
    o.onProgress?.(out.length);
  }
  return {
    format: 'saksi-loadtest-fixtures/1',
    url: o.url,
    createdAt: new Date().toISOString(),
    officers: [...seen.values()],
    chains: out,
  };
}
