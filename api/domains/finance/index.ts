/**
 * Campaign finance (SIKADEKA, DOMAIN.md application 6, issue #12). The one
 * public surface of this folder (CONVENTIONS.md §1); see README.md and
 * docs/finance.md.
 */
export { DONOR_INDEX_LABEL, FINANCE_KEK_LABEL, FinanceKeys } from './crypto.ts';
export { exportCsv, FINANCE_CSV_HEADER } from './csv.ts';
export { FINANCE_KINDS } from './kinds.ts';
export {
  financePublicRoutes,
  financeStandings,
  totalsByParticipant,
} from './public.ts';
export { type FinanceDeps, financeRoutes } from './routes.ts';
export { DEFAULT_RULES, type FinanceStatus, financeStatus } from './rules.ts';
export {
  DONOR_CATEGORIES,
  EXPENDITURE_CATEGORIES,
  type FinanceRules,
  REPORT_KINDS,
} from './schemas.ts';
