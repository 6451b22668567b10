/**
 * `saksi audit --url URL [--database URL] --out DIR` (CONTRACT.md, issue #13):
 * runs the audit suite (audit/) against a server — its log read through the
 * public tlog-tiles API, its database where a control compares it with the
 * log — and writes report.json and report.html into DIR. With --token, the
 * report's SHA-256 is filed with the server (appended to the log) and the
 * report cites that entry.
 *
 * Exit codes: 0 no control failed (and, with --token, the report was filed);
 * 1 a control failed or filing failed; 2 usage error.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CommandSpec, type Io, int, parseCommand, str, UsageError } from '../args.ts';

export const AUDIT: CommandSpec = {
  command: 'audit',
  summary:
    'run the audit suite (log integrity, reconciliation, results, policies, keys,\npersonal data, feasibility); writes report.json and report.html',
  flags: [
    {
      name: 'url',
      type: 'string',
      value: 'URL',
      required: true,
      description: "the server's base URL; its log is read at URL/log",
    },
    {
      name: 'database',
      type: 'string',
      value: 'URL',
      description:
        "the server's database (postgres://… or a PGlite directory); without it the\ncontrols that compare the database with the log are skipped",
    },
    {
      name: 'out',
      type: 'string',
      value: 'DIR',
      description: 'where report.json and report.html go (default ./audit-report)',
    },
    {
      name: 'key',
      type: 'string',
      value: 'VKEY',
      description:
        "the log's signed-note verifier key (default: pinned in --state, else the\nserved one, trusted on first use and said so in the report)",
    },
    {
      name: 'state',
      type: 'string',
      value: 'FILE',
      description: 'a `saksi verify --state` file: the log must only have grown since (read only)',
    },
    {
      name: 'token',
      type: 'string',
      value: 'TOKEN',
      description: "an auditor's bearer token: file the report's SHA-256 in the log and cite it",
    },
    {
      name: 'loadtest',
      type: 'string',
      value: 'DIR',
      description: 'the latest `saksi loadtest --out DIR`, for the feasibility control',
    },
    {
      name: 'keystore',
      type: 'string',
      value: 'DIR',
      description:
        "the server's local keystore directory: to unseal sampled private records\n(personal-data control) and compare key versions with the log (keys control)",
    },
    {
      name: 'env',
      type: 'string',
      value: 'FILE',
      description: "the server's environment dump (`env` output), scanned for secrets in clear",
    },
    {
      name: 'key-max-age',
      type: 'int',
      value: 'DAYS',
      description: "oldest a signing key's current version may be (keys control; default 365)",
    },
    {
      name: 'stage',
      type: 'string',
      value: 'ID',
      description: 'the election stage (tahapan) this evidence is for',
    },
  ],
  notes: `report.json's digest is SHA-256 of its RFC 8785 canonical JSON without the
"filing" member; that digest is what is appended to the log. docs/audit.md
describes every control and its findings.`,
};

export async function auditCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(AUDIT, args, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const url = httpUrl(str(flags, 'url')!);
  const out = str(flags, 'out') ?? 'audit-report';
  const stage = str(flags, 'stage');
  if (stage !== undefined && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(stage))
    throw new UsageError('--stage must be a stage id (lower-case letters, digits, dashes)');
  const token = str(flags, 'token');
  const state = await readState(str(flags, 'state'));
  const key = str(flags, 'key') ?? state?.verifierKey;
  const audit = await import('../../audit/index.ts');
  const { progressBar } = await import('../../audit/progress.ts');
  const progress = progressBar();
  const { ctx, close } = await audit.openAuditContext({
    url,
    ...opt('database', str(flags, 'database')),
    ...opt('verifierKey', key),
    ...(state ? { previous: state.previous } : {}),
    ...opt('loadtestDir', str(flags, 'loadtest')),
    ...opt('stage', stage),
    ...(int(flags, 'key-max-age') !== undefined
      ? { keyMaxAgeDays: int(flags, 'key-max-age')! }
      : {}),
    ...(str(flags, 'keystore')
      ? {
          keys: await (await import('../../keys/index.ts')).openLocalKeystore({
            dir: str(flags, 'keystore')!,
          }),
        }
      : {}),
    ...(str(flags, 'env') ? { env: await readEnv(str(flags, 'env')!) } : {}),
    ...(progress ? { progress } : {}),
  });
  let report: Awaited<ReturnType<typeof audit.runAudit>>;
  try {
    report = await audit.runAudit(ctx);
  } finally {
    await close();
  }
  let filingFailed = false;
  if (token) {
    const { fileReport, FilingError } = await import('../../audit/filing.ts');
    try {
      report = { ...report, filing: await fileReport(ctx.http, ctx.baseUrl, token, report) };
    } catch (e) {
      if (!(e instanceof FilingError)) throw e;
      io.stderr(`saksi audit: the report was not filed [${e.code}] ${e.message}`);
      filingFailed = true;
    }
  }
  const { reportHtml } = await import('../../audit/report/html.ts');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'report.json'), audit.reportJson(report));
  await writeFile(join(out, 'report.html'), reportHtml(report));
  for (const c of report.controls) io.stdout(`${mark(c.status)} ${c.id.padEnd(18)} ${c.summary}`);
  const s = report.summary;
  io.stdout(
    `${s.passed ? 'PASSED' : 'FAILED'}: ${s.pass} passed, ${s.fail} failed, ${s.skip} skipped in ${(s.ms / 1000).toFixed(1)} s; sha256 ${audit.reportSha256(report)} → ${join(out, 'report.html')}`,
  );
  if (report.filing)
    io.stdout(
      `filed as ${report.filing.reportId}: log entry ${report.filing.entry.index} (${report.filing.entry.leafHash})`,
    );
  return s.passed && !filingFailed ? 0 : 1;
}

function mark(status: 'pass' | 'fail' | 'skip'): string {
  return status === 'pass' ? '✓' : status === 'fail' ? '✗' : '-';
}

function httpUrl(url: string): string {
  try {
    const u = new URL(url);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash)
      return url.replace(/\/+$/, '');
  } catch {}
  throw new UsageError(`--url ${JSON.stringify(url)} is not an http or https URL`);
}

/** The pinned key and verified (size, root) of a `saksi verify --state` file. */
async function readState(
  path: string | undefined,
): Promise<{ verifierKey: string; previous: { size: number; rootHash: Uint8Array } } | undefined> {
  if (!path) return undefined;
  let s: { verifierKey?: unknown; size?: unknown; rootHash?: unknown };
  try {
    s = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--state ${path}: ${(e as Error).message}`);
  }
  const root = typeof s.rootHash === 'string' ? Buffer.from(s.rootHash, 'base64') : undefined;
  if (
    typeof s.verifierKey !== 'string' ||
    !Number.isSafeInteger(s.size) ||
    (s.size as number) < 0 ||
    root?.length !== 32
  )
    throw new UsageError(`--state ${path} is not a saksi verify state file`);
  return {
    verifierKey: s.verifierKey,
    previous: { size: s.size as number, rootHash: new Uint8Array(root) },
  };
}

/** `env` output: NAME=value per line (values are never printed or stored). */
async function readEnv(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--env ${path}: ${(e as Error).message}`);
  }
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(line.slice(0, eq)))
      env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

const opt = <K extends string>(k: K, v: string | undefined) =>
  (v === undefined ? {} : { [k]: v }) as Partial<Record<K, string>>;
