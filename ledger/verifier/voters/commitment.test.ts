// The voter commitment (commitment.ts) against an independent computation with
// node:crypto's HMAC over the canonical text written out by hand: the encoding
// docs/voters.md documents is the one the code hashes.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detailsDigest, normalizeName, voterCommitment } from './commitment.ts';

const salt = new Uint8Array(32).map((_, i) => i);
const hmac = (text: string) => createHmac('sha256', salt).update(text, 'utf8').digest();

describe('voter commitment', () => {
  it('is HMAC-SHA256(salt, RFC 8785 JSON) at both levels', () => {
    const details = detailsDigest(salt, {
      kk: '3171010101100001',
      birthPlace: 'Jakarta',
      birthDate: '1990-03-12',
      sex: 'P',
      marital: 'S',
      address: 'Jl. Kenanga 7',
      disability: 'none',
      ektp: true,
      formA: null,
    });
    expect(Buffer.from(details)).toEqual(
      hmac(
        '{"address":"Jl. Kenanga 7","birthDate":"1990-03-12","birthPlace":"Jakarta","d":"saksi voter details v1","disability":"none","ektp":true,"formA":null,"kk":"3171010101100001","marital":"S","sex":"P"}',
      ),
    );
    const c = voterCommitment(
      salt,
      {
        subject: 'voter:ab',
        seq: 2,
        tps: '3171011001001',
        list: 'DPSHP',
        nik: '3171015203900001',
        name: ' siti  aminah ',
      },
      details,
    );
    const d64 = Buffer.from(details).toString('base64');
    expect(Buffer.from(c)).toEqual(
      hmac(
        `{"d":"saksi voter v1","details":"${d64}","list":"DPSHP","name":"SITI AMINAH","nik":"3171015203900001","seq":2,"subject":"voter:ab","tps":"3171011001001"}`,
      ),
    );
  });

  it('normalises names as the register prints them', () => {
    expect(normalizeName('  Siti\t Aminah ')).toBe('SITI AMINAH');
    expect(normalizeName('E\u0301lise')).toBe(normalizeName('\u00c9LISE'));
  });
});
