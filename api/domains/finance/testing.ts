/**
 * Request builders shared by the finance tests, the demo seeder and the
 * benchmark: valid bodies for each write, so each caller varies only what it
 * tests. Nothing here is used by the routes.
 */
import { createHash } from 'node:crypto';
import type { FinanceRules } from './schemas.ts';

/** Deadlines far ahead, so nothing filed today is late unless a test says so. */
export const OPEN_RULES: FinanceRules = {
  caps: {
    DPR: { individual: '2500000000', group: '25000000000', company: '25000000000' },
    DPD: { individual: '750000000', group: '1500000000', company: '1500000000' },
    PPWP: { individual: '2500000000', group: '25000000000', company: '25000000000' },
  },
  deadlines: {
    LADK: '2099-01-01T00:00:00Z',
    LPSDK: '2099-02-01T00:00:00Z',
    LPPDK: '2099-03-01T00:00:00Z',
  },
};

export const accountBody = (
  id: string,
  filer: string,
  kind: 'party' | 'dpd' | 'presidential' = 'party',
  area = 'ID',
) => ({
  id,
  name: `Peserta ${id}`,
  kind,
  area,
  filer,
  account: { bank: 'Bank Rakyat Contoh', number: '0012345678', holder: `RKDK ${id}` },
});

export const contributionBody = (
  participant: string,
  donor: {
    idNumber: string;
    name: string;
    category?: 'individual' | 'group' | 'company';
    country?: string;
  },
  amount: string | number,
  date = '2024-01-02',
) => ({
  participant,
  donor: {
    category: donor.category ?? 'individual',
    country: donor.country ?? 'ID',
    idNumber: donor.idNumber,
    name: donor.name,
  },
  amount,
  date,
});

export const expenditureBody = (
  participant: string,
  amount: string | number,
  category = 'materials',
) => ({
  participant,
  category,
  amount,
  date: '2024-01-05',
  description: 'alat peraga kampanye',
});

/** A report with its document (any bytes; a real filing is the PDF) and its true SHA-256. */
export function reportBody(
  participant: string,
  kind: 'LADK' | 'LPSDK' | 'LPPDK',
  declared: { contributions: string; expenditures: string },
  opts: { seq?: number; reason?: string; text?: string } = {},
) {
  const bytes = Buffer.from(
    opts.text ?? `%PDF-1.4\n${kind} ${participant} ${JSON.stringify(declared)}\n`,
  );
  return {
    participant,
    kind,
    seq: opts.seq ?? 1,
    ...(opts.reason ? { reason: opts.reason } : {}),
    document: {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      mediaType: 'application/pdf',
      base64: bytes.toString('base64'),
    },
    declared,
  };
}

export {
  ACCOUNT_SCHEMA,
  AUDITOR_SCHEMA,
  CONTRIBUTION_SCHEMA,
  EXPENDITURE_SCHEMA,
  OPENING_SCHEMA,
  REPORT_SCHEMA,
  RULES_SCHEMA,
  SURRENDER_SCHEMA,
} from './schemas.ts';
