/**
 * Control 7, feasibility (uji kelaikan; issue #13): the latest `saksi loadtest`
 * results (loadtest/driver/run.ts `Results`, read from --loadtest DIR) against
 * their thresholds — every threshold held, no write lost, the log verified
 * during the run — and its capacity model (cores per process group at each
 * stage's expected peak, loadtest/driver/capacity.ts) carried into the
 * evidence. Results older than MAX_AGE_DAYS do not count as evidence.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditContext, Control, ControlOutcome, Finding } from '../types.ts';

export const feasibility: Control = {
  id: 'feasibility',
  title: { id: 'Uji kelaikan (uji beban)', en: 'Feasibility (load test)' },
  severity: 'high',
  run,
};

export const MAX_AGE_DAYS = 30;

interface LoadResults {
  scenario?: unknown;
  startedAt?: unknown;
  thresholds?: { name: string; limit: number; actual: number; passed: boolean }[];
  capacity?: { stage: string; cores: Record<string, number>; apiNodes: number }[];
  log?: { failures?: string[] };
  summary?: {
    requests?: number;
    errors?: number;
    lostWrites?: number;
    p99ms?: number;
    thresholdsPassed?: boolean;
  };
}

async function run(ctx: AuditContext): Promise<ControlOutcome> {
  if (!ctx.loadtestDir)
    return {
      status: 'skip',
      summary: 'no load-test results given (--loadtest DIR)',
      findings: [],
      evidence: {},
    };
  const path = join(ctx.loadtestDir, 'results.json');
  let r: LoadResults;
  try {
    r = JSON.parse(await readFile(path, 'utf8')) as LoadResults;
  } catch (e) {
    return fail([{ code: 'RESULTS_UNREADABLE', record: path, message: (e as Error).message }], {});
  }
  const findings: Finding[] = [];
  if (!r.summary || !Array.isArray(r.thresholds))
    findings.push({ code: 'RESULTS_MALFORMED', record: path, message: 'no summary or thresholds' });
  for (const t of r.thresholds ?? [])
    if (!t.passed)
      findings.push({
        code: 'THRESHOLD_FAILED',
        record: t.name,
        message: `measured ${t.actual}, limit ${t.limit}`,
      });
  if ((r.summary?.lostWrites ?? 0) > 0)
    findings.push({
      code: 'WRITES_LOST',
      record: path,
      message: `${r.summary?.lostWrites} receipted writes were not found in the log`,
    });
  for (const f of r.log?.failures ?? [])
    findings.push({ code: 'LOG_FAILED_UNDER_LOAD', record: path, message: f });
  const started = Date.parse(String(r.startedAt));
  const ageDays = (ctx.now().getTime() - started) / 86_400_000;
  if (!Number.isFinite(ageDays) || ageDays > MAX_AGE_DAYS)
    findings.push({
      code: 'RESULTS_STALE',
      record: path,
      message: `the load test ran ${Number.isFinite(ageDays) ? `${ageDays.toFixed(0)} days ago` : 'at an unknown time'}; at most ${MAX_AGE_DAYS} days count`,
    });
  const capacity = r.capacity ?? [];
  const evidence = {
    results: path,
    scenario: r.scenario,
    startedAt: r.startedAt,
    summary: r.summary,
    thresholds: r.thresholds,
    capacity,
    stage: ctx.stage ?? null,
  };
  if (findings.length) return fail(findings, evidence);
  return {
    status: 'pass',
    summary: `${String(r.scenario)}: ${r.thresholds?.length} thresholds held, ${r.summary?.requests} requests, no write lost${capacity.length ? `; capacity model for ${capacity.length} stage peaks attached` : '; no capacity model (run with --server-pid)'}`,
    findings,
    evidence,
  };
}

function fail(findings: Finding[], evidence: Record<string, unknown>): ControlOutcome {
  return {
    status: 'fail',
    summary: `${findings.length} findings: ${[...new Set(findings.map((f) => f.code))].join(', ')}`,
    findings,
    evidence,
  };
}
