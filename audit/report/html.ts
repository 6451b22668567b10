/**
 * report.html (issue #13 "Evidence"): one self-contained page — no script, no
 * external style, font or image — that a commissioner can read offline: the
 * verdict and a summary table first, then each control with its findings and
 * evidence. Every heading is in Indonesian and English. Charts are inline SVG.
 * Everything taken from the report is escaped: findings quote what the audited
 * server and database hold, which an attacker may control.
 */
import type { ControlResult, ControlStatus } from '../types.ts';
import { type AuditReport, reportSha256 } from './json.ts';

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STATUS: Record<ControlStatus, { id: string; en: string; color: string }> = {
  pass: { id: 'LULUS', en: 'PASS', color: '#1a7f37' },
  fail: { id: 'GAGAL', en: 'FAIL', color: '#cf222e' },
  skip: { id: 'DILEWATI', en: 'SKIPPED', color: '#6e7781' },
};

const SEVERITY: Record<string, string> = {
  low: 'rendah / low',
  medium: 'sedang / medium',
  high: 'tinggi / high',
  critical: 'kritis / critical',
};

export function reportHtml(report: AuditReport): string {
  const s = report.summary;
  const verdict = s.passed
    ? 'Tidak ada kontrol yang gagal / No control failed'
    : `${s.fail} kontrol gagal / ${s.fail} control(s) failed`;
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan audit internal Saksi / Saksi internal audit report</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1f2328}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}
.badge{color:#fff;padding:.1em .5em;border-radius:.3em;font-weight:600;white-space:nowrap}
.verdict{font-size:1.3em;padding:.6em 1em;border-radius:.4em;color:#fff}
code,pre{font:13px ui-monospace,monospace;word-break:break-all;white-space:pre-wrap}
.en{color:#57606a}
</style></head><body>
<h1>Laporan audit internal <span class="en">/ Internal audit report</span></h1>
<p class="verdict" style="background:${s.passed ? STATUS.pass.color : STATUS.fail.color}">${esc(verdict)}</p>
${facts(report)}
<h2>Ringkasan <span class="en">/ Summary</span></h2>
${statusChart(report.controls)}
${summaryTable(report.controls)}
<h2>Waktu per kontrol <span class="en">/ Time per control</span></h2>
${timingChart(report.controls)}
${report.controls.map(controlSection).join('\n')}
<h2>Cara memeriksa laporan ini <span class="en">/ How to check this report</span></h2>
<p>SHA-256 laporan adalah hash JSON kanonik (RFC 8785) dari report.json tanpa anggota <code>filing</code>.
<span class="en">The report's SHA-256 is the hash of report.json's RFC 8785 canonical JSON without its <code>filing</code> member;
that digest is the one appended to the log.</span></p>
</body></html>
`;
}

function facts(r: AuditReport): string {
  const rows: [string, string][] = [
    ['Dibuat / Generated', r.generatedAt],
    ['Jenis / Kind', r.kind],
    ...(r.stage ? [['Tahapan / Stage', r.stage] as [string, string]] : []),
    ['Server', r.target.baseUrl],
    ...(r.target.size !== undefined
      ? [
          ['Log', `${r.target.origin} — ${r.target.size} entri / entries`] as [string, string],
          ['Root', r.target.rootHash ?? ''] as [string, string],
        ]
      : []),
    ['SHA-256', reportSha256(r)],
    [
      'Dicatat di log / Filed in the log',
      r.filing
        ? `${r.filing.reportId}: entri / entry ${r.filing.entry.index} (${r.filing.entry.leafHash})`
        : 'belum / not filed',
    ],
  ];
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join('')}</table>`;
}

function badge(status: ControlStatus): string {
  const b = STATUS[status];
  return `<span class="badge" style="background:${b.color}">${b.id} / ${b.en}</span>`;
}

function summaryTable(controls: ControlResult[]): string {
  const rows = controls
    .map(
      (c, i) =>
        `<tr><td>${i + 1}</td><td><a href="#${esc(c.id)}">${esc(c.title.id)}</a><br><span class="en">${esc(c.title.en)}</span></td><td>${badge(c.status)}</td><td>${esc(SEVERITY[c.severity])}</td><td>${esc(c.summary)}</td></tr>`,
    )
    .join('');
  return `<table><tr><th>#</th><th>Kontrol / Control</th><th>Hasil / Result</th><th>Tingkat / Severity</th><th>Keterangan / Summary</th></tr>${rows}</table>`;
}

function controlSection(c: ControlResult): string {
  const findings = c.findings.length
    ? `<h3>Temuan <span class="en">/ Findings</span> (${c.findings.length})</h3><table><tr><th>Kode / Code</th><th>Catatan / Record</th><th>Keterangan / Detail</th></tr>${c.findings
        .slice(0, 200)
        .map(
          (f) =>
            `<tr><td><code>${esc(f.code)}</code></td><td><code>${esc(f.record ?? '')}</code></td><td>${esc(f.message)}</td></tr>`,
        )
        .join(
          '',
        )}</table>${c.findings.length > 200 ? `<p>… ${c.findings.length - 200} lagi di report.json / more in report.json</p>` : ''}`
    : '';
  return `<h2 id="${esc(c.id)}">${esc(c.title.id)} <span class="en">/ ${esc(c.title.en)}</span></h2>
<p>${badge(c.status)} ${esc(SEVERITY[c.severity])} · ${c.ms} ms</p>
<p>${esc(c.summary)}</p>
${findings}
<h3>Bukti <span class="en">/ Evidence</span></h3>
<pre>${esc(JSON.stringify(c.evidence, null, 2).slice(0, 20_000))}</pre>`;
}

/** One horizontal bar split by status: how many controls passed, failed, were skipped. */
function statusChart(controls: ControlResult[]): string {
  const total = Math.max(1, controls.length);
  let x = 0;
  const parts = (['pass', 'fail', 'skip'] as const)
    .map((s) => {
      const n = controls.filter((c) => c.status === s).length;
      if (n === 0) return '';
      const w = (n / total) * 600;
      const rect = `<rect x="${x}" y="0" width="${w}" height="28" fill="${STATUS[s].color}"/><text x="${x + 6}" y="19" fill="#fff" font-size="13">${n} ${STATUS[s].id} / ${STATUS[s].en}</text>`;
      x += w;
      return rect;
    })
    .join('');
  return `<svg role="img" aria-label="controls by result" width="600" height="28" viewBox="0 0 600 28">${parts}</svg>`;
}

/** Bars of each control's running time, coloured by its result. */
function timingChart(controls: ControlResult[]): string {
  const max = Math.max(1, ...controls.map((c) => c.ms));
  const h = 22;
  const bars = controls
    .map((c, i) => {
      const w = Math.max(2, (c.ms / max) * 380);
      return `<text x="0" y="${i * h + 15}" font-size="12">${esc(c.id)}</text><rect x="170" y="${i * h + 3}" width="${w}" height="${h - 6}" fill="${STATUS[c.status].color}"/><text x="${176 + w}" y="${i * h + 15}" font-size="12">${c.ms} ms</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="time per control" width="640" height="${controls.length * h}" viewBox="0 0 640 ${controls.length * h}">${bars}</svg>`;
}
