/**
 * Runs controls one after another (later ones read what earlier ones found:
 * reconciliation uses the published leaf hashes of log integrity) and times
 * each. A control that throws is a failed control whose finding says why: an
 * audit that could not check something has not shown it holds.
 */
import type { AuditContext, Control, ControlResult } from './types.ts';

export async function runControls(
  controls: readonly Control[],
  ctx: AuditContext,
): Promise<ControlResult[]> {
  const results: ControlResult[] = [];
  for (const control of controls) {
    const startedAt = ctx.now().toISOString();
    const t0 = performance.now();
    let outcome: Awaited<ReturnType<Control['run']>>;
    try {
      outcome = await control.run(ctx);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      outcome = {
        status: 'fail',
        summary: `the control could not complete: ${message}`,
        findings: [{ code: 'CONTROL_ERROR', message }],
        evidence: {},
      };
    }
    results.push({
      id: control.id,
      title: control.title,
      severity: control.severity,
      ...outcome,
      startedAt,
      ms: Math.round(performance.now() - t0),
    });
  }
  return results;
}
