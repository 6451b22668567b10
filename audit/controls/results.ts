/**
 * Control 3, results recomputed (issue #13). From the log alone: control 1's
 * pass notes every count-form version (`results.chasil.*`) in the verified log.
 * For every TPS and contest with a counted version (verified or corrected), the
 * published results proof (`GET /v1/results/<C>/proof/<TPS>`) is checked with
 * the observer's verifier (ledger/verifier/results: the form's checks
 * recomputed, every recap level's totals re-added from what it lists, each
 * level listed by the one above, up to the nation, all included in the signed
 * tree), and the form it proves must be the latest counted version in the log —
 * a recap that still counts an older version, or a proof that does not verify,
 * is a finding. Flagged forms are listed with the versions that corrected them.
 */
import { verifyResultsProof } from '../../ledger/verifier/results/index.ts';
import type { AuditContext, Control, ControlOutcome, Finding } from '../types.ts';

export const results: Control = {
  id: 'results',
  title: { id: 'Hasil dihitung ulang dari log', en: 'Results recomputed from the log' },
  severity: 'critical',
  run,
};

const COUNTED = new Set(['results.chasil.verified', 'results.chasil.corrected']);
/** Proofs fetched at once. */
const PARALLEL = 8;

async function run(ctx: AuditContext): Promise<ControlOutcome> {
  const forms = ctx.published?.forms;
  const key = ctx.verifierKey ?? (await (await ctx.http('/log/key')).text()).trim();
  if (!forms)
    return {
      status: 'skip',
      summary: 'the log was not verified: there is no log to recompute from',
      findings: [],
      evidence: {},
    };
  const findings: Finding[] = [];
  const flagged: {
    form: string;
    seq: number;
    corrections: { seq: number; reason: string | null }[];
  }[] = [];
  const targets: { subject: string; contest: string; tps: string; latest: number }[] = [];
  for (const [subject, versions] of forms) {
    const [, contest, tps] = subject.split(':');
    const counted = versions.filter((v) => COUNTED.has(v.kind));
    if (!contest || !tps || counted.length === 0) continue;
    targets.push({ subject, contest, tps, latest: Math.max(...counted.map((v) => v.seq)) });
  }
  let verified = 0;
  const nations = new Map<string, unknown>();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < targets.length) {
        const t = targets[next++]!;
        const record = `${t.subject}`;
        const res = await ctx.http(`/v1/results/${t.contest}/proof/${t.tps}`);
        if (res.status !== 200) {
          await res.body?.cancel();
          findings.push({
            code: 'RESULT_NOT_PUBLISHED',
            record,
            message: `GET /v1/results/${t.contest}/proof/${t.tps} answered ${res.status}`,
          });
          continue;
        }
        const verdict = verifyResultsProof(await res.json(), key);
        if (!verdict.ok) {
          for (const e of verdict.errors)
            findings.push({
              code: 'RESULT_PROOF_FAILED',
              record,
              message: `[${e.code}] ${e.message}`,
            });
          continue;
        }
        verified++;
        if (verdict.nation) nations.set(t.contest, verdict.nation);
        if (verdict.form && verdict.form.seq !== t.latest)
          findings.push({
            code: 'RECAP_COUNTS_OLD_VERSION',
            record,
            message: `the published recap counts version ${verdict.form.seq}, the log's latest counted version is ${t.latest}`,
          });
        if (verdict.form?.status === 'flagged') {
          const later = forms.get(t.subject)!.filter((v) => v.seq > verdict.form!.seq);
          flagged.push({
            form: t.subject,
            seq: verdict.form.seq,
            corrections: later.map((v) => ({ seq: v.seq, reason: v.reason })),
          });
        }
      }
    }),
  );
  const evidence = {
    formsInLog: forms.size,
    chainsVerified: verified,
    chainsChecked: targets.length,
    flagged,
    nation: Object.fromEntries(nations),
  };
  return {
    status: findings.length ? 'fail' : 'pass',
    summary: findings.length
      ? `${findings.length} findings: ${[...new Set(findings.map((f) => f.code))].join(', ')}`
      : `${verified} TPS results recomputed from the log up to the nation; each counts the latest version; ${flagged.length} flagged`,
    findings,
    evidence,
  };
}
