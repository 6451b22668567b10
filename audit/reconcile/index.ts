/** Every domain table reconciled with the log; adding a table is adding its file and a line here. */
import { auditFindings } from './audit-findings.ts';
import { auditFollowups } from './audit-followups.ts';
import { auditReports } from './audit-reports.ts';
import { auditStageDecisions } from './audit-stage-decisions.ts';
import { countForms } from './count-forms.ts';
import { financeAuditors } from './finance-auditors.ts';
import { financeContributions } from './finance-contributions.ts';
import { financeExpenditures } from './finance-expenditures.ts';
import { financeOpenings } from './finance-openings.ts';
import { financeParticipants } from './finance-participants.ts';
import { financeReports } from './finance-reports.ts';
import { financeRules } from './finance-rules.ts';
import { financeSurrenders } from './finance-surrenders.ts';
import { recaps } from './recaps.ts';
import type { TableReconciler } from './table.ts';
import { tpsReports } from './tps-reports.ts';
import { voterChanges } from './voter-changes.ts';
import { voterCounts } from './voter-counts.ts';

export const TABLES: readonly TableReconciler[] = [
  countForms,
  recaps,
  tpsReports,
  voterChanges,
  voterCounts,
  financeRules,
  financeParticipants,
  financeContributions,
  financeSurrenders,
  financeExpenditures,
  financeReports,
  financeAuditors,
  financeOpenings,
  auditReports,
  auditFindings,
  auditFollowups,
  auditStageDecisions,
];
export type { LoggedEntry, TableReconciler } from './table.ts';
