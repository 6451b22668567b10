// The donor commitment (docs/finance.md "Donor privacy"): the writer's
// node:crypto HMAC and this browser-safe one hash the same canonical bytes, and
// an opening is accepted only for the committed record.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../encoding.ts';
import {
  checkDonorOpening,
  type DonorRecord,
  donorCommitment,
  donorCommitmentText,
} from './commitment.ts';

const record: DonorRecord = {
  subject: `finance-contribution:${'ab'.repeat(16)}`,
  participant: 'partai-a',
  category: 'individual',
  country: 'ID',
  idNumber: '3171014101800001',
  name: '  ani   donatur ',
  amount: '2500000000',
  date: '2024-01-02',
};

describe('donor commitment', () => {
  const salt = randomBytes(32);
  const commitment = donorCommitment(salt, record);
  const logged = {
    participant: 'partai-a',
    category: 'individual',
    amount: '2500000000',
    date: '2024-01-02',
    commitment: toBase64(commitment),
  };

  it('is the HMAC-SHA256 of the canonical text under the salt (writer and verifier agree)', () => {
    expect(Buffer.from(commitment)).toEqual(
      createHmac('sha256', salt).update(donorCommitmentText(record)).digest(),
    );
    expect(donorCommitmentText(record)).toContain('"name":"ANI DONATUR"');
  });

  it('accepts the true opening and refuses any other', () => {
    const opening = { salt: toBase64(salt), record };
    expect(checkDonorOpening(record.subject, logged, opening)).toEqual({ ok: true });
    expect(
      checkDonorOpening(record.subject, logged, {
        ...opening,
        record: { ...record, idNumber: '3171014101800002' },
      }).ok,
    ).toBe(false);
    expect(
      checkDonorOpening(record.subject, logged, { ...opening, salt: toBase64(randomBytes(32)) }),
    ).toEqual({ ok: false, reason: 'COMMITMENT_MISMATCH' });
    expect(checkDonorOpening(record.subject, logged, { ...opening, salt: 'AA==' })).toEqual({
      ok: false,
      reason: 'BAD_SALT',
    });
    expect(checkDonorOpening(record.subject, { ...logged, amount: '1' }, opening)).toEqual({
      ok: false,
      reason: 'PUBLIC_FACTS_DIFFER',
    });
    expect(checkDonorOpening('finance-contribution:other', logged, opening).ok).toBe(false);
  });

  it('hides the donor: two salts give unrelated commitments', () => {
    expect(toBase64(donorCommitment(randomBytes(32), record))).not.toBe(logged.commitment);
  });
});
