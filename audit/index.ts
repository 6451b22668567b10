/**
 * The audit suite (issue #13): controls that read the published log, the public
 * API and the database, and the evidence report. The one public surface of
 * this folder (CONVENTIONS.md §1); see README.md and docs/audit.md.
 */
import { toBase64 } from '../ledger/verifier/index.ts';
import { CONTROLS } from './controls/index.ts';
import { type AuditReport, buildReport } from './report/json.ts';
import { runControls } from './runner.ts';
import type { AuditContext, Control } from './types.ts';

export { type AuditTarget, openAuditContext } from './context.ts';
export { CONTROLS } from './controls/index.ts';
export {
  type AuditReport,
  buildReport,
  type Filing,
  REPORT_FORMAT,
  reportJson,
  reportSha256,
} from './report/json.ts';
export { runControls } from './runner.ts';
export type * from './types.ts';

/** Runs the controls against a context and builds the report. */
export async function runAudit(
  ctx: AuditContext,
  options: { controls?: readonly Control[]; kind?: 'audit' | 'feasibility' } = {},
): Promise<AuditReport> {
  const generatedAt = ctx.now().toISOString();
  const t0 = performance.now();
  const controls = await runControls(options.controls ?? CONTROLS, ctx);
  const published = ctx.published;
  return buildReport({
    kind: options.kind ?? 'audit',
    generatedAt,
    ...(ctx.stage ? { stage: ctx.stage } : {}),
    target: {
      baseUrl: ctx.baseUrl,
      ...(published
        ? { origin: published.origin, size: published.size, rootHash: toBase64(published.rootHash) }
        : {}),
    },
    controls,
    ms: performance.now() - t0,
  });
}
