/** Every route of the audit domain (README.md). */
import type { Hono } from 'hono';
import type { AppVariables } from '../../auth/principal.ts';
import type { AuditDeps } from './deps.ts';
import { followupRoutes } from './followups.ts';
import { auditReadRoutes } from './reads.ts';
import { reportRoutes } from './reports.ts';
import { stageOpenRoutes } from './stages.ts';

export function auditRoutes(app: Hono<{ Variables: AppVariables }>, deps: AuditDeps): void {
  reportRoutes(app, deps);
  followupRoutes(app, deps);
  stageOpenRoutes(app, deps);
  auditReadRoutes(app, deps);
}
