/**
 * Campaign finance writes over HTTP (issue #12). Every one is a ledgered write
 * (`performWrite`): the route builds the entry's public payload from the
 * request, and performWrite authorises it (Cedar, policies/finance.cedar), runs
 * the rules and writes the rows in the same transaction as the log entry.
 *
 * Who (policies/finance.cedar): KPU sets the rules, opens accounts and assigns
 * auditors (`finance.manage`); the participant's own filer (role PARTY) records
 * contributions, expenditures, surrenders and reports (`finance.file`, context
 * `filer` derived here from the signed-in identity, never the body); only the
 * auditor assigned to the participant opens a donor (`finance.donor.open`,
 * context `assigned`).
 */
import { contributionRoutes } from './contributions.ts';
import { manageRoutes } from './manage.ts';
import { openingRoutes } from './openings.ts';
import { reportRoutes } from './reports.ts';
import type { App, FinanceDeps } from './write.ts';

export type { FinanceDeps } from './write.ts';

export function financeRoutes(app: App, deps: FinanceDeps): void {
  manageRoutes(app, deps);
  contributionRoutes(app, deps);
  reportRoutes(app, deps);
  openingRoutes(app, deps);
}
