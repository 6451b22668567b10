/**
 * Control 5, keys and configuration (issue #13):
 *  - the key service is reachable: the server's readiness (`GET /readyz`) checks
 *    the database, the key service and the policy engine (CONTRACT.md);
 *  - on PostgreSQL, the application's roles (infra/db/roles.sql: saksi_api,
 *    saksi_sequencer, saksi_reader) cannot UPDATE, DELETE or TRUNCATE any log
 *    table — asked of the database itself with has_table_privilege, over every
 *    table whose name begins with `ledger_`;
 *  - no secret in the server's environment dump (`env` output, --env FILE; names only are
 *    reported, never values; CONVENTIONS.md §8: secrets come from files or Vault);
 *  - the security headers the API promises are on its public answers;
 *  - key versions, ages, rotations and retirements as logged: the key service's
 *    versions compared with the log's announcements and retirements
 *    (../keys/key-log.ts), the signing versions no older than the maximum age.
 */
import { compareKeys, DEFAULT_KEY_MAX_AGE_DAYS, readKeyLog } from '../keys/key-log.ts';
import type { AuditContext, Control, ControlOutcome, Finding } from '../types.ts';

export const keysConfig: Control = {
  id: 'keys-config',
  title: { id: 'Kunci dan konfigurasi', en: 'Keys and configuration' },
  severity: 'high',
  run,
};

const APP_ROLES = ['saksi_api', 'saksi_sequencer', 'saksi_reader'];
const CHANGES = ['UPDATE', 'DELETE', 'TRUNCATE'];
/** Headers every answer carries (api/app.ts SECURE_HEADERS). */
const HEADERS: Record<string, RegExp> = {
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^DENY$/,
  'content-security-policy': /default-src 'none'/,
  'strict-transport-security': /max-age=\d{7,}/,
  'referrer-policy': /^no-referrer$/,
};
/** Environment names that hold secrets; a value in clear there is a finding. */
const SECRET_NAME = /(SECRET|PASSWORD|PASSPHRASE|PRIVATE|TOKEN|KEK|API_KEY|VAULT_TOKEN)/i;
/** A URL with a password in it (postgres://user:pw@host). */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:[^/@\s]+@/i;

async function run(ctx: AuditContext): Promise<ControlOutcome> {
  const findings: Finding[] = [];
  const evidence: Record<string, unknown> = {};

  const ready = await ctx.http('/readyz');
  evidence.readyz = { status: ready.status, body: (await ready.text()).slice(0, 500) };
  if (ready.status !== 200)
    findings.push({
      code: 'NOT_READY',
      record: 'GET /readyz',
      message: `readiness (database, key service, policy engine) answered ${ready.status}`,
    });

  const health = await ctx.http('/log/checkpoint');
  await health.body?.cancel();
  const headers: Record<string, string | null> = {};
  for (const [name, want] of Object.entries(HEADERS)) {
    const got = health.headers.get(name);
    headers[name] = got;
    if (!got || !want.test(got))
      findings.push({
        code: 'SECURITY_HEADER_MISSING',
        record: `GET /log/checkpoint ${name}`,
        message: `${name} is ${got === null ? 'absent' : JSON.stringify(got)}`,
      });
  }
  evidence.headers = headers;

  const env = ctx.env ?? {};
  const secrets = Object.entries(env)
    .filter(([k, v]) => v && (SECRET_NAME.test(k) || URL_PASSWORD.test(v)))
    .map(([k]) => k)
    .sort();
  for (const name of secrets)
    findings.push({
      code: 'SECRET_IN_ENVIRONMENT',
      record: `environment ${name}`,
      message: `${name} holds a secret in clear; name a file or a Vault path instead`,
    });
  evidence.environmentVariablesScanned = ctx.env
    ? Object.keys(env).length
    : 'no environment dump given (--env FILE)';

  if (ctx.db?.kind === 'postgres') {
    const rows = await ctx.db.query<{ role: string; tbl: string; priv: string; has: boolean }>(
      `SELECT r.rolname AS role, t.tablename AS tbl, p.priv,
              has_table_privilege(r.rolname, format('%I.%I', t.schemaname, t.tablename), p.priv) AS has
         FROM pg_roles r
         CROSS JOIN pg_tables t
         CROSS JOIN unnest($2::text[]) AS p(priv)
        WHERE r.rolname = ANY($1::text[]) AND t.schemaname = 'public' AND t.tablename LIKE 'ledger\\_%'`,
      [APP_ROLES, CHANGES],
    );
    for (const r of rows.filter((r) => r.has))
      findings.push({
        code: 'LOG_TABLE_WRITABLE',
        record: `${r.role} ${r.priv} ${r.tbl}`,
        message: `role ${r.role} may ${r.priv} log table ${r.tbl}`,
      });
    evidence.rolesChecked = [...new Set(rows.map((r) => r.role))].sort();
    evidence.logTablesChecked = [...new Set(rows.map((r) => r.tbl))].sort();
    if (rows.length === 0)
      findings.push({
        code: 'ROLES_ABSENT',
        record: 'infra/db/roles.sql',
        message:
          'none of the application roles exists: the grants of infra/db/roles.sql are not applied',
      });
  } else evidence.rolePrivileges = 'not checked: no PostgreSQL database given';
  if (ctx.keys && ctx.db && ctx.reader)
    evidence.keyVersions = await compareKeys({
      keys: ctx.keys,
      log: await readKeyLog(ctx.db, ctx.reader),
      now: ctx.now(),
      maxAgeDays: ctx.keyMaxAgeDays ?? DEFAULT_KEY_MAX_AGE_DAYS,
      findings,
    });
  else
    evidence.keyVersions =
      'not compared: needs the key service (--keystore) and the database (--database)';
  evidence.timeouts = 'as configured (api/config.ts); not probed from outside by this control';

  return {
    status: findings.length ? 'fail' : 'pass',
    summary: findings.length
      ? `${findings.length} findings: ${[...new Set(findings.map((f) => f.code))].join(', ')}`
      : 'key service ready, security headers present, no secret in the environment' +
        (ctx.keys && ctx.db ? ', key versions and retirements as logged and within age' : '') +
        (ctx.db?.kind === 'postgres' ? ', no application role can change a log table' : ''),
    findings,
    evidence,
  };
}
