/**
 * Control 4, policies (issue #13): the deployed policy set loads into the Cedar
 * engine (every policy validates against the schema, or loading refuses it);
 * the hash of the deployed files (policies/policy-set.ts manifestOf) is the one
 * the log's latest `system.policy_set.activated` entry records; and no permit
 * of a write action lacks a condition on the principal's area or ownership
 * (`principal.area`, `context.self`, `context.filer`, `context.assigned`) unless
 * it is for a national role, or log-wide for national roles only.
 * Decision-table coverage of every role × action is checked where the tables
 * live (policies/decision-table.test.ts), not repeated here.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_POLICY_DIR, loadPolicyEngine } from '../../policies/index.ts';
import type { AuditContext, Control, ControlOutcome, Finding } from '../types.ts';

export const policies: Control = {
  id: 'policies',
  title: { id: 'Kebijakan otorisasi', en: 'Authorisation policies' },
  severity: 'high',
  run: (ctx) => checkPolicies(ctx, DEFAULT_POLICY_DIR),
};

/** Roles whose area is the whole country: a permit for them alone needs no area condition. */
const NATIONAL = /principal\.role == "(ADMIN|KPU_RI)"\s*}?\s*;?\s*$/;
/**
 * Area or ownership conditions (ARCHITECTURE.md "Identity, policy, keys"). The
 * finance policies' `context.filer` (the officer the campaign account names) and
 * `context.assigned` (the KAP assigned to the participant) are ownership, set by
 * the API from the log, never from the request.
 */
const SCOPED = /principal\.area|context\.self|context\.filer|context\.assigned|resource\.owner/;
/**
 * Log-wide actions (resource `Log`: keys, audit reports, findings, stages of the
 * national calendar) have no area to condition on; they are scoped when every
 * role the permit names is a national one (the internal audit is national too).
 */
const LOG_WIDE = /resource is Saksi::Log\b/;
const NATIONAL_ROLES: ReadonlySet<string> = new Set(['ADMIN', 'KPU_RI', 'AUDITOR']);
const rolesNamed = (permit: string): string[] => [
  ...[...permit.matchAll(/principal\.role == "([A-Z_]+)"/g)].map((m) => m[1]!),
  ...[...permit.matchAll(/\[([^\]]*)\]\.contains\(principal\.role\)/g)].flatMap((m) =>
    [...m[1]!.matchAll(/"([A-Z_]+)"/g)].map((r) => r[1]!),
  ),
];
const logWideNational = (permit: string): boolean => {
  const roles = rolesNamed(permit);
  return LOG_WIDE.test(permit) && roles.length > 0 && roles.every((r) => NATIONAL_ROLES.has(r));
};

export async function checkPolicies(ctx: AuditContext, dir: string): Promise<ControlOutcome> {
  const findings: Finding[] = [];
  let hash: string;
  try {
    hash = (await loadPolicyEngine({ dir, logger: pino({ level: 'silent' }), cacheSize: 0 }))
      .policySetHash;
  } catch (e) {
    findings.push({ code: 'POLICY_SET_INVALID', record: dir, message: (e as Error).message });
    return { status: 'fail', summary: 'the policy set does not load', findings, evidence: { dir } };
  }
  const unscoped: string[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.cedar')).sort()) {
    const text = await readFile(join(dir, name), 'utf8');
    for (const [i, permit] of (
      text.match(/permit\s*\([\s\S]*?\)\s*(when\s*\{[\s\S]*?\}\s*)?;/g) ?? []
    ).entries()) {
      const actions = [...permit.matchAll(/Action::"([^"]+)"/g)].map((m) => m[1]!);
      const writes = actions.filter((a) => !/\.(read|list|get)$|^public\./.test(a));
      if (
        writes.length === 0 ||
        SCOPED.test(permit) ||
        NATIONAL.test(permit.trim()) ||
        logWideNational(permit)
      )
        continue;
      unscoped.push(`${name}#${i + 1}`);
      findings.push({
        code: 'WRITE_WITHOUT_AREA_CONDITION',
        record: `${name} permit ${i + 1}`,
        message: `permits ${writes.join(', ')} without a condition on the principal's area or ownership`,
      });
    }
  }
  const logged = ctx.published?.policyActivation;
  const loggedHash = typeof logged?.payload.hash === 'string' ? logged.payload.hash : undefined;
  if (!ctx.published)
    findings.push({
      code: 'POLICY_HASH_UNCHECKED',
      message: 'the log was not verified, so the activated policy hash cannot be read from it',
    });
  else if (loggedHash !== hash)
    findings.push({
      code: 'POLICY_HASH_MISMATCH',
      record: logged ? `log entry ${logged.index}` : 'log',
      message: logged
        ? `the log's latest activation records policy set ${loggedHash}, the deployed files hash to ${hash}`
        : `no policy-set activation in the log; the deployed files hash to ${hash}`,
    });
  return {
    status: findings.length ? 'fail' : 'pass',
    summary: findings.length
      ? findings.map((f) => f.code).join(', ')
      : `policy set ${hash.slice(0, 16)}… loads, is the one activated in the log, and every write permit is scoped`,
    findings,
    evidence: {
      deployedHash: hash,
      loggedHash: loggedHash ?? null,
      activationIndex: logged?.index ?? null,
      unscopedWritePermits: unscoped,
    },
  };
}
