/** Every domain table reconciled with the log; adding a table is adding its file and a line here. */
import { countForms } from './count-forms.ts';
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
];
export type { LoggedEntry, TableReconciler } from './table.ts';
