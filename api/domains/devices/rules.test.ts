// The device rules alone (rules.ts): subjects, the enrolment message, proof of
// possession, and the two-version life of a device.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceSubject, enrolmentMessage, enrolViolations, revokeViolations } from './rules.ts';

function device() {
  const pair = generateKeyPairSync('ed25519');
  const key = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString(
    'base64',
  );
  return { key, privateKey: pair.privateKey };
}

describe('device rules', () => {
  it('names a device by its key and signs an officer-bound enrolment message', () => {
    const d = device();
    expect(deviceSubject(d.key)).toMatch(/^device:[0-9a-f]{32}$/);
    expect(deviceSubject(d.key)).toBe(deviceSubject(d.key));
    expect(Buffer.from(enrolmentMessage('kpps-1', d.key)).toString()).toBe(
      `saksi/device-enrolment/v1\nkpps-1\n${d.key}`,
    );
  });

  it('enrols once, with the device’s own signature for this officer', () => {
    const d = device();
    const proof = sign(null, enrolmentMessage('kpps-1', d.key), d.privateKey).toString('base64');
    const p = { officer: 'kpps-1', key: d.key, label: 'phone', proof };
    expect(enrolViolations(p, 1)).toEqual([]);
    expect(enrolViolations(p, 2).map((v) => v.rule)).toEqual(['enrol-once']);
    // The same proof does not enrol the key to another officer.
    expect(enrolViolations({ ...p, officer: 'kpps-2' }, 1).map((v) => v.rule)).toEqual([
      'proof-of-possession',
    ]);
    // Nor does another key's proof.
    const other = device();
    expect(enrolViolations({ ...p, key: other.key }, 1).map((v) => v.rule)).toEqual([
      'proof-of-possession',
    ]);
  });

  it('revocation is version 2 only', () => {
    expect(revokeViolations(2)).toEqual([]);
    for (const seq of [1, 3]) expect(revokeViolations(seq)[0]?.rule).toBe('revoke-after-enrol');
  });
});
