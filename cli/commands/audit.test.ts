/**
 * `saksi audit` end to end against a real server on loopback with a seeded log:
 * report.json and report.html written, exit 0 when nothing failed, and with
 * --token the report's SHA-256 filed and cited. Filing is tested against a
 * contract double of POST /v1/audit/reports (the agreed contract; the server
 * side is api/domains/audit/), which forwards every other request to the real
 * server.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditReport, reportSha256 } from '../../audit/index.ts';
import { type AuditedServer, auditedServer } from '../../audit/testing.ts';
import { canonicalBytes } from '../../ledger/index.ts';
import type { Io } from '../args.ts';
import { main } from '../main.ts';

let s: AuditedServer;
let dir: string;
let double: Server;
let doubleUrl: string;
const filed: unknown[] = [];

function capture(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (x) => out.push(x), stderr: (x) => err.push(x) };
}

beforeAll(async () => {
  s = await auditedServer({ tps: 1 });
  dir = mkdtempSync(join(tmpdir(), 'saksi-audit-cli-'));
  // Contract double of POST /v1/audit/reports; everything else goes to the real server.
  double = createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/v1/audit/reports') {
      let body = '';
      for await (const chunk of req) body += chunk;
      if (req.headers.authorization !== 'Bearer auditor-token') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{}}');
        return;
      }
      filed.push(JSON.parse(body));
      res.writeHead(201, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          reportId: `audit-${filed.length}`,
          entry: { index: 1234, leafHash: 'a'.repeat(64) },
        }),
      );
      return;
    }
    const r = await fetch(`${s.server.url}${req.url}`);
    const headers = Object.fromEntries(
      [...r.headers].filter(
        ([k]) => !['content-length', 'content-encoding', 'transfer-encoding'].includes(k),
      ),
    );
    res.writeHead(r.status, headers);
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => double.listen(0, '127.0.0.1', r));
  doubleUrl = `http://127.0.0.1:${(double.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise((r) => double?.close(r));
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('saksi audit', () => {
  it('writes report.json and report.html and exits 0 when no control failed', async () => {
    const out = join(dir, 'plain');
    const io = capture();
    const code = await main(
      ['audit', '--url', s.server.url, '--out', out, '--key', s.server.runtime.verifierKey],
      io,
    );
    expect(code, io.out.join('\n') + io.err.join('\n')).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as AuditReport;
    expect(report.format).toBe('saksi-audit-report/1');
    expect(report.summary.passed).toBe(true);
    expect(report.controls.find((c) => c.id === 'log-integrity')?.status).toBe('pass');
    expect(report.target.size).toBeGreaterThan(10);
    expect(report.filing).toBeUndefined();
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/Integritas log/);
    expect(html).toMatch(/Log integrity/);
    expect(html).toMatch(/<svg/);
    expect(html).not.toMatch(/<script|src=|href="http/);
    expect(io.out.join('\n')).toMatch(/^PASSED: /m);
  });

  it('with --token, files the report and cites the entry; the digest checks out', async () => {
    const out = join(dir, 'filed');
    const io = capture();
    const code = await main(
      [
        'audit',
        '--url',
        doubleUrl,
        '--out',
        out,
        '--key',
        s.server.runtime.verifierKey,
        '--token',
        'auditor-token',
        '--stage',
        'pemungutan-suara',
      ],
      io,
    );
    expect(code, io.err.join('\n')).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as AuditReport;
    expect(report.filing?.entry).toEqual({ index: 1234, leafHash: 'a'.repeat(64) });
    const { filing: _, ...body } = report;
    const digest = createHash('sha256').update(canonicalBytes(body)).digest('hex');
    expect(report.filing?.reportSha256).toBe(digest);
    expect(reportSha256(report)).toBe(digest);
    const sent = filed.at(-1) as Record<string, unknown>;
    expect(sent).toMatchObject({ kind: 'audit', reportSha256: digest, stage: 'pemungutan-suara' });
    expect(sent.generatedAt).toBe(report.generatedAt);
    expect(sent.controls).toEqual(
      report.controls.map((c) => ({
        id: c.id,
        status: c.status,
        severity: c.severity,
        summary: c.summary,
      })),
    );
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/entri \/ entry 1234/);
  });

  it('exits 1 and writes the unfiled report when filing is refused', async () => {
    const out = join(dir, 'refused');
    const io = capture();
    const code = await main(
      [
        'audit',
        '--url',
        doubleUrl,
        '--out',
        out,
        '--token',
        'wrong',
        '--key',
        s.server.runtime.verifierKey,
      ],
      io,
    );
    expect(code).toBe(1);
    expect(io.err.join('\n')).toMatch(/not filed \[REFUSED\] .*HTTP 401/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as AuditReport;
    expect(report.filing).toBeUndefined();
  });

  it('exits 1 when a control fails (a key that did not sign the log)', async () => {
    const io = capture();
    const code = await main(
      [
        'audit',
        '--url',
        s.server.url,
        '--out',
        join(dir, 'failed'),
        '--key',
        'audit.test/log+00000000+AQ8fLz9PX29/j5+vv8/f7/8PHy8/T19vf4+fr7/P3+/w==',
      ],
      io,
    );
    expect(code).toBe(1);
    expect(io.out.join('\n')).toMatch(/^✗ log-integrity/m);
    expect(io.out.join('\n')).toMatch(/^FAILED: /m);
  });

  it.each([
    [['audit'], /--url is required/],
    [['audit', '--url', 'ftp://x'], /not an http or https URL/],
    [['audit', '--url', 'http://x', '--stage', 'Bad Stage'], /--stage must be/],
    [['audit', '--url', 'http://x', '--bogus', '1'], /bogus/],
  ])('refuses bad usage %j with exit 2', async (args, message) => {
    const io = capture();
    expect(await main(args as string[], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(message);
  });
});
