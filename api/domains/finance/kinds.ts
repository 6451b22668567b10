/** The entry kinds of campaign finance (`domain.entity.event`, ARCHITECTURE.md). */
export const FINANCE_KINDS = {
  rules: 'finance.rules.set',
  account: 'finance.account.registered',
  accountChanged: 'finance.account.changed',
  contribution: 'finance.contribution.recorded',
  surrender: 'finance.excess.surrendered',
  expenditure: 'finance.expenditure.recorded',
  report: 'finance.report.filed',
  reportAmended: 'finance.report.amended',
  auditor: 'finance.auditor.assigned',
  opening: 'finance.donor.opened',
} as const;

export const RULES_SUBJECT = 'finance-rules';
export const accountSubject = (id: string) => `finance-account:${id}`;
export const reportSubject = (participant: string, kind: string) =>
  `finance-report:${participant}:${kind}`;
export const auditorSubject = (participant: string) => `finance-auditor:${participant}`;
export const surrenderSubject = (contribution: string) =>
  `finance-surrender:${contribution.slice('finance-contribution:'.length)}`;
